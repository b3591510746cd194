"""Questions nobody could answer, kept for curators: the text and the time, never who asked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from content.normalize import normalize
from storage.db import Db, stamp

MAX_QUESTION = 500


@dataclass(frozen=True)
class Gap:
    question: str
    count: int
    last_asked: dt.datetime


async def record(db: Db, question: str, now: dt.datetime) -> None:
    text = question.strip()[:MAX_QUESTION]
    await db.execute(
        "INSERT INTO question_gaps (question, normalized, asked_at) VALUES (?, ?, ?)",
        (text, normalize(text), stamp(now)),
    )


async def most_asked(db: Db, limit: int = 50) -> list[Gap]:
    """Unanswered questions grouped by their normalised text, most asked first."""
    sql = (
        "SELECT MAX(question) AS question, COUNT(*) AS n, MAX(asked_at) AS last FROM question_gaps"
        " GROUP BY normalized ORDER BY n DESC, last DESC LIMIT ?"
    )
    rows = await db.fetchall(sql, (limit,))
    return [Gap(r["question"], r["n"], dt.datetime.fromisoformat(r["last"])) for r in rows]
