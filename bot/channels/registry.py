"""Every messaging channel the runner knows, Zalo first (the production channel in Vietnam; Telegram is blocked
by the main networks since 2025 and stays for pilots), the commune's Zalo Official Account beside it. A new
channel is a module with a `Channel` subclass and one line here."""

from __future__ import annotations

from bot.channels.base import Channel
from bot.channels.telegram import TelegramChannel
from bot.channels.web import WebChannel
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo_oa.channel import ZaloOAChannel

REGISTRY: tuple[type[Channel], ...] = (ZaloChannel, ZaloOAChannel, TelegramChannel, WebChannel)
