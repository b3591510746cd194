"""The web channel on a real server for the browser tests: `python -m bot web`'s settings over the test's core,
and Debian's Chromium driven by Playwright (never a downloaded browser). If Chromium is missing or cannot start,
the test fails and says why: a browser test that skips would hide a broken CI machine."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, async_playwright

from bot.channels.web import WebChannel
from bot.channels.web.base import Web
from bot.runner import Runner
from bot.settings import Settings
from bot.web_cli import web_settings
from handlers.core.router import Core
from tests.speakers import NOW
from tests.test_zalo import free_port

CHROMIUM = "/usr/bin/chromium"
# as /work/.library/env/machines/python.md says this machine needs: no network but loopback, no GPU, as root
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


class Clock:
    """The core's clock, fixed, moved by the test."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Site:
    base: str
    runner: Runner
    clock: Clock

    @property
    def web(self) -> Web:
        channel = self.runner.channels["web"]
        assert isinstance(channel, WebChannel)
        return channel.web


@asynccontextmanager
async def running(core: Core, tmp_path: Path, sweep_seconds: int = 60) -> AsyncIterator[tuple[Runner, str]]:
    """The real Runner over the test's core, serving the web (no channel token) on a free port of 127.0.0.1;
    its address."""
    port = free_port()
    settings = web_settings(Settings(_env_file=None, database=tmp_path / "bot.sqlite3",  # type: ignore[call-arg]
                                     webhook_port=port, quiet_hours="off", sweep_seconds=sweep_seconds))
    core.config = replace(core.config, public_url=settings.public_url,  # as bot/app.py builds it
                          quiet_hours=settings.quiet_window)
    runner = Runner(settings, core=core)
    await runner.start()
    try:
        yield runner, f"http://127.0.0.1:{port}"
    finally:
        await runner.stop()


@asynccontextmanager
async def serve(core: Core, tmp_path: Path) -> AsyncIterator[Site]:
    clock = Clock()
    core.clock = clock
    async with running(core, tmp_path) as (runner, base):
        yield Site(base, runner, clock)


@contextmanager
def bot_process(tmp_path: Path, command: str = "web",
                **env: str) -> Iterator[tuple[httpx.Client, subprocess.Popen[str]]]:
    """`python -m bot web` (or `run`) in tmp_path, no token, once /healthz answers 200; stopped with SIGTERM after."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "_URL", "_SECRET", "_APP_ID"))}
    clean.update(DATABASE=str(tmp_path / "papi.sqlite3"), WEBHOOK_PORT=str(port), **env)
    proc = subprocess.Popen([sys.executable, "-m", "bot", command], cwd=tmp_path, env=clean,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and proc.poll() is None, f"python -m bot {command} did not start"
                time.sleep(0.1)
            yield http, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def ask(http: httpx.Client, text: str) -> None:
    if "_xsrf" not in http.cookies:
        http.get("/")
    answer = http.post("/api/chat", json={"text": text}, headers={"X-XSRFToken": http.cookies["_xsrf"]})
    assert answer.status_code == 200, answer.text


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} không có: cài Chromium của Debian (apt-get install -y chromium; .ci/run làm việc này)")
    async with async_playwright() as pw:
        try:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        except Exception as exc:  # the reason is what the person reading CI needs
            pytest.fail(f"Chromium ({CHROMIUM}) không khởi động được: {exc}")
        try:
            yield browser
        finally:
            await browser.close()


async def screenshots(folder: Path) -> None:
    """The README's two pictures, made as the tests make their pages: the chat on a phone-sized screen after a
    question, and a province's progress page (Đồng Tháp, whose plan gives every commune tasks, with a few reports
    filed, one approved and one returned). `python -m tests.web_site docs`."""
    import tempfile

    from content.loader import load
    from content.search import SearchIndex
    from handlers.files.pool import Renderer
    from handlers.knowledge.documents import Documents
    from handlers.reports.assignments import tasks_for
    from storage import org, people, reports, reviews
    from storage.db import connect
    from tests.test_admin_web import admin, link_for, sign_in

    kb, renderer = load(), Renderer()
    with tempfile.TemporaryDirectory() as tmp:
        db = await connect(Path(tmp) / "bot.sqlite3")
        core = Core(kb, db, index=SearchIndex(Documents(kb).docs()), renderer=renderer)
        try:
            async with serve(core, Path(tmp)) as site, chromium() as browser:
                phone = await browser.new_page(viewport={"width": 390, "height": 760})
                await phone.goto(site.base + "/")
                await phone.fill("#text", "xa phai cong khai nhung gi")
                await phone.click("#send")
                await phone.locator(".msg.bot").nth(1).wait_for()
                await phone.locator(".msg.me").last.evaluate("m => m.scrollIntoView({block: 'start'})")
                await phone.screenshot(path=str(folder / "web-chat.png"))
                an = await admin(core, province="Đồng Tháp")
                reporter = (await people.identify(db, "console", an.user, NOW)).id
                names = ("Tân Hồng", "An Bình", "Mỹ Thọ", "Đốc Binh Kiều", "Tân Phú Đông", "Thường Phước")
                for n, name in enumerate(names):
                    unit = await org.ensure_unit(db, "Đồng Tháp", await org.ensure_commune(db, "Đồng Tháp", None,
                                                                                          name), org.COMMUNE_UNIT)
                    for m, a in enumerate(tasks_for(kb, unit)[: n % 4]):
                        new = reports.NewReport(a.plan.id, a.task.id, unit.id, a.period(NOW.date()).key, "dang",
                                                50 + 10 * m, "Đã triển khai", None, reporter, f"s{n}-{m}")
                        report, _ = await reports.submit(db, new, NOW)
                        if n == 1:
                            await reviews.decide(db, report.id, reviews.APPROVED, None, reporter, NOW)
                        if n == 2 and m == 0:
                            await reviews.decide(db, report.id, reviews.RETURNED, "Thiếu ảnh", reporter, NOW)
                page = await sign_in(browser, await link_for(an))
                await page.set_viewport_size({"width": 1000, "height": 1100})
                await page.goto(site.base + "/admin")
                await page.locator("#chart").evaluate("img => img.decode()")
                await page.screenshot(path=str(folder / "admin-progress.png"), full_page=True)
        finally:
            await db.close()
            renderer.close()


if __name__ == "__main__":
    import asyncio
    import sys

    asyncio.run(screenshots(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
