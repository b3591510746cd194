"""Two and three real `python -m bot run` workers on one PostgreSQL, against the fake Zalo Bot API on 127.0.0.1: exactly
one sweeps at a time (the advisory lock of `Database.lead`), and when that one is killed (SIGKILL) in the
middle of a broadcast the other takes over: 0 recipients lost, and a recipient gets the message twice only if
it was in flight (sent, not yet recorded) at the kill, which the lease (OUTBOX_LEASE_SECONDS) gives back.
Replies from both workers share the bot token's send budget (ZALO_TOKEN_RATE, bot/pacing.py): together they
stay under it, where each pacing alone would send twice as fast. Then 50 officials filing reports at once
through two and then three workers' webhooks, each person's messages going to the workers in turn (as a proxy
in front of them would spread them), two of them sent at the same moment to two workers: 0 lost, 0 doubled, every person
answered in order (the turn lock of `Database.hold`).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO

import pytest

from bot.delivery import Sweeper
from content.loader import load
from handlers.invitations import flow as invite_flow
from storage import people
from storage.db import connect, utc_now
from tests.fake_zalo import FakeZalo, TimedZalo
from tests.plans_in_force import keep_in_force
from tests.postgres_server import drop_database, free_port, fresh_database
from tests.rates import bucket_peak, busiest

N = 10_000
RATE = 400  # ZALO_MAX_RATE: 10,000 messages in about 25 s, time enough to kill the sweeping worker mid-way
LEASE = 5
ROOT = Path(__file__).parents[1]


def zalo_id(i: int) -> str:
    return f"c0{i:018x}"


async def seed(url: str) -> None:
    db = await connect(url)
    try:
        for first in range(1, N + 1, 100):  # a hundred at a time over the connection pool
            await asyncio.gather(*(people.identify(db, "zalo", zalo_id(i), utc_now())
                                   for i in range(first, min(first + 100, N + 1))))
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


def environment(api: FakeZalo, url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "ZALO_BOT_TOKEN": api.token, "ZALO_BASE_URL": api.base_url, "DATABASE": url,
            "SWEEP_SECONDS": "1", "QUIET_HOURS": "off", "PYTHONPATH": str(ROOT), "NO_PROXY": "127.0.0.1,localhost",
            "TELEGRAM_BOT_TOKEN": "", "ZALO_WEBHOOK_URL": "", "ZALO_OA_APP_ID": "", "PUBLIC_URL": "", **extra}


@contextmanager
def running(envs: Sequence[dict[str, str]], folder: Path) -> Iterator[tuple[list[subprocess.Popen[bytes]],
                                                                             list[IO[str]]]]:
    """One `python -m bot run` per environment, each logging to its own file; killed if still alive at the end."""
    logs: list[IO[str]] = [(folder / f"worker-{n}.log").open("w+", encoding="utf-8")
                           for n in range(1, len(envs) + 1)]
    workers = [subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=folder, env=env,
                                stdout=subprocess.DEVNULL, stderr=log) for env, log in zip(envs, logs, strict=True)]
    try:
        yield workers, logs
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)
        for log in logs:
            log.close()


@pytest.mark.parametrize("count", [2, 3])
def test_one_sweeper_and_a_killed_one_loses_nothing(count: int, postgres: str, tmp_path: Path) -> None:
    url = fresh_database(postgres)
    try:
        asyncio.run(seed(url))
        with FakeZalo() as api:
            env = environment(api, url, ZALO_MAX_RATE=str(RATE), OUTBOX_LEASE_SECONDS=str(LEASE))
            with running([env] * count, tmp_path) as (workers, logs):
                wait(lambda: len(api.sent("deleteWebhook")) >= count, 60, f"{count} tiến trình khởi động kênh Zalo",
                     logs)
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
                survivors = [w for w in workers if w is not leader]

                def settled() -> bool:
                    return asyncio.run(outbox_state(url))[0] == {"sent": N}

                wait(settled, N / RATE * 2 + LEASE + 30, "mọi tin được gửi sau khi tiến trình bị giết", logs)
                time.sleep(1.5)  # a late duplicate would show up here
                for survivor in survivors:
                    assert survivor.poll() is None, tail(logs[workers.index(survivor)])
                    survivor.send_signal(signal.SIGTERM)
                    assert survivor.wait(30) == 0, tail(logs[workers.index(survivor)])
            per_chat = Counter(str(params["chat_id"]) for params in api.sent())
        _, owners = asyncio.run(outbox_state(url))
    finally:
        drop_database(url)
    expected = {zalo_id(i) for i in range(1, N + 1)}
    assert set(per_chat) == expected, f"{len(expected - set(per_chat))} recipients got nothing"
    twice = sum(n - 1 for n in per_chat.values())
    # at most the rows sent but not yet recorded when the sweeper died: 2 × concurrency (bot/delivery.py)
    assert twice <= 2 * Sweeper.concurrency, f"{twice} duplicates"
    assert len(owners) == 2, f"not one survivor took over the sweep: {owners}"
    print(f"{N} recipients, {count} workers, leader killed after {sent_at_kill} sends; {twice} sent twice, 0 lost")


PEOPLE = 50
SECRET = "bi-mat-webhook-14"
# (what the person types, what the answer must say); a pair of messages sent at the same moment to two workers
REPORT: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("/baocao",), ("Bước 1/7",)),
    (("1",), ("Bước 2/7",)),
    (("Đang thực hiện",), ("Bước 3/7",)),
    (("50",), ("Bước 4/7",)),
    (("Đã cập nhật 12 tin bài lên trang",), ("Bước 5/7",)),
    # two links at once to two workers: each must be counted, whichever worker runs its turn first
    (("https://dakplo.example/tin-1", "https://dakplo.example/tin-2"), ("Đã nhận 1", "Đã nhận 2")),
    (("tiếp tục",), ("Bước 6/7",)),
    (("Thiếu người biên tập",), ("Minh chứng: 2",)),
    (("Xác nhận",), ("BC-",)),
]


async def invitations(url: str) -> list[str]:
    db = await connect(url)
    try:
        await keep_in_force(db)
        kb = load()
        return [(await invite_flow.from_command_line(db, kb, "dak plo", "van phong hdnd-ubnd xa", "official", None,
                                                     False, 7, utc_now()))[0] for _ in range(PEOPLE)]
    finally:
        await db.close()


async def filed(url: str) -> list[tuple[str, int]]:
    """Each report's author (their Zalo id) and its evidence count."""
    db = await connect(url, migrate_schema=False)
    try:
        return [(r[0], r[1]) for r in await db.fetchall(
            "SELECT i.external_id, (SELECT COUNT(*) FROM evidence e WHERE e.report_id = r.id)"
            " FROM reports r JOIN identities i ON i.person_id = r.reporter_id AND i.channel = 'zalo'")]
    finally:
        await db.close()


