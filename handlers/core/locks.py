"""One lock per key (a conversation), not one for the bot: many people are served at once while each person's
messages are handled one at a time, in the order they arrived (asyncio locks wake waiters first come, first
served). Locks are dropped when nobody holds or waits for them, so the table stays as small as the traffic."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager


class KeyedLock:
    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock_, left = self._locks[key]
            if left <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock_, left - 1)

    def __len__(self) -> int:
        return len(self._locks)
