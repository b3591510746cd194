"""`python -m bot run` with a token: the configured channels over one core, the one web server when a channel
has routes or PUBLIC_URL is set, and the sweep.

Each channel in the registry that the settings configure is created, prepared (token checked), given its web
routes, then started once the server listens, so the first webhook delivery finds it. A channel whose token is
refused stops with a clear log line; the process ends when no channel is left.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import health, metrics, scheduler
from bot.app import build_core
from bot.channels.base import Channel, Fetcher, Route, Sender
from bot.channels.registry import REGISTRY
from bot.delivery import Sweeper
from bot.evidence import fetch_pending
from bot.settings import Settings
from bot.web import ImageStore, WebServer
from handlers.core.router import Core
from storage.db import Database, ProcessLock, connect, utc_now

log = logging.getLogger(__name__)


def problems(settings: Settings) -> list[str]:
    """Settings that cannot work together; checked before anything starts."""
    return [p for kind in REGISTRY if kind.configured(settings) for p in kind.problems(settings)]


class Runner:
    def __init__(self, settings: Settings, core: Core | None = None) -> None:
        self.settings = settings
        self.core = core
        self._owns_core = core is None
        self.channels: dict[str, Channel] = {}
        self.web: WebServer | None = None
        self.images: ImageStore | None = None
        self.port: int | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self.sweep_db: Database | None = None
        self.sweeper: Sweeper | None = None
        self.lock = ProcessLock(settings.database)

    def health(self) -> dict[str, str]:
        return {name: channel.state for name, channel in self.channels.items()}

    async def checks(self) -> dict[str, str]:
        """/healthz beyond the channels: the conversations' database connection and file, the sweep."""
        db = self.core.db if self.core is not None else None
        return await health.failures(db, self.sweeper, self.settings.sweep_seconds)

    async def metrics_page(self) -> bytes:
        """/metrics; the database figures on the sweep's connection when there is one (a count of the outbox
        then never waits behind, nor holds up, a conversation's statements)."""
        db = self.sweep_db or (self.core.db if self.core is not None else None)
        assert db is not None, "the web server runs only once the core is built"
        age = time.monotonic() - self.sweeper.last_beat if self.sweeper is not None else None
        return await metrics.render(db, utc_now(), age)

    def running(self) -> bool:
        return any(state == "running" for state in self.health().values())

    async def start(self) -> None:
        s = self.settings
        self.lock.acquire()  # before anything else: a second process on the same file stops here
        if self.core is None:
            self.core = await build_core(s)
        # several workers on one database (PostgreSQL): every image also in it, for whichever worker Zalo asks
        shared = None if self.core.db.exclusive else self.core.db
        self.images = images = ImageStore(s.public_url, db=shared) if s.public_url else None
        routes: list[Route] = []
        for kind in REGISTRY:
            if kind.configured(s):
                channel = kind.create(s, self.core, images.put if images is not None else None)
                self.channels[channel.name] = channel
                await channel.prepare()
                if (fetch := channel.fetcher()) is not None:  # files sent in chat (a plan an admin uploads)
                    self.core.fetchers[channel.name] = fetch
                routes += channel.routes()
        if routes or images is not None:
            token = s.metrics_token.get_secret_value() if s.metrics_token is not None else None
            self.web = WebServer(self.health, images, checks=self.checks, metrics=self.metrics_page,
                                 metrics_token=token, behind_proxy=s.behind_proxy)
            self.web.add(routes)
            # listening before any webhook is registered, so the first delivery finds it
            self.port = await self.web.start(s.webhook_listen, s.webhook_port)
        for channel in self.channels.values():
            await channel.start()
        await self._start_sweep()

    async def _start_sweep(self) -> None:
        """Reminders and broadcasts go out through every channel that started."""
        live = {name: c for name, c in self.channels.items() if c.state == "running"}
        if not live or self.core is None:
            return
        senders: dict[str, Sender] = {name: c.sender() for name, c in live.items()}
        rates = {name: rate for name, c in live.items() if (rate := c.rate(self.settings)) is not None}
        # its own connection: a batch of outbox updates does not hold up the conversations' statements
        self.sweep_db = await connect(self.settings.database)
        sweeper = Sweeper(self.sweep_db, self.core.kb, self.core.config.zone, senders, clock=self.core.clock,
                          quiet_hours=self.core.config.quiet_hours, rates=rates,
                          alone=self.sweep_db.exclusive,  # PostgreSQL: other workers' live claims are theirs
                          lease=dt.timedelta(seconds=self.settings.outbox_lease_seconds))
        self.sweeper = sweeper
        self.scheduler = await scheduler.start(sweeper, self.settings.sweep_seconds, self._evidence_job(live))

    def _evidence_job(self, live: dict[str, Channel]) -> Callable[[], Awaitable[int]] | None:
        """With EVIDENCE_DIR set, evidence files are fetched from the channels that received them."""
        folder, db = self.settings.evidence_dir, self.sweep_db
        if folder is None or db is None:
            return None
        fetchers: dict[str, Fetcher] = {name: f for name, c in live.items() if (f := c.fetcher()) is not None}

        async def fetch() -> int:
            # the sweeping worker only (PostgreSQL), as the sweep: two would download the same files at once
            return await fetch_pending(db, fetchers, folder) if await db.lead() else 0

        return fetch

    async def wait(self, stop: asyncio.Event, check_every: float = 1.0) -> int:
        """Until `stop` is set (0) or no channel is running any more (1)."""
        while not stop.is_set():
            if not self.running():
                log.error("Không còn kênh nào chạy: dừng.")
                return 1
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), check_every)
        return 0

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        if self.sweeper is not None:
            await self.sweeper.idle()
        if self.sweep_db is not None:
            await self.sweep_db.close()
        # Channels first, while the web server still serves the images their last replies point to;
        # a webhook arriving meanwhile gets 503 and is delivered again after the restart.
        for channel in self.channels.values():
            await channel.stop()
        if self.web is not None:
            await self.web.stop()
        if self.images is not None:
            await self.images.flush()
        if self._owns_core and self.core is not None:
            await self.core.close()
        self.lock.release()


async def main(settings: Settings) -> int:
    found = problems(settings)
    for problem in found:
        log.error("Cấu hình chưa đúng: %s", problem)
    if found:
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = Runner(settings)
    try:
        await runner.start()
        return await runner.wait(stop)
    finally:
        await runner.stop()


def run(settings: Settings) -> int:
    return asyncio.run(main(settings))
