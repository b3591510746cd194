"""The provinces, communes and units already in the database (made by `org load` or `org import`), read once and
matched as people type them; a name that matches none is told with the closest ones."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from handlers.org import official
from storage import org
from storage.db import Db
from storage.divisions import exact_key
from storage.org import place_key, same_unit, unit_key


class Unknown(ValueError):
    """What is wrong with a name, in a person's words (the message goes after «Dòng N, cột …:»)."""


@dataclass
class Commune:
    id: int
    name: str
    units: list[org.Unit] = field(default_factory=list)


@dataclass
class _Province:
    name: str
    communes: dict[int, Commune] = field(default_factory=dict)
    exact: dict[str, list[Commune]] = field(default_factory=dict)
    plain: dict[str, list[Commune]] = field(default_factory=dict)


class Places:
    def __init__(self, units: list[org.Unit]) -> None:
        self.provinces: dict[str, _Province] = {}
        for unit in units:
            if unit.commune_id is None or unit.commune is None:
                continue  # a provincial office: nobody is listed under one
            province = self.provinces.setdefault(place_key(unit.province), _Province(unit.province))
            commune = province.communes.get(unit.commune_id)
            if commune is None:
                commune = province.communes[unit.commune_id] = Commune(unit.commune_id, unit.commune)
                province.exact.setdefault(exact_key(unit.commune), []).append(commune)
                province.plain.setdefault(place_key(unit.commune), []).append(commune)
            commune.units.append(unit)

    @classmethod
    async def read(cls, db: Db) -> Places:
        return cls(await org.units(db))

    def province(self, typed: str) -> str:
        found = self.provinces.get(place_key(typed))
        if found:
            return found.name
        try:
            name = official.province(typed).name
        except official.UnknownProvince as unknown:
            raise Unknown(str(unknown)) from None
        if place_key(name) in self.provinces:
            return name
        raise Unknown(f"tỉnh {name} chưa có xã nào trong cơ sở dữ liệu: chạy trước "
                      f"«python -m bot org load --province \"{name}\"».")

    def commune(self, province: str, typed: str) -> Commune:
        """The commune of the province (a name `province` returned), matched as typed."""
        known = self.provinces[place_key(province)]
        matches = known.exact.get(exact_key(typed)) or known.plain.get(place_key(typed), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise Unknown(f"«{typed}» có thể là {' hoặc '.join(m.name for m in matches)}: hãy gõ đủ dấu.")
        options = {c.id: place_key(c.name) for c in known.communes.values()}
        near = process.extract(place_key(typed), options, scorer=fuzz.ratio, limit=3, score_cutoff=70)
        hint = f"; gần giống: {', '.join(known.communes[k].name for _, _, k in near)}" if near else ""
        raise Unknown(f"không có xã «{typed}» ở tỉnh {known.name} trong cơ sở dữ liệu{hint}.")

    @staticmethod
    def unit(commune: Commune, typed: str) -> org.Unit:
        """The commune's unit, matched as typed ('van phong hdnd ubnd xa')."""
        for known in commune.units:
            if same_unit(known.name, typed):
                return known
        best = process.extractOne(unit_key(typed), {u.id: unit_key(u.name) for u in commune.units},
                                  scorer=fuzz.token_sort_ratio, score_cutoff=85)
        if best is not None:
            return next(u for u in commune.units if u.id == best[2])
        names = "; ".join(u.name for u in commune.units)
        raise Unknown(f"không có đơn vị «{typed}» ở {commune.name}; các đơn vị đã có: {names}.")
