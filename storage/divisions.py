"""The administrative map in the database: provinces and communes of July 2025 with their official codes, and
the units each commune should have, added where missing. A commune is found by its code, else by its name
(with diacritics first, then as typed without them); a commune of the old map (district set) is never taken
for a new one, so the pre-2025 plans keep theirs."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from storage.db import Db, Tx, transaction
from storage.org import COMMUNE_UNIT, place_key, same_unit

_PREFIXES = ("xã ", "phường ", "thị trấn ", "đặc khu ")


@dataclass(frozen=True)
class Province:
    code: int
    name: str
    kind: str  # "tỉnh" or "thành phố trung ương"


@dataclass(frozen=True)
class Commune:
    """A commune to have and the units it should have; `code` None when the official list does not have it.
    `row` is the spreadsheet row it came from (0 for the package), for messages."""

    name: str
    code: int | None
    units: tuple[str, ...]
    row: int = 0


@dataclass(frozen=True)
class Problem:
    row: int
    text: str


@dataclass
class Tally:
    """What a load or an import did. Sets of ids, so a commune named on ten rows counts once."""

    provinces_added: int = 0
    provinces_kept: int = 0
    communes_added: set[int] = field(default_factory=set)
    communes_kept: set[int] = field(default_factory=set)
    units_added: set[tuple[int, str]] = field(default_factory=set)  # (commune id, name)
    units_kept: set[tuple[int, str]] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.provinces_added += other.provinces_added
        self.provinces_kept += other.provinces_kept
        self.communes_added |= other.communes_added
        self.communes_kept |= other.communes_kept - self.communes_added
        self.units_added |= other.units_added
        self.units_kept |= other.units_kept - self.units_added
        self.problems += other.problems


class Rejected(Exception):
    """Raised inside the transaction so that nothing of a file is saved when one of its rows cannot be."""

    def __init__(self, tally: Tally) -> None:
        super().__init__(f"{len(tally.problems)} lỗi")
        self.tally = tally


def exact_key(name: str) -> str:
    """'Xã  Tân Thạnh' and 'tân thạnh' are one name; 'Tân Thành' is another (place_key would join them)."""
    key = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


@dataclass
class _Known:
    id: int
    code: int | None
    district: str | None
    name: str


class _Communes:
    """A province's communes by code and by name, kept up to date as communes are added."""

    def __init__(self, rows: Sequence[_Known]) -> None:
        self.by_code: dict[int, _Known] = {}
        self.by_exact: dict[str, list[_Known]] = {}
        self.by_place: dict[str, list[_Known]] = {}
        self.names: dict[str, _Known] = {}
        for row in rows:
            self.add(row)

    def add(self, row: _Known) -> None:
        if row.code is not None:
            self.by_code[row.code] = row
        self.by_exact.setdefault(exact_key(row.name), []).append(row)
        self.by_place.setdefault(place_key(row.name), []).append(row)
        self.names[row.name] = row

    def candidates(self, commune: Commune, shared: Set[str]) -> list[_Known]:
        """Rows that may be this commune. An official commune is never an old-map row nor one with another
        code; a name two official communes share without diacritics (Tân Thành, Tân Thạnh) must match exactly."""
        if commune.code is not None and commune.code in self.by_code:
            return [self.by_code[commune.code]]

        def fits(k: _Known) -> bool:
            return commune.code is None or (k.code is None and k.district is None)

        found = [k for k in self.by_exact.get(exact_key(commune.name), []) if fits(k)]
        if not found and place_key(commune.name) not in shared:
            found = [k for k in self.by_place.get(place_key(commune.name), []) if fits(k)]
        if len(found) > 1:  # a new-map row and an old one of the same name: the new one
            found = [k for k in found if k.district is None] or found
        return found


async def provinces(db: Db) -> list[str]:
    """Every province the database knows: of the new map, and of communes or units already there."""
    rows = await db.fetchall(
        "SELECT name FROM provinces UNION SELECT province FROM communes UNION SELECT province FROM units"
    )
    return sorted(r[0] for r in rows)


