"""Telegram channel (python-telegram-bot): translates updates to Incoming and Replies to Bot API calls.

Choices become inline keyboards; a button carries the choice's value when it fits Telegram's 64-byte
callback_data, otherwise its number, which the core resolves against the choices it stored.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.ext import CallbackQueryHandler as ButtonHandler
from tornado.web import HTTPError

from bot.channels.base import Blocked, Channel, Fetcher, ImagePublisher, RetryLater, Route, Sender
from bot.channels.plain import split_text
from bot.logs import redact_in_logs
from bot.pacing import Pace, token_pace
from bot.settings import Settings
from bot.web import WebHandler
from handlers.core import commands
from handlers.core.locks import KeyedLock
from handlers.core.messages import APOLOGY, Attachment, Incoming, Reply
from handlers.core.router import Core

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_LIMIT = 64
EDITED = "Tôi không đọc tin nhắn đã sửa. Bạn hãy gửi lại nội dung bằng một tin nhắn mới."
# only what the bot handles: new messages, button presses, and edits (answered with EDITED)
UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
log = logging.getLogger(__name__)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.choices:
        return None
    rows = []
    for n, c in enumerate(reply.choices, start=1):
        data = c.value if len(c.value.encode()) <= CALLBACK_LIMIT else str(n)
        rows.append([InlineKeyboardButton(c.label[:120], callback_data=data)])
    return InlineKeyboardMarkup(rows)


def incoming(update: Update) -> Incoming | None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return None
    group = chat.type != ChatType.PRIVATE
    if update.callback_query is not None:
        return Incoming(CHANNEL, str(user.id), choice=update.callback_query.data, group=group, name=user.full_name)
    msg = update.effective_message
    if msg is None:
        return None
    attachment = None
    if msg.photo:
        biggest = msg.photo[-1]
        attachment = Attachment("photo", file_id=biggest.file_id, size=biggest.file_size)
    elif msg.document:
        doc = msg.document
        attachment = Attachment("document", doc.file_id, name=doc.file_name, size=doc.file_size)
    elif msg.sticker:
        attachment = Attachment("sticker", msg.sticker.file_id)
    return Incoming(
        CHANNEL, str(user.id), text=msg.text or msg.caption, attachment=attachment, group=group, name=user.full_name
    )


async def send(bot: Bot, chat_id: int, reply: Reply) -> None:
    if reply.image is not None:
        await bot.send_photo(chat_id, reply.image, caption=reply.text[: MessageLimit.CAPTION_LENGTH],
                                     reply_markup=keyboard(reply))
        return
    if reply.document is not None:
        await bot.send_document(
            chat_id, reply.document, filename=reply.document_name, caption=reply.text[: MessageLimit.CAPTION_LENGTH]
        )
        return
    chunks = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)
    for i, chunk in enumerate(chunks):
        markup = keyboard(reply) if i == len(chunks) - 1 else None
        await bot.send_message(chat_id, chunk, reply_markup=markup)


def core_of(context: ContextTypes.DEFAULT_TYPE) -> Core:
    return context.application.bot_data["core"]


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    msg = incoming(update)
    chat = update.effective_chat
    if msg is None or chat is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    # Telegram redelivers an update after a slow answer, a lost webhook reply or a restart before the
    # poll offset was confirmed: its update_id makes the second copy recognisable, so no step runs twice.
    core = core_of(context)
    for reply in await core.handle(msg, event_id=str(update.update_id), confirms=True):
        await send(context.bot, chat.id, reply)
    await core.delivered(CHANNEL, msg.user_id)


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message is not a new answer (inside /baocao it would become the current step's answer)."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        await context.bot.send_message(chat.id, EDITED)


class PerChat(BaseUpdateProcessor):
    """Many updates at once, but each chat's one at a time and in the order Telegram sent them: PTB starts the
    updates' tasks in order and the per-chat lock serves waiters first come, first served."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self.chats = KeyedLock()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        async with self.chats.hold(chat.id if chat is not None else None):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("Lỗi khi xử lý cập nhật", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, APOLOGY)
        except Exception:  # the apology itself may fail (network, blocked): never let it kill the bot
            log.exception("Không gửi được lời xin lỗi")


class TokenLimiter(AIORateLimiter):
    """Every call that sends to a chat first takes a slot of the token's budget (bot/pacing.py), shared by the
    replies of every worker and the outbox; a RetryAfter is still waited out and retried (3 times)."""

    def __init__(self, pace: Pace) -> None:
        super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=3)
        self.pace = pace

    async def process_request(self, callback: Any, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None) -> Any:
        if data.get("chat_id") is not None:
            await self.pace()
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


