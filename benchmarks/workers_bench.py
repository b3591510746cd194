"""Several workers: plain questions through Zalo webhooks, 50 people in a closed loop, with 1, 2 and 3 `python -m
bot run` workers on one PostgreSQL against 1 worker on SQLite, in one run. Each person's messages go to the workers
in turn, as a proxy in front of them would spread them. The fake Zalo API and the people it plays run in this
process; PostgreSQL, the workers and they share this machine's 2 cores, so a second worker can add at most
what a core left idle by the first gives, and a third only adds contention: the figures are ratios to the SQLite
worker measured in the same run. The token's send budget (ZALO_TOKEN_RATE) is set out of the way: the fake
API has no limit, and the figure is what the workers can answer, not what Zalo would let through.
The three are measured in turn, ROUNDS times, and each keeps its best round: on a machine whose cores others
use too, a burst of their work then lowers one round, not one configuration.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from benchmarks.load_bench import QUESTION
from tests.fake_zalo import FakeZalo
from tests.postgres_server import PostgresServer, drop_database, free_port, fresh_database

USERS = 50
SECONDS = 10
ROUNDS = 2
SECRET = "bi-mat-webhook-bench"
os.environ["NO_PROXY"] = "127.0.0.1,localhost"


class Crowd(FakeZalo):
    """The fake Zalo API, telling each person when their reply has come."""

    def __init__(self) -> None:
        self.replied: dict[str, threading.Event] = defaultdict(threading.Event)
        super().__init__()

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        answer = super()._answer(method, params)
        if method == "sendMessage":
            self.replied[str(params["chat_id"])].set()
        return answer

    def person(self, chat: str, hooks: list[str], turn: int, until: float) -> list[float]:
        latencies = []
        while time.perf_counter() < until:
            done = self.replied[chat]
            done.clear()
            body = json.dumps({"ok": True, "result": self.message(chat, "message.text.received", text=QUESTION)})
            start = time.perf_counter()
            self.post(hooks[turn % len(hooks)], body.encode(), SECRET)
            turn += 1
            latencies.append(time.perf_counter() - start if done.wait(30) else 30.0)
        return latencies

    def run(self, hooks: list[str], seconds: float) -> dict[str, float]:
        until = time.perf_counter() + seconds
        started = time.perf_counter()
        with ThreadPoolExecutor(USERS) as people:
            runs = list(people.map(lambda i: self.person(f"b{i:019x}", hooks, i, until), range(USERS)))
        elapsed = time.perf_counter() - started
        flat = sorted(x for lats in runs for x in lats)
        p50, p99 = (statistics.quantiles(flat, n=100, method="inclusive")[q - 1] for q in (50, 99))
        return {"rate": len(flat) / elapsed, "p50": p50, "p99": p99}


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def workers(api: Crowd, database: str, n: int) -> Iterator[list[str]]:
    """`n` workers on `database`, each with its own web port; yields their webhook URLs once all listen."""
    ports = [free_port() for _ in range(n)]
    hooks = [f"http://127.0.0.1:{port}/zalo" for port in ports]
    env = {**os.environ, "ZALO_BOT_TOKEN": api.token, "ZALO_BASE_URL": api.base_url, "DATABASE": database,
           "ZALO_WEBHOOK_URL": hooks[0], "ZALO_WEBHOOK_SECRET": SECRET, "QUIET_HOURS": "off",
           "ZALO_TOKEN_RATE": "100000", "TELEGRAM_BOT_TOKEN": "", "ZALO_OA_APP_ID": "", "PUBLIC_URL": ""}
    with ExitStack() as stack:
        for port in ports:
            proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], env={**env, "WEBHOOK_PORT": str(port)},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            stack.callback(_stop, proc)
        deadline = time.monotonic() + 60
        while not all(_listening(port) for port in ports):
            if time.monotonic() > deadline:
                raise RuntimeError("các tiến trình bot không mở cổng webhook trong 60 giây")
            time.sleep(0.1)
        yield hooks


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def measure(api: Crowd, database: str, n: int) -> dict[str, float]:
    with workers(api, database, n) as hooks:
        api.run(hooks, 3)  # warm-up: the people's identities created, every worker's connections open
        return api.run(hooks, SECONDS)


def main() -> None:
    print("== Nhiều tiến trình (webhook Zalo, PostgreSQL so với SQLite, cùng một lần chạy) ==")
    server = PostgresServer()
    with tempfile.TemporaryDirectory() as tmp, Crowd() as api:
        url = fresh_database(server.start())
        targets = {"sqlite": (str(Path(tmp) / "bench.sqlite3"), 1), "pg1": (url, 1), "pg2": (url, 2), "pg3": (url, 3)}
        best: dict[str, dict[str, float]] = {}
        try:
            for _ in range(ROUNDS):
                for name, (database, n) in targets.items():
                    got = measure(api, database, n)
                    if name not in best or got["rate"] > best[name]["rate"]:
                        best[name] = got
        finally:
            drop_database(url)
            server.stop()
    sqlite, figures = best["sqlite"], {n: best[f"pg{n}"] for n in (1, 2, 3)}
    print(f"SQLite, 1 tiến trình: {sqlite['rate']:.0f} trả lời/giây, p50 {sqlite['p50'] * 1000:.0f} ms, "
          f"p99 {sqlite['p99'] * 1000:.0f} ms ({USERS} người hỏi liên tục; lượt tốt nhất trong {ROUNDS})")
    for n, got in figures.items():
        print(f"PostgreSQL, {n} tiến trình: {got['rate']:.0f} trả lời/giây = {got['rate'] / sqlite['rate']:.2f} × "
              f"SQLite 1 tiến trình; p50 {got['p50'] * 1000:.0f} ms, p99 {got['p99'] * 1000:.0f} ms")
    gains = ", ".join(f"{n} tiến trình {figures[n]['rate'] / figures[1]['rate']:.2f} ×" for n in (2, 3))
    print(f"So với 1 tiến trình trên PostgreSQL: {gains} (máy 2 lõi, chung cho PostgreSQL, các tiến trình bot và "
          f"người hỏi giả lập: mức tăng bị giới hạn bởi số lõi, không vượt 2 ×)")


if __name__ == "__main__":
    main()
