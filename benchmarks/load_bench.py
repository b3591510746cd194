"""Many people at once, through the real `python -m bot run` process against a fake Bot API on 127.0.0.1, beside
a bare python-telegram-bot echo bot measured in the same run as the framework's ceiling.

1. Plain questions, 50 people in a closed loop: replies per second, against the echo bot's (target ≥ 0.5).
2. The same with one more person asking for charts in a loop: plain p99 against 1. (target ≤ 1.3).
3. The same during a 10,000-recipient broadcast: plain p50 against 1. (target ≤ 1.3); the broadcast's rate
   against its own limit (target ≥ 0.9), lost and duplicated (target 0 and 0).
The fake API and the people it plays run in their own process; on this 2-core machine they share the cores
with the bot, so every figure is a ratio to another measured in the same run.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from handlers.broadcasts import audience as broadcasts
from storage.db import connect, utc_now

USERS = 50
SECONDS = 12
QUESTION = "niem yet danh sach ho ngheo bao lau"
RECIPIENTS = 10_000
BROADCAST_RATE = 100  # the outbox's own limit (TELEGRAM_MAX_RATE) in this run
FIRST_RECIPIENT = 100_001
os.environ["NO_PROXY"] = "127.0.0.1,localhost"


@contextmanager
def process(*args: str, env: dict[str, str] | None = None, first_line: bool = False) -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, **(env or {})})
    try:
        line = proc.stdout.readline().strip() if first_line and proc.stdout else ""
        yield line
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def call(base: str, path: str, **query: object) -> Any:
    url = base.removesuffix("/bot") + path + "?" + urllib.parse.urlencode(query)
    with urllib.request.urlopen(url, timeout=600) as answer:
        return json.load(answer)


def run(base: str, seconds: float = SECONDS, charts: bool = False, users: int = USERS) -> dict[str, Any]:
    return call(base, "/run", users=users, seconds=seconds, question=QUESTION, charts=int(charts))


def bot_env(base: str, database: Path, rate: float = BROADCAST_RATE) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": "123:ABC", "TELEGRAM_BASE_URL": base, "DATABASE": str(database),
            "QUIET_HOURS": "off", "SWEEP_SECONDS": "1", "TELEGRAM_MAX_RATE": str(rate), "WEBHOOK_URL": "",
            # the fake API has no limit: measure what the bot answers, not the token's budget (bot/pacing.py)
            "TELEGRAM_TOKEN_RATE": "100000", "ZALO_BOT_TOKEN": "", "PUBLIC_URL": ""}


async def seed_broadcast(database: Path, n: int) -> None:
    db = await connect(database)
    await db.executemany("INSERT INTO people (id, created_at) VALUES (?, 'x')", [(i,) for i in range(1, n + 1)])
    await db.executemany("INSERT INTO identities VALUES ('telegram', ?, ?, 1, 'x')",
                         [(str(FIRST_RECIPIENT - 1 + i), i) for i in range(1, n + 1)])
    now = utc_now()
    await broadcasts.create(db, None, "Thông báo thử", broadcasts.Audience("all"), list(range(1, n + 1)), now, now)
    await db.close()


def echo_ceiling() -> dict[str, Any]:
    with process("-m", "benchmarks.load_server", "none", first_line=True) as base, \
            process("-m", "benchmarks.echo_bot", base):
        run(base, seconds=2)  # warm-up
        return run(base)


def ours(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    with process("-m", "benchmarks.load_server", "none", first_line=True) as base, \
            process("-m", "bot", "run", env=bot_env(base, folder / "load.sqlite3")):
        run(base, seconds=3, charts=True)  # warm-up: identities created, the chart worker started
        plain = run(base)
        charts = run(base, charts=True)
    return plain, charts


def during_broadcast(folder: Path) -> tuple[dict[str, Any], float, int, int]:
    database = folder / "broadcast.sqlite3"
    asyncio.run(seed_broadcast(database, RECIPIENTS))
    with process("-m", "benchmarks.load_server", "none", first_line=True) as base, \
            process("-m", "bot", "run", env=bot_env(base, database)):
        time.sleep(3)  # the broadcast under way
        before = sum(call(base, "/stats", **{"from": FIRST_RECIPIENT})["per_chat"].values())
        start = time.perf_counter()
        plain = run(base)
        window = time.perf_counter() - start
        after = sum(call(base, "/stats", **{"from": FIRST_RECIPIENT})["per_chat"].values())
        deadline = time.monotonic() + RECIPIENTS / BROADCAST_RATE * 2 + 60
        per_chat: dict[str, int] = {}
        while time.monotonic() < deadline:
            per_chat = call(base, "/stats", **{"from": FIRST_RECIPIENT})["per_chat"]
            if len(per_chat) >= RECIPIENTS:
                break
            time.sleep(1)
    lost = RECIPIENTS - len(per_chat)
    duplicated = sum(n - 1 for n in per_chat.values() if n > 1)
    return plain, (after - before) / window, lost, duplicated


def main() -> None:
    print("== Nhiều người cùng lúc (python -m bot run, Bot API giả lập; so với bot echo trần của PTB) ==")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        echo = echo_ceiling()
        plain, charts = ours(folder)
        print(f"{USERS} người hỏi liên tục: {plain['rate']:.0f} trả lời/giây; bot echo {echo['rate']:.0f}/giây "
              f"→ {plain['rate'] / echo['rate']:.2f} × bot echo (mục tiêu ≥ 0,5); "
              f"p50 {plain['p50'] * 1000:.0f} ms, p99 {plain['p99'] * 1000:.0f} ms")
        print(f"Thêm 1 người xin biểu đồ liên tục ({charts['charts']} biểu đồ, p50 {charts['chart_p50'] or 0:.2f} s): "
              f"p99 câu hỏi thường {charts['p99'] * 1000:.0f} ms = {charts['p99'] / plain['p99']:.2f} × khi không có "
              f"biểu đồ (mục tiêu ≤ 1,3)")
        during, rate, lost, duplicated = during_broadcast(folder)
        print(f"Trong lúc gửi thông báo {RECIPIENTS:,} người (giới hạn {BROADCAST_RATE}/giây): p50 câu hỏi thường "
              f"{during['p50'] * 1000:.0f} ms = {during['p50'] / plain['p50']:.2f} × khi không gửi (mục tiêu ≤ 1,3); "
              f"thông báo {rate:.0f}/giây = {rate / BROADCAST_RATE:.2f} × giới hạn (mục tiêu ≥ 0,9); "
              f"mất {lost}, trùng {duplicated}")


if __name__ == "__main__":
    main()
