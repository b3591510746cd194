"""Communes and units: found as a person types them (no diacritics, "xã" or not), created by admins."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import aiosqlite
from rapidfuzz import fuzz

from content.normalize import normalize

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


def _unit(row: aiosqlite.Row) -> Unit:
    return Unit(row["id"], row["province"], row["district"], row["commune"], row["commune_id"], row["name"])


async def get_unit(db: aiosqlite.Connection, unit_id: int) -> Unit | None:
    async with db.execute(f"{_UNIT_SQL} WHERE u.id = ?", (unit_id,)) as cur:
        row = await cur.fetchone()
    return _unit(row) if row else None


async def units(db: aiosqlite.Connection, province: str | None = None) -> list[Unit]:
    sql, args = (f"{_UNIT_SQL} WHERE u.province = ?", (province,)) if province else (_UNIT_SQL, ())
    async with db.execute(sql + " ORDER BY commune, u.name", args) as cur:
        return [_unit(r) for r in await cur.fetchall()]


async def find_commune(db: aiosqlite.Connection, name: str, province: str | None = None) -> list[tuple[int, str, str]]:
    """(id, name, province) of the communes whose name matches as typed."""
    async with db.execute("SELECT id, name, province FROM communes") as cur:
        rows = await cur.fetchall()
    key = place_key(name)
    return [
        (r["id"], r["name"], r["province"])
        for r in rows
        if place_key(r["name"]) == key and (province is None or place_key(r["province"]) == place_key(province))
    ]


async def ensure_commune(db: aiosqlite.Connection, province: str, district: str | None, name: str) -> int:
    """The commune's id, creating it with its UBND xã unit the first time."""
    found = await find_commune(db, name, province)
    if found:
        return found[0][0]
    cur = await db.execute(
        "INSERT INTO communes (province, district, name) VALUES (?, ?, ?)", (province, district, name)
    )
    commune_id = cur.lastrowid
    assert commune_id is not None
    await db.execute(
        "INSERT INTO units (province, commune_id, name) VALUES (?, ?, ?)", (province, commune_id, COMMUNE_UNIT)
    )
    return commune_id


async def ensure_unit(db: aiosqlite.Connection, province: str, commune_id: int | None, name: str) -> Unit:
    sql = f"{_UNIT_SQL} WHERE u.province = ? AND u.commune_id IS ?"
    async with db.execute(sql, (province, commune_id)) as cur:
        for row in await cur.fetchall():
            if same_unit(row["name"], name):
                return _unit(row)
    cur = await db.execute(
        "INSERT INTO units (province, commune_id, name) VALUES (?, ?, ?)", (province, commune_id, name)
    )
    assert cur.lastrowid is not None
    unit = await get_unit(db, cur.lastrowid)
    assert unit is not None
    return unit
