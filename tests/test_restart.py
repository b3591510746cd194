"""The real bot process (`python -m bot run`) against the fake Bot API on 127.0.0.1, killed with SIGKILL.

A report conversation resumes at the same step after the kill; a broadcast killed at random points is
delivered to everyone, with no duplicates beyond the messages in flight at each kill.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.delivery import Sweeper
from handlers.broadcasts import audience as broadcasts
from storage.db import connect
from tests.fake_telegram import FakeBotApi
from tests.plans_in_force import keep_in_force_in

USER = 5151
# at most this many messages are in flight, or sent but not yet recorded, when the process dies
CONCURRENCY = 2 * Sweeper.concurrency


class Bot:
    """`python -m bot run` as a child process, pointed at the fake Bot API and a temporary database."""

    def __init__(self, api: FakeBotApi, database: Path, sweep_seconds: int = 3600) -> None:
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:ABC", "TELEGRAM_BASE_URL": api.base_url,
                    "DATABASE": str(database), "SWEEP_SECONDS": str(sweep_seconds), "TELEGRAM_MAX_RATE": "500",
                    "NO_PROXY": "127.0.0.1,localhost", "WEBHOOK_URL": "", "ZALO_BOT_TOKEN": "",
                    "QUIET_HOURS": "off"}  # the test must pass at any hour
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(rate_cap=300) as fake:
        yield fake


def cli(database: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bot", *args, "--db", str(database)], capture_output=True,
                          text=True, check=True)
    return done.stdout


def replies_to(api: FakeBotApi, chat: int) -> list[dict]:
    return [m for m in api.sent() if int(m["chat_id"]) == chat]


def wait_reply(api: FakeBotApi, chat: int, count: int, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = replies_to(api, chat)
        if len(got) >= count:
            return got[count - 1]
        time.sleep(0.05)
    raise AssertionError(f"no reply #{count} to {chat}: {replies_to(api, chat)}")


def test_report_conversation_resumes_after_sigkill(api: FakeBotApi, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    code = cli(database, "invite", "--commune", "Đắk Plô", "--unit", "Văn phòng HĐND-UBND xã").strip().splitlines()[-1]
    keep_in_force_in(database)  # a bot process on the real clock: Đắk Plô's 2024 plan, in force today
    bot = Bot(api, database)
    bot.start()
    try:
        api.send_text(USER, f"/dangky {code}")
        assert "thành công" in wait_reply(api, USER, 1)["text"]
        api.send_text(USER, "/baocao")
        tasks = wait_reply(api, USER, 2)
        api.press(USER, tasks["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
        statuses = wait_reply(api, USER, 3)
        assert "Bước 2/7" in statuses["text"]
        api.press(USER, next(row[0]["callback_data"] for row in statuses["reply_markup"]["inline_keyboard"]
                             if row[0]["text"] == "Đang thực hiện"))
        assert "Bước 3/7" in wait_reply(api, USER, 4)["text"]
        bot.kill()  # in the middle of the conversation, before Telegram's offset is confirmed
        bot.start()
        api.send_text(USER, "50%")
        assert "Bước 4/7" in wait_reply(api, USER, 5)["text"], "resumed at the same step, and once"
        for n, text in enumerate(("Đã rà soát 45 thủ tục", "bỏ qua", "không"), start=6):
            api.send_text(USER, text)
            wait_reply(api, USER, n)
        summary = replies_to(api, USER)[-1]
        assert "Đang thực hiện – 50%" in summary["text"]
        confirm = summary["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        api.press(USER, confirm)
        api.press(USER, confirm)  # a double tap
        assert "BC-" in wait_reply(api, USER, 9)["text"]
        assert "đã được lưu rồi" in wait_reply(api, USER, 10)["text"]
    finally:
        bot.stop()
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1


async def seed_recipients(database: Path, n: int) -> None:
    db = await connect(database)
    await db.executemany("INSERT INTO people (id, created_at) VALUES (?, 'x')", [(i,) for i in range(1, n + 1)])
    await db.executemany("INSERT INTO identities VALUES ('telegram', ?, ?, 1, 'x')",
                         [(str(10_000 + i), i) for i in range(1, n + 1)])
    now = __import__("storage.db", fromlist=["utc_now"]).utc_now()
    await broadcasts.create(db, None, "Họp giao ban PAPI", broadcasts.Audience("all"), list(range(1, n + 1)), now, now)
    await db.close()


def test_broadcast_survives_sigkill_at_random_points(api: FakeBotApi, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    n = 600
    asyncio.run(seed_recipients(database, n))
    bot = Bot(api, database, sweep_seconds=1)
    rng = random.Random(2026)
    kills = 0
    try:
        for _ in range(3):
            bot.start()
            target = len(api.sent()) + rng.randint(20, 150)
            deadline = time.monotonic() + 30
            while len(api.sent()) < min(target, n) and time.monotonic() < deadline:
                time.sleep(0.01)
            bot.kill()
            kills += 1
        bot.start()
        deadline = time.monotonic() + 60  # until every row is settled: the last start takes back the killed claims
        while statuses(database) != {"sent": n} and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        bot.stop()
    per_chat = Counter(int(m["chat_id"]) for m in api.sent())
    lost = [10_000 + i for i in range(1, n + 1) if per_chat[10_000 + i] == 0]
    duplicated = sum(c - 1 for c in per_chat.values() if c > 1)
    assert not lost, f"{len(lost)} recipients never got the broadcast"
    assert duplicated <= kills * CONCURRENCY, f"{duplicated} duplicates after {kills} kills"
    assert statuses(database) == {"sent": n}


def statuses(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return dict(db.execute("SELECT status, COUNT(*) FROM outbox WHERE kind = 'broadcast' GROUP BY status"))


def test_second_process_on_the_same_file_is_refused(api: FakeBotApi, tmp_path: Path) -> None:
    """A second `run` would take back the first one's claims and send them again; it stops instead."""
    database = tmp_path / "bot.sqlite3"
    n = 1500
    asyncio.run(seed_recipients(database, n))
    first, second = Bot(api, database, sweep_seconds=1), Bot(api, database, sweep_seconds=1)
    try:
        first.start()
        deadline = time.monotonic() + 30
        while len(api.sent()) < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
        second.start()
        assert second.proc is not None
        code = second.proc.wait(30)
        err = second.proc.stderr.read().decode() if second.proc.stderr else ""
        assert code == 3 and "tiến trình bot khác" in err, err
        assert len(err.strip().splitlines()) == 1, "one clear line"
        deadline = time.monotonic() + 60
        while len({m["chat_id"] for m in api.sent()}) < n and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        first.stop()
        second.stop()
    per_chat = Counter(int(m["chat_id"]) for m in api.sent())
    assert len(per_chat) == n and sum(per_chat.values()) == n, "0 lost, 0 duplicated"


