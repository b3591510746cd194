"""`python -m bot run` with a token: the configured channels, one core, and the one web server when needed.

Telegram long-polls, or (WEBHOOK_URL) is fed by the web server at /telegram; Zalo long-polls, or
(ZALO_WEBHOOK_URL) is fed at /zalo. The web server also runs when PUBLIC_URL is set, to serve images to Zalo.
A channel whose token is refused stops with a clear log line; the process ends when no channel is left.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import suppress

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application

from bot import scheduler
from bot.app import build_core
from bot.channels import telegram
from bot.channels.zalo import ZaloChannel, ZaloClient
from bot.channels.zalo import channel as zalo_channel
from bot.channels.zalo.api import redact_in_logs
from bot.channels.zalo.channel import sender as zalo_sender
from bot.delivery import Sender, Sweeper
from bot.evidence import Fetcher, fetch_pending, url_fetcher
from bot.settings import Settings
from bot.web import WebServer
from handlers.core.router import Core
from storage.db import Database, ProcessLock, connect

log = logging.getLogger(__name__)


def problems(settings: Settings) -> list[str]:
    """Settings that cannot work together; checked before anything starts."""
    found = []
    if settings.telegram_bot_token and settings.webhook_url and not settings.webhook_secret:
        found.append("WEBHOOK_URL cần WEBHOOK_SECRET: không có nó, ai biết địa chỉ cũng gửi được tin giả.")
    if settings.zalo_bot_token and settings.zalo_webhook_url and not settings.zalo_webhook_secret:
        found.append("ZALO_WEBHOOK_URL cần ZALO_WEBHOOK_SECRET (Zalo bắt buộc, 8–256 ký tự).")
    return found


class Runner:
    def __init__(self, settings: Settings, core: Core | None = None) -> None:
        self.settings = settings
        self.core = core
        self._owns_core = core is None
        self.telegram: Application | None = None
        self.telegram_state = "stopped"
        self.zalo: ZaloChannel | None = None
        self.web: WebServer | None = None
        self.port: int | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self.sweep_db: Database | None = None
        self.http: httpx.AsyncClient | None = None
        self.lock = ProcessLock(settings.database)

    def health(self) -> dict[str, str]:
        states = {}
        if self.settings.telegram_bot_token:
            states["telegram"] = self.telegram_state
        if self.zalo is not None:
            states["zalo"] = self.zalo.state
        return states

    def running(self) -> bool:
        return any(state == "running" for state in self.health().values())

    async def start(self) -> None:
        s = self.settings
        self.lock.acquire()  # before anything else: a second process on the same file stops here
        if self.core is None:
            self.core = await build_core(s)
        needs_web = bool((s.telegram_bot_token and s.webhook_url) or (s.zalo_bot_token and s.zalo_webhook_url))
        if needs_web or s.public_url:
            self.web = WebServer(self.health, s.public_url)
        if s.telegram_bot_token:
            await self._init_telegram()
        if s.zalo_bot_token:
            publish = self.web.images.put if self.web is not None and self.web.images is not None else None
            client = ZaloClient(s.zalo_bot_token.get_secret_value(), s.zalo_base_url)
            self.zalo = ZaloChannel(client, self.core, publish_image=publish)
            if s.zalo_webhook_url and s.zalo_webhook_secret:
                assert self.web is not None
                self.web.add_zalo(self.zalo, s.zalo_webhook_secret.get_secret_value())
        # The server listens before any webhook is registered, so the first delivery finds it.
        if self.web is not None:
            self.port = await self.web.start(s.webhook_listen, s.webhook_port)
        if self.telegram is not None:
            await self._start_telegram()
        if self.zalo is not None:
            secret = s.zalo_webhook_secret.get_secret_value() if s.zalo_webhook_secret else None
            await self.zalo.start(s.zalo_webhook_url, secret)
        await self._start_sweep()

    async def _start_sweep(self) -> None:
        """Reminders and broadcasts go out through every channel that started."""
        senders: dict[str, Sender] = {}
        if self.telegram is not None and self.telegram_state == "running":
            senders[telegram.CHANNEL] = telegram.sender(self.telegram)
        if self.zalo is not None:
            senders[zalo_channel.CHANNEL] = zalo_sender(self.zalo)
        if not senders or self.core is None:
            return
        # its own connection: a batch of outbox updates does not hold up the conversations' statements
        self.sweep_db = await connect(self.settings.database)
        rates = {telegram.CHANNEL: self.settings.telegram_max_rate, zalo_channel.CHANNEL: self.settings.zalo_max_rate}
        sweeper = Sweeper(self.sweep_db, self.core.kb, self.core.config.zone, senders, clock=self.core.clock,
                          quiet_hours=self.core.config.quiet_hours, rates=rates)
        self.scheduler = await scheduler.start(sweeper, self.settings.sweep_seconds, self._evidence_job())

    def _evidence_job(self) -> Callable[[], Awaitable[int]] | None:
        """With EVIDENCE_DIR set, evidence files are fetched from the channels that received them."""
        folder, db = self.settings.evidence_dir, self.sweep_db
        if folder is None or db is None:
            return None
        fetchers: dict[str, Fetcher] = {}
        if self.telegram is not None:
            fetchers[telegram.CHANNEL] = telegram.fetcher(self.telegram)
        if self.zalo is not None:
            self.http = httpx.AsyncClient(timeout=30)
            fetchers[zalo_channel.CHANNEL] = url_fetcher(self.http)
        return lambda: fetch_pending(db, fetchers, folder)

    async def _init_telegram(self) -> None:
        s = self.settings
        webhook = bool(s.webhook_url)
        assert self.core is not None
        app = telegram.build(s, core=self.core, updater=not webhook)
        redact_in_logs(app.bot.token)  # PTB's requests go through httpx too
        try:
            await app.initialize()
        except InvalidToken:
            log.error("Telegram từ chối token: kiểm tra TELEGRAM_BOT_TOKEN. Đã dừng kênh Telegram.")
            self.telegram_state = "failed"
            return
        if app.post_init is not None:
            await app.post_init(app)  # initialize() does not run it; run_polling/run_webhook would
        if webhook and s.webhook_secret:
            assert self.web is not None and self.core is not None
            self.web.add_telegram(app, s.webhook_secret.get_secret_value())
        self.telegram = app

    async def _start_telegram(self) -> None:
        s = self.settings
        app = self.telegram
        assert app is not None
        if app.updater is None:
            secret = s.webhook_secret.get_secret_value() if s.webhook_secret else None
            await app.bot.set_webhook(s.webhook_url or "", secret_token=secret, allowed_updates=Update.ALL_TYPES)
        else:
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await app.start()
        self.telegram_state = "running"
        mode = "webhook" if app.updater is None else "long polling"
        log.info("Kênh Telegram: @%s, nhận tin bằng %s", app.bot.username, mode)

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
        if self.sweep_db is not None:
            await self.sweep_db.close()
        if self.http is not None:
            await self.http.aclose()
        # Channels first, while the web server still serves the images their last replies point to;
        # a webhook arriving meanwhile gets 503 and is delivered again after the restart.
        if self.zalo is not None:
            await self.zalo.stop()
        app = self.telegram
        if app is not None:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
            self.telegram_state = "stopped"
        if self.web is not None:
            await self.web.stop()
        if self._owns_core and self.core is not None:
            await self.core.db.close()
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
