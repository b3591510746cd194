"""Progress reports: each write in one transaction; a new report supersedes the current one, history stays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from storage.db import Db, Row, stamp, transaction

STATUSES = {
    "chua": "Chưa thực hiện",
    "dang": "Đang thực hiện",
    "xong": "Đã hoàn thành",
    "vuong": "Gặp vướng mắc",
}


@dataclass(frozen=True)
class Evidence:
    kind: str  # photo, document, link
    file_id: str | None = None
    url: str | None = None
    name: str | None = None
    size: int | None = None
    channel: str | None = None  # where file_id is valid


@dataclass(frozen=True)
class Content:
    """What a report says, for one task, unit and period."""

    plan_id: str
    task_id: str
    unit_id: int
    period: str
    status: str
    percent: int
    done_text: str
    difficulties: str | None
    reporter_id: int


@dataclass(frozen=True)
class NewReport(Content):
    idempotency_key: str = ""
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Report(Content):
    id: int = 0
    submitted_at: dt.datetime = dt.datetime.min
    evidence_count: int = 0
    supersedes: int | None = None


_COLUMNS = (
    "r.id, r.plan_id, r.task_id, r.unit_id, r.period, r.status, r.percent, r.done_text, r.difficulties,"
    " r.reporter_id, r.submitted_at, r.supersedes,"
    " (SELECT COUNT(*) FROM evidence e WHERE e.report_id = r.id) AS evidence_count"
)


def _report(row: Row) -> Report:
    return Report(
        id=row["id"], plan_id=row["plan_id"], task_id=row["task_id"], unit_id=row["unit_id"], period=row["period"],
        status=row["status"], percent=row["percent"], done_text=row["done_text"], difficulties=row["difficulties"],
        reporter_id=row["reporter_id"], submitted_at=dt.datetime.fromisoformat(row["submitted_at"]),
        evidence_count=row["evidence_count"], supersedes=row["supersedes"],
    )


async def by_key(db: Db, key: str) -> Report | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM reports r WHERE r.idempotency_key = ?", (key,))
    return _report(row) if row else None


async def submit(db: Db, new: NewReport, now: dt.datetime) -> tuple[Report, bool]:
    """Store the report in one transaction; (report, False) when this key was already stored."""
    existing = await by_key(db, new.idempotency_key)
    if existing:
        return existing, False
    async with transaction(db) as tx:
        previous = await tx.fetchone(
            "SELECT id FROM reports WHERE plan_id = ? AND task_id = ? AND unit_id = ? AND period = ?"
            " AND superseded_at IS NULL",
            (new.plan_id, new.task_id, new.unit_id, new.period),
        )
        if previous:
            await tx.execute("UPDATE reports SET superseded_at = ? WHERE id = ?", (stamp(now), previous["id"]))
        report_id = await tx.scalar(
            "INSERT INTO reports (plan_id, task_id, unit_id, period, status, percent, done_text, difficulties,"
            " reporter_id, submitted_at, supersedes, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (
                new.plan_id, new.task_id, new.unit_id, new.period, new.status, new.percent, new.done_text,
                new.difficulties, new.reporter_id, stamp(now), previous["id"] if previous else None,
                new.idempotency_key,
            ),
        )
        await tx.executemany(
            "INSERT INTO evidence (report_id, kind, file_id, url, name, size, channel) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(report_id, e.kind, e.file_id, e.url, e.name, e.size, e.channel) for e in new.evidence],
        )
    stored = await by_key(db, new.idempotency_key)
    assert stored is not None
    return stored, True


MANY = 2000  # more units than this are read as "every current report", then filtered: SQLite binds at most 32,766


async def current(
    db: Db, unit_ids: Iterable[int], period: str | None = None
) -> dict[tuple[str, str, int, str], Report]:
    """The current (not superseded) report per (plan, task, unit, period) for these units."""
    ids = list(unit_ids)
    if not ids:
        return {}
    sql, args = f"SELECT {_COLUMNS} FROM reports r WHERE r.superseded_at IS NULL", list[object]()
    if len(ids) <= MANY:
        sql += f" AND r.unit_id IN ({','.join('?' * len(ids))})"
        args += ids
    if period:
        sql += " AND r.period = ?"
        args.append(period)
    wanted = set(ids)
    return {(r["plan_id"], r["task_id"], r["unit_id"], r["period"]): _report(r)
            for r in await db.fetchall(sql, args) if r["unit_id"] in wanted}


async def get(db: Db, report_id: int) -> Report | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM reports r WHERE r.id = ?", (report_id,))
    return _report(row) if row else None


async def versions(db: Db, report: Content) -> list[Report]:
    """Every version filed for the report's task, unit and period, newest first (the current one and those it
    superseded)."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM reports r WHERE r.plan_id = ? AND r.task_id = ? AND r.unit_id = ? AND r.period = ?"
        " ORDER BY r.submitted_at DESC, r.id DESC", (report.plan_id, report.task_id, report.unit_id, report.period))
    return [_report(r) for r in rows]