async def _migrated(database: Path) -> None:
    db = await connect(database)
    await db.close()


def test_failed_migration_exits_with_one_line_and_keeps_the_old_schema(api: FakeBotApi, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    asyncio.run(_migrated(database))
    with sqlite3.connect(database) as db:  # pretend migration 008 never ran, though its columns exist
        db.execute("DELETE FROM schema_migrations WHERE version >= 8")
    bot = Bot(api, database)
    bot.start()
    assert bot.proc is not None
    try:
        code = bot.proc.wait(30)
    finally:
        bot.stop()
    err = bot.proc.stderr.read().decode() if bot.proc.stderr else ""
    assert code == 4 and "008_session_flow_state.sql" in err and len(err.strip().splitlines()) == 1, err
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == 7
        assert db.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 0, "the old schema still answers"


def test_processes_starting_together_on_a_new_file_migrate_once(tmp_path: Path) -> None:
    database = tmp_path / "new.sqlite3"
    procs = [subprocess.Popen([sys.executable, "-m", "bot", "invite", "--commune", "Đắk Plô", "--unit", "UBND xã",
                               "--db", str(database)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(6)]
    results = [(p.wait(60), p.stderr.read().decode() if p.stderr else "") for p in procs]
    assert all(code == 0 for code, _ in results), results
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM invitations").fetchone()[0] == 6
