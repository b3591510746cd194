"""Kinds of fact the knowledge base never holds, declined plainly rather than answered by the nearest entry: what
became of one commune in the 2025 arrangement (its new name or seat), an office's opening hours, who holds an
office now, the date of an election or a party congress, an office's address or phone number; and everyday
subjects that are never about governance (football, gold prices, the weather, an IQ), which would otherwise meet an
entry on a shared word ("bảng xếp hạng Ngoại hạng Anh" and "PAPI có xếp hạng không"). Each is recognised by the
request and its subject side by side, not by a subject alone: "sáp nhập tỉnh rồi thì xã nào được khảo sát",
"ngày làm việc" in a deadline, "chủ tịch UBND xã chịu trách nhiệm gì", "chất lượng bầu cử" and "xã có phải công
khai số điện thoại đường dây nóng" are questions the knowledge base answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.core.messages import Reply

_ASK_ONE = "Bạn hãy hỏi UBND xã, phường hoặc xem thông báo chính thức của tỉnh."


@dataclass(frozen=True)
class Unheld:
    asks: re.Pattern[str]
    text: str


UNHELD = (
    Unheld(  # "nhập với xã nào", "tên xã mới", "trụ sở xã mới ở đâu"
        re.compile(r"\b(?:sap nhap|nhap|hop nhat) (?:voi|vao|thanh)(?: \w+){0,3} (?:xa|phuong) nao\b"
                   r"|\bten (?:cua )?(?:xa|phuong) moi\b|\b(?:xa|phuong) moi (?:ten (?:la )?gi|la gi|co ten)\b"
                   r"|\btru so (?:cua )?(?:xa|phuong) moi (?:o|dat o|nam o) (?:dau|cho nao)\b"),
        "Trợ lý chưa có danh sách sắp xếp từng xã, phường năm 2025 (xã cũ nhập vào xã nào, tên và trụ sở của xã "
        f"mới). {_ASK_ONE}\nTrợ lý có: 34 tỉnh, thành phố từ 1/7/2025 và các tỉnh cũ đã nhập vào mỗi tỉnh (gõ /diem "
        "kèm tên tỉnh).",
    ),
    Unheld(  # "mấy giờ mở cửa", "giờ làm việc", "có làm việc thứ 7 không"
        re.compile(r"\b(?:may gio|gio nao)\b.*\b(?:mo cua|dong cua|lam viec|tiep dan|tiep cong dan)\b"
                   r"|\b(?:mo cua|dong cua|lam viec|tiep dan|tiep cong dan)\b.*\b(?:may gio|gio nao)\b"
                   r"|\bgio (?:lam viec|mo cua|tiep dan|tiep cong dan)\b"
                   r"|\blam viec (?:ca |vao )?(?:thu 7|thu bay|chu nhat|cuoi tuan)\b"),
        "Trợ lý không có giờ làm việc hay lịch tiếp dân của từng cơ quan. Bạn hãy xem bảng thông báo tại trụ sở, "
        "trang thông tin điện tử của cơ quan đó, hoặc hỏi Bộ phận Một cửa UBND xã, phường.",
    ),
    Unheld(  # "chủ tịch UBND tỉnh Khánh Hòa hiện nay là ai"; not "chủ tịch xã chịu trách nhiệm gì", "ai chủ trì"
        re.compile(r"^(?:ong |ba )?(?:pho )?(?:chu tich|bi thu|giam doc|truong phong|truong thon|truong ap"
                   r"|to truong|chanh van phong)\b(?:(?! chu tri| phu trach| trach nhiem| nhiem vu| ky).)*"
                   r"\b(?:hien nay|hien tai|bay gio|duong nhiem|ten)\b.*\b(?:la ai|ten (?:la )?gi|ten ai)\b"
                   r"|\bai (?:dang )?(?:la|lam|giu chuc) (?:pho )?(?:chu tich|bi thu|giam doc)\b"
                   r"(?!.* (?:chu tri|phu trach))"),
        "Trợ lý không có tên những người đang giữ chức vụ (chủ tịch, bí thư, giám đốc…). Bạn hãy xem trang thông "
        "tin điện tử của tỉnh, xã, phường hoặc hỏi UBND xã, phường.",
    ),
    Unheld(  # "bầu cử HĐND khóa mới ngày nào", "bao giờ bầu lại trưởng thôn"; not "chất lượng bầu cử"
        re.compile(r"\b(?<!chat luong )(?:bau cu|bau lai|ngay bau|dai hoi dang|dai hoi dai bieu)\b.*"
                   r"\b(?:ngay nao|ngay may|bao gio|khi nao|luc nao|thang may|thang nao|nam nao|dien ra)\b"
                   r"|\b(?:bao gio|khi nao|ngay nao|ngay may) (?:thi )?(?:bau cu|bau lai|bau truong)\b"),
        f"Trợ lý không có lịch bầu cử (đại biểu Quốc hội, HĐND, trưởng thôn) hay lịch đại hội. {_ASK_ONE}",
    ),
    Unheld(  # "địa chỉ UBND xã … ở đâu", "số điện thoại đường dây nóng là bao nhiêu"; not "phải công khai số…"
        re.compile(r"\bdia chi (?:cua )?(?:ubnd|uy ban|tru so|so|phong|trung tam|bo phan|xa|phuong|huyen|tinh)\b"
                   r".*\b(?:o dau|la gi|cho nao|nam o|o cho nao)\b"
                   r"|\b(?:so dien thoai|sdt|hotline|so hotline)\b.*\b(?:bao nhieu|la gi|so may|la so nao)\b"),
        "Trợ lý không có địa chỉ hay số điện thoại của từng cơ quan. Bạn hãy xem trang thông tin điện tử của xã, "
        "phường, của tỉnh hoặc bảng thông báo tại trụ sở.",
    ),
    Unheld(  # everyday subjects that are never about governance, unless PAPI is named with them
        re.compile(r"^(?!.*\bpapi\b).*\b(?:bong da|ngoai hang|world cup|v league|xo so|gia vang|ty gia"
                   r"|chung khoan|co phieu|vn index|iq|bmi|duong huyet|huyet ap|nau mon|cong thuc nau|mon an"
                   r"|thoi tiet|nguoi yeu|hen ho|quan tri kinh doanh|quan tri website|diem tin dung|tai khoan game"
                   r"|bi khoa tai khoan|bi hack|quen mat khau)\b"),
        "Câu này nằm ngoài những gì Trợ lý PAPI biết. Trợ lý trả lời về chỉ số PAPI và điểm của các tỉnh, những "
        "việc xã phải công khai, kế hoạch PAPI của tỉnh và cách dùng trợ lý (gõ /help).",
    ),
)


def declined(norm: str) -> Reply | None:
    """The decline of a question asking for a kind of fact the knowledge base never holds, else None."""
    found = next((u for u in UNHELD if u.asks.search(norm)), None)
    return Reply(found.text, kind="decline") if found else None
