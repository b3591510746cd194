"""Followers of the Zalo Official Account: when each last wrote (the OA's reply window counts from it), how many
messages the OA sent since, whether they still follow, and the phone number they shared with the OA."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Db, stamp


@dataclass(frozen=True)
class Follower:
    user_id: str
    last_message_at: dt.datetime | None
    sent_since: int
    phone: str | None
    following: bool
    name: str | None = None


async def get(db: Db, user_id: str) -> Follower | None:
    row = await db.lookup(
        "SELECT user_id, last_message_at, sent_since, phone, following, name FROM oa_followers WHERE user_id = ?",
        (user_id,),
    )
    if row is None:
        return None
    last = dt.datetime.fromisoformat(row[1]) if row[1] else None
    return Follower(row[0], last, int(row[2]), row[3], bool(row[4]), row[5])


async def wrote(db: Db, user_id: str, now: dt.datetime) -> None:
    """The person wrote to the OA (or followed it): the reply window opens again, with its free replies."""
    await db.execute(
        "INSERT INTO oa_followers (user_id, last_message_at, sent_since, following, updated_at)"
        " VALUES (?, ?, 0, 1, ?) ON CONFLICT (user_id) DO UPDATE SET last_message_at = excluded.last_message_at,"
        " sent_since = 0, following = 1, updated_at = excluded.updated_at",
        (user_id, stamp(now), stamp(now)),
    )


async def sent(db: Db, user_id: str, count: int, now: dt.datetime) -> None:
    await db.execute("UPDATE oa_followers SET sent_since = sent_since + ?, updated_at = ? WHERE user_id = ?",
                     (count, stamp(now), user_id))


async def unfollowed(db: Db, user_id: str, now: dt.datetime) -> None:
    await db.execute(
        "INSERT INTO oa_followers (user_id, following, updated_at) VALUES (?, 0, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET following = 0, updated_at = excluded.updated_at",
        (user_id, stamp(now)),
    )


async def set_phone(db: Db, user_id: str, phone: str | None, now: dt.datetime) -> None:
    """The number the person submitted through the OA's form (their consent), normalised to 84xxxxxxxxx."""
    await db.execute(
        "INSERT INTO oa_followers (user_id, phone, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET phone = excluded.phone, updated_at = excluded.updated_at",
        (user_id, normal_phone(phone), stamp(now)),
    )


async def set_name(db: Db, user_id: str, name: str, now: dt.datetime) -> None:
    await db.execute("UPDATE oa_followers SET name = ?, updated_at = ? WHERE user_id = ?",
                     (name[:100], stamp(now), user_id))


def normal_phone(phone: str | None) -> str | None:
    """0912 345 678, +84912345678 and 84912345678 are one number, as ZNS takes it (84…); anything else: None."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    return digits if digits.startswith("84") and 10 <= len(digits) <= 12 else None
