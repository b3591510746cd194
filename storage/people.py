"""People, their channel identities, roles and the unit or province they belong to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from storage.db import Db, Row, stamp, transaction


@dataclass(frozen=True)
class Person:
    id: int
    role: str
    unit_id: int | None = None
    province: str | None = None
    everywhere: bool = False  # a bootstrap admin listed in ADMIN_IDS: every province, while listed
    new: bool = field(default=False, compare=False)  # created by this message (identify): its first contact

    @property
    def is_official(self) -> bool:
        return self.role in ("official", "leader") and self.unit_id is not None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


_SELECT = "SELECT p.id, p.role, p.unit_id, p.province FROM people p"


def _person(row: Row) -> Person:
    return Person(row["id"], row["role"], row["unit_id"], row["province"])


async def get(db: Db, person_id: int) -> Person | None:
    row = await db.lookup(f"{_SELECT} WHERE p.id = ?", (person_id,))
    return _person(row) if row else None


async def identify(db: Db, channel: str, external_id: str, now: dt.datetime) -> Person:
    """The person behind (channel, sender id), created as a citizen on first contact."""
    sql = (
        "SELECT p.id, p.role, p.unit_id, p.province, i.active FROM people p JOIN identities i ON p.id = i.person_id"
        " WHERE i.channel = ? AND i.external_id = ?"
    )
    row = await db.lookup(sql, (channel, external_id))
    if row:
        if not row["active"]:  # marked blocked earlier; writing to the bot again means it may reach them
            await db.execute("UPDATE identities SET active = 1 WHERE channel = ? AND external_id = ?",
                             (channel, external_id))
        return _person(row)
    async with transaction(db) as tx:
        person_id = int(await tx.scalar("INSERT INTO people (created_at) VALUES (?) RETURNING id", (stamp(now),)))
        await tx.execute(
            "INSERT INTO identities (channel, external_id, person_id, created_at) VALUES (?, ?, ?, ?)",
            (channel, external_id, person_id, stamp(now)),
        )
    return Person(id=person_id, role="citizen", new=True)


async def set_role(
    db: Db, person_id: int, role: str, unit_id: int | None = None, province: str | None = None
) -> Person:
    await db.execute(
        "UPDATE people SET role = ?, unit_id = ?, province = ? WHERE id = ?", (role, unit_id, province, person_id)
    )
    return Person(person_id, role, unit_id, province)


@dataclass(frozen=True)
class Member:
    id: int
    role: str
    unit: str | None
    commune: str | None
    province: str | None
    channels: str
    name: str | None = None  # as the person's channel shows it


_MEMBERS = (
    "SELECT p.id, p.role, u.name AS unit, c.name AS commune, COALESCE(u.province, p.province) AS province,"
    " p.display_name, (SELECT GROUP_CONCAT(channel) FROM identities WHERE person_id = p.id) AS channels"
    " FROM people p LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN communes c ON c.id = u.commune_id"
    " WHERE p.role != 'citizen'"
)


async def members(db: Db, province: str | None, limit: int = -1, offset: int = 0) -> list[Member]:
    """Everyone with a role other than citizen, within a province (None: all), a page at a time."""
    sql, args = _MEMBERS, []
    if province is not None:
        sql += " AND COALESCE(u.province, p.province) = ?"
        args.append(province)
    rows = await db.fetchall(sql + " ORDER BY province, commune, unit, p.id LIMIT ? OFFSET ?", [*args, limit, offset])
    return [Member(r["id"], r["role"], r["unit"], r["commune"], r["province"], r["channels"] or "", r["display_name"])
            for r in rows]


async def count_members(db: Db, province: str | None) -> int:
    sql = ("SELECT COUNT(*) FROM people p LEFT JOIN units u ON u.id = p.unit_id WHERE p.role != 'citizen'"
           " AND (? IS NULL OR COALESCE(u.province, p.province) = ?)")
    return int(await db.scalar(sql, (province, province)) or 0)


async def member(db: Db, person_id: int, province: str | None) -> Member | None:
    """One registered person, if within the province (None: anywhere)."""
    sql = _MEMBERS + " AND p.id = ? AND (? IS NULL OR COALESCE(u.province, p.province) = ?)"
    r = await db.fetchone(sql, (person_id, province, province))
    return Member(r["id"], r["role"], r["unit"], r["commune"], r["province"], r["channels"] or "",
                  r["display_name"]) if r else None


async def set_name(db: Db, person_id: int, name: str | None) -> None:
    await db.execute("UPDATE people SET display_name = ? WHERE id = ?", (name[:100] if name else None, person_id))


@dataclass(frozen=True)
class Official:
    id: int
    role: str
    unit_id: int
    muted: bool


async def officials(db: Db) -> list[Official]:
    """Everyone bound to a unit who may be reminded, muted or not (the planner decides): only people with an
    active chat identity, since an official imported from a list who never wrote to the bot cannot be reached
    (thousands of them after `people import` would each be a failed send)."""
    sql = (
        "SELECT id, role, unit_id, reminders_muted FROM people"
        " WHERE role IN ('official', 'leader') AND unit_id IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM identities i WHERE i.person_id = people.id AND i.active = 1) ORDER BY id"
    )
    rows = await db.fetchall(sql)
    return [Official(r["id"], r["role"], r["unit_id"], bool(r["reminders_muted"])) for r in rows]


async def mute(db: Db, person_id: int, muted: bool) -> None:
    await db.execute("UPDATE people SET reminders_muted = ? WHERE id = ?", (int(muted), person_id))


async def muted_among(db: Db, person_ids: set[int]) -> set[int]:
    if not person_ids:
        return set()
    marks = ",".join("?" * len(person_ids))
    rows = await db.fetchall(f"SELECT id FROM people WHERE reminders_muted = 1 AND id IN ({marks})", list(person_ids))
    return {r[0] for r in rows}


async def is_muted(db: Db, person_id: int) -> bool:
    row = await db.lookup("SELECT reminders_muted FROM people WHERE id = ?", (person_id,))
    return bool(row and row[0])


async def deactivate(db: Db, channel: str, external_id: str) -> None:
    """The person blocked the bot on this channel: skip it from now on."""
    await db.execute("UPDATE identities SET active = 0 WHERE channel = ? AND external_id = ?", (channel, external_id))


async def identities(db: Db, person_id: int) -> list[tuple[str, str]]:
    """(channel, external id) of every identity joined to the person (served by identities_by_person)."""
    sql = "SELECT channel, external_id FROM identities WHERE person_id = ? ORDER BY created_at"
    rows = await db.fetchall(sql, (person_id,))
    return [(r[0], r[1]) for r in rows]


async def display_names_of(db: Db, ids: Iterable[int]) -> dict[int, str]:
    """These people's names, as `display_names` gives them (a report's page: its reporter and reviewers)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = await db.fetchall("SELECT id, COALESCE(display_name, 'Người dùng ' || id) FROM people"
                             f" WHERE id IN ({','.join('?' * len(wanted))})", wanted)
    return {r[0]: r[1] for r in rows}


async def display_names(db: Db) -> dict[int, str]:
    """Each person's name as their channel shows it, or «Người dùng <số>» (for exports)."""
    rows = await db.fetchall("SELECT id, COALESCE(display_name, 'Người dùng ' || id) FROM people")
    return {r[0]: r[1] for r in rows}
