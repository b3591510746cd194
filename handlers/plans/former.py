"""Which commune of the July 2025 map an old plan's commune, district or province became, for plans issued before
the reform (they keep their own units and districts: this only says where that place is now).

The table is the PyPI package **vietnamadminunits** (MIT, by Tran Ngoc Minh Hieu), read as data: its conversion
table `data/converter_2025.json` (each old commune, keyed province_district_commune, to the new commune it became,
or to every new commune it was split between), the old names with their spellings in `data/parser_legacy.json`
(«Đắk Plô» is an accepted spelling of Xã Đắk Blô), and the new names in `data/parser_from_2025.json`. None of its
code runs: its converter picks one successor of a split commune by population, or geocodes a street online, and
the bot never guesses. A split commune is named with all its successors; a place the table does not hold is said
to be unknown.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from content.models import Plan
from content.normalize import strip_diacritics
from content.periods import plan_year

PACKAGE = "vietnamadminunits"
REFORM = dt.date(2025, 7, 1)  # the two-tier map (Nghị quyết 202/2025/QH15 and the 2025 resolutions on communes)


def _key(name: str) -> str:
    """The package's keys: lower case, no diacritics, no spaces ('huyện Đắk Glei' -> 'huyendakglei')."""
    return re.sub(r"[^a-z0-9]", "", strip_diacritics(name).lower())


@cache
def _data(name: str) -> dict[str, Any]:
    found = next(f for f in importlib.metadata.files(PACKAGE) or () if f.name == name)
    with open(str(found.locate()), encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def source() -> str:
    return f"bảng chuyển đổi của gói {PACKAGE} {importlib.metadata.version(PACKAGE)}"


def _one(entries: dict[str, Any], name: str, words: str) -> str | None:
    """The one entry whose keywords hold the name (with or without its 'xã', 'huyện' prefix); None if none or
    several do."""
    wanted = _key(name)
    found = [k for k, v in entries.items() if wanted in v[words]]
    return found[0] if len(found) == 1 else None


@cache
def _successors() -> dict[str, tuple[str, tuple[str, ...], bool]]:
    """Old commune key -> (new province key, new commune keys, whether it was split)."""
    table = _data("converter_2025.json")
    out: dict[str, tuple[str, tuple[str, ...], bool]] = {}
    for province, communes in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new, olds in communes.items():
            for old in olds:
                out[old] = (province, (new,), False)
    for province, olds in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            out[old] = (province, tuple(w["newWardKey"] for w in news), True)
    return out


def _new_names(province: str, communes: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    new = _data("parser_from_2025.json")
    wards = new["DICT_PROVINCE_WARD_NO_ACCENTED"][province]
    return new["DICT_PROVINCE"][province]["provinceShort"], tuple(wards[c]["ward"] for c in communes)


@dataclass(frozen=True)
class Now:
    """Where an old place is on the new map: its province and communes (none: the table does not know it)."""

    old: str  # the old place as the plan names it, with its district and province
    province: str | None = None
    communes: tuple[str, ...] = ()
    split: bool = False  # an old commune divided between several new ones
    merged: tuple[str, ...] = ()  # for a province: the old provinces the new one joined

    @property
    def known(self) -> bool:
        return self.province is not None


def _old_keys(province: str, district: str | None) -> tuple[str | None, str | None]:
    legacy = _data("parser_legacy.json")
    old_province = _one(legacy["DICT_PROVINCE"], province, "provinceKeywords")
    if old_province is None or district is None:
        return old_province, None
    return old_province, _one(legacy["DICT_PROVINCE_DISTRICT"][old_province], district, "districtKeywords")


def commune(province: str, district: str | None, name: str) -> Now:
    """An old commune of a district: the new commune it became, or all those it was split between."""
    old = ", ".join(p for p in (name, district, f"tỉnh {province}") if p)
    old_province, old_district = _old_keys(province, district)
    if old_province is None or old_district is None:
        return Now(old)
    wards = _data("parser_legacy.json")["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"][old_province][old_district]
    ward = _one(wards, name, "wardKeywords")
    found = _successors().get(f"{old_province}_{old_district}_{ward}") if ward else None
    if found is None:
        return Now(old)
    new_province, communes, split = found
    province_name, names = _new_names(new_province, communes)
    return Now(old, province_name, names, split)


def district(province: str, name: str) -> Now:
    """An old district: every new commune its communes became (split ones included)."""
    old = f"{name}, tỉnh {province}"
    old_province, old_district = _old_keys(province, name)
    if old_province is None or old_district is None:
        return Now(old)
    prefix = f"{old_province}_{old_district}_"
    found = [v for k, v in _successors().items() if k.startswith(prefix)]
    if not found:
        return Now(old)
    communes = tuple(dict.fromkeys(c for _, cs, _ in found for c in cs))
    province_name, names = _new_names(found[0][0], communes)
    return Now(old, province_name, tuple(sorted(names)), any(split for _, _, split in found))


def province(name: str) -> Now:
    """An old province: the new province it is part of (the communes are too many to name)."""
    old = f"tỉnh {name}"
    old_province, _ = _old_keys(name, None)
    merged = _data("converter_2025.json")["DICT_PROVINCE"]
    new = next((k for k, olds in merged.items() if old_province in olds), None) if old_province else None
    if new is None:
        return Now(old)
    names = tuple(_data("parser_legacy.json")["DICT_PROVINCE"][k]["provinceShort"] for k in merged[new])
    return Now(old, _data("parser_from_2025.json")["DICT_PROVINCE"][new]["provinceShort"], merged=names)


def before_reform(plan: Plan) -> bool:
    return (plan.issued or dt.date(plan_year(plan), 1, 1)) < REFORM


def of_plan(plan: Plan) -> Now | None:
    """Where a pre-reform plan's area is now; None for a plan of the new map."""
    if not before_reform(plan):
        return None
    if plan.level == "commune" and plan.commune:
        return commune(plan.province, plan.district, plan.commune)
    if plan.level == "district" and plan.district:
        return district(plan.province, plan.district)
    return province(plan.province)


def line(plan: Plan) -> str | None:
    """One line for a pre-reform plan's card and answers: where its area is on the new map, or that the bot does
    not know; nothing for a province that merged with none and for plans of the new map."""
    now = of_plan(plan)
    if now is None:
        return None
    if not now.known:
        return (f"🗺️ Bản đồ mới (từ 01/7/2025): tôi chưa biết {now.old} nay thuộc xã, phường nào (không có trong "
                f"{source()}).")
    if not now.communes:
        if len(now.merged) < 2:
            return None  # a province that merged with none is the same place
        return (f"🗺️ Bản đồ mới (từ 01/7/2025): {now.old} nay thuộc tỉnh {now.province} (hợp nhất các tỉnh "
                f"{', '.join(now.merged)} cũ) (theo {source()}).")
    split = "; xã cũ được chia cho các xã trên, nhiệm vụ thuộc phần nào thì chưa rõ" if now.split else ""
    verb = "nay là" if len(now.communes) == 1 else "nay thuộc"
    return (f"🗺️ Bản đồ mới (từ 01/7/2025): {now.old} {verb} {', '.join(now.communes)}, tỉnh {now.province}"
            f"{split} (theo {source()}).")
