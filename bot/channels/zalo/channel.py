"""Zalo channel: Zalo updates in, Replies out as plain text, one update at a time.

Updates arrive by long polling or from the web server's /zalo route; both go through one queue. Several
updates are handled at once, but each chat's one at a time and in arrival order, so a person's "2" is never
handled before the list it answers. Each event is recorded in SQLite by message id before it is handled, so a
redelivery is dropped (at most once: a crash mid-step loses that step rather than running it twice).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress

import httpx
from tornado.web import HTTPError

from bot.channels.base import Blocked, Channel, Fetcher, ImagePublisher, RetryLater, Route, Sender
from bot.channels.intake import Intake
from bot.channels.plain import split_text
from bot.channels.zalo.api import REFUSED, TEXT_LIMIT, Retryable, Unauthorized, ZaloClient, ZaloError
from bot.channels.zalo.mentions import strip_mention
from bot.channels.zalo.models import Event, Update, parse_webhook
from bot.evidence import url_fetcher
from bot.pacing import token_pace
from bot.settings import Settings
from bot.web import WebHandler
from handlers.core.locks import KeyedLock
from handlers.core.messages import APOLOGY, Attachment, Incoming, Reply, as_text, units
from handlers.core.router import Core
from storage import seen
from storage.db import utc_now

CHANNEL = "zalo"
UNSUPPORTED = (
    "Xin lỗi, tôi là trợ lý trả lời tự động và không đọc được tin nhắn này: Zalo không chuyển nội dung tin nhắn "
    "của một số tài khoản (ví dụ tài khoản được bảo vệ) đến chatbot.\n\n"
    "Để được hỗ trợ, bạn vui lòng liên hệ trực tiếp Bộ phận tiếp nhận và trả kết quả (một cửa) của Ủy ban "
    "nhân dân xã, phường nơi bạn cư trú, gọi điện đến Ủy ban nhân dân xã, phường, hoặc nhờ người thân hỏi giúp."
)
PRUNE_EVERY = dt.timedelta(hours=1)
POLL_FLOOR = 1.0  # seconds between polls that brought nothing new
RECENT = 10_000  # update keys remembered in memory, to recognise a replay before it is queued
TOO_OLD = seen.KEEP - dt.timedelta(hours=1)  # older messages' ids may be pruned already: never answer them
DRAIN = 5.0  # seconds given to queued updates at shutdown

SECRET_HEADER = "X-Bot-Api-Secret-Token"
log = logging.getLogger(__name__)


def event_key(update: Update) -> str:
    """The message id; for an event without one, a digest of its content (the same redelivery, the same key)."""
    if update.message is not None and update.message.message_id:
        return update.message.message_id
    return "sha256:" + hashlib.sha256(update.model_dump_json().encode()).hexdigest()


def to_incoming(update: Update, names: tuple[str, ...] = ()) -> Incoming | None:
    """The update as the core reads it; in a group, without the mention of the bot (`names`: its own)."""
    msg = update.message
    event = update.event
    if msg is None or event is None or event is Event.UNSUPPORTED:
        return None
    sender = msg.sender.id if msg.sender is not None else msg.chat_id
    if sender is None:
        return None
    group = msg.chat is not None and msg.chat.chat_type.upper() == "GROUP"
    name = msg.sender.display_name if msg.sender is not None else None  # kept only for officials (core)

    def text(typed: str | None) -> str | None:  # a private message is passed exactly as typed
        return strip_mention(typed, names) if group and typed else typed

    if event is Event.IMAGE:
        photo = Attachment("photo", url=msg.photo)
        return Incoming(CHANNEL, sender, text=text(msg.caption), attachment=photo, group=group, name=name)
    if event is Event.STICKER:
        sticker = Attachment("sticker", file_id=msg.sticker, url=msg.url)
        return Incoming(CHANNEL, sender, attachment=sticker, group=group, name=name)
    return Incoming(CHANNEL, sender, text=text(msg.text), group=group, name=name)


class ZaloHook(WebHandler):
    """POST /zalo: the secret header in constant time, then the event onto the channel's queue."""

    def initialize(self, channel: ZaloChannel, secret: str) -> None:
        self.channel = channel
        self.secret = secret

    async def post(self) -> None:
        self.check_secret(SECRET_HEADER, self.secret)
        try:
            update = parse_webhook(self.request.body)
        except ValueError as exc:
            raise HTTPError(400) from exc
        if not self.channel.submit(update):
            raise HTTPError(503)  # stopped or overloaded: Zalo may deliver it again later
        self.finish({"ok": True})


