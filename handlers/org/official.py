"""The official two-tier map of July 2025, read from the `vietnam-provinces` package (`Province.iter_all()`,
`Ward.iter_by_province(code)`: name, official code, division type), and province names as people type them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process
from vietnam_provinces import Province as PackageProvince
from vietnam_provinces import ProvinceCode, VietNamDivisionType, Ward

from content.loader import DATA_DIR
from storage.divisions import Province, exact_key
from storage.org import place_key

CITY = "Thành phố "  # the package writes "Thành phố Hà Nội"; the bot, like its scores, says "Hà Nội"


class UnknownProvince(Exception):
    """A province name that matches none of the 34 (the message is short: a file may repeat it on every row)."""


def listing() -> str:
    return "Các tỉnh, thành phố của bản đồ mới: " + ", ".join(p.name for p in provinces()) + "."


@dataclass(frozen=True)
class OfficialCommune:
    name: str
    code: int
    kind: str  # "xã", "phường" or "đặc khu"


@cache
def provinces() -> tuple[Province, ...]:
    return tuple(Province(int(p.code), p.name.removeprefix(CITY), _kind(p.division_type))
                 for p in PackageProvince.iter_all())


def _kind(kind: VietNamDivisionType) -> str:
    return "thành phố trung ương" if kind is VietNamDivisionType.THANH_PHO_TRUNG_UONG else "tỉnh"


@cache
def communes(province_code: int) -> tuple[OfficialCommune, ...]:
    """The province's communes, wards and special zones, names tidied (the package has a few double spaces)."""
    return tuple(OfficialCommune(" ".join(w.name.split()), int(w.code), w.division_type.value)
                 for w in Ward.iter_by_province(ProvinceCode(province_code)))


@cache
def shared_keys(province_code: int) -> frozenset[str]:
    """Names two communes of the province share once diacritics are gone (Xã Tân Thành, Xã Tân Thạnh)."""
    counts = Counter(place_key(c.name) for c in communes(province_code))
    return frozenset(k for k, n in counts.items() if n > 1)


def commune_in(province_code: int, name: str) -> list[OfficialCommune]:
    """The official communes a typed name may be: exactly (diacritics kept), else without diacritics."""
    exact, plain = _index(province_code)
    return exact.get(exact_key(name)) or plain.get(place_key(name), [])


@cache
def _index(province_code: int) -> tuple[dict[str, list[OfficialCommune]], dict[str, list[OfficialCommune]]]:
    exact: dict[str, list[OfficialCommune]] = {}
    plain: dict[str, list[OfficialCommune]] = {}
    for c in communes(province_code):
        exact.setdefault(exact_key(c.name), []).append(c)
        plain.setdefault(place_key(c.name), []).append(c)
    return exact, plain


def province(typed: str) -> Province:
    """'Lai Châu', 'lai chau', 'tỉnh Lai Châu', 'tp hcm', 'lai chau' misspelt: one of the 34, or UnknownProvince.
    A former province (Hà Giang, Kon Tum…) is refused by name, not guessed as a neighbour ('ha giang' is
    87% like 'an giang')."""
    key = place_key(typed)
    by_key = {place_key(p.name): p for p in provinces()}
    if key in by_key:
        return by_key[key]
    if key in _former():
        raise UnknownProvince(f"«{typed.strip()}» là tỉnh trước sắp xếp tháng 7/2025, không có trên bản đồ mới.")
    best = process.extractOne(key, list(by_key), scorer=fuzz.ratio, score_cutoff=85) if key else None
    if best is None:
        raise UnknownProvince(f"không tìm thấy tỉnh «{typed.strip()[:60]}» trong 34 tỉnh, thành phố.")
    return by_key[best[0]]


@cache
def _former() -> frozenset[str]:
    """The 63 provinces before July 2025, from content/data/provinces.yaml (its names only)."""
    data = yaml.safe_load(Path(DATA_DIR, "provinces.yaml").read_text(encoding="utf-8")) or []
    return frozenset(place_key(entry["name"]) for entry in data)