def answers(api: FakeZalo, chat: str) -> list[str]:
    return [str(m["text"]) for m in api.sent() if m["chat_id"] == chat]


def answered(api: FakeZalo, chat: str, count: int) -> bool:
    return len(answers(api, chat)) >= count


@pytest.mark.parametrize("count", [2, 3])
def test_fifty_people_file_reports_at_once_across_workers(count: int, postgres: str, tmp_path: Path) -> None:
    url = fresh_database(postgres)
    try:
        codes = asyncio.run(invitations(url))
        ports = [free_port() for _ in range(count)]
        hooks = [f"http://127.0.0.1:{port}/zalo" for port in ports]
        with FakeZalo() as api:
            envs = [environment(api, url, ZALO_WEBHOOK_URL=hooks[0], ZALO_WEBHOOK_SECRET=SECRET,
                                WEBHOOK_PORT=str(port)) for port in ports]
            with running(envs, tmp_path) as (workers, logs):
                wait(lambda: len(api.sent("setWebhook")) >= count, 60, f"{count} tiến trình đăng ký webhook", logs)
                wait(lambda: all(listening(port) for port in ports), 30, f"{count} máy chủ web nhận webhook", logs)

                def person(i: int) -> None:
                    chat, turn = zalo_id(i), i % count  # which worker gets this person's next message
                    script = [((f"/dangky {codes[i]}",), ("Đăng ký thành công",)), *REPORT]
                    expected: list[str] = []
                    for texts, says in script:
                        targets = [hooks[(turn + n) % count] for n in range(len(texts))]
                        with ThreadPoolExecutor(len(texts)) as burst:
                            statuses = list(burst.map(lambda hook, text: FakeZalo.post(
                                hook, webhook_body(api, chat, text), SECRET), targets, texts))
                        assert statuses == [200] * len(texts), statuses
                        turn = (turn + len(texts)) % count
                        expected += says
                        wait(partial(answered, api, chat, len(expected)), 60, f"{chat} được trả lời «{texts[0]}»",
                             logs)
                    got = answers(api, chat)
                    assert len(got) == len(expected), f"{chat}: {got}"
                    for text, say in zip(got, expected, strict=True):
                        assert say in text, f"{chat}: expected «{say}», got {got}"

                started = time.monotonic()
                with ThreadPoolExecutor(PEOPLE) as crowd:
                    list(crowd.map(person, range(PEOPLE)))
                took = time.monotonic() - started
                time.sleep(1)  # a doubled answer would arrive here
                for worker, log in zip(workers, logs, strict=True):
                    assert worker.poll() is None, tail(log)
                    worker.send_signal(signal.SIGTERM)
                    assert worker.wait(30) == 0, tail(log)
            per_chat = Counter(str(m["chat_id"]) for m in api.sent())
        reports = asyncio.run(filed(url))
    finally:
        drop_database(url)
    assert sorted(reports) == sorted((zalo_id(i), 2) for i in range(PEOPLE)), "a report lost, doubled or short"
    per_person = 1 + sum(len(says) for _, says in REPORT)
    assert per_chat == {zalo_id(i): per_person for i in range(PEOPLE)}, "an answer lost or doubled"
    print(f"{PEOPLE} people × {per_person} messages over {count} workers in {took:.1f} s: 0 lost, 0 doubled, in order")


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def webhook_body(api: FakeZalo, chat: str, text: str) -> bytes:
    return json.dumps({"ok": True, "result": api.message(chat, "message.text.received", text=text)}).encode()


