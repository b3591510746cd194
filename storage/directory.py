"""The people a Sở already has (`people import`): found by their phone number (E.164, stored once), saved in one
transaction with their one-time codes and any channel identity the list gives. A person who writes to the bot is
then matched to their row by that code (storage.invitations.redeem) or, where a channel shares the number with
the person's consent, by `by_phone` (no channel does today: Telegram's contact sharing and Zalo's phone consent
would call it)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storage.db import Db, Tx, stamp, transaction
from storage.invitations import ALPHABET, LENGTH, Invitation, digest, unusable
from storage.links import drop_if_empty
from storage.people import Person

_CHUNK = 500  # SQLite's host parameters per statement stay far below its limit


@dataclass(frozen=True)
class Listed:
    """A person of the directory as stored: role, unit, province, name and the identities they write from."""

    id: int
    phone: str
    role: str
    unit_id: int | None
    province: str | None
    name: str | None
    identities: tuple[tuple[str, str], ...] = ()
    live_code: bool = False  # an unused, unexpired code bound to them exists


@dataclass(frozen=True)
class Entry:
    """A row of the list to store (phone in E.164)."""

    phone: str
    name: str
    role: str
    unit_id: int | None
    province: str
    identities: tuple[tuple[str, str], ...] = ()  # (channel, external id) the list gives


@dataclass(frozen=True)
class Owner:
    person_id: int
    role: str
    phone: str | None


async def by_phone(db: Db, phone: str) -> Person | None:
    """The person with this number (E.164, see handlers.people.phones.normalize_phone)."""
    row = await db.lookup("SELECT id, role, unit_id, province FROM people WHERE phone = ?", (phone,))
    return Person(row["id"], row["role"], row["unit_id"], row["province"]) if row else None


async def listed(db: Db, now: dt.datetime) -> dict[str, Listed]:
    """Everyone with a phone number, by number: three reads, however long the list."""
    rows = await db.fetchall("SELECT id, phone, role, unit_id, province, display_name FROM people"
                             " WHERE phone IS NOT NULL")
    ids: dict[int, list[tuple[str, str]]] = {}
    for r in await db.fetchall("SELECT i.person_id, i.channel, i.external_id FROM identities i"
                               " JOIN people p ON p.id = i.person_id WHERE p.phone IS NOT NULL"):
        ids.setdefault(r[0], []).append((r[1], r[2]))
    live = {r[0] for r in await db.fetchall(
        "SELECT DISTINCT person_id FROM invitations WHERE person_id IS NOT NULL AND used_at IS NULL"
        " AND revoked_at IS NULL AND expires_at > ?", (stamp(now),))}
    return {r["phone"]: Listed(r["id"], r["phone"], r["role"], r["unit_id"], r["province"], r["display_name"],
                               tuple(ids.get(r["id"], ())), r["id"] in live) for r in rows}


async def owners(db: Db, channel: str, external_ids: Iterable[str]) -> dict[str, Owner]:
    """Who each of these identities belongs to now, if anyone."""
    wanted = sorted(set(external_ids))
    out: dict[str, Owner] = {}
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start:start + _CHUNK]
        rows = await db.fetchall(
            "SELECT i.external_id, p.id, p.role, p.phone FROM identities i JOIN people p ON p.id = i.person_id"
            f" WHERE i.channel = ? AND i.external_id IN ({','.join('?' * len(part))})", [channel, *part])
        out |= {r[0]: Owner(r[1], r[2], r[3]) for r in rows}
    return out


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


async def save(tx: Tx, added: Sequence[Entry], changed: Sequence[tuple[int, Entry]],
               now: dt.datetime) -> dict[str, int]:
    """New people inserted and changed ones updated (inside the caller's transaction); each person's id by phone."""
    await tx.executemany(
        "INSERT INTO people (role, unit_id, province, display_name, phone, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(e.role, e.unit_id, e.province, e.name, e.phone, stamp(now)) for e in added])
    await tx.executemany("UPDATE people SET role = ?, unit_id = ?, province = ?, display_name = ? WHERE id = ?",
                         [(e.role, e.unit_id, e.province, e.name, pid) for pid, e in changed])
    return {r[0]: r[1] for r in await tx.fetchall("SELECT phone, id FROM people WHERE phone IS NOT NULL")}


async def attach(tx: Tx, links: Sequence[tuple[int, str, str]], moved_from: set[int], now: dt.datetime) -> None:
    """(person id, channel, external id): each identity given to its person, taken from the citizen who had it
    (someone who wrote to the bot before being listed), who is removed if left with nothing."""
    await tx.executemany(
        "INSERT INTO identities (channel, external_id, person_id, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (channel, external_id) DO UPDATE SET person_id = excluded.person_id",
        [(channel, external, pid, stamp(now)) for pid, channel, external in links])
    for citizen in moved_from:
        await drop_if_empty(tx, citizen)


async def issue(tx: Tx, people: Sequence[tuple[int, Entry]], now: dt.datetime, valid_for: dt.timedelta,
                replace: bool = False) -> dict[int, str]:
    """A one-time code bound to each person (id, entry), by person id; with `replace`, their earlier live codes
    stop working first."""
    if replace:
        await tx.executemany("UPDATE invitations SET revoked_at = ? WHERE person_id = ? AND used_at IS NULL"
                             " AND revoked_at IS NULL", [(stamp(now), pid) for pid, _ in people])
    codes = {pid: new_code() for pid, _ in people}
    await tx.executemany(
        "INSERT INTO invitations (code_hash, role, unit_id, province, person_id, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(digest(codes[pid]), e.role, e.unit_id, e.province, pid, stamp(now), stamp(now + valid_for))
         for pid, e in people])
    return codes


async def claim(db: Db, code: str, channel: str, external_id: str, now: dt.datetime) -> Invitation | str:
    """Redeem a code bound to a listed person: the identity writing moves to that person (the citizen it was
    created as is removed), and the invitation carries the person's role and unit as they are now. Or, with
    nothing changed, why not: unknown, used, expired, revoked (also: the person's role was revoked), mine (the
    identity is theirs already), channel_taken (they have another identity on this channel), registered (the
    identity belongs to another registered person: two registered people are never merged)."""
    async with transaction(db) as tx:
        row = await tx.fetchone(
            "SELECT v.id, v.person_id, v.expires_at, v.used_at, v.revoked_at, p.role, p.unit_id, p.province"
            " FROM invitations v JOIN people p ON p.id = v.person_id WHERE v.code_hash = ?", (digest(code),))
        if row is None:
            return "unknown"
        if reason := unusable(row, now):
            return reason
        if row["role"] == "citizen":
            return "revoked"
        owner = row["person_id"]
        current = await tx.fetchone("SELECT i.person_id, p.role FROM identities i JOIN people p ON p.id ="
                                    " i.person_id WHERE i.channel = ? AND i.external_id = ?", (channel, external_id))
        if current is not None and current["person_id"] == owner:
            return "mine"
        if await tx.fetchone("SELECT 1 FROM identities WHERE person_id = ? AND channel = ?", (owner, channel)):
            return "channel_taken"
        if current is not None and current["role"] != "citizen":
            return "registered"
        claimed = await tx.execute("UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
                                   (stamp(now), owner, row["id"]))
        if claimed.rowcount != 1:
            return "used"
        await attach(tx, [(owner, channel, external_id)], {current["person_id"]} if current else set(), now)
        return Invitation(row["id"], row["role"], row["unit_id"], row["province"], owner)
