"""The commune's Zalo Official Account: OA webhook events in, Replies out as customer-service messages.

Events arrive at POST /zalo-oa on the one web server, signed (signature.py); the handler answers at once and the
event waits in a queue handled in the background: several people at once, each person's events one at a time and
in order. Each event is recorded by message id before it is handled (core.first_seen), so a redelivery runs once.
Replies go out with /v3.0/oa/message/cs, choices as numbered lines, long texts split. The access token is
refreshed before it expires (tokens.py); when Zalo refuses the refresh, the channel stops with one log line and
/healthz says "failed". What the outbox sends goes through outbound.py (the reply window, then ZNS).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress

import httpx

from bot.channels.base import Channel, Fetcher, ImagePublisher, Route, Sender
from bot.channels.intake import Intake
from bot.channels.plain import split_text
from bot.channels.zalo_oa import outbound
from bot.channels.zalo_oa.api import TEXT_LIMIT, OAClient, OAError, RefreshFailed
from bot.channels.zalo_oa.hook import PATH, OAHook
from bot.channels.zalo_oa.models import Event, EventName
from bot.channels.zalo_oa.tokens import TokenKeeper
from bot.channels.zalo_oa.zns import Zns
from bot.evidence import url_fetcher
from bot.pacing import token_pace
from bot.settings import Settings
from handlers.core.locks import KeyedLock
from handlers.core.messages import APOLOGY, Attachment, Incoming, Reply, as_text
from handlers.core.router import Core
from storage import oa_followers, oa_zns, people

CHANNEL = "zalo_oa"
PRUNE_EVERY = dt.timedelta(hours=1)
DRAIN = 5.0  # seconds given to queued events at shutdown
log = logging.getLogger(__name__)


def to_incoming(event: Event) -> Incoming | None:
    """A message event as the core reads it (an image's text is its caption)."""
    user, msg = event.user_id, event.message
    if user is None or msg is None:
        return None
    if event.event_name == EventName.IMAGE:
        return Incoming(CHANNEL, user, text=msg.text or None, attachment=Attachment("photo", url=msg.image_url))
    return Incoming(CHANNEL, user, text=msg.text)


class ZaloOAChannel(Channel, Intake[Event]):
    name = CHANNEL

    def __init__(
        self, client: OAClient, keeper: TokenKeeper, core: Core, *, app_id: str, secret_key: str,
        zns: Zns | None = None, clock: Callable[[], dt.datetime] | None = None, concurrency: int = 32,
    ) -> None:
        self.client = client
        self.keeper = keeper
        self.core = core
        self.app_id = app_id
        self.secret_key = secret_key
        self.zns = zns
        self.clock = clock or core.clock
        self.state = "stopped"
        self.failed = asyncio.Event()
        self._open_intake()
        self._slots = asyncio.Semaphore(concurrency)
        self._people = KeyedLock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._worker: asyncio.Task[None] | None = None
        self._refresher: asyncio.Task[None] | None = None
        self._pruned: dt.datetime | None = None
        self._warned_image = False
        self._asked: set[str] = set()  # followers whose name was asked of Zalo in this run
        self.files = httpx.AsyncClient(timeout=30)  # evidence downloads (image URLs)

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return settings.zalo_oa_app_id is not None

    @classmethod
    def create(cls, settings: Settings, core: Core, publish_image: ImagePublisher | None) -> ZaloOAChannel:
        s = settings
        assert s.zalo_oa_app_id is not None and s.zalo_oa_app_secret is not None and s.zalo_oa_secret_key is not None
        rate = max(s.zalo_oa_token_rate, s.zalo_oa_max_rate)  # never below the outbox's own pace
        pace = token_pace(core.db, cls.name, s.zalo_oa_app_id, rate)
        client = OAClient(s.zalo_oa_api_url, s.zalo_oa_oauth_url, pace=pace)
        keeper = TokenKeeper(
            client, core.db, s.zalo_oa_app_id, s.zalo_oa_app_secret.get_secret_value(),
            seed_access=s.zalo_oa_access_token.get_secret_value() if s.zalo_oa_access_token else None,
            seed_refresh=s.zalo_oa_refresh_token.get_secret_value() if s.zalo_oa_refresh_token else None,
            clock=core.clock,
        )
        templates = Zns.templates_for(s.zns_template_reminder, s.zns_template_overdue)
        zns = Zns(client, s.zns_api_url, templates, core.db, core.kb, core.clock) if templates else None
        return cls(client, keeper, core, app_id=s.zalo_oa_app_id, secret_key=s.zalo_oa_secret_key.get_secret_value(),
                   zns=zns)

    @classmethod
    def problems(cls, settings: Settings) -> list[str]:
        missing = [name for name, value in (("ZALO_OA_APP_SECRET", settings.zalo_oa_app_secret),
                                            ("ZALO_OA_SECRET_KEY", settings.zalo_oa_secret_key)) if value is None]
        return [f"ZALO_OA_APP_ID cần {', '.join(missing)} (xem README, «Zalo Official Account»)."] if missing else []

    def routes(self) -> list[Route]:
        return [(PATH, OAHook, {"channel": self})]

    def sender(self) -> Sender:
        return outbound.sender(self)  # the outbox path: the reply window, then ZNS

    def fetcher(self) -> Fetcher | None:
        return url_fetcher(self.files)

    def rate(self, settings: Settings) -> float | None:
        return settings.zalo_oa_max_rate

    # --- life ------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Load the tokens (database, or the settings on a first run) and refresh them if due."""
        try:
            if not await self.keeper.load():
                log.error("Kênh Zalo OA: chưa có token; đặt ZALO_OA_ACCESS_TOKEN và ZALO_OA_REFRESH_TOKEN "
                          "(lần chạy đầu). Đã dừng kênh Zalo OA.")
                self._stopped()
                return
            await self.keeper.access_token()
        except RefreshFailed as exc:
            self.fail(exc)
            return
        except OAError as exc:
            log.error("Không khởi động được kênh Zalo OA: %s", exc)
            self._stopped()
            return
        log.info("Kênh Zalo OA: ứng dụng %s, nhận sự kiện qua webhook %s", self.app_id, PATH)
        self.state = "running"
        self._worker = asyncio.create_task(self._work(), name="zalo-oa-worker")
        self._refresher = asyncio.create_task(self._refresh_loop(), name="zalo-oa-refresh")

    def _stopped(self) -> None:
        self.state = "failed"
        self.failed.set()

    def fail(self, exc: OAError) -> None:
        """Zalo refused the refresh token: one clear line, the channel stops, /healthz says so."""
        if self.state == "failed":
            return
        log.error(
            "Zalo OA từ chối làm mới token (lỗi %s: %s): cấp lại quyền cho ứng dụng trong Zalo for Developers, "
            "đặt ZALO_OA_ACCESS_TOKEN và ZALO_OA_REFRESH_TOKEN mới rồi khởi động lại. Đã dừng kênh Zalo OA.",
            exc.code, exc.description or "không rõ",
        )
        self._stopped()
        current = asyncio.current_task()
        for task in (self._worker, self._refresher):
            if task is not None and task is not current:
                task.cancel()
        while not self._queue.empty():  # never handled now: let idle() return (Zalo delivers them again)
            self._queue.get_nowait()
            self._queue.task_done()

    async def _refresh_loop(self) -> None:
        """Refresh ahead of expiry even when nobody writes, so a refused refresh is seen at once."""
        while self.state == "running":
            wait = (self.keeper.expires_at - self.keeper.margin - self.clock()).total_seconds()
            await asyncio.sleep(min(max(wait, 0.2), 60))
            try:
                if self.keeper.due():
                    await self.keeper.refresh()
            except RefreshFailed as exc:
                self.fail(exc)
                return
            except OAError as exc:  # the network or Zalo's servers: tried again in a minute
                log.warning("Zalo OA: chưa làm mới được token: %s", exc)
                await asyncio.sleep(60)

    async def stop(self) -> None:
        running = self.state == "running"
        if running:
            self.state = "stopped"
            with suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), DRAIN)
        for task in (self._refresher, self._worker, *self._tasks):
            await _cancel(task)
        self._worker = self._refresher = None
        await self.client.aclose()
        await self.files.aclose()

    async def _work(self) -> None:
        while True:
            event = await self._queue.get()
            try:
                await self._slots.acquire()
            except asyncio.CancelledError:  # stopped while waiting for a slot: this one is not handled
                self._queue.task_done()
                raise
            task = asyncio.create_task(self._one(event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _one(self, event: Event) -> None:
        try:
            async with self._people.hold(event.user_id):
                await self.process(event)
        except RefreshFailed as exc:
            self.fail(exc)
        except Exception:  # one bad event must not stop the channel
            log.exception("Lỗi khi xử lý sự kiện Zalo OA")
        finally:
            self._slots.release()
            self._queue.task_done()

    # --- one event -------------------------------------------------------------------------------

    async def process(self, event: Event) -> None:
        user, now, db = event.user_id, self.clock(), self.core.db
        if event.event_name == EventName.RECEIVED:  # about a ZNS message, not from a follower
            if event.message is not None and event.message.msg_id:
                await oa_zns.received(db, event.message.msg_id, now)
            return
        if user is None:
            log.info("Bỏ qua sự kiện Zalo OA không có người gửi: %s", event.event_name)
            return
        await self._prune(now)
        if not await self.core.first_seen(CHANNEL, event.key):
            log.info("Bỏ qua sự kiện Zalo OA đã xử lý (gửi lại): %s", event.event_name)
            return
        if event.event_name == EventName.UNFOLLOW:
            await oa_followers.unfollowed(db, user, now)
            await people.deactivate(db, CHANNEL, user)  # as a Blocked send would: skipped until they come back
            return
        if event.event_name == EventName.SUBMIT_INFO:
            await oa_followers.set_phone(db, user, event.info.phone if event.info else None, now)
            return
        if event.event_name == EventName.FOLLOW:
            incoming: Incoming | None = Incoming(CHANNEL, user, text="/start")  # the welcome
        elif event.event_name in (EventName.TEXT, EventName.IMAGE):
            incoming = to_incoming(event)
        else:
            log.debug("Zalo OA: bỏ qua sự kiện %s", event.event_name)
            return
        if incoming is None:
            return
        await oa_followers.wrote(db, user, now)  # the reply window opens again
        await self._answer(user, dataclasses.replace(incoming, name=await self._name(user)))

    async def _name(self, user: str) -> str | None:
        """The follower's display name (kept by the core for officials): stored, or asked of Zalo once per run."""
        follower = await oa_followers.get(self.core.db, user)
        if follower is not None and follower.name:
            return follower.name
        if user in self._asked:
            return None
        self._asked.add(user)
        try:
            name = await self.keeper.call(lambda token: self.client.user_name(token, user))
        except OAError as exc:  # only a courtesy: lists show «Người dùng <số>» instead
            log.info("Zalo OA: không lấy được tên người quan tâm: %s", exc)
            return None
        if name:
            await oa_followers.set_name(self.core.db, user, name, self.clock())
        return name

    async def _answer(self, user: str, incoming: Incoming) -> None:
        try:
            for reply in await self.core.handle(incoming, confirms=True):
                await self.send(user, reply)
            await self.core.delivered(CHANNEL, user)
        except RefreshFailed:
            raise
        except Exception:
            log.exception("Lỗi khi xử lý tin nhắn Zalo OA")
            try:
                await self.send(user, Reply(APOLOGY))
            except OAError as exc:
                log.warning("Không gửi được lời xin lỗi qua Zalo OA: %s", exc)

    async def _prune(self, now: dt.datetime) -> None:
        if self._pruned is None or now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            await self.core.forget_seen(now)

    # --- out -------------------------------------------------------------------------------------

    async def send(self, user_id: str, reply: Reply) -> None:
        """One Reply as customer-service messages: choices as numbered lines, split under 2,000 characters.
        Images are not sent on the OA yet: the text goes alone (logged once)."""
        if reply.image is not None and not self._warned_image:
            self._warned_image = True
            log.warning("Kênh Zalo OA chưa gửi ảnh: chỉ gửi phần chữ của câu trả lời có biểu đồ.")
        done = 0
        try:
            for part in split_text(as_text(reply), TEXT_LIMIT):
                await self.keeper.call(self._text(user_id, part))
                done += 1
        finally:
            if done:  # counted against the free replies of the window
                await oa_followers.sent(self.core.db, user_id, done, self.clock())

    def _text(self, user_id: str, text: str) -> Callable[[str], Awaitable[object]]:
        return lambda token: self.client.send_text(token, user_id, text)


async def _cancel(task: asyncio.Task[None] | None) -> None:
    if task is not None:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
