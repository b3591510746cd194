"""Charts and spreadsheets are produced in a worker process, not on the event loop nor in a thread: matplotlib
and openpyxl hold the interpreter lock while they work (0.2–0.8 s for a chart, seconds for a big export), and
in a thread that would still slow every other conversation. One worker (this is a 2-core machine: one core for
the bot, one for drawing), started on first use or by `warm()`; `spawn`, so the worker does not inherit the
bot's threads, sockets and database connections."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from handlers.core.messages import Render, Reply


def _ready() -> bool:
    from handlers.files import charts

    charts.warm()
    return True


def with_file(reply: Reply, data: bytes) -> Reply:
    if reply.render is not None and reply.render.kind == "document":
        return replace(reply, render=None, document=data)
    return replace(reply, render=None, image=data)


def here(reply: Reply) -> Reply:
    """The pending file produced in this process (for tools and tests that draw where they can watch)."""
    return with_file(reply, reply.render.produce()) if reply.render is not None else reply


class Renderer:
    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    async def run(self, job: Render) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._executor(), job.fn, *job.args)

    async def warm(self) -> None:
        """Start the worker and import matplotlib there, so the first chart a person asks for is not slow."""
        await asyncio.get_running_loop().run_in_executor(self._executor(), _ready)

    async def finish(self, reply: Reply) -> Reply:
        """The reply with its pending file produced in the worker."""
        return with_file(reply, await self.run(reply.render)) if reply.render is not None else reply

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
