"""The columns of a list of officials as people name them, and one row of it checked (pydantic): a name, a phone
number in E.164, a role the bot knows, the place names, and the Zalo or Telegram id where the list has one."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from content.normalize import normalize
from handlers.core.commands import ROLE_NAMES
from handlers.invitations.directory import COMMUNE_MAX, UNIT_MAX, BadName, checked
from handlers.org.importer import is_commune, is_province, is_unit
from handlers.people.phones import BadPhone, normalize_phone

NAME_MAX = 100


def _words(header: str) -> str:
    return f" {normalize(header)} "


def is_name(header: str) -> bool:
    """'Họ tên', 'Họ và tên', 'HO TEN', 'Tên cán bộ', 'Cán bộ'; not 'Tên xã', 'Tên đơn vị'."""
    text = _words(header)
    named = any(f" {w} " in text for w in ("ho ten", "ho va ten", "ten can bo", "can bo", "nguoi")) \
        or text.strip() == "ten"
    return named and not is_role(header) and not is_phone(header)


def is_phone(header: str) -> bool:
    """'Điện thoại', 'Số điện thoại', 'SĐT', 'ĐT di động', 'Di động', 'Phone'."""
    text = _words(header)
    return any(f" {w} " in text for w in ("dien thoai", "sdt", "so dt", "dt", "di dong", "phone", "mobile"))


def is_role(header: str) -> bool:
    """'Vai trò', 'Quyền', 'Vai trò trên bot'; not 'Chức vụ' (a job title: Phó Chủ tịch, Công chức Tư pháp…)."""
    text = _words(header)
    return any(f" {w} " in text for w in ("vai tro", "quyen", "role"))


def is_zalo(header: str) -> bool:
    return " zalo " in _words(header)


def is_telegram(header: str) -> bool:
    return " telegram " in _words(header)


FIELDS = {"họ tên": is_name, "điện thoại": is_phone, "tỉnh": is_province, "xã": is_commune, "đơn vị": is_unit,
          "vai trò": is_role}
OPTIONAL = {"zalo": is_zalo, "telegram": is_telegram}
KEYS = {"name": "họ tên", "phone": "điện thoại", "province": "tỉnh", "commune": "xã", "unit": "đơn vị",
        "role": "vai trò", "zalo": "zalo", "telegram": "telegram"}
_ROLE_WORDS = (  # checked in order: "lãnh đạo" before "cán bộ", as in "cán bộ lãnh đạo"
    ("admin", ("quan tri", "admin", "so noi vu", "phong noi vu")),
    ("leader", ("lanh dao", "leader", "chu tich", "bi thu")),
    ("official", ("can bo", "cong chuc", "official", "chuyen vien", "nhan vien", "vien chuc")),
)


def role_of(typed: str) -> str:
    """'cán bộ', 'Công chức', 'lãnh đạo xã', 'Quản trị (Sở Nội vụ)', 'leader' → official, leader, admin."""
    text = _words(typed)
    for role, words in _ROLE_WORDS:
        if any(f" {w} " in text for w in words):
            return role
    raise ValueError(f"không hiểu vai trò «{typed.strip()[:40]}»; ghi «cán bộ» ({ROLE_NAMES['official']}), "
                     f"«lãnh đạo» ({ROLE_NAMES['leader']}) hoặc «quản trị» ({ROLE_NAMES['admin']}).")


class Row(BaseModel):
    """One official as the list gives them. Place names may be empty for an admin (a Sở covers the province)."""

    model_config = ConfigDict(frozen=True)
    name: str
    phone: str
    province: str
    commune: str
    unit: str
    role: str
    zalo: str | None = None
    telegram: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("ô trống: cần họ tên.")
        return _checked(value, "người", NAME_MAX)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        try:
            return normalize_phone(value)
        except BadPhone as bad:
            raise ValueError(str(bad)) from None

    @field_validator("province")
    @classmethod
    def _province(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("ô trống: cần tên tỉnh.")
        return _checked(value, "tỉnh", 60)

    @field_validator("commune", "unit")
    @classmethod
    def _place(cls, value: str, info: ValidationInfo) -> str:
        what, limit = ("xã", COMMUNE_MAX) if info.field_name == "commune" else ("đơn vị", UNIT_MAX)
        return _checked(value, what, limit) if value.strip() else ""

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("ô trống: cần vai trò (cán bộ, lãnh đạo hoặc quản trị).")
        return role_of(value)

    @field_validator("zalo", "telegram")
    @classmethod
    def _identity(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if info.field_name == "telegram" and not value.isdigit():
            raise ValueError(f"«{value[:30]}» không phải mã người dùng Telegram (một dãy chữ số, không phải @tên).")
        if len(value) > 64 or not value.isalnum():
            raise ValueError(f"«{value[:30]}» không phải mã người dùng Zalo (chữ và số, tối đa 64 ký tự).")
        return value


def _checked(value: str, what: str, limit: int) -> str:
    try:
        return checked(value, what, limit)
    except BadName as bad:
        raise ValueError(str(bad)) from None
