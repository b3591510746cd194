"""The commands people can type, with the Vietnamese descriptions shown in menus and in /help."""

from __future__ import annotations

from dataclasses import dataclass

EVERYONE = frozenset({"citizen", "official", "leader", "admin"})
OFFICIALS = frozenset({"official", "leader"})
ADMINS = frozenset({"admin"})
STAFF = OFFICIALS | ADMINS


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    roles: frozenset[str] = EVERYONE
    private: bool = False  # needs a private chat (personal data or a guided conversation)


COMMANDS: tuple[Command, ...] = (
    Command("start", "Bắt đầu và xem menu"),
    Command("help", "Hướng dẫn sử dụng"),
    Command("chiso", "Các chỉ số nội dung PAPI"),
    Command("congkhai", "Những gì xã phải công khai"),
    Command("kehoach", "Kế hoạch nâng cao PAPI và mục tiêu"),
    Command("diem", "Điểm PAPI của các tỉnh"),
    Command("dangky", "Đăng ký cán bộ bằng mã mời", private=True),
    Command("nhiemvu", "Nhiệm vụ của đơn vị tôi", OFFICIALS, private=True),
    Command("baocao", "Báo cáo tiến độ nhiệm vụ", OFFICIALS, private=True),
    Command("nhacnho", "Nhắc việc sắp tới; bật, tắt nhắc việc", OFFICIALS, private=True),
    Command("lienket", "Liên kết tài khoản Telegram và Zalo của bạn", STAFF, private=True),
    Command("kenh", "Chọn kênh nhận nhắc việc, thông báo", STAFF, private=True),
    Command("tiendo", "Tình hình báo cáo các xã", ADMINS, private=True),
    Command("thongbao", "Gửi thông báo đến cán bộ, người dân", ADMINS, private=True),
    Command("moi", "Cấp mã mời cho cán bộ", ADMINS, private=True),
    Command("nguoidung", "Danh sách người đã đăng ký", ADMINS, private=True),
    Command("thuhoi", "Thu hồi quyền của một người", ADMINS, private=True),
    Command("xuat", "Xuất báo cáo tiến độ ra Excel", ADMINS, private=True),
    Command("huy", "Hủy thao tác đang làm"),
)
BY_NAME = {c.name: c for c in COMMANDS}


def for_role(role: str) -> list[Command]:
    return [c for c in COMMANDS if role in c.roles]


def parse(text: str) -> tuple[str, str] | None:
    """'/chiso@PapiBot 5' -> ('chiso', '5'); None when the text is not a command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return (name, rest.strip()) if name else None
