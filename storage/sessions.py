"""Per-identity conversation state: the choices last offered and any guided conversation in progress."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from storage.db import Db, stamp


@dataclass(frozen=True)
class Session:
    choices: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    flow: str | None = None
    step: str | None = None
    draft: dict[str, Any] = field(default_factory=dict)
    expires_at: dt.datetime | None = None
    kept_draft: dict[str, Any] | None = None  # an expired conversation's draft, offered on the next start
    back_to: str | None = None  # the step to return to after a detour (the summary, after «Sửa»)
    nonce: str | None = None  # the conversation's idempotency key, set when it begins
    delivered: bool = True  # the channel confirmed that the replies of the last step reached the person


async def load(db: Db, channel: str, external_id: str) -> Session:
    sql = (
        "SELECT choices, flow, step, draft, expires_at, kept_draft, back_to, nonce, delivered FROM sessions"
        " WHERE channel = ? AND external_id = ?"
    )
    row = await db.lookup(sql, (channel, external_id))
    if not row:
        return Session()
    return Session(
        choices=[(label, value) for label, value in json.loads(row["choices"])],
        flow=row["flow"],
        step=row["step"],
        draft=json.loads(row["draft"]),
        expires_at=dt.datetime.fromisoformat(row["expires_at"]) if row["expires_at"] else None,
        kept_draft=json.loads(row["kept_draft"]) if row["kept_draft"] else None,
        back_to=row["back_to"],
        nonce=row["nonce"],
        delivered=bool(row["delivered"]),
    )


async def save(db: Db, channel: str, external_id: str, session: Session, now: dt.datetime) -> None:
    await db.execute(
        "INSERT INTO sessions (channel, external_id, choices, flow, step, draft, updated_at, expires_at, kept_draft,"
        " back_to, nonce, delivered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (channel, external_id) DO UPDATE SET choices = excluded.choices, flow = excluded.flow,"
        " step = excluded.step, draft = excluded.draft, updated_at = excluded.updated_at,"
        " expires_at = excluded.expires_at, kept_draft = excluded.kept_draft, back_to = excluded.back_to,"
        " nonce = excluded.nonce, delivered = excluded.delivered",
        (
            channel,
            external_id,
            json.dumps(session.choices, ensure_ascii=False),
            session.flow,
            session.step,
            json.dumps(session.draft, ensure_ascii=False),
            stamp(now),
            stamp(session.expires_at) if session.expires_at else None,
            json.dumps(session.kept_draft, ensure_ascii=False) if session.kept_draft is not None else None,
            session.back_to,
            session.nonce,
            int(session.delivered),
        ),
    )


async def confirm_delivery(db: Db, channel: str, external_id: str) -> None:
    """The channel sent the replies of the conversation's current step (see Session.delivered)."""
    await db.execute("UPDATE sessions SET delivered = 1 WHERE channel = ? AND external_id = ? AND delivered = 0",
                     (channel, external_id))


async def abandoned(db: Db, now: dt.datetime) -> list[tuple[str, str, int, Session]]:
    """Conversations whose expiry has passed: (channel, external id, person id, session)."""
    sql = (
        "SELECT s.channel, s.external_id, i.person_id FROM sessions s"
        " JOIN identities i ON i.channel = s.channel AND i.external_id = s.external_id"
        " WHERE s.flow IS NOT NULL AND s.expires_at <= ?"
    )
    rows = await db.fetchall(sql, (stamp(now),))
    return [(r[0], r[1], r[2], await load(db, r[0], r[1])) for r in rows]
