"""Issue 12, Tests: a broadcast to 2,000 Zalo recipients is paced under the configured rate with 0 lost and 0
duplicated, through the real `python -m bot run` process against the fake Zalo Bot API on 127.0.0.1.

The 2,000 people are Zalo users as the bot records them (`storage.people.identify`) in a real SQLite file; the
broadcast is queued beside the running bot as an operator does (`python -m bot broadcast --to all`). The fake
records when each message reached it.

The outbox paces Zalo with aiolimiter's `AsyncLimiter(1, 1 / ZALO_MAX_RATE)`: one message every 1/RATE
seconds, with no burst after a pause (with `AsyncLimiter(RATE, 1)` the first second of a broadcast went out at
twice the rate; this test caught it). Checked: every sliding 1-second window holds at most RATE × 1.1 + the few
messages in flight that may bunch up between the limiter and the fake; windows of every length hold no more (a
leaky bucket replayed over the arrivals); and the whole run goes at no less than 0.8 × RATE, so it is paced,
not stalled. Takes about 45 s (2,000 at 50/s).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import IO

import pytest

from bot.delivery import Sweeper
from storage import people
from storage.db import connect, utc_now
from tests.fake_zalo import TimedZalo
from tests.rates import bucket_peak, busiest, windows

N = 2000
RATE = 50  # ZALO_MAX_RATE: 2,000 messages in about 40 s
TEXT = "Họp giao ban PAPI lúc 08:00 thứ Hai tại hội trường UBND xã"
ROOT = Path(__file__).parents[1]


def zalo_id(i: int) -> str:
    return f"b0{i:018x}"  # Zalo ids are 20 hex characters


async def seed(database: Path) -> None:
    db = await connect(database)
    try:
        for i in range(1, N + 1):
            await people.identify(db, "zalo", zalo_id(i), utc_now())
    finally:
        await db.close()


def outbox(database: Path) -> tuple[dict[str, int], list[tuple[int, int, str | None]]]:
    with sqlite3.connect(database, timeout=15) as db:
        statuses = dict(db.execute("SELECT status, COUNT(*) FROM outbox WHERE kind = 'broadcast' GROUP BY status"))
        reports = db.execute("SELECT id, recipients, reported_at FROM broadcasts").fetchall()
    return statuses, reports


def settled(database: Path) -> bool:
    statuses, reports = outbox(database)
    return statuses == {"sent": N} and all(reported_at is not None for _, _, reported_at in reports)


def tail(log: IO[str]) -> str:
    log.seek(0)
    return "".join(log.readlines()[-30:])


def test_broadcast_to_2000_zalo_recipients_is_paced_with_none_lost_or_duplicated(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    asyncio.run(seed(database))
    try:
        fake = TimedZalo()
    except OSError as exc:
        pytest.fail(f"the fake Zalo Bot API could not start on 127.0.0.1: {exc}")
    with fake as api, (tmp_path / "bot.log").open("w+", encoding="utf-8") as log:
        env = {**os.environ, "ZALO_BOT_TOKEN": api.token, "ZALO_BASE_URL": api.base_url, "DATABASE": str(database),
               "ZALO_MAX_RATE": str(RATE), "SWEEP_SECONDS": "1", "QUIET_HOURS": "off",  # passes at any hour
               "PYTHONPATH": str(ROOT), "NO_PROXY": "127.0.0.1,localhost", "TELEGRAM_BOT_TOKEN": "",
               "ZALO_WEBHOOK_URL": "", "ZALO_OA_APP_ID": "", "PUBLIC_URL": ""}
        # stderr to a file: the process logs as it sends, and a full pipe would stall it
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while not api.sent("deleteWebhook"):  # called in polling mode once the token is checked: Zalo is up
                if bot.poll() is not None:
                    pytest.fail(f"`python -m bot run` exited with {bot.returncode} before Zalo started:\n{tail(log)}")
                if time.monotonic() > deadline:
                    pytest.fail(f"`python -m bot run` did not start the Zalo channel within 60 s:\n{tail(log)}")
                time.sleep(0.1)

            queued = subprocess.run([sys.executable, "-m", "bot", "broadcast", "--to", "all", "--text", TEXT],
                                    cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
            assert queued.returncode == 0, queued.stderr
            assert f"{N} người nhận" in queued.stdout, queued.stdout

            deadline = time.monotonic() + N / RATE * 2 + 30
            while len(api.received()) < N or not settled(database):
                if bot.poll() is not None:
                    pytest.fail(f"`python -m bot run` exited with {bot.returncode} mid-broadcast:\n{tail(log)}")
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            time.sleep(1.5)  # a late duplicate would show up here
        finally:
            if bot.poll() is None:
                bot.send_signal(signal.SIGTERM)
                try:
                    bot.wait(30)
                except subprocess.TimeoutExpired:
                    bot.kill()
                    bot.wait(10)
        stopped, log_text = bot.returncode, tail(log)
        arrivals = api.received()
        texts = {params["text"] for params in api.sent()}

    assert stopped == 0, f"not a clean stop ({stopped}):\n{log_text}"
    per_chat = Counter(chat for _, chat in arrivals)
    expected = {zalo_id(i) for i in range(1, N + 1)}
    lost = expected - set(per_chat)
    duplicated = {chat: n for chat, n in per_chat.items() if n > 1}
    assert not lost, f"{len(lost)} of {N} recipients got nothing"
    assert not duplicated, f"{sum(duplicated.values()) - len(duplicated)} duplicates: {list(duplicated.items())[:5]}"
    assert set(per_chat) == expected, f"messages to strangers: {sorted(set(per_chat) - expected)[:5]}"
    assert texts == {f"📢 Thông báo:\n{TEXT}"}, texts

    times = sorted(t for t, _ in arrivals)
    duration = times[-1] - times[0]
    throughput = (N - 1) / duration
    one_second = busiest(times, 1.0)
    steady = windows(times, 1.0, since=times[0] + 1.0)  # each 1 s window after the first
    peak = bucket_peak(times, RATE * 1.1)
    figures = (f"{N} messages in {duration:.1f} s, {throughput:.1f}/s (ZALO_MAX_RATE {RATE}); 1 s windows: busiest "
               f"{one_second}, after the first second median {statistics.median(steady):.0f}, busiest {max(steady)};"
               f" busiest 10 s window {busiest(times, 10.0)}; peak of a bucket of {RATE} leaking {RATE * 1.1:.0f}/s:"
               f" {peak:.1f} (leaking {RATE}/s, as the limiter: {bucket_peak(times, RATE):.1f})")
    print(figures)
    assert one_second <= RATE * 1.1 + Sweeper.concurrency, f"faster than the limit in some second: {figures}"
    # the same bound for windows of every length T: at most RATE × 1.1 × T + the few in flight
    assert peak <= 1 + Sweeper.concurrency, f"over the rate over some window: {figures}"
    assert statistics.median(steady) <= RATE * 1.1, f"not paced at the rate: {figures}"
    assert throughput >= 0.8 * RATE, f"stalled rather than paced: {figures}"

    statuses, reports = outbox(database)
    assert statuses == {"sent": N}, statuses
    with sqlite3.connect(database) as db:
        retried = db.execute("SELECT COUNT(*) FROM outbox WHERE attempts > 0 OR last_error IS NOT NULL").fetchone()[0]
    assert retried == 0, f"{retried} rows were retried: the fake refused nothing"
    assert len(reports) == 1 and reports[0][:2] == (1, N) and reports[0][2] is not None, \
        f"the broadcast is not settled as reported: {reports}"
