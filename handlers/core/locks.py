"""One lock per key (a conversation), not one for the bot: many people are served at once while each person's
messages are handled one at a time, in the order they arrived (asyncio locks wake waiters first come, first
served). Locks are dropped when nobody holds or waits for them, so the table stays as small as the traffic."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import AsyncExitStack, asynccontextmanager


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


class Kept:
    """Turn locks kept past the turn that took them, until `release` (the channel confirms it sent the replies)
    or `seconds` later (a send that failed never confirms). With several workers, a person's next message may
    reach another worker before this one has recorded that the question went out: kept, the lock makes that
    worker wait for the record rather than ask the question again; if this worker dies meanwhile, the lock
    ends with its connection and the other asks again, rightly."""

    def __init__(self, seconds: float = 30) -> None:
        self.seconds = seconds
        self._kept: dict[Hashable, tuple[AsyncExitStack, asyncio.Task[None]]] = {}

    def keep(self, key: Hashable, held: AsyncExitStack) -> None:
        self._kept[key] = (held, asyncio.create_task(self._expire(key, held)))

    async def release(self, key: Hashable) -> None:
        held, expiry = self._kept.pop(key, (None, None))
        if held is not None and expiry is not None:
            expiry.cancel()
            await held.aclose()

    async def close(self) -> None:
        for key in list(self._kept):
            await self.release(key)

    async def _expire(self, key: Hashable, held: AsyncExitStack) -> None:
        await asyncio.sleep(self.seconds)
        if self._kept.get(key, (None,))[0] is held:
            del self._kept[key]
            await held.aclose()

    def __len__(self) -> int:
        return len(self._kept)