TOKEN_RATE = 10  # ZALO_TOKEN_RATE: 40 people's answers in about 4 s; each worker pacing alone would take 2 s
ASKERS = 40


def test_replies_of_two_workers_keep_to_one_token_rate(postgres: str, tmp_path: Path) -> None:
    url = fresh_database(postgres)
    try:
        ports = [free_port(), free_port()]
        hooks = [f"http://127.0.0.1:{port}/zalo" for port in ports]
        with TimedZalo() as api:
            envs = [environment(api, url, ZALO_WEBHOOK_URL=hooks[0], ZALO_WEBHOOK_SECRET=SECRET,
                                WEBHOOK_PORT=str(port), ZALO_TOKEN_RATE=str(TOKEN_RATE)) for port in ports]
            with running(envs, tmp_path) as (workers, logs):
                wait(lambda: len(api.sent("setWebhook")) >= 2, 60, "hai tiến trình đăng ký webhook", logs)
                wait(lambda: all(listening(port) for port in ports), 30, "hai máy chủ web nhận webhook", logs)
                chats = [zalo_id(10_000 + i) for i in range(ASKERS)]

                def ask(i: int) -> int:
                    return FakeZalo.post(hooks[i % 2], webhook_body(api, chats[i], "papi là gì"), SECRET)

                with ThreadPoolExecutor(ASKERS) as crowd:
                    assert list(crowd.map(ask, range(ASKERS))) == [200] * ASKERS
                wait(lambda: {chat for _, chat in api.received()} >= set(chats), 60, "mọi người được trả lời", logs)
                time.sleep(0.5)
                for worker, log in zip(workers, logs, strict=True):
                    assert worker.poll() is None, tail(log)
            times = sorted(t for t, _ in api.received())
    finally:
        drop_database(url)
    rate = (len(times) - 1) / (times[-1] - times[0])
    figures = (f"{len(times)} replies over 2 workers at {rate:.1f}/s (ZALO_TOKEN_RATE {TOKEN_RATE}); busiest 1 s"
               f" window {busiest(times, 1.0)}; peak of a bucket leaking {TOKEN_RATE * 1.1:.0f}/s:"
               f" {bucket_peak(times, TOKEN_RATE * 1.1):.1f}")
    print(figures)
    assert busiest(times, 1.0) <= TOKEN_RATE + 2, f"over the token's rate in some second: {figures}"
    assert bucket_peak(times, TOKEN_RATE * 1.1) <= 3, f"over the token's rate over some window: {figures}"
