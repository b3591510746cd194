"""The units every commune of the new map gets (`content/data/units.yaml`, or a province's own file), validated
on load: a bad file stops `org load` with a message naming the entry, before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from content.loader import DATA_DIR
from handlers.org.errors import vietnamese
from storage.org import COMMUNE_UNIT, same_unit

DEFAULT = DATA_DIR / "units.yaml"
Kind = Literal["xã", "phường", "đặc khu"]


class TemplateError(Exception):
    """The template cannot be read or is not valid; the message says where."""


class UnitTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1, max_length=150)
    kinds: tuple[Kind, ...] | None = None  # None: every kind

    @field_validator("name")
    @classmethod
    def _tidy(cls, name: str) -> str:
        return " ".join(name.split())


class UnitsTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    units: tuple[UnitTemplate, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _commune_unit_and_no_twins(self) -> UnitsTemplate:
        if not any(same_unit(u.name, COMMUNE_UNIT) and u.kinds is None for u in self.units):
            raise ValueError(f"phải có «{COMMUNE_UNIT}» cho mọi loại xã: việc giao cho mọi xã đến đơn vị này")
        for i, unit in enumerate(self.units):
            twin = next((u for u in self.units[:i] if same_unit(u.name, unit.name)), None)
            if twin is not None:
                raise ValueError(f"«{unit.name}» trùng với «{twin.name}»")
        return self

    def names(self) -> tuple[str, ...]:
        return tuple(u.name for u in self.units)

    def for_kind(self, kind: str) -> tuple[str, ...]:
        return tuple(u.name for u in self.units if u.kinds is None or kind in u.kinds)


def load_template(path: Path = DEFAULT) -> UnitsTemplate:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return UnitsTemplate.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"Không đọc được mẫu đơn vị {path}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "tệp"
        raise TemplateError(f"Mẫu đơn vị {path.name} không hợp lệ ({where}): {vietnamese(first)}") from exc
