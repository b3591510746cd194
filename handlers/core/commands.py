"""The commands people can type: Vietnamese descriptions for menus and /help, and who may run each.

The router checks `Command.allows` before a command runs, and the flow engine checks it again at every step
of a guided conversation, so a right revoked mid-conversation stops it at the next message.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.people import Person

EVERYONE = frozenset({"citizen", "official", "leader", "admin"})
OFFICIALS = frozenset({"official", "leader"})
ADMINS = frozenset({"admin"})
STAFF = OFFICIALS | ADMINS
WEB_SIGN_IN = frozenset({"leader", "admin"})  # the admin pages: a leader sees their commune, an admin their province
ROLE_NAMES = {"official": "cán bộ, công chức", "leader": "lãnh đạo xã", "admin": "quản trị (Sở/Phòng Nội vụ)"}

NOT_ADMIN = "Chức năng này chỉ dành cho cán bộ Sở Nội vụ, Phòng Nội vụ đã được cấp quyền."
NOT_OFFICIAL = "Bạn chưa đăng ký là cán bộ của đơn vị nào. Hãy gõ /dangky kèm mã mời."


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    roles: frozenset[str] = EVERYONE
    private: bool = False  # needs a private chat (personal data or a guided conversation)
    denied: str = ""  # what someone without the role is told; by default the message for the roles

    def allows(self, person: Person) -> bool:
        """Officials need a unit, admins a province (or a listing in ADMIN_IDS: `Person.everywhere`)."""
        if person.role not in self.roles:
            return False
        if person.role in OFFICIALS and self.roles != EVERYONE:
            return person.unit_id is not None
        if person.role == "admin" and self.roles != EVERYONE:
            return person.province is not None or person.everywhere
        return True

    @property
    def refusal(self) -> str:
        return self.denied or (NOT_ADMIN if self.roles == ADMINS else NOT_OFFICIAL)


COMMANDS: tuple[Command, ...] = (
    Command("start", "Bắt đầu và xem menu"),
    Command("help", "Hướng dẫn sử dụng"),
    Command("chiso", "Các chỉ số nội dung PAPI"),
    Command("congkhai", "Những gì xã phải công khai"),
    Command("kehoach", "Kế hoạch nâng cao PAPI và mục tiêu"),
    Command("diem", "Điểm PAPI của các tỉnh"),
    Command("dangky", "Đăng ký cán bộ bằng mã mời", private=True),
    Command("nhiemvu", "Nhiệm vụ của đơn vị tôi", OFFICIALS, private=True),
    Command("baocao", "Báo cáo tiến độ nhiệm vụ", OFFICIALS, private=True, denied=(
        "Chỉ cán bộ, công chức đã đăng ký mới báo cáo được. Nếu bạn là cán bộ xã, hãy gõ /dangky kèm mã "
        "mời do Sở Nội vụ hoặc UBND xã cấp.")),
    Command("nhacnho", "Nhắc việc sắp tới; bật, tắt nhắc việc", OFFICIALS, private=True,
            denied="Nhắc việc dành cho cán bộ đã đăng ký. Hãy gõ /dangky kèm mã mời."),
    # everyone: a new identity redeems a code here; asking for one is for registered people (linking/)
    Command("lienket", "Liên kết tài khoản Telegram và Zalo của bạn", private=True),
    Command("kenh", "Chọn kênh nhận nhắc việc, thông báo", private=True),
    Command("tiendo", "Tình hình báo cáo các xã", ADMINS, private=True),
    Command("thongbao", "Gửi thông báo đến cán bộ, người dân", ADMINS, private=True),
    Command("moi", "Cấp mã mời cho cán bộ", ADMINS, private=True),
    Command("nguoidung", "Danh sách người đã đăng ký", ADMINS, private=True),
    Command("thuhoi", "Thu hồi quyền của một người", ADMINS, private=True),
    Command("xuat", "Xuất báo cáo tiến độ ra Excel", ADMINS, private=True),
    Command("nhapkehoach", "Nhập kế hoạch của tỉnh từ tệp Excel hoặc Word", ADMINS, private=True),
    Command("web", "Đăng nhập trang quản trị trên máy tính", WEB_SIGN_IN, private=True, denied=(
        "Trang quản trị chỉ dành cho lãnh đạo xã và cán bộ Sở Nội vụ, Phòng Nội vụ đã được cấp quyền.")),
    Command("huy", "Hủy thao tác đang làm"),
)
BY_NAME = {c.name: c for c in COMMANDS}
# shown in /help for the registered: /lienket and /kenh matter to staff, not to citizens
_STAFF_ONLY_IN_HELP = frozenset({"lienket", "kenh"})


def for_role(role: str) -> list[Command]:
    return [c for c in COMMANDS if role in c.roles and (role in STAFF or c.name not in _STAFF_ONLY_IN_HELP)]


def parse(text: str) -> tuple[str, str] | None:
    """'/chiso@PapiBot 5' -> ('chiso', '5'); None when the text is not a command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return (name, rest.strip()) if name else None