class ZaloChannel(Channel, Intake[Update]):
    name = CHANNEL

    def __init__(
        self,
        client: ZaloClient,
        core: Core,
        *,
        publish_image: ImagePublisher | None = None,
        poll_timeout: int = 30,
        clock: Callable[[], dt.datetime] = utc_now,
        concurrency: int = 32,
        webhook_url: str | None = None,
        secret: str | None = None,
    ) -> None:
        self.client = client
        self.core = core
        self.webhook_url = webhook_url
        self.secret = secret
        self.publish_image = publish_image
        self.poll_timeout = poll_timeout
        self.clock = clock
        self.state = "stopped"  # stopped | running | failed (Zalo refused the token)
        self.failed = asyncio.Event()
        self._open_intake()
        self._slots = asyncio.Semaphore(concurrency)
        self._chats = KeyedLock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._worker: asyncio.Task[None] | None = None
        self._poller: asyncio.Task[None] | None = None
        self._pruned: dt.datetime | None = None
        self._warned_image = False
        self._recent: OrderedDict[str, None] = OrderedDict()
        self.names: tuple[str, ...] = ()  # the bot's own, from getMe: removed from group messages that mention it
        self.files = httpx.AsyncClient(timeout=30)  # evidence downloads

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return settings.zalo_bot_token is not None

    @classmethod
    def create(cls, settings: Settings, core: Core, publish_image: ImagePublisher | None) -> ZaloChannel:
        assert settings.zalo_bot_token is not None
        token = settings.zalo_bot_token.get_secret_value()
        # never below the outbox's own pace, which would otherwise not be what ZALO_MAX_RATE says
        rate = max(settings.zalo_token_rate, settings.zalo_max_rate)
        client = ZaloClient(token, settings.zalo_base_url, pace=token_pace(core.db, cls.name, token, rate))
        secret = settings.zalo_webhook_secret.get_secret_value() if settings.zalo_webhook_secret else None
        return cls(client, core, publish_image=publish_image, webhook_url=settings.zalo_webhook_url, secret=secret)

    @classmethod
    def problems(cls, settings: Settings) -> list[str]:
        if settings.zalo_webhook_url and not settings.zalo_webhook_secret:
            return ["ZALO_WEBHOOK_URL cần ZALO_WEBHOOK_SECRET (Zalo bắt buộc, 8–256 ký tự)."]
        return []

    def routes(self) -> list[Route]:
        if not self.webhook_url or not self.secret:
            return []
        return [("/zalo", ZaloHook, {"channel": self, "secret": self.secret})]

    def sender(self) -> Sender:
        return sender(self)

    def fetcher(self) -> Fetcher | None:
        return url_fetcher(self.files)  # Zalo hands over image URLs

    def rate(self, settings: Settings) -> float | None:
        return settings.zalo_max_rate

    async def start(self) -> None:
        """Check the token, then register the webhook (when a URL is given) or start long polling. When Zalo
        refuses the token or cannot be reached even after the client's retries, one clear log line and the
        state "failed"; the other channels go on without this one."""
        webhook_url, secret = self.webhook_url, self.secret
        try:
            me = await self.client.get_me()
            if webhook_url:
                assert secret, "a Zalo webhook needs a secret"
                await self.client.set_webhook(webhook_url, secret)
            else:
                await self._no_webhook()
        except Unauthorized as exc:
            self._fail(exc)
            return
        except ZaloError as exc:
            log.error("Không khởi động được kênh Zalo: %s", exc)
            self.state = "failed"
            self.failed.set()
            return
        self.names = tuple(n for n in (me.account_name,) if n)
        mode = "webhook" if webhook_url else "long polling"
        log.info("Kênh Zalo: bot %s, nhận tin bằng %s", me.account_name or me.id, mode)
        self.state = "running"
        self._worker = asyncio.create_task(self._work(), name="zalo-worker")
        if not webhook_url:
            self._poller = asyncio.create_task(self._poll(), name="zalo-poll")

    async def _no_webhook(self) -> None:
        """Zalo does not answer getUpdates while a webhook is set; a bot that has none may answer 404 (seen by
        another client for getWebhookInfo), which only means there is nothing to delete."""
        try:
            await self.client.delete_webhook()
        except ZaloError as exc:
            if exc.code != 404 or isinstance(exc, Unauthorized):
                raise
            log.info("Zalo deleteWebhook: 404, không có webhook để xóa; tiếp tục nhận tin bằng long polling")

    async def stop(self) -> None:
        """Stop taking updates, give the queued ones a few seconds, then close the client."""
        running = self.state == "running"
        if running:
            self.state = "stopped"
        await _cancel(self._poller)
        if running:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), DRAIN)
        await _cancel(self._worker)
        for task in list(self._tasks):
            await _cancel(task)
        self._worker = self._poller = None
        await self.client.aclose()
        await self.files.aclose()

    # --- intake ----------------------------------------------------------------------------------

    async def _poll(self) -> None:
        failures = 0
        while self.state == "running":
            try:
                updates = await self.client.get_updates(self.poll_timeout)
            except Unauthorized as exc:
                self._fail(exc)
                return
            except Exception as exc:  # network, quota, anything unexpected: the poller must not die
                wait = self.client.delay(failures, exc.retry_after if isinstance(exc, ZaloError) else None)
                failures += 1
                log.warning("Zalo getUpdates: %s; hỏi lại sau %.1f giây", exc, wait)
                await asyncio.sleep(wait)
                continue
            failures = 0
            fresh = [u for u in updates if not self._replayed(u)]
            for update in fresh:
                await self._queue.put(update)
            if not fresh:  # nothing new (an empty answer, or updates handed out again): never a busy loop
                await asyncio.sleep(POLL_FLOOR)

    def _replayed(self, update: Update) -> bool:
        """An update handed out again by a poll (a live client saw consumed updates come back every time): its
        key was queued lately. Older than the ids kept in the database, it is dropped by its date as well."""
        key = event_key(update)
        if key in self._recent:
            return True
        self._recent[key] = None
        while len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        sent = update.message.date if update.message is not None else None
        too_old = sent is not None and dt.datetime.fromtimestamp(sent / 1000, dt.UTC) < self.clock() - TOO_OLD
        if too_old:
            log.info("Bỏ qua tin Zalo quá cũ (%s): mã tin đã quên sau %d ngày", update.event_name, TOO_OLD.days)
        return too_old

    async def _work(self) -> None:
        """Start each update's task in arrival order (bounded); the per-chat lock keeps a chat's order."""
        while True:
            update = await self._queue.get()
            await self._slots.acquire()
            task = asyncio.create_task(self._one(update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _one(self, update: Update) -> None:
        msg = update.message
        try:
            async with self._chats.hold(msg.chat_id if msg is not None else None):
                await self.process(update)
        except Unauthorized as exc:
            self._fail(exc)
        except Exception:  # one bad update must not stop the channel
            log.exception("Lỗi khi xử lý sự kiện Zalo")
        finally:
            self._slots.release()
            self._queue.task_done()

    def _fail(self, exc: ZaloError) -> None:
        log.error(
            "Zalo từ chối token (%s, lỗi %s): kiểm tra ZALO_BOT_TOKEN hoặc tạo lại token trong Zalo Bot Creator. "
            "Đã dừng kênh Zalo.", exc.method, exc.code,
        )
        self.state = "failed"
        self.failed.set()
        current = asyncio.current_task()
        for task in (self._poller, self._worker):
            if task is not None and task is not current:
                task.cancel()

    # --- one update ------------------------------------------------------------------------------

    async def process(self, update: Update) -> None:
        msg = update.message
        chat_id = msg.chat_id if msg is not None else None
        if chat_id is None or update.event is None:
            log.info("Bỏ qua sự kiện Zalo không xử lý được: %s", update.event_name)
            return
        await self._prune(self.clock())
        # inside this chat's turn (_one), so a redelivery racing the first copy is recognised here
        if not await self.core.first_seen(CHANNEL, event_key(update)):
            log.info("Bỏ qua sự kiện Zalo đã xử lý (gửi lại): %s", update.event_name)
            return
        try:
            if update.event is Event.UNSUPPORTED:
                await self.send(chat_id, Reply(UNSUPPORTED))
                return
            incoming = to_incoming(update, self.names)
            if incoming is None:
                return
            await self._typing(chat_id)
            for reply in await self.core.handle(incoming, confirms=True):
                await self.send(chat_id, reply)
            await self.core.delivered(CHANNEL, incoming.user_id)
        except Unauthorized:
            raise
        except Exception:
            log.exception("Lỗi khi xử lý tin nhắn Zalo")
            try:
                await self.send(chat_id, Reply(APOLOGY))
            except ZaloError as exc:  # the apology may fail too (network, quota): the error is logged already
                log.warning("Không gửi được lời xin lỗi: %s", exc)

    async def _typing(self, chat_id: str) -> None:
        try:
            await self.client.send_chat_action(chat_id, "typing")
        except Unauthorized:
            raise
        except ZaloError as exc:  # only a courtesy: never let it block the answer
            log.debug("sendChatAction: %s", exc)

    async def _prune(self, now: dt.datetime) -> None:
        if self._pruned is None or now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            await self.core.forget_seen(now)

    # --- out -------------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one Reply to a Zalo chat: choices as numbered lines, text split under 2,000 characters.

        Zalo takes images by URL only: with somewhere to publish them the image goes first (with the text
        as its caption when it fits); otherwise only the text is sent and that is logged once.
        """
        text = as_text(reply)
        if reply.image is not None:
            url = self.publish_image(reply.image, reply.image_name) if self.publish_image else None
            if url is not None:
                fits = units(text) <= TEXT_LIMIT
                await self.client.send_photo(chat_id, url, caption=text if fits else None)
                if fits:
                    return
            elif not self._warned_image:
                self._warned_image = True
                log.warning("Zalo chỉ nhận ảnh qua URL công khai; chưa đặt PUBLIC_URL nên chỉ gửi phần chữ.")
        for part in split_text(text, TEXT_LIMIT):
            await self.client.send_message(chat_id, part)


async def _cancel(task: asyncio.Task[None] | None) -> None:
    if task is not None:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def sender(channel: ZaloChannel) -> Sender:
    """Delivery of outbox messages on Zalo: its errors translated to the sweep's outcomes. A refused recipient
    (api.REFUSED, an assumption) is Blocked, so it is tried once and the person marked inactive; quota, timeouts
    and server or network errors are RetryLater; any other error fails this attempt."""

    async def send(external_id: str, text: str) -> None:
        try:
            await channel.send(external_id, Reply(text))
        except Retryable as busy:  # the client's own retries are spent: the sweep comes back later
            raise RetryLater(60) from busy
        except ZaloError as refused:
            if refused.code in REFUSED:
                raise Blocked() from refused
            raise

    return send
