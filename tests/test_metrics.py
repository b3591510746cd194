"""/metrics as Prometheus scrapes it, from a running bot over real HTTP: the page parses with the Prometheus
client's own parser, and its counters move as messages flow (the web chat) and as the sweep settles outbox rows
(a broadcast, a reminder); the page is refused to a caller that came through a proxy or brings a wrong token.
The last test runs `python -m bot web` itself, so the wiring of the real entry point is what is measured."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.runner import Runner
from bot.web import WebServer
from handlers.broadcasts import audience
from handlers.core.router import Core
from storage import outbox
from storage.db import utc_now
from tests.web_site import ask, bot_process, running

Labels = dict[str, str]


def samples(page: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(page) for s in family.samples}


def value(page: str, name: str, **labels: str) -> float:
    return samples(page).get((name, tuple(sorted(labels.items()))), 0.0)


@dataclass
class Bot:
    runner: Runner
    http: httpx.AsyncClient

    async def page(self) -> str:
        answer = await self.http.get("/metrics")
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return answer.text

    async def chat(self, text: str) -> None:
        if "_xsrf" not in self.http.cookies:
            await self.http.get("/")
        token = self.http.cookies["_xsrf"]
        answer = await self.http.post("/api/chat", json={"text": text}, headers={"X-XSRFToken": token})
        assert answer.status_code == 200


@pytest.fixture
async def bot(core: Core, tmp_path: Path) -> AsyncIterator[Bot]:
    core.observe = metrics.observe  # as bot/app.py builds the core
    async with running(core, tmp_path, sweep_seconds=1) as (runner, base), \
            httpx.AsyncClient(base_url=base, timeout=10) as http:
        yield Bot(runner, http)


async def test_counters_move_as_messages_flow(bot: Bot) -> None:
    before = await bot.page()
    for text in ("/chiso", "xa phai cong khai nhung gi", "/help"):
        await bot.chat(text)
    after = await bot.page()
    assert value(after, "papi_messages_received_total", channel="web") - value(
        before, "papi_messages_received_total", channel="web") == 3
    assert value(after, "papi_messages_sent_total", channel="web", source="reply") - value(
        before, "papi_messages_sent_total", channel="web", source="reply") >= 3
    assert value(after, "papi_reply_seconds_count", channel="web") - value(
        before, "papi_reply_seconds_count", channel="web") == 3
    assert value(after, "papi_reply_seconds_bucket", channel="web", le="+Inf") == value(
        after, "papi_reply_seconds_count", channel="web")
    for state in ("pending", "sending", "sent", "failed", "blocked", "skipped"):
        assert (("papi_outbox_rows", (("state", state),)) in samples(after)), state
    assert value(after, "papi_outbox_oldest_due_seconds") == 0, "nothing due"
    assert 0 <= value(after, "papi_sweep_age_seconds") < 5


async def wait_for(bot: Bot, name: str, at_least: float, timeout: float = 15, **labels: str) -> str:
    deadline = time.monotonic() + timeout
    while True:
        page = await bot.page()
        if value(page, name, **labels) >= at_least:
            return page
        assert time.monotonic() < deadline, f"{name}{labels} stayed at {value(page, name, **labels)}"
        await asyncio.sleep(0.1)


async def test_outbox_results_and_broadcast_progress(bot: Bot) -> None:
    await bot.chat("/start")  # a visitor: a person on the web channel, whom no message can reach unasked
    core = bot.runner.core
    assert core is not None and bot.runner.scheduler is not None
    [visitor] = [r[0] for r in await core.db.fetchall("SELECT person_id FROM identities WHERE channel = 'web'")]
    sweeper = bot.runner.sweeper
    assert sweeper is not None
    bot.runner.scheduler.pause()  # the rows stay due until the test has looked at them
    await asyncio.sleep(0.05)  # a run started before the pause is now waiting for the sweep's lock, or done
    await sweeper.idle()
    before = await bot.page()
    now = utc_now()
    await audience.create(core.db, None, "Họp giao ban 8 giờ", audience.Audience.parse("all"), [visitor], now, now)
    late = now - dt.timedelta(minutes=2)
    await outbox.enqueue(core.db, [outbox.Item("nhac-thu", "reminder", visitor, "Nhắc việc", late)], now)
    queued = await bot.page()
    assert value(queued, "papi_outbox_rows", state="pending") - value(before, "papi_outbox_rows", state="pending") == 2
    assert value(queued, "papi_broadcast_rows", state="pending") == 1
    assert value(queued, "papi_outbox_oldest_due_seconds") >= 120
    bot.runner.scheduler.resume()
    blocked = value(before, "papi_outbox_results_total", kind="broadcast", status="blocked")
    after = await wait_for(bot, "papi_outbox_results_total", blocked + 1, kind="broadcast", status="blocked")
    reminders = sum(v for (name, labels), v in samples(after).items()
                    if name == "papi_outbox_results_total" and ("kind", "reminder") in labels)
    reminders_before = sum(v for (name, labels), v in samples(before).items()
                           if name == "papi_outbox_results_total" and ("kind", "reminder") in labels)
    assert reminders - reminders_before == 1, "the reminder was settled one way or another (sent, skipped…)"
    assert value(after, "papi_broadcast_rows", state="pending") == 0


async def test_the_page_is_refused_through_a_proxy_and_to_a_wrong_token() -> None:
    async def page() -> bytes:
        return b"papi_test 1\n"

    for token in (None, "t" * 24):
        server = WebServer(lambda: {}, metrics=page, metrics_token=token)
        port = await server.start("127.0.0.1", 0)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
                assert (await http.get("/metrics")).status_code == 200, "loopback"
                proxied = await http.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
                assert proxied.status_code == (404 if token is None else 403)
                if token is not None:
                    wrong = {"Authorization": "Bearer " + "x" * 24, "X-Forwarded-For": "203.0.113.9"}
                    assert (await http.get("/metrics", headers=wrong)).status_code == 403
                    right = {"Authorization": f"Bearer {token}", "X-Forwarded-For": "203.0.113.9"}
                    assert (await http.get("/metrics", headers=right)).text == "papi_test 1\n"
        finally:
            await server.stop()


def test_python_m_bot_counts_what_flows(tmp_path: Path) -> None:
    with bot_process(tmp_path) as (http, _):
        ask(http, "điểm PAPI Kon Tum 2023")
        ask(http, "/chiso")
        page = http.get("/metrics").text
    assert value(page, "papi_messages_received_total", channel="web") == 2
    assert value(page, "papi_reply_seconds_count", channel="web") == 2
