"""Broadcast to 10,000 recipients through the real Telegram channel (python-telegram-bot with
AIORateLimiter) against the fake Bot API with a rate cap, run as its own process on 127.0.0.1; then a
broadcast in a real `python -m bot run` process killed with SIGKILL twice. Prints achieved rate / cap,
lost and duplicated."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bot.channels import telegram
from bot.delivery import Sweeper
from bot.settings import Settings
from content.loader import load
from handlers.broadcasts import audience as broadcasts
from handlers.core.router import Core
from storage.db import connect, utc_now

N = 10_000
CAP = 200
LIMIT = 0.95 * CAP  # the bot's own limiter a little under the platform's cap, as in production (28 for 30/s)
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
os.environ["NO_PROXY"] = "127.0.0.1,localhost"


class FakeApiProcess:
    def __init__(self, cap: float) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.fake_telegram", "0", str(cap)],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def stats(self) -> dict:
        with urllib.request.urlopen(self.base_url.removesuffix("/bot") + "/stats", timeout=10) as answer:
            return json.load(answer)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


async def seed(database: Path, n: int) -> None:
    db = await connect(database)
    await db.executemany("INSERT INTO people (id, created_at) VALUES (?, 'x')", [(i,) for i in range(1, n + 1)])
    await db.executemany("INSERT INTO identities VALUES ('telegram', ?, ?, 1, 'x')",
                         [(str(100_000 + i), i) for i in range(1, n + 1)])
    now = utc_now()
    await broadcasts.create(db, None, "Thông báo thử", broadcasts.Audience("all"), list(range(1, n + 1)), now, now)
    await db.close()


def tally(stats: dict, n: int) -> tuple[int, int, int]:
    per_chat = stats["per_chat"]
    lost = sum(1 for i in range(1, n + 1) if per_chat.get(str(100_000 + i), 0) == 0)
    return sum(per_chat.values()), lost, sum(c - 1 for c in per_chat.values() if c > 1)


async def in_process(folder: Path) -> None:
    database = folder / "b.sqlite3"
    await seed(database, N)
    api = FakeApiProcess(CAP)
    try:
        settings = Settings(telegram_bot_token=SecretStr("123:ABC"), telegram_base_url=api.base_url,
                            telegram_max_rate=LIMIT)
        db = await connect(database)
        app = telegram.build(settings, Core(load(), db))
        await app.initialize()
        sweeper = Sweeper(db, load(), ZONE, {"telegram": telegram.sender(app)}, clock=utc_now, batch=1000,
                          quiet_hours=None, rates={"telegram": LIMIT})
        sweeper.planning = False  # only what is queued here
        start = time.perf_counter()
        while await sweeper.sweep():
            pass
        elapsed = time.perf_counter() - start
        await db.close()
        await app.shutdown()
        sent, lost, dup = tally(api.stats(), N)
        rejected = api.stats()["rejected"]
    finally:
        api.close()
    rate = sent / elapsed
    print(f"== Thông báo qua kênh Telegram (Bot API giả lập, giới hạn {CAP:,} tin/giây) ==")
    print(f"{N:,} người nhận: {elapsed:.1f} s, {rate:,.0f} tin/giây = {rate / CAP:.2f} × giới hạn; "
          f"mất {lost}, trùng {dup}; bị từ chối 429: {rejected}")


def with_kills(folder: Path, n: int = 3000, kills: int = 2) -> None:
    database = folder / "k.sqlite3"
    asyncio.run(seed(database, n))
    api = FakeApiProcess(CAP)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:ABC", "TELEGRAM_BASE_URL": api.base_url,
           "DATABASE": str(database), "SWEEP_SECONDS": "1", "TELEGRAM_MAX_RATE": str(LIMIT), "QUIET_HOURS": "off"}
    try:
        for round_ in range(kills + 1):
            proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            goal = n if round_ == kills else tally(api.stats(), n)[0] + n // (kills + 2)
            deadline = time.monotonic() + 120
            while tally(api.stats(), n)[0] < goal and time.monotonic() < deadline:
                time.sleep(0.05)
            if round_ < kills:
                proc.send_signal(signal.SIGKILL)
            else:
                time.sleep(2)  # let the last sweep settle before a clean stop
                proc.terminate()
            proc.wait(30)
        _, lost, dup = tally(api.stats(), n)
    finally:
        api.close()
    print(f"kill -9 {kills} lần giữa lúc gửi {n:,} tin: mất {lost}, trùng {dup} "
          f"(mỗi lần kill, tối đa {2 * Sweeper.concurrency} tin đang gửi dở có thể bị gửi lại)")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(in_process(Path(folder)))
        with_kills(Path(folder))
