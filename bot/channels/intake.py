"""What the webhook channels share: incoming updates wait in a bounded queue for the channel's workers, so a
webhook is answered at once and a flood is refused (503) rather than held in memory."""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

T = TypeVar("T")
QUEUE_SIZE = 1000


class Intake(Generic[T]):
    """Mixed into a channel; its workers take from `_queue` and call `task_done`."""

    state: str  # stopped | running | failed
    _queue: asyncio.Queue[T]

    def _open_intake(self) -> None:
        self._queue = asyncio.Queue(maxsize=QUEUE_SIZE)

    async def idle(self) -> None:
        """Until everything queued so far has been handled."""
        await self._queue.join()

    def submit(self, item: T) -> bool:
        """Queue an update from the webhook; False when the channel cannot take it now (the server says 503)."""
        if self.state != "running":
            return False
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            return False
        return True
