"""The framework's ceiling: a bare python-telegram-bot echo bot (`python -m benchmarks.echo_bot BASE_URL`),
long polling the same fake Bot API as the bot under test, handling updates concurrently, no database."""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None and update.effective_message is not None:
        await context.bot.send_message(update.effective_chat.id, update.effective_message.text or "")


def main(base_url: str) -> None:
    app = ApplicationBuilder().token("123:ABC").base_url(base_url).concurrent_updates(64).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=10, allowed_updates=["message"])


if __name__ == "__main__":
    main(sys.argv[1])
