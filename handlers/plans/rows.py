"""One row of a plan's tables as pydantic reads it: the cells as typed, each turned into what a `Task`, `Target`
or `ReportingRule` holds, or a Vietnamese message saying what the cell should hold. The plan's year reaches the
deadline reader through the validation context (a date written without its year takes it)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from content.models import Deadline
from content.normalize import strip_diacritics
from handlers.plans import deadlines

ALL_COMMUNES = ("tat ca cac xa", "tat ca xa", "toan bo cac xa", "cac xa phuong", "cac xa phuong dac khu",
                "tat ca cac xa phuong", "moi xa", "toan tinh")
_DIMENSIONS_HELP = "ví dụ hợp lệ: «1», «1, 5», «1-8», «tất cả»"


def _flat(text: str) -> str:
    return re.sub(r"[^a-z0-9.\-]+", " ", strip_diacritics(text).lower()).strip()


def units(cell: str) -> list[str]:
    """Units written one per line or separated by ";" (a unit's own name may hold commas)."""
    return [u.strip(" -•+.") for u in re.split(r"[;\n]", cell) if u.strip(" -•+.")]


def _year(info: ValidationInfo) -> int:
    context: dict[str, Any] = info.context or {}
    return int(context.get("year", 2025))


def read_deadline(value: object, info: ValidationInfo) -> Deadline:
    if isinstance(value, Deadline):
        return value
    try:
        return deadlines.parse(str(value), _year(info))
    except deadlines.Unreadable as unreadable:
        raise ValueError(str(unreadable)) from None


class TaskRow(BaseModel):
    model_config = ConfigDict(frozen=True, validate_default=True)

    number: str = ""
    title: str
    detail: str = ""
    dimensions: list[int] | str = ""
    subdimensions: list[str] | str = ""
    lead: list[str] | str
    coordinate: list[str] | str = ""
    deadline: Deadline | str
    product: str = ""
    assign: str = ""
    commune_unit: str = ""

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("trống; hãy ghi nội dung nhiệm vụ")
        return value.strip()

    @field_validator("dimensions", mode="before")
    @classmethod
    def _dimensions(cls, value: object) -> list[int]:
        flat = _flat(str(value))
        if not flat:
            raise ValueError(f"trống; {_DIMENSIONS_HELP}")
        if flat in ("tat ca", "ca 8", "8 chi so", "tat ca 8 chi so", "toan bo"):
            return list(range(1, 9))
        out: list[int] = []
        for part in re.split(r"[ ,;]+", re.sub(r"\s*-\s*|\s+den\s+", "-", flat)):
            span = re.fullmatch(r"d?(\d)(?:\.\d)?(?:-d?(\d)(?:\.\d)?)?", part)
            if not span or not all(1 <= int(g) <= 8 for g in span.groups() if g):
                raise ValueError(f"«{value}» không phải chỉ số nội dung PAPI (từ 1 đến 8); {_DIMENSIONS_HELP}")
            first, last = int(span.group(1)), int(span.group(2) or span.group(1))
            out += [d for d in range(first, last + 1) if d not in out]
        return out  # in the plan's order: "6, 2" names 6 first

    @field_validator("subdimensions", mode="before")
    @classmethod
    def _subdimensions(cls, value: object) -> list[str]:
        found = re.findall(r"\b([1-8]\.[1-5])\b", str(value))
        if str(value).strip() and not found:
            raise ValueError(f"«{value}» không phải nội dung thành phần (dạng 2.2, 5.1)")
        return found

    @field_validator("lead", mode="before")
    @classmethod
    def _lead(cls, value: object) -> list[str]:
        found = units(str(value))
        if not found:
            raise ValueError("trống; hãy ghi cơ quan, đơn vị chủ trì (nhiều đơn vị cách nhau bằng dấu «;»)")
        return found

    @field_validator("coordinate", mode="before")
    @classmethod
    def _coordinate(cls, value: object) -> list[str]:
        return units(str(value))

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, value: object, info: ValidationInfo) -> Deadline:
        return read_deadline(value, info)

    @property
    def every_commune(self) -> bool:
        return _flat(self.assign) in ALL_COMMUNES

    @property
    def communes(self) -> list[str]:
        if not self.assign.strip() or self.every_commune:
            return []
        return [c.strip() for c in re.split(r"[;,\n]", self.assign) if c.strip()]

    def unit_in_commune(self) -> str | None:
        """The commune unit that carries the task out: the column, else a lead named as a commune's
        ("Văn phòng HĐND-UBND xã"), else UBND xã; None when the task is not for communes."""
        if not self.every_commune and not self.communes:
            return None
        if self.commune_unit.strip():
            return self.commune_unit.strip()
        leads = self.lead if isinstance(self.lead, list) else []
        return next((u for u in leads if re.search(r"(?<!thi )\b(xa|phuong)$", _flat(u))), "UBND xã")


class TargetRow(BaseModel):
    model_config = ConfigDict(frozen=True, validate_default=True)

    year: int | str = ""
    dimension: int | str | None = None
    value: float | str | None = None
    min_increase: float | str | None = None
    group: str = ""
    text: str

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: object, info: ValidationInfo) -> int:
        if not str(value).strip():
            return _year(info)
        if not re.fullmatch(r"20\d\d", str(value).strip()):
            raise ValueError(f"«{value}» không phải một năm (ví dụ: 2025)")
        return int(str(value).strip())

    @field_validator("dimension", mode="before")
    @classmethod
    def _dimension(cls, value: object) -> int | None:
        flat = _flat(str(value))
        if flat in ("", "tong", "diem tong", "papi", "tong diem", "chung"):
            return None
        m = re.fullmatch(r"(?:chi so )?d?([1-8])", flat)
        if not m:
            raise ValueError(f"«{value}» không phải chỉ số nội dung; ví dụ hợp lệ: «Tổng», «1», «5»")
        return int(m.group(1))

    @field_validator("value", "min_increase", mode="before")
    @classmethod
    def _number(cls, value: object) -> float | None:
        raw = str(value).strip().replace(",", ".")
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"«{value}» không phải một số điểm (ví dụ: 42,41)") from None

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("trống; hãy chép nguyên văn chỉ tiêu")
        return value.strip()


class ReportRow(BaseModel):
    model_config = ConfigDict(frozen=True, validate_default=True)

    title: str
    to: str
    deadline: Deadline | str
    communes: bool | str = True

    @field_validator("title", "to")
    @classmethod
    def _filled(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("trống")
        return value.strip()

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, value: object, info: ValidationInfo) -> Deadline:
        return read_deadline(value, info)

    @field_validator("communes", mode="before")
    @classmethod
    def _communes(cls, value: object) -> bool:
        flat = _flat(str(value))
        if flat in ("", "co", "x", "yes", "1"):
            return True
        if flat in ("khong", "no", "0"):
            return False
        raise ValueError(f"«{value}»: ghi «có» (các xã báo cáo theo lịch này) hoặc «không»")
