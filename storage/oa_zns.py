"""ZNS messages: the status of each, keyed by its tracking id (the outbox key), and the outbox row a ZNS
message is sent for (its kind and the reminder's details fill the template)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Db, stamp


@dataclass(frozen=True)
class Claimed:
    """The outbox row being sent to an identity now (the sweep claimed it: status 'sending')."""

    key: str
    kind: str
    plan_id: str | None
    period: str | None
    due: dt.date | None
    unit: str | None


async def claimed(db: Db, channel: str, external_id: str, text: str) -> Claimed | None:
    """The row the outbox is sending to this identity with this text. The sender contract passes only
    (external id, text), and ZNS needs the row's key (tracking_id) and kind (template)."""
    row = await db.fetchone(
        "SELECT o.key, o.kind, o.plan_id, o.period, o.due, u.name FROM outbox o"
        " JOIN identities i ON i.person_id = o.person_id LEFT JOIN units u ON u.id = o.unit_id"
        " WHERE i.channel = ? AND i.external_id = ? AND o.status = 'sending' AND o.text = ?"
        " ORDER BY o.id LIMIT 1",
        (channel, external_id, text),
    )
    if row is None:
        return None
    due = dt.date.fromisoformat(row[4]) if row[4] else None
    return Claimed(row[0], row[1], row[2], row[3], due, row[5])


async def status(db: Db, tracking_id: str) -> str | None:
    found = await db.scalar("SELECT status FROM zns_messages WHERE tracking_id = ?", (tracking_id,))
    return str(found) if found is not None else None


async def record(
    db: Db, tracking_id: str, template_id: str, state: str, now: dt.datetime, msg_id: str | None = None,
    error: str | None = None,
) -> None:
    """One attempt's outcome; attempts counts the calls made under this tracking id."""
    await db.execute(
        "INSERT INTO zns_messages (tracking_id, template_id, status, msg_id, error, attempts, updated_at)"
        " VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (tracking_id) DO UPDATE SET status = excluded.status,"
        " msg_id = COALESCE(excluded.msg_id, zns_messages.msg_id), error = excluded.error,"
        " attempts = zns_messages.attempts + 1, updated_at = excluded.updated_at",
        (tracking_id, template_id, state, msg_id, error[:500] if error else None, stamp(now)),
    )


async def received(db: Db, msg_id: str, now: dt.datetime) -> None:
    """Zalo reported the message on the person's phone (the webhook event user_received_message)."""
    await db.execute("UPDATE zns_messages SET status = 'received', updated_at = ? WHERE msg_id = ?",
                     (stamp(now), msg_id))