async def commune_names(db: Db, province: str) -> list[str]:
    return [r[0] for r in await db.fetchall("SELECT name FROM communes WHERE province = ?", (province,))]


async def ensure(db: Db, province: str, official: Province | None, communes: Sequence[Commune],
                 shared: Set[str] = frozenset()) -> Tally:
    """The province's communes and units, added where missing, in one transaction (the caller's if given).
    `shared`: the place keys two official communes of the province share (see _Communes.candidates)."""
    tally = Tally()
    async with transaction(db) as tx:
        if official is not None:
            added = await tx.execute("INSERT INTO provinces (code, name, kind) VALUES (?, ?, ?)"
                                     " ON CONFLICT (code) DO NOTHING", (official.code, official.name, official.kind))
            tally.provinces_added, tally.provinces_kept = (1, 0) if added.rowcount else (0, 1)
        known = _Communes([_Known(r["id"], r["code"], r["district"], r["name"]) for r in await tx.fetchall(
            "SELECT id, code, district, name FROM communes WHERE province = ?", (province,))])
        units = await _units(tx, province)
        new_units: list[tuple[int, str]] = []
        for commune in communes:
            found = await _commune(tx, province, commune, known, shared, tally)
            if found is not None:
                new_units += _missing_units(found, commune.units, units, tally)
        await tx.executemany("INSERT INTO units (commune_id, name, province) VALUES (?, ?, ?)",
                             [(cid, name, province) for cid, name in new_units])
    return tally


async def _units(tx: Tx, province: str) -> dict[int, list[str]]:
    rows = await tx.fetchall("SELECT u.commune_id, u.name FROM units u JOIN communes c ON c.id = u.commune_id"
                             " WHERE c.province = ?", (province,))
    out: dict[int, list[str]] = {}
    for r in rows:
        out.setdefault(r["commune_id"], []).append(r["name"])
    return out


async def _commune(tx: Tx, province: str, commune: Commune, known: _Communes, shared: Set[str],
                   tally: Tally) -> int | None:
    found = known.candidates(commune, shared)
    if len(found) > 1:
        names = ", ".join(f"«{k.name}»" for k in found)
        tally.problems.append(Problem(commune.row, f"«{commune.name}» khớp nhiều xã đã có ({names}); hãy gõ đủ dấu."))
        return None
    if found:
        row = found[0]
        if commune.code is not None and row.code is None:  # a commune made by hand before the map was loaded
            await tx.execute("UPDATE communes SET code = ? WHERE id = ?", (commune.code, row.id))
            row.code = commune.code
            known.by_code[commune.code] = row
        if row.id not in tally.communes_added:
            tally.communes_kept.add(row.id)
        return row.id
    name = " ".join(commune.name.split())
    taken = known.names.get(name)
    if taken is not None:  # UNIQUE (province, name): an old-map commune already has exactly this name
        tally.problems.append(Problem(commune.row, f"«{name}» trùng tên xã cũ (huyện {taken.district}): bỏ qua."))
        return None
    commune_id = int(await tx.scalar("INSERT INTO communes (province, district, name, code) VALUES (?, NULL, ?, ?)"
                                     " RETURNING id", (province, name, commune.code)))
    known.add(_Known(commune_id, commune.code, None, name))
    tally.communes_added.add(commune_id)
    return commune_id


def _missing_units(commune_id: int, wanted: Sequence[str], units: dict[int, list[str]],
                   tally: Tally) -> list[tuple[int, str]]:
    """Every commune has its UBND xã (commune-wide tasks go to it), then the units wanted; the ones it lacks
    are returned to be inserted together."""
    have = units.setdefault(commune_id, [])
    missing = []
    for name in (COMMUNE_UNIT, *wanted):
        match = next((n for n in have if same_unit(n, name)), None)
        if match is None:
            have.append(name)
            missing.append((commune_id, name))
            tally.units_added.add((commune_id, name))
        elif (commune_id, match) not in tally.units_added:
            tally.units_kept.add((commune_id, match))
    return missing
