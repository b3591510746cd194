"""/healthz as a monitor sees it, over real HTTP from a running bot (the web channel, the sweep every second):
200 while everything works; 503 naming the part when the sweep stops, when the database file can no longer be
opened at its path, when the bot's own connection is gone or does not answer in time.

The tests run as root, for whom `chmod 000` changes nothing, so "unreadable" is made a way that stops root too:
the file moved away, so that a fresh connection to the configured path fails, as after a deletion or a lost
mount. The bot's open connection would go on reading the file it opened, which is why the check also opens the
path afresh. (A file of another kind put at the path is not tested: the old -wal beside it would be replayed
into it, which is SQLite's behaviour, not the check's.)"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bot.runner import Runner
from handlers.core.router import Core
from storage.db import Target
from tests.postgres_server import drop_database
from tests.web_site import running


@dataclass
class Bot:
    runner: Runner
    http: httpx.AsyncClient
    database: Path

    async def health(self) -> tuple[int, dict[str, Any]]:
        answer = await self.http.get("/healthz")
        return answer.status_code, answer.json()

    async def until(self, wanted: Callable[[int, dict[str, Any]], bool], timeout: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            status, body = await self.health()
            if wanted(status, body):
                return body
            assert time.monotonic() < deadline, f"/healthz still {status} {body}"
            await asyncio.sleep(0.1)


@pytest.fixture
async def bot(core: Core, tmp_path: Path) -> AsyncIterator[Bot]:
    async with running(core, tmp_path, sweep_seconds=1) as (runner, base), \
            httpx.AsyncClient(base_url=base, timeout=10) as http:
        yield Bot(runner, http, tmp_path / "bot.sqlite3")


def ok(status: int, body: dict[str, Any]) -> bool:
    return status == 200


def failed(part: str) -> Callable[[int, dict[str, Any]], bool]:
    return lambda status, body: status == 503 and part in body.get("failed", {})


async def test_healthy_bot_answers_200(bot: Bot) -> None:
    assert await bot.health() == (200, {"status": "ok", "channels": {"web": "running"}})


async def test_a_stopped_sweep_gives_503_then_recovers(bot: Bot) -> None:
    scheduler = bot.runner.scheduler
    assert scheduler is not None
    scheduler.pause()
    body = await bot.until(failed("sweep"))
    assert body["status"] == "degraded" and "vòng gửi tin không chạy" in body["failed"]["sweep"]
    assert set(body["failed"]) == {"sweep"}, "only the sweep: the database still answers"
    scheduler.resume()
    await bot.until(ok)


async def test_the_database_file_gone_from_its_path_gives_503(bot: Bot, tmp_path: Path) -> None:
    moved = tmp_path / "moved-away.sqlite3"
    bot.database.rename(moved)
    body = await bot.until(failed("database"))
    assert "unable to open" in body["failed"]["database"] and body["channels"] == {"web": "running"}
    moved.rename(bot.database)
    await bot.until(ok)


async def test_a_closed_connection_gives_503(bot: Bot) -> None:
    core = bot.runner.core
    assert core is not None
    await core.db.close()
    body = await bot.until(failed("database"))
    assert body["failed"]["database"].startswith("lỗi")


async def test_a_database_that_does_not_answer_in_time_gives_503(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection held by a statement that never ends: the check gives up after its time limit."""
    from bot import health

    monkeypatch.setattr(health, "PROBE_SECONDS", 0.2)
    core = bot.runner.core
    assert core is not None
    hold: asyncio.Event = asyncio.Event()

    async def stuck() -> None:
        async with core.db.transaction():
            await hold.wait()

    holder = asyncio.create_task(stuck())
    try:
        body = await bot.until(failed("database"))
        assert "không trả lời trong" in body["failed"]["database"]
    finally:
        hold.set()
        await holder
    await bot.until(ok)



@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_postgresql_database_gone_gives_503_naming_only_the_error_type(bot: Bot, database: Target) -> None:
    assert isinstance(database, str)
    drop_database(database)  # WITH (FORCE): the bot's connection is cut
    body = await bot.until(failed("database"))
    problem = body["failed"]["database"]
    assert problem.startswith("lỗi: ") and " " not in problem.removeprefix("lỗi: "), problem
    assert urlsplit(database).path.lstrip("/") not in problem, "not the server's message: it names the database"


async def test_a_hung_file_probe_is_not_started_again(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    """A filesystem that never answers holds the probe's thread: later checks fail at once, without a new one."""
    from bot import health
    from storage import observe

    monkeypatch.setattr(health, "PROBE_SECONDS", 0.2)
    release, started = threading.Event(), []

    def hung(path: Path) -> None:
        started.append(path)
        release.wait(30)

    monkeypatch.setattr(observe, "file_answers", hung)
    try:
        first = await bot.until(failed("database"))
        assert "không trả lời trong" in first["failed"]["database"]
        for _ in range(5):
            status, body = await bot.health()
            assert status == 503 and "chưa xong" in body["failed"]["database"], body
        assert len(started) == 1, "one thread, however often /healthz is asked"
    finally:
        release.set()
    await bot.until(ok)
