"""/healthz beyond the channels' states: the database answers a real query, on the bot's own connection and on
a fresh one to the configured file, and the sweep (reminders, broadcasts) is alive. Each failed part is named
with the reason, in Vietnamese, so a monitor can alert with it."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from bot.delivery import Sweeper
from storage import observe
from storage.db import Database, SqliteDatabase

PROBE_SECONDS = 5.0  # a database that does not answer within this is as bad as one that fails
STALE_SWEEPS = 3  # the sweep is dead after this many intervals without a heartbeat


async def database(db: Database) -> str | None:
    try:
        await asyncio.wait_for(observe.schema_version(db), PROBE_SECONDS)
        if isinstance(db, SqliteDatabase) and db.path != ":memory:":
            await asyncio.wait_for(asyncio.to_thread(observe.file_answers, Path(db.path)), PROBE_SECONDS)
    except TimeoutError:
        return f"không trả lời trong {PROBE_SECONDS:.0f} giây"
    except (sqlite3.Error, ValueError) as exc:  # ValueError: aiosqlite's connection is closed
        return f"lỗi: {exc}"
    return None


def sweep(sweeper: Sweeper, every_seconds: float, now: float | None = None) -> str | None:
    age = (time.monotonic() if now is None else now) - sweeper.last_beat
    if age > STALE_SWEEPS * every_seconds:
        return f"vòng gửi tin không chạy từ {age:.0f} giây (chu kỳ {every_seconds:.0f} giây)"
    return None


async def failures(db: Database | None, sweeper: Sweeper | None, every_seconds: float) -> dict[str, str]:
    failed = {}
    if db is not None and (problem := await database(db)) is not None:
        failed["database"] = problem
    if sweeper is not None and (problem := sweep(sweeper, every_seconds)) is not None:
        failed["sweep"] = problem
    return failed
