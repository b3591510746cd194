"""The web channel on a real server for the browser tests: `python -m bot web`'s settings over the test's core,
and Debian's Chromium driven by Playwright (never a downloaded browser). If Chromium is missing or cannot start,
the test fails and says why: a browser test that skips would hide a broken CI machine."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

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
async def serve(core: Core, tmp_path: Path) -> AsyncIterator[Site]:
    port = free_port()
    settings = web_settings(Settings(_env_file=None, database=tmp_path / "bot.sqlite3",  # type: ignore[call-arg]
                                     webhook_port=port, quiet_hours="off"))
    clock = Clock()
    core.clock = clock
    core.config = replace(core.config, public_url=settings.public_url)  # as bot/app.py builds it
    runner = Runner(settings, core=core)
    await runner.start()
    try:
        yield Site(f"http://127.0.0.1:{port}", runner, clock)
    finally:
        await runner.stop()


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
