"""The Zalo Official Account's OAuth tokens. The refresh token is single-use, so the pair is written together,
in one statement, after every refresh: a restart never needs a new login."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Db, stamp


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: dt.datetime
    seeded_from: str | None = None  # digest of the settings' refresh token this pair descends from


async def load(db: Db, app_id: str) -> Tokens | None:
    row = await db.fetchone(
        "SELECT access_token, refresh_token, expires_at, seeded_from FROM oa_tokens WHERE app_id = ?", (app_id,)
    )
    if row is None:
        return None
    return Tokens(row[0], row[1], dt.datetime.fromisoformat(row[2]), row[3])


async def save(db: Db, app_id: str, tokens: Tokens, now: dt.datetime) -> None:
    await db.execute(
        "INSERT INTO oa_tokens (app_id, access_token, refresh_token, expires_at, seeded_from, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (app_id) DO UPDATE SET access_token = excluded.access_token,"
        " refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,"
        " seeded_from = excluded.seeded_from, updated_at = excluded.updated_at",
        (app_id, tokens.access_token, tokens.refresh_token, stamp(tokens.expires_at), tokens.seeded_from,
         stamp(now)),
    )
