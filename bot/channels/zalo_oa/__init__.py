"""The commune's Zalo Official Account (OA Open API v3): the client (api), payload models (models), webhook
signatures (signature), tokens (tokens), the channel (channel), the outbox path (outbound) and ZNS (zns)."""

from bot.channels.zalo_oa.channel import CHANNEL, ZaloOAChannel

__all__ = ["CHANNEL", "ZaloOAChannel"]
