"""Refused one-time codes (/dangky, /lienket), to limit guessing: a person who typed LIMIT wrong codes of a kind
within WINDOW waits until the oldest of them is older than WINDOW, and their next code is not even looked up.

Per code: codes are stored hashed, so a code that matches nothing has no row to count against. What can be
counted is an existing code refused (used, expired, revoked, or a live link code typed by someone it cannot
join): once PER_CODE different people were refused the same code within WINDOW, it is locked for everyone
until the window passes, since a code passed around that widely has leaked (the owner of a live link code
can ask for a new one). Only the hash the code already has is stored; a code that matches nothing, never.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Db, stamp, transaction
from storage.invitations import digest

LIMIT = 5  # wrong codes per person and kind within WINDOW
PER_CODE = 3  # different people refused one existing code within WINDOW
WINDOW = dt.timedelta(minutes=15)
MINUTES = int(WINDOW.total_seconds() // 60)


@dataclass(frozen=True)
class Lock:
    until: dt.datetime
    by_code: bool  # locked because many people tried this code, not because of this person's failures

    def minutes(self, now: dt.datetime) -> int:
        """Whole minutes left, rounded up: "wait 0 minutes" would read as "try now"."""
        return max(1, -(-int((self.until - now).total_seconds()) // 60))


async def locked(db: Db, person_id: int, kind: str, code: str, now: dt.datetime) -> Lock | None:
    """Why the person must wait before this code is looked up, or None."""
    since = stamp(now - WINDOW)
    mine = await db.fetchall(
        "SELECT at FROM code_attempts WHERE person_id = ? AND kind = ? AND at > ? ORDER BY at",
        (person_id, kind, since),
    )
    if len(mine) >= LIMIT:  # free again once all but LIMIT - 1 of them have left the window
        return Lock(_end(mine[len(mine) - LIMIT]["at"]), by_code=False)
    people = await db.fetchall(  # each person's latest refusal of the code: they count until it leaves the window
        "SELECT MAX(at) AS last FROM code_attempts WHERE code_hash = ? AND kind = ? AND at > ?"
        " GROUP BY person_id ORDER BY last",
        (digest(code), kind, since),
    )
    if len(people) >= PER_CODE:
        return Lock(_end(people[len(people) - PER_CODE]["last"]), by_code=True)
    return None


async def failed(db: Db, person_id: int, kind: str, code: str, exists: bool, now: dt.datetime) -> None:
    """Record a refused code (its hash only if the code exists) and forget failures older than the window."""
    async with transaction(db) as tx:
        await tx.execute("DELETE FROM code_attempts WHERE at <= ?", (stamp(now - WINDOW),))
        await tx.execute(
            "INSERT INTO code_attempts (person_id, kind, code_hash, at) VALUES (?, ?, ?, ?)",
            (person_id, kind, digest(code) if exists else None, stamp(now)),
        )


def _end(at: str) -> dt.datetime:
    return dt.datetime.fromisoformat(at) + WINDOW
