"""Files made in the background for the admin pages (the Excel export of a big province), with their progress.

An asyncio task in the server process, its state in memory, and no table: the web server is one process (SQLite
is held by one process), a file is a few megabytes at most and is fetched within minutes, and a job lost to a
restart is started again with one click; a stored job would need its own clean-up of files nobody fetched.
A job is seen only by the person who started it, is kept `KEEP` after it ends (never served after that), a
person runs at most `PER_PERSON` at once and keeps at most `FINISHED_KEPT` ended ones, so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
KEEP = dt.timedelta(minutes=30)
PER_PERSON = 2
FINISHED_KEPT = 5  # a person's ended jobs kept (the newest)
Work = Callable[[Callable[[int], None]], Awaitable[bytes]]  # given a "n more done" callback, makes the file


class Busy(Exception):
    """The person already has PER_PERSON jobs running."""


@dataclass
class Job:
    id: str
    owner: int
    name: str  # the file's name
    total: int  # steps (units) to go through
    started: dt.datetime
    done: int = 0
    state: str = "running"  # running, done, failed
    data: bytes | None = None
    ended: dt.datetime | None = None

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return min(99, 100 * self.done // self.total) if self.total else 0

    def view(self) -> dict[str, object]:
        """What the status page polls."""
        return {"state": self.state, "done": self.done, "total": self.total, "percent": self.percent}


@dataclass
class Jobs:
    clock: Callable[[], dt.datetime]
    _jobs: dict[str, Job] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def start(self, owner: int, name: str, total: int, work: Work) -> Job:
        self._forget_old()
        if sum(j.owner == owner and j.state == "running" for j in self._jobs.values()) >= PER_PERSON:
            raise Busy
        job = Job(secrets.token_urlsafe(12), owner, name, total, self.clock())
        self._jobs[job.id] = job
        task = asyncio.create_task(self._run(job, work))
        self._tasks.add(task)  # held until it ends: the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)
        return job

    def get(self, job_id: str, owner: int) -> Job | None:
        self._forget_old()
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    async def _run(self, job: Job, work: Work) -> None:
        def step(n: int) -> None:
            job.done += n

        try:
            job.data = await work(step)
            job.state = "done"
        except Exception:  # the page says it failed; the log says why
            log.exception("Xuất tệp %s lỗi", job.name)
            job.state = "failed"
        job.ended = self.clock()
        ended = sorted((j.ended, j.id) for j in self._jobs.values() if j.owner == job.owner and j.ended is not None)
        for _, key in ended[:max(0, len(ended) - FINISHED_KEPT)]:
            del self._jobs[key]

    def _forget_old(self) -> None:
        now = self.clock()
        for key in [k for k, j in self._jobs.items() if j.ended is not None and now - j.ended > KEEP]:
            del self._jobs[key]

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