def build(settings: Settings, core: Core, updater: bool = True) -> Application:
    """The Application over the one core the composition root built.

    updater=False: no polling and no webhook server of its own; the shared web server (bot/web.py) feeds
    updates to `app.update_queue`.
    """
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value()
    rate = max(settings.telegram_token_rate, settings.telegram_max_rate)  # never below the outbox's own pace

    async def post_init(app: Application) -> None:
        core.bot_usernames[CHANNEL] = app.bot.username
        # the menu shows what everyone may use; officials and admins find theirs in /help and /start
        menu = [BotCommand(c.name, c.description) for c in commands.for_role("citizen")]
        await app.bot.set_my_commands(menu)

    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_file_url)
        # what the bot sends on its own is also paced by the sweep, below the token's budget, so replies keep room
        .rate_limiter(TokenLimiter(token_pace(core.db, CHANNEL, token, rate)))
        .concurrent_updates(PerChat())
        .post_init(post_init)
    )
    if not updater:
        builder = builder.updater(None)
    app = builder.build()
    app.bot_data["core"] = core
    app.add_handler(ButtonHandler(on_update))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, on_edit))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, on_update))
    app.add_error_handler(on_error)
    return app


def sender(app: Application) -> Sender:
    """Delivery of outbox messages: Telegram's errors translated to what the sweep understands."""

    async def send(external_id: str, text: str) -> None:
        try:
            for chunk in split_text(text, MessageLimit.MAX_TEXT_LENGTH):
                await app.bot.send_message(int(external_id), chunk)
        except Forbidden as blocked:  # "bot was blocked by the user", "user is deactivated"
            raise Blocked() from blocked
        except RetryAfter as wait:  # the rate limiter already retried: come back after the pause
            pause = wait.retry_after  # an int until PTB 22.2, a timedelta after
            seconds = pause.total_seconds() if isinstance(pause, dt.timedelta) else float(pause)
            raise RetryLater(seconds, counts=False) from wait
        except BadRequest as bad:
            if "chat not found" in str(bad).lower():
                raise Blocked() from bad
            raise
        except (TimedOut, NetworkError) as trouble:
            raise RetryLater(30) from trouble

    return send


def fetcher(app: Application) -> Fetcher:
    """Evidence files by their Telegram file id (Bot API getFile, then the file download URL)."""

    async def fetch(file_id: str | None, url: str | None) -> bytes:
        if not file_id:
            raise ValueError("không có file id")
        telegram_file = await app.bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())

    return fetch


class TelegramHook(WebHandler):
    """POST /telegram: the secret header in constant time, then the update onto PTB's queue; answered at once."""

    def initialize(self, app: Application, secret: str) -> None:
        self.app = app
        self.secret = secret

    async def post(self) -> None:
        self.check_secret(SECRET_HEADER, self.secret)
        try:
            update = Update.de_json(json.loads(self.request.body), self.app.bot)
        except Exception as exc:  # any malformed body: PTB raises several kinds
            raise HTTPError(400) from exc
        await self.app.update_queue.put(update)  # a redelivered update is recognised by the core
        self.finish({"ok": True})


class TelegramChannel(Channel):
    """Long polling, or (WEBHOOK_URL) updates from the one web server at /telegram."""

    name = CHANNEL

    def __init__(self, settings: Settings, core: Core) -> None:
        self.settings = settings
        self.webhook = bool(settings.webhook_url)
        self.app = build(settings, core, updater=not self.webhook)
        self.state = "stopped"

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return settings.telegram_bot_token is not None

    @classmethod
    def create(cls, settings: Settings, core: Core, publish_image: ImagePublisher | None) -> TelegramChannel:
        return cls(settings, core)

    @classmethod
    def problems(cls, settings: Settings) -> list[str]:
        if settings.webhook_url and not settings.webhook_secret:
            return ["WEBHOOK_URL cần WEBHOOK_SECRET: không có nó, ai biết địa chỉ cũng gửi được tin giả."]
        return []

    def routes(self) -> list[Route]:
        secret = self.settings.webhook_secret
        if not self.webhook or secret is None or self.state == "failed":
            return []
        return [("/telegram", TelegramHook, {"app": self.app, "secret": secret.get_secret_value()})]

    async def prepare(self) -> None:
        redact_in_logs(self.app.bot.token)  # PTB's requests go through httpx, which logs URLs
        try:
            await self.app.initialize()
        except InvalidToken:
            log.error("Telegram từ chối token: kiểm tra TELEGRAM_BOT_TOKEN. Đã dừng kênh Telegram.")
            self.state = "failed"
            return
        if self.app.post_init is not None:
            await self.app.post_init(self.app)  # initialize() does not run it; run_polling/run_webhook would

    async def start(self) -> None:
        if self.state == "failed":
            return
        app = self.app
        if app.updater is None:
            secret = self.settings.webhook_secret
            await app.bot.set_webhook(self.settings.webhook_url or "", allowed_updates=UPDATES,
                                      secret_token=secret.get_secret_value() if secret else None)
        else:
            await app.updater.start_polling(allowed_updates=UPDATES)
        await app.start()
        self.state = "running"
        mode = "webhook" if app.updater is None else "long polling"
        log.info("Kênh Telegram: @%s, nhận tin bằng %s", app.bot.username, mode)

    async def stop(self) -> None:
        app = self.app
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        if self.state != "failed":
            await app.shutdown()
            self.state = "stopped"

    async def send(self, external_id: str, reply: Reply) -> None:
        await send(self.app.bot, int(external_id), reply)

    def sender(self) -> Sender:
        return sender(self.app)

    def fetcher(self) -> Fetcher | None:
        return fetcher(self.app)

    def rate(self, settings: Settings) -> float | None:
        return settings.telegram_max_rate
