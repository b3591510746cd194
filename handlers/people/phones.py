"""Vietnamese phone numbers as people write them (`0912 345 678`, `+84 912.345.678`, `84912345678`, a number
Excel stored without its leading 0) in one form, E.164 (`+84912345678`), so each is stored once."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()/]+")
_MOBILE_FIRST = "35789"  # 03x, 05x, 07x, 08x, 09x: the mobile ranges since the 2018 renumbering


class BadPhone(ValueError):
    """The text is not a Vietnamese mobile or landline number; the message says what is expected."""


def normalize_phone(text: str) -> str:
    """'0912 345 678', '+84 912.345.678', '84912345678', '912345678' → '+84912345678'; a landline
    '0213 3876 543' → '+842133876543'. Anything else: BadPhone."""
    digits = _SEPARATORS.sub("", text.strip())
    if not digits:
        raise BadPhone("ô trống: cần số điện thoại.")
    if digits.startswith("+"):
        if not digits.startswith("+84"):
            raise BadPhone(f"«{text.strip()[:30]}» không phải số Việt Nam (+84…).")
        national = digits[3:]
    elif digits.startswith("0084"):
        national = digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        national = digits[2:]
    else:
        national = digits
    if not national.isdigit():
        raise BadPhone(f"«{text.strip()[:30]}» có ký tự không phải chữ số.")
    national = national.removeprefix("0")  # '0912…', and the '+84 0912…' people also write
    if (len(national) == 9 and national[0] in _MOBILE_FIRST) or (len(national) == 10 and national[0] == "2"):
        return f"+84{national}"
    raise BadPhone(f"«{text.strip()[:30]}» không phải số điện thoại hợp lệ: di động 10 chữ số (09…, 03…, 08…), "
                   "máy bàn 11 chữ số (02…), có thể viết +84.")


def shown(phone: str) -> str:
    """'+84912345678' as a person reads it: '0912 345 678'."""
    national = "0" + phone.removeprefix("+84")
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:4]} {national[4:8]} {national[8:]}"
