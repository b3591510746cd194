"""Telegram channel (python-telegram-bot): translates updates to Incoming and Replies to Bot API calls.

Choices become inline keyboards; a button carries the choice's value when it fits Telegram's 64-byte
callback_data, otherwise its number, which the core resolves against the choices it stored.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
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

from bot.channels.plain import split_text
from bot.delivery import Blocked, RetryLater, Sender
from bot.evidence import Fetcher
from bot.settings import Settings
from handlers.core import commands
from handlers.core.locks import KeyedLock
from handlers.core.messages import Attachment, Incoming, Reply
from handlers.core.router import Core

CHANNEL = "telegram"
CALLBACK_LIMIT = 64
APOLOGY = "Xin lỗi, đã có lỗi khi xử lý tin nhắn. Bạn vui lòng thử lại sau ít phút."
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


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    if reply.image is not None:
        await context.bot.send_photo(chat_id, reply.image, caption=reply.text[: MessageLimit.CAPTION_LENGTH],
                                     reply_markup=keyboard(reply))
        return
    if reply.document is not None:
        await context.bot.send_document(
            chat_id, reply.document, filename=reply.document_name, caption=reply.text[: MessageLimit.CAPTION_LENGTH]
        )
        return
    chunks = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)
    for i, chunk in enumerate(chunks):
        markup = keyboard(reply) if i == len(chunks) - 1 else None
        await context.bot.send_message(chat_id, chunk, reply_markup=markup)


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
    for reply in await core_of(context).handle(msg, event_id=str(update.update_id)):
        await send(context, chat.id, reply)


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


def build(settings: Settings, core: Core, updater: bool = True) -> Application:
    """The Application over the one core the composition root built.

    updater=False: no polling and no webhook server of its own; the shared web server (bot/web.py) feeds
    updates to `app.update_queue`.
    """
    assert settings.telegram_bot_token is not None

    async def post_init(app: Application) -> None:
        core.bot_usernames[CHANNEL] = app.bot.username
        # the menu shows what everyone may use; officials and admins find theirs in /help and /start
        menu = [BotCommand(c.name, c.description) for c in commands.for_role("citizen")]
        await app.bot.set_my_commands(menu)

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_file_url)
        # Replies are not paced by us (a person waits for them; Telegram's RetryAfter is retried); what the bot
        # sends on its own is paced by the sweep, below the platform's limit, so it never starves replies.
        .rate_limiter(AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3))
        .concurrent_updates(PerChat())
        .post_init(post_init)
    )
    if not updater:
        builder = builder.updater(None)
    app = builder.build()
    app.bot_data["core"] = core
    app.add_handler(ButtonHandler(on_update))
    app.add_handler(MessageHandler(filters.ALL, on_update))
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
