"""One-time invitation codes: shown once, stored as a hash, expiring, usable once, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from storage.db import Db, Row, stamp

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud and typed on phones
LENGTH = 10


@dataclass(frozen=True)
class Invitation:
    id: int
    role: str
    unit_id: int | None
    province: str | None
    person_id: int | None = None  # bound to a listed person (`people import`): redeemed by storage.directory


def normalize_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def looks_like_code(text: str) -> bool:
    """Ten letters and digits of the codes' alphabet, as `invite` prints them (deep links before namespaces)."""
    code = normalize_code(text)
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def digest(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


async def create(
    db: Db,
    role: str,
    unit_id: int | None,
    province: str | None,
    created_by: int | None,
    now: dt.datetime,
    valid_for: dt.timedelta,
) -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    await db.execute(
        "INSERT INTO invitations (code_hash, role, unit_id, province, created_by, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (digest(code), role, unit_id, province, created_by, stamp(now), stamp(now + valid_for)),
    )
    return code


def unusable(row: Row, now: dt.datetime) -> str | None:
    """Why a one-time code (an invitation or a link code) cannot be used now: revoked, used, expired."""
    if row["revoked_at"]:
        return "revoked"
    if row["used_at"]:
        return "used"
    if dt.datetime.fromisoformat(row["expires_at"]) <= now:
        return "expired"
    return None


async def redeem(db: Db, code: str, person_id: int, now: dt.datetime) -> Invitation | str:
    """The invitation, marked used in the same statement that checks it; or why it cannot be used ("bound":
    the code is a listed person's, redeemed by storage.directory.claim instead)."""
    row = await db.fetchone(
        "SELECT id, role, unit_id, province, expires_at, used_at, revoked_at, person_id FROM invitations"
        " WHERE code_hash = ?",
        (digest(code),),
    )
    if row is None:
        return "unknown"
    if row["person_id"] is not None:
        return "bound"
    if reason := unusable(row, now):
        return reason
    claimed = await db.execute(
        "UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
        (stamp(now), person_id, row["id"]),
    )
    if claimed.rowcount != 1:  # another redemption won the race
        return "used"
    return Invitation(row["id"], row["role"], row["unit_id"], row["province"])
