"""One person, several channels: one-time linking codes that move another channel's identity to the code's
person, and the channel a person chooses for reminders (people.preferred_channel, read by outbox._ADDRESS)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from storage.db import Db, Tx, stamp, transaction
from storage.invitations import ALPHABET, LENGTH, digest, unusable

VALID_FOR = dt.timedelta(minutes=30)  # typed on the other phone app right away; short, as the code is a key


@dataclass(frozen=True)
class Linked:
    channel: str
    external_id: str
    active: bool  # False once the person blocked the bot there
    created_at: str


@dataclass(frozen=True)
class Channels:
    linked: list[Linked]  # oldest first: a stable order, so a numbered choice means the same thing next time
    preferred: str | None

    @property
    def receiving(self) -> str | None:
        """Where the outbox sends now, by the rule of outbox._ADDRESS: the preferred channel if still active,
        else the most recently linked active one."""
        active = [link for link in self.linked if link.active]
        if any(link.channel == self.preferred for link in active):
            return self.preferred
        return max(active, key=lambda link: link.created_at).channel if active else None


async def create(db: Db, person_id: int, now: dt.datetime, valid_for: dt.timedelta = VALID_FOR
                 ) -> str:
    """A new code for the person; their earlier unused codes stop working, so at most one is live."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    async with transaction(db) as tx:
        await tx.execute(
            "UPDATE link_codes SET revoked_at = ? WHERE person_id = ? AND used_at IS NULL AND revoked_at IS NULL",
            (stamp(now), person_id),
        )
        await tx.execute(
            "INSERT INTO link_codes (code_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (digest(code), person_id, stamp(now), stamp(now + valid_for)),
        )
    return code


async def redeem(
    db: Db, code: str, channel: str, external_id: str, now: dt.datetime
) -> int | str:
    """Move (channel, external_id) to the code's person and return that person's id; or, with nothing changed,
    why not: unknown, used, expired, revoked, mine (already theirs), channel_taken (they have another identity
    there), official (the identity belongs to another registered person: two officials are never merged)."""
    async with transaction(db) as tx:
        row = await tx.fetchone(
            "SELECT l.id, l.person_id, l.expires_at, l.used_at, l.revoked_at, p.role FROM link_codes l"
            " JOIN people p ON p.id = l.person_id WHERE l.code_hash = ?",
            (digest(code),),
        )
        if row is None:
            return "unknown"
        if row["role"] == "citizen":  # the owner's role was revoked since
            return "revoked"
        if reason := unusable(row, now):  # revoked here also means replaced by a newer code
            return reason
        owner = row["person_id"]
        current = await tx.fetchone(
            "SELECT i.person_id, p.role FROM identities i JOIN people p ON p.id = i.person_id"
            " WHERE i.channel = ? AND i.external_id = ?",
            (channel, external_id),
        )
        if current is not None and current["person_id"] == owner:
            return "mine"
        if await tx.fetchone("SELECT 1 FROM identities WHERE person_id = ? AND channel = ?", (owner, channel)):
            return "channel_taken"
        if current is not None and current["role"] != "citizen":
            return "official"
        claimed = await tx.execute(
            "UPDATE link_codes SET used_at = ?, used_channel = ?, used_external_id = ?"
            " WHERE id = ? AND used_at IS NULL",
            (stamp(now), channel, external_id, row["id"]),
        )
        if claimed.rowcount != 1:  # another redemption won the race
            return "used"
        if current is None:  # the core creates the identity first; kept safe for callers that do not
            await tx.execute(
                "INSERT INTO identities (channel, external_id, person_id, created_at) VALUES (?, ?, ?, ?)",
                (channel, external_id, owner, stamp(now)),
            )
            return owner
        await tx.execute(
            "UPDATE identities SET person_id = ? WHERE channel = ? AND external_id = ?", (owner, channel, external_id)
        )
        await drop_if_empty(tx, current["person_id"])
        return owner


async def drop_if_empty(db: Tx, person_id: int) -> None:
    """Remove a citizen left with no identity. Anything still pointing at them (an outbox row, a report from
    before a revocation) makes the foreign keys refuse: they are then kept, harmless without an identity."""
    await db.attempt(  # a refused statement is undone alone; the transaction goes on
        "DELETE FROM people WHERE id = ? AND role = 'citizen'"
        " AND NOT EXISTS (SELECT 1 FROM identities WHERE person_id = ?)",
        (person_id, person_id),
    )


async def channels(db: Db, person_id: int) -> Channels:
    rows = await db.fetchall(
        "SELECT i.channel, i.external_id, i.active, i.created_at, p.preferred_channel FROM identities i"
        " JOIN people p ON p.id = i.person_id WHERE i.person_id = ? ORDER BY i.created_at, i.channel",
        (person_id,),
    )
    linked = [Linked(r["channel"], r["external_id"], bool(r["active"]), r["created_at"]) for r in rows]
    return Channels(linked, rows[0]["preferred_channel"] if rows else None)


async def prefer(db: Db, person_id: int, channel: str) -> bool:
    """Save the channel for reminders and broadcasts; False when the person has no identity there."""
    done = await db.execute(
        "UPDATE people SET preferred_channel = ? WHERE id = ?"
        " AND EXISTS (SELECT 1 FROM identities WHERE person_id = ? AND channel = ?)",
        (channel, person_id, person_id, channel),
    )
    return done.rowcount == 1
