"""Questions nobody could answer, kept for curators: the text (contact details and ID numbers scrubbed) and the
time, never who asked."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from content.normalize import normalize
from storage.db import Db, stamp

MAX_QUESTION = 500

# What someone may type into a question that would identify them, most specific first: an e-mail may hold
# digits, and a phone number is told from an ID number by its prefix and length. The lookbehinds let a
# pattern start only where a number or address starts, so a long run of letters scans in linear time.
_SEP = r"[ .\-()]{0,2}"
_SCRUB: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # 0xxxxxxxxx (mobile) or 0xxxxxxxxxx (landline, old 11-digit mobiles), or +84/84 instead of the 0
    (re.compile(rf"(?<![\w+(])\(?(?:\+84|84|0)(?:{_SEP}[1-9])(?:{_SEP}\d){{8,9}}(?!\d)"), "[số điện thoại]"),
    # CCCD (12 digits) and CMND (9), unbroken or in groups of three; not with dots, the way sums are written
    (re.compile(r"(?<![\d.,])\d{3}(?:[ \-]?\d{3}){3}(?!\d|[.,]\d)"), "[số giấy tờ]"),
    (re.compile(r"(?<![\d.,])\d{3}(?:[ \-]?\d{3}){2}(?!\d|[.,]\d)"), "[số giấy tờ]"),
    (re.compile(r"(?<!\d)\d{8,}(?!\d)"), "[số tài khoản]"),  # a bank account or any other long number
]


def scrub(text: str) -> str:
    """The question with phone numbers, e-mail addresses, ID and account numbers replaced by markers."""
    for pattern, marker in _SCRUB:
        text = pattern.sub(marker, text)
    return text


@dataclass(frozen=True)
class Gap:
    question: str
    count: int
    last_asked: dt.datetime


async def record(db: Db, question: str, now: dt.datetime) -> None:
    # Scrubbed before it is cut, so that a number split by the cut cannot leave its first digits behind.
    text = scrub(question.strip())[:MAX_QUESTION]
    # the day only (UTC midnight): a to-the-second time would match the asker's session row
    day = dt.datetime.combine(now.astimezone(dt.UTC).date(), dt.time(), dt.UTC)
    await db.execute(
        "INSERT INTO question_gaps (question, normalized, asked_at) VALUES (?, ?, ?)",
        (text, normalize(text), stamp(day)),
    )


async def most_asked(db: Db, limit: int = 50) -> list[Gap]:
    """Unanswered questions grouped by their normalised text, most asked first."""
    sql = (
        "SELECT MAX(question) AS question, COUNT(*) AS n, MAX(asked_at) AS last FROM question_gaps"
        " GROUP BY normalized ORDER BY n DESC, last DESC LIMIT ?"
    )
    rows = await db.fetchall(sql, (limit,))
    return [Gap(r["question"], r["n"], dt.datetime.fromisoformat(r["last"])) for r in rows]


@dataclass(frozen=True)
class Open(Gap):
    key: str = ""  # the normalised text: what a curator marks as handled


async def unhandled(db: Db, limit: int = 100) -> list[Open]:
    """For curators: the questions not yet marked as handled, or asked again on a later day than the mark (counted
    from then), most asked first."""
    sql = (
        "SELECT MAX(g.question) AS question, g.normalized, COUNT(*) AS n, MAX(g.asked_at) AS last"
        " FROM question_gaps g LEFT JOIN gaps_handled h ON h.normalized = g.normalized"
        " WHERE h.handled_at IS NULL OR g.asked_at > h.handled_at"
        " GROUP BY g.normalized ORDER BY n DESC, last DESC LIMIT ?"
    )
    rows = await db.fetchall(sql, (limit,))
    return [Open(r["question"], r["n"], dt.datetime.fromisoformat(r["last"]), r["normalized"]) for r in rows]


async def mark_handled(db: Db, key: str, person_id: int, now: dt.datetime) -> bool:
    """Mark a question (by its normalised text) as handled; False when no question has that text."""
    if not await db.scalar("SELECT 1 FROM question_gaps WHERE normalized = ? LIMIT 1", (key,)):
        return False
    await db.execute(
        "INSERT INTO gaps_handled (normalized, handled_at, handled_by) VALUES (?, ?, ?) ON CONFLICT (normalized)"
        " DO UPDATE SET handled_at = excluded.handled_at, handled_by = excluded.handled_by",
        (key, stamp(now), person_id))
    return True
