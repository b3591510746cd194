"""Review decisions on progress reports: approved, or returned with a comment. A report's status is its latest
decision, and one without any is waiting; every decision stays, as the report's review history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from storage import outbox
from storage.db import Db, Row, stamp, transaction

WAITING, APPROVED, RETURNED = "waiting", "approved", "returned"
LABELS = {WAITING: "Chờ duyệt", APPROVED: "Đã duyệt", RETURNED: "Trả lại"}


@dataclass(frozen=True)
class Review:
    id: int
    report_id: int
    decision: str  # APPROVED or RETURNED
    comment: str | None
    reviewer_id: int | None
    reviewed_at: dt.datetime


def _review(row: Row) -> Review:
    return Review(row["id"], row["report_id"], row["decision"], row["comment"], row["reviewer_id"],
                  dt.datetime.fromisoformat(row["reviewed_at"]))


class Superseded(Exception):
    """The report is no longer the current version: a newer one answers it, and is the one to decide on."""


async def decide(db: Db, report_id: int, decision: str, comment: str | None, reviewer_id: int, now: dt.datetime,
                 notice: outbox.Item | None = None) -> Review:
    """Record a decision and, in the same transaction, queue the message to the official (so a decision is never
    recorded without its message, nor a message sent for a decision that was rolled back). The checks are in the
    transaction too, so two admins deciding at once cannot both pass them: a report superseded meanwhile raises
    Superseded, and the same decision as the latest (a double click, two admins) is not recorded again, nor its
    message queued: the latest is returned."""
    async with transaction(db) as tx:
        if not await tx.scalar("SELECT COUNT(*) FROM reports WHERE id = ? AND superseded_at IS NULL", (report_id,)):
            raise Superseded(report_id)
        last = await tx.fetchone("SELECT * FROM report_reviews WHERE report_id = ? ORDER BY id DESC LIMIT 1",
                                 (report_id,))
        if last is not None and (last["decision"], last["comment"]) == (decision, comment):
            return _review(last)
        row = await tx.fetchone(
            "INSERT INTO report_reviews (report_id, decision, comment, reviewer_id, reviewed_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING *", (report_id, decision, comment, reviewer_id, stamp(now)))
        if notice is not None:
            await outbox.enqueue(tx, [notice], now)
    assert row is not None
    return _review(row)


async def latest(db: Db, report_ids: Iterable[int]) -> dict[int, Review]:
    """Each report's latest decision; a report missing from the answer is waiting for review."""
    ids = sorted(set(report_ids))
    if not ids:
        return {}
    out: dict[int, Review] = {}
    for start in range(0, len(ids), 500):  # bound the number of parameters of one statement
        chunk = ids[start:start + 500]
        rows = await db.fetchall(
            "SELECT * FROM report_reviews WHERE id IN (SELECT MAX(id) FROM report_reviews"
            f" WHERE report_id IN ({','.join('?' * len(chunk))}) GROUP BY report_id)", chunk)
        out.update((r["report_id"], _review(r)) for r in rows)
    return out


def status(found: dict[int, Review], report_id: int) -> str:
    review = found.get(report_id)
    return review.decision if review else WAITING


async def history(db: Db, report_ids: Iterable[int]) -> list[Review]:
    """Every decision on these reports (a report and its earlier versions), newest first."""
    ids = list(report_ids)
    if not ids:
        return []
    rows = await db.fetchall(f"SELECT * FROM report_reviews WHERE report_id IN ({','.join('?' * len(ids))})"
                             " ORDER BY id DESC", ids)
    return [_review(r) for r in rows]
