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


# the fresh-connection probe still running, per file: a hung filesystem holds its thread, and a monitor asking
# every few seconds must not start one more each time
_probes: dict[Path, asyncio.Future[None]] = {}


async def database(db: Database) -> str | None:
    try:
        await asyncio.wait_for(observe.schema_version(db), PROBE_SECONDS)
        if isinstance(db, SqliteDatabase) and db.path != ":memory:":
            return await _file(Path(db.path))
    except TimeoutError:
        return f"không trả lời trong {PROBE_SECONDS:.0f} giây"
    except sqlite3.Error as exc:  # about the file: names no secret
        return f"lỗi: {exc}"
    except Exception as exc:  # PostgreSQL's message may quote the connection string; aiosqlite's closed: ValueError
        return f"lỗi: {type(exc).__name__}"
    return None


async def _file(path: Path) -> str | None:
    """The file opened afresh, in a thread that a timeout cannot stop: while it runs, no other is started."""
    running = _probes.get(path)
    if running is not None and not running.done():
        return "lần mở tệp trước vẫn chưa xong (ổ đĩa treo?)"
    probe = _probes[path] = asyncio.ensure_future(asyncio.to_thread(observe.file_answers, path))
    probe.add_done_callback(lambda done: done.cancelled() or done.exception())  # retrieved: never "not retrieved"
    await asyncio.wait_for(asyncio.shield(probe), PROBE_SECONDS)
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
