"""The sweep: plan reminders into the outbox, then send what is due through each channel's sender.

Senders raise the channel contract's outcomes (bot/channels/base.py): `Blocked` (the person blocked the bot:
marked inactive, skipped thereafter) or `RetryLater` (rate limit or network trouble: tried again later);
anything else is retried with backoff. A row is claimed
before the network call, so a crash repeats at most the messages in flight, and loses none.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from aiolimiter import AsyncLimiter

from bot import metrics
from bot.channels.base import Blocked, RetryLater, Sender, Undeliverable
from content.loader import KnowledgeBase
from handlers.broadcasts import audience as broadcasts
from handlers.core.context import DEFAULT_QUIET, QuietHours
from handlers.registry import expire_abandoned
from handlers.reminders import planner as reminders
from handlers.reminders.quiet import quiet
from storage import outbox, people, planning
from storage.db import Database
from storage.outbox import Row

log = logging.getLogger(__name__)
def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2**attempts, 3600))


@dataclass
class Sweeper:
    db: Database
    kb: KnowledgeBase
    zone: ZoneInfo
    senders: dict[str, Sender]
    clock: Callable[[], dt.datetime]
    batch: int = 500
    # a few in flight keep up with the pace (4 × a 100 ms round trip is 40/s), and a crash repeats fewer: at
    # most `concurrency` in flight plus as many sent but not yet recorded (they are marked in groups)
    concurrency: int = 4
    quiet_hours: QuietHours = DEFAULT_QUIET
    # messages per second per channel, below the platform's limit so that replies always have room
    rates: dict[str, float] = field(default_factory=dict)
    lease: dt.timedelta = dt.timedelta(minutes=10)
    alone: bool = True  # this process holds the database alone (SQLite's process lock): claims left are stale
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}")
    plan_every: dt.timedelta = dt.timedelta(hours=6)
    planning: bool = True  # False: send what is queued, plan nothing (tools and benchmarks of sending)
    _planned_at: dt.datetime | None = field(default=None, init=False)
    _planned_on: tuple[object, ...] | None = field(default=None, init=False)
    _limiters: dict[str, AsyncLimiter] = field(default_factory=dict, init=False)
    _busy: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    # /healthz's heartbeat (monotonic): a sweep finished, or rows of a long one were recorded as sent
    last_beat: float = field(default_factory=time.monotonic, init=False)

    def __post_init__(self) -> None:
        # one message every 1/rate seconds: AsyncLimiter(rate, 1) would let `rate` more go out at once after
        # any pause, twice the platform's limit in the first second of a broadcast
        self._limiters = {channel: AsyncLimiter(1, 1 / rate) for channel, rate in self.rates.items()}

    async def start(self) -> None:
        recovered = await outbox.recover(self.db, self.clock(), self.owner, every_claim=self.alone)
        if recovered:
            log.warning("Gửi lại %d tin đang gửi dở khi bot dừng", recovered)

    async def sweep(self) -> Counter[str]:
        async with self._busy:
            stats = await self._sweep()
        self.last_beat = time.monotonic()
        return stats

    async def idle(self) -> None:
        """Until a sweep under way has finished (before its database is closed)."""
        async with self._busy:
            return

    async def _sweep(self) -> Counter[str]:
        if not await self.db.lead():  # PostgreSQL: another worker sweeps; this one takes over if it stops
            return Counter()
        now = self.clock()
        if not self.alone:  # other workers' claims come back only when their lease has run out
            await outbox.recover(self.db, now, self.owner)
        if await self._inputs_changed(now):
            planned = await reminders.plan(self.db, self.kb, now, self.zone, quiet=self.quiet_hours)
            queued = await outbox.enqueue(self.db, planned, now)
            if queued:
                log.info("Đã lên lịch %d tin nhắc việc", queued)
        await outbox.enqueue(self.db, await expire_abandoned(self.db, now), now)
        stats = await self.deliver(now)
        await broadcasts.report_finished(self.db, now, self.zone)
        return stats

    async def _inputs_changed(self, now: dt.datetime) -> bool:
        """Plan only what changed: again when officials, units, muting or event dates changed, or a new local
        day moved the window; otherwise at most every `plan_every` as a safety net. Reports need no new
        planning: a reminder for a unit that has reported is skipped when it comes due."""
        if not self.planning:
            return False
        seen = (now.astimezone(self.zone).date(), await planning.signature(self.db))
        stale = self._planned_at is None or now - self._planned_at >= self.plan_every
        if seen == self._planned_on and not stale:
            return False
        self._planned_on, self._planned_at = seen, now
        return True

    def replan(self) -> None:
        """Plan at the next sweep whatever changed (as after a restart)."""
        self._planned_on = self._planned_at = None

    async def deliver(self, now: dt.datetime) -> Counter[str]:
        stats: Counter[str] = Counter()
        if quiet(now, self.zone, self.quiet_hours):
            return stats  # held until the morning
        gate = asyncio.Semaphore(self.concurrency)
        # at most this many rows in flight or sent but not yet recorded: what a crash can send twice
        unrecorded = asyncio.Semaphore(2 * self.concurrency)
        sent: list[int] = []

        async def record() -> None:
            group, sent[:] = sent[:], []  # taken before the write, so no other sender writes it again
            await outbox.mark_sent(self.db, group, self.clock())
            self.last_beat = time.monotonic()
            for _ in group:
                unrecorded.release()

        async def one(row: Row) -> None:
            await unrecorded.acquire()
            async with gate:
                status = await self._send(row, now)
            stats[status] += 1
            metrics.outbox_result(row, status)
            if status != "sent":
                unrecorded.release()  # recorded by _send already
            else:
                sent.append(row.id)
                if len(sent) >= self.concurrency:  # one write for a group: a commit each costs more than a send
                    await record()

        while rows := await outbox.due(self.db, now, self.batch):
            ready = await self._sendable(rows, now, stats)
            claimed = await outbox.claim(self.db, [r.id for r in ready], self.owner, self.clock() + self.lease)
            await asyncio.gather(*(one(r) for r in ready if r.id in claimed))
            await record()
            if len(rows) < self.batch or stats["retry"] >= len(rows):
                break
        return stats

    async def _sendable(self, rows: list[Row], now: dt.datetime, stats: Counter[str]) -> list[Row]:
        """The rows to send; the others are settled at once, in one write: no longer relevant (skipped, with
        the reason) or with nobody to send them to (failed)."""
        reasons = await reminders.irrelevant(self.db, self.kb, rows, now, self.zone)
        settled: list[tuple[int, str, str]] = []
        ready = []
        for row in rows:
            if row.id in reasons:
                log.info("Bỏ qua tin %s: %s", row.item.key, reasons[row.id])
                settled.append((row.id, "skipped", reasons[row.id]))
            elif row.address is None or row.address[0] not in self.senders:
                settled.append((row.id, "failed", "không có kênh liên lạc đang hoạt động"))
            else:
                ready.append(row)
        await outbox.settle(self.db, settled)
        stats.update(status for _, status, _ in settled)
        by_id = {row.id: row for row in rows}
        for row_id, status, _ in settled:
            metrics.outbox_result(by_id[row_id], status)
        return ready

    async def _send(self, row: Row, now: dt.datetime) -> str:
        assert row.address is not None
        channel, external_id = row.address
        try:
            limiter = self._limiters.get(channel)
            if limiter is not None:
                await limiter.acquire()
            await self.senders[channel](external_id, row.item.text)
        except Blocked:
            await people.deactivate(self.db, channel, external_id)
            await outbox.finish(self.db, row.id, "blocked", now, "người nhận đã chặn bot")
            return "blocked"
        except Undeliverable as why:  # e.g. outside the Zalo OA's reply window, no ZNS: reported, not retried
            log.info("Không gửi được tin %s: %s", row.item.key, why)
            await outbox.finish(self.db, row.id, "failed", now, str(why)[:500])
            return "failed"
        except RetryLater as later:
            at = now + dt.timedelta(seconds=later.seconds)
            status = await outbox.retry(self.db, row, at, str(later), later.counts)
            return "retry" if status == "pending" else status
        except Exception as exc:  # a channel fault must not stop the sweep; the row is retried with backoff
            log.warning("Gửi tin %s lỗi: %s", row.item.key, brief_error(exc))
            metrics.error("send")
            status = await outbox.retry(self.db, row, now + backoff(row.attempts), brief_error(exc))
            return "retry" if status == "pending" else status
        return "sent"  # recorded by the caller, with others


def brief_error(exc: Exception) -> str:
    """A send's error by its type and HTTP status, not its text: an httpx error quotes the request URL, and a
    Bot API URL holds the token."""
    code = getattr(exc, "code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    return f"{type(exc).__name__} {code}" if isinstance(code, int) else type(exc).__name__
