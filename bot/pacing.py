"""One send budget per bot token, shared by everything that sends on it: the replies of every worker and the
outbox of the sweeping one. Platforms limit a token, not a process (Telegram about 30 messages a second; Zalo
publishes no figure but answers 429 past its quota), so with several workers on PostgreSQL the slots come from
the database (storage/pace.py) and together they keep to the rate; on SQLite the one process paces in memory.

Messages are spaced evenly, one every 1/rate seconds, with no burst: a quiet bot answers at once, and under load
a reply waits at most for the slots already handed out. If the database cannot be reached the message goes
unpaced (logged): a late reply is worse than one message over the budget.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable

from aiolimiter import AsyncLimiter

from storage import pace as stored
from storage.db import Database

log = logging.getLogger(__name__)

Pace = Callable[[], Awaitable[None]]  # waits until the next message on the token may go


def token_pace(db: Database, channel: str, token: str, rate: float) -> Pace:
    """The pace of one bot token (`token` is hashed into the key; the database never sees it)."""
    step = 1 / rate
    if db.exclusive:  # one process on the file: its own clock suffices
        limiter = AsyncLimiter(1, step)

        async def local() -> None:
            await limiter.acquire()

        return local
    key = f"{channel}:{hashlib.sha256(token.encode()).hexdigest()[:16]}"

    async def shared() -> None:
        now = time.time()
        try:
            slot = await stored.take(db, key, now, step)
        except Exception as exc:  # any driver error: send rather than hold the reply back
            log.warning("Không lấy được lượt gửi chung (%s): gửi không chờ", type(exc).__name__)
            return
        if slot > now:
            await asyncio.sleep(slot - now)

    return shared
