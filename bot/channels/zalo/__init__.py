"""Zalo Bot Platform channel: our own API client (api), the payload models (models), the channel (channel)."""

from bot.channels.zalo.api import Unauthorized, ZaloClient, ZaloError
from bot.channels.zalo.channel import CHANNEL, ZaloChannel
from bot.channels.zalo.models import Update, parse_webhook

__all__ = ["CHANNEL", "Unauthorized", "Update", "ZaloChannel", "ZaloClient", "ZaloError", "parse_webhook"]
