"""Sign-in to the admin pages: one-time links (/web, `python -m bot web-login`) and the browser sessions they
open. Only SHA-256 hashes of the tokens are stored; a link is taken in the same statement that checks it, so two
clicks (or a link previewer and a person) cannot both sign in with it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Literal

from storage.db import Db, stamp

LINK_VALID_FOR = dt.timedelta(minutes=10)
SESSION_VALID_FOR = dt.timedelta(hours=8)  # a working day at the desk; then a new link


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _issue(db: Db, table: Literal["web_logins", "web_sessions"], person_id: int, now: dt.datetime,
                 valid_for: dt.timedelta) -> str:
    """A new random token for the person, of which only the hash is stored."""
    token = secrets.token_urlsafe(32)
    await db.execute(
        f"INSERT INTO {table} (token_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (digest(token), person_id, stamp(now), stamp(now + valid_for)),
    )
    return token


async def create_link(db: Db, person_id: int, now: dt.datetime) -> str:
    return await _issue(db, "web_logins", person_id, now, LINK_VALID_FOR)


async def use_link(db: Db, token: str, now: dt.datetime) -> int | str:
    """The link's person, the link now used; or why not: unknown, used, expired."""
    row = await db.fetchone(
        "UPDATE web_logins SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?"
        " RETURNING person_id", (stamp(now), digest(token), stamp(now)))
    if row is not None:
        return int(row["person_id"])
    found = await db.fetchone("SELECT used_at FROM web_logins WHERE token_hash = ?", (digest(token),))
    return "unknown" if found is None else "used" if found["used_at"] else "expired"


async def open_session(db: Db, person_id: int, now: dt.datetime) -> str:
    return await _issue(db, "web_sessions", person_id, now, SESSION_VALID_FOR)


async def session_person(db: Db, token: str, now: dt.datetime) -> int | None:
    row = await db.fetchone(
        "SELECT person_id FROM web_sessions WHERE token_hash = ? AND ended_at IS NULL AND expires_at > ?",
        (digest(token), stamp(now)))
    return int(row["person_id"]) if row else None


async def end_session(db: Db, token: str, now: dt.datetime) -> None:
    await db.execute("UPDATE web_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
                     (stamp(now), digest(token)))
