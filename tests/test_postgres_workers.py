"""Two real `python -m bot run` workers on one PostgreSQL, against the fake Zalo Bot API on 127.0.0.1: exactly
one sweeps at a time (the advisory lock of `Database.lead`), and when that one is killed (SIGKILL) in the
middle of a broadcast the other takes over: 0 recipients lost, and a recipient gets the message twice only if
it was in flight (sent, not yet recorded) at the kill, which the lease (OUTBOX_LEASE_SECONDS) gives back.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

import pytest

from bot.delivery import Sweeper
from storage import people
from storage.db import connect, utc_now
from tests.fake_zalo import FakeZalo
from tests.postgres_server import drop_database, fresh_database

N = 600
RATE = 150  # ZALO_MAX_RATE: 600 messages in about 4 s, time enough to kill the sweeping worker mid-way
LEASE = 5
ROOT = Path(__file__).parents[1]


def zalo_id(i: int) -> str:
    return f"c0{i:018x}"


async def seed(url: str) -> None:
    db = await connect(url)
    try:
        for i in range(1, N + 1):
            await people.identify(db, "zalo", zalo_id(i), utc_now())
    finally:
        await db.close()


async def outbox_state(url: str) -> tuple[dict[str, int], set[str]]:
    db = await connect(url, migrate_schema=False)
    try:
        statuses = {r[0]: r[1] for r in await db.fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status")}
        owners = {r[0] for r in await db.fetchall(
            "SELECT DISTINCT claimed_by FROM outbox WHERE claimed_by IS NOT NULL")}
    finally:
        await db.close()
    return statuses, owners


def tail(log: IO[str]) -> str:
    log.seek(0)
    return "".join(log.readlines()[-20:])


def wait(condition: Callable[[], bool], seconds: float, what: str, logs: Sequence[IO[str]]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} không xảy ra trong {seconds} s:\n" + "\n---\n".join(tail(log) for log in logs))
        time.sleep(0.1)


def test_two_workers_one_sweeper_and_a_killed_one_loses_nothing(postgres: str, tmp_path: Path) -> None:
    url = fresh_database(postgres)
    try:
        asyncio.run(seed(url))
        with FakeZalo() as api:
            env = {**os.environ, "ZALO_BOT_TOKEN": api.token, "ZALO_BASE_URL": api.base_url, "DATABASE": url,
                   "ZALO_MAX_RATE": str(RATE), "SWEEP_SECONDS": "1", "QUIET_HOURS": "off",
                   "OUTBOX_LEASE_SECONDS": str(LEASE), "PYTHONPATH": str(ROOT), "NO_PROXY": "127.0.0.1,localhost",
                   "TELEGRAM_BOT_TOKEN": "", "ZALO_WEBHOOK_URL": "", "ZALO_OA_APP_ID": "", "PUBLIC_URL": ""}
            logs = [(tmp_path / f"worker-{n}.log").open("w+", encoding="utf-8") for n in (1, 2)]
            workers = [subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                                        stdout=subprocess.DEVNULL, stderr=log) for log in logs]
            try:
                wait(lambda: len(api.sent("deleteWebhook")) >= 2, 60, "hai tiến trình khởi động kênh Zalo", logs)
                queued = subprocess.run([sys.executable, "-m", "bot", "broadcast", "--to", "all", "--text", "Họp"],
                                        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
                assert queued.returncode == 0, queued.stderr
                wait(lambda: len(api.sent()) >= N // 4, 60, "một phần tư số tin được gửi", logs)
                _, owners = asyncio.run(outbox_state(url))
                assert len(owners) == 1, f"more than one worker sweeps: {owners}"
                leader_pid = int(next(iter(owners)).split(":")[1])
                leader = next(w for w in workers if w.pid == leader_pid)
                leader.send_signal(signal.SIGKILL)
                leader.wait(10)
                sent_at_kill = len(api.sent())
                assert sent_at_kill < N, "the broadcast ended before the kill: raise N"
                survivor = next(w for w in workers if w is not leader)

                def settled() -> bool:
                    return asyncio.run(outbox_state(url))[0] == {"sent": N}

                wait(settled, N / RATE * 2 + LEASE + 30, "mọi tin được gửi sau khi tiến trình bị giết", logs)
                time.sleep(1.5)  # a late duplicate would show up here
                assert survivor.poll() is None, tail(logs[workers.index(survivor)])
                survivor.send_signal(signal.SIGTERM)
                assert survivor.wait(30) == 0, tail(logs[workers.index(survivor)])
            finally:
                for worker in workers:
                    if worker.poll() is None:
                        worker.kill()
                        worker.wait(10)
                for log in logs:
                    log.close()
            per_chat = Counter(str(params["chat_id"]) for params in api.sent())
        _, owners = asyncio.run(outbox_state(url))
    finally:
        drop_database(url)
    expected = {zalo_id(i) for i in range(1, N + 1)}
    assert set(per_chat) == expected, f"{len(expected - set(per_chat))} recipients got nothing"
    twice = sum(n - 1 for n in per_chat.values())
    # at most the rows sent but not yet recorded when the sweeper died: 2 × concurrency (bot/delivery.py)
    assert twice <= 2 * Sweeper.concurrency, f"{twice} duplicates"
    assert len(owners) == 2, f"the survivor did not take over the sweep: {owners}"
    print(f"{N} recipients, leader killed after {sent_at_kill} sends; {twice} sent twice, 0 lost")
