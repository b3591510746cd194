"""Communes and units: found as a person types them (no diacritics, "xã" or not), created by admins."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from content.normalize import normalize
from storage.db import Db, Row, transaction

PLACE_PREFIXES = ("xa ", "phuong ", "thi tran ", "dac khu ", "huyen ", "thi xa ", "thanh pho ", "tinh ")
COMMUNE_UNIT = "UBND xã"  # every commune has it: its People's Committee, to which commune-wide tasks go
_FILLER = {"cac", "cap"}


@dataclass(frozen=True)
class Unit:
    id: int
    province: str
    district: str | None
    commune: str | None
    commune_id: int | None
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} – {self.commune}" if self.commune else f"{self.name} ({self.province})"


@lru_cache(maxsize=65536)  # the planner compares every unit's province with every plan's: 10⁶ calls a day
def place_key(name: str) -> str:
    """'xã Đắk Plô' and 'dak plo' are the same place."""
    key = normalize(name)
    for prefix in PLACE_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def unit_key(name: str) -> str:
    return " ".join(w for w in normalize(name).split() if w not in _FILLER)


@lru_cache(maxsize=65536)
def same_unit(a: str, b: str) -> bool:
    """'UBND cấp xã' ~ 'Ủy ban nhân dân các xã, phường' ~ 'ubnd xa'; but 'Văn phòng HĐND-UBND xã' is another unit."""
    ka, kb = unit_key(a), unit_key(b)
    ka, kb = ka.removesuffix(" phuong"), kb.removesuffix(" phuong")
    return ka == kb or fuzz.ratio(ka, kb) >= 90


def same_place(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and place_key(a) == place_key(b)


_UNIT_SQL = (
    "SELECT u.id, u.province, c.district, c.name AS commune, u.commune_id, u.name FROM units u"
    " LEFT JOIN communes c ON c.id = u.commune_id"
)


def _unit(row: Row) -> Unit:
    return Unit(row["id"], row["province"], row["district"], row["commune"], row["commune_id"], row["name"])


async def get_unit(db: Db, unit_id: int) -> Unit | None:
    row = await db.lookup(f"{_UNIT_SQL} WHERE u.id = ?", (unit_id,))
    return _unit(row) if row else None


async def units_by_id(db: Db, unit_ids: set[int]) -> dict[int, Unit]:
    if not unit_ids:
        return {}
    marks = ",".join("?" * len(unit_ids))
    return {u.id: u for u in map(_unit, await db.fetchall(f"{_UNIT_SQL} WHERE u.id IN ({marks})", list(unit_ids)))}


async def units(db: Db, province: str | None = None) -> list[Unit]:
    sql, args = (f"{_UNIT_SQL} WHERE u.province = ?", (province,)) if province else (_UNIT_SQL, ())
    rows = await db.fetchall(sql + " ORDER BY commune, u.name", args)
    return [_unit(r) for r in rows]


async def find_commune(db: Db, name: str, province: str | None = None) -> list[tuple[int, str, str]]:
    """(id, name, province) of the communes whose name matches as typed. A province given by its own name reads
    only that province's communes (a hundred, not the country's 3,321); one typed otherwise reads them all."""
    rows = await db.fetchall("SELECT id, name, province FROM communes WHERE province = ?", (province,)) if province \
        else []
    if not rows:
        rows = await db.fetchall("SELECT id, name, province FROM communes")
    key = place_key(name)
    return [
        (r["id"], r["name"], r["province"])
        for r in rows
        if place_key(r["name"]) == key and (province is None or place_key(r["province"]) == place_key(province))
    ]


async def ensure_commune(db: Db, province: str, district: str | None, name: str) -> int:
    """The commune's id, creating it with its UBND xã unit the first time (looked up and added in one write
    transaction, so two processes adding the same commune at once make one)."""
    async with transaction(db) as tx:
        found = await find_commune(tx, name, province)
        if found:
            return found[0][0]
        commune_id = int(await tx.scalar(
            "INSERT INTO communes (province, district, name) VALUES (?, ?, ?) RETURNING id", (province, district, name)
        ))
        await tx.execute(
            "INSERT INTO units (province, commune_id, name) VALUES (?, ?, ?)", (province, commune_id, COMMUNE_UNIT)
        )
    return commune_id


async def ensure_unit(db: Db, province: str, commune_id: int | None, name: str) -> Unit:
    sql = f"{_UNIT_SQL} WHERE u.province = ? AND u.commune_id IS NOT DISTINCT FROM ?"
    async with transaction(db) as tx:  # one write transaction: two processes adding it at once make one
        for row in await tx.fetchall(sql, (province, commune_id)):
            if same_unit(row["name"], name):
                return _unit(row)
        unit_id = await tx.scalar(
            "INSERT INTO units (province, commune_id, name) VALUES (?, ?, ?) RETURNING id", (province, commune_id, name)
        )
        unit = await get_unit(tx, unit_id)
    assert unit is not None
    return unit
