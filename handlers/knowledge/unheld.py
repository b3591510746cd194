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

from content.normalize import PAPI
from handlers.core.messages import Reply

_ASK_ONE = "Bạn hãy hỏi UBND xã, phường hoặc xem thông báo chính thức của tỉnh."
# a question about what must be posted, a duty or a rule: "tên xã mới phải công khai bao lâu", "xã có phải công
# khai giờ tiếp dân không", "bầu trưởng thôn có phải họp dân" are answered, not declined
_DUTY = r"\b(?:cong khai|niem yet|phai|quy dinh|trach nhiem|nhiem vu|thoi han|ket qua|papi|bot|tro ly|luu)\b"
_NEAR = r"(?: \w+){0,3} "  # the request within three words of its subject


@dataclass(frozen=True)
class Unheld:
    asks: re.Pattern[str]
    text: str
    unless: re.Pattern[str] = re.compile(_DUTY)


UNHELD = (
    Unheld(  # "nhập với xã nào", "tên xã mới là gì", "trụ sở xã mới ở đâu"
        re.compile(r"\b(?:sap nhap|nhap|hop nhat) (?:voi|vao|thanh)(?: \w+){0,3} (?:xa|phuong) nao\b"
                   r"|\b(?:ten (?:cua )?(?:xa|phuong) moi|(?:xa|phuong) moi ten) (?:la gi|la|gi)\b"
                   r"|\b(?:xa|phuong) moi (?:la gi|co ten)\b"
                   r"|\btru so (?:cua )?(?:xa|phuong) moi (?:o|dat o|nam o) (?:dau|cho nao)\b"),
        "Trợ lý chưa có danh sách sắp xếp từng xã, phường năm 2025 (xã cũ nhập vào xã nào, tên và trụ sở của xã "
        f"mới). {_ASK_ONE}\nTrợ lý có: 34 tỉnh, thành phố từ 1/7/2025 và các tỉnh cũ đã nhập vào mỗi tỉnh (gõ /diem "
        "kèm tên tỉnh).",
    ),
    Unheld(  # "mấy giờ mở cửa", "làm việc đến mấy giờ", "UBND xã có làm việc thứ 7 không"; not "mấy giờ làm việc"
        re.compile(rf"\b(?:may gio|gio nao){_NEAR}?(?:mo cua|dong cua|tiep dan|tiep cong dan)\b"
                   rf"|\b(?:mo cua|dong cua|tiep dan|tiep cong dan|(?<!ngay )lam viec){_NEAR}?(?:may gio|gio nao)\b"
                   r"|\b(?:ubnd|uy ban|xa|phuong|bo phan|trung tam|so)(?: \w+){0,3} lam viec (?:ca |vao )?"
                   r"(?:thu 7|thu bay|chu nhat|cuoi tuan)\b"),
        "Trợ lý không có giờ làm việc hay lịch tiếp dân của từng cơ quan. Bạn hãy xem bảng thông báo tại trụ sở, "
        "trang thông tin điện tử của cơ quan đó, hoặc hỏi Bộ phận Một cửa UBND xã, phường.",
    ),
    Unheld(  # "chủ tịch UBND tỉnh Khánh Hòa hiện nay là ai", "ai đang làm bí thư"; not "ai là chủ tịch phải ký"
        re.compile(r"^(?:ong |ba )?(?:pho )?(?:chu tich|bi thu|giam doc|truong phong|truong thon|truong ap"
                   r"|to truong|chanh van phong)\b.*\b(?:hien nay|hien tai|bay gio|duong nhiem)\b.*"
                   r"\b(?:la ai|ten ai|ho ten)\b"
                   r"|\bai (?:dang )?(?:la|lam|giu chuc) (?:pho )?(?:chu tich|bi thu|giam doc)\b"),
        "Trợ lý không có tên những người đang giữ chức vụ (chủ tịch, bí thư, giám đốc…). Bạn hãy xem trang thông "
        "tin điện tử của tỉnh, xã, phường hoặc hỏi UBND xã, phường.",
        re.compile(rf"{_DUTY}|\b(?:chu tri|phu trach|ky|chiu)\b"),
    ),
    Unheld(  # "bầu cử HĐND khóa mới ngày nào", "bao giờ bầu lại trưởng thôn"; not "chất lượng bầu cử"
        re.compile(r"\b(?<!chat luong )(?:bau cu|bau lai|ngay bau|dai hoi dang|dai hoi dai bieu)\b.* "
                   r"(?:ngay nao|ngay may|bao gio|khi nao|thang may|thang nao|nam nao)\b"
                   r"|\b(?:bao gio|khi nao|ngay nao|ngay may) (?:thi )?(?:bau cu|bau lai)\b"),
        f"Trợ lý không có lịch bầu cử (đại biểu Quốc hội, HĐND, trưởng thôn) hay lịch đại hội. {_ASK_ONE}",
        re.compile(rf"{_DUTY}|\b(?:hop dan|the nao|ra sao)\b"),
    ),
    Unheld(  # "địa chỉ UBND xã … ở đâu", "số điện thoại một cửa là bao nhiêu"; not "phải công khai số điện thoại"
        re.compile(r"\bdia chi (?:cua )?(?:ubnd|uy ban|tru so|so|phong|trung tam|bo phan|xa|phuong|huyen|tinh)\b"
                   r"(?: \w+){0,6} (?:o dau|cho nao|nam o)\b"
                   r"|\b(?:so dien thoai|sdt|hotline|so hotline)\b(?: \w+){0,6} (?:bao nhieu|so may|la so nao)\b"),
        "Trợ lý không có địa chỉ hay số điện thoại của từng cơ quan. Bạn hãy xem trang thông tin điện tử của xã, "
        "phường, của tỉnh hoặc bảng thông báo tại trụ sở.",
    ),
    Unheld(  # everyday subjects that are never about governance, unless PAPI is named with them
        re.compile(r"\b(?:bong da|ngoai hang|world cup|v league|xo so|gia vang|ty gia|chung khoan|gia co phieu"
                   r"|co phieu (?:nao|tang|giam|ngan hang)|vn index|iq|bmi|duong huyet|huyet ap|nau mon"
                   r"|cong thuc nau|mon an|thoi tiet|nguoi yeu (?:cu|toi|em|anh|minh)|co nguoi yeu|hen ho(?! so)"
                   r"|quan tri kinh doanh|diem tin dung|tai khoan game)\b"),
        "Câu này nằm ngoài những gì Trợ lý PAPI biết. Trợ lý trả lời về chỉ số PAPI và điểm của các tỉnh, những "
        "việc xã phải công khai, kế hoạch PAPI của tỉnh và cách dùng trợ lý (gõ /help).",
        PAPI,
    ),
)


def declined(norm: str) -> Reply | None:
    """The decline of a question asking for a kind of fact the knowledge base never holds, else None."""
    found = next((u for u in UNHELD if u.asks.search(norm) and not u.unless.search(norm)), None)
    return Reply(found.text, kind="decline") if found else None
