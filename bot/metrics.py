"""What the service counts, for /metrics (the Prometheus text format), from two seams only: each message through
the core (`observe`, which also gives the message its request id and log line) and each outbox row the sweep
settles (`outbox_result`). Database figures (the outbox by state, the oldest due row, broadcasts under way)
are read when /metrics is asked (`render`), never kept in memory.

The registry is this module's, not prometheus_client's global one, so nothing else a library registers leaks
into the page. Labels are channels, kinds and states: a handful of values each, never a person or a text.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.logs import channel_var, request_var
from handlers.core.messages import Incoming, Reply
from storage import observe as stored
from storage.db import Database
from storage.outbox import Row

if TYPE_CHECKING:
    from handlers.core.router import Turn

log = logging.getLogger(__name__)
REGISTRY = CollectorRegistry()
RECEIVED = Counter("papi_messages_received", "Tin nhắn nhận được, theo kênh", ["channel"], registry=REGISTRY)
SENT = Counter("papi_messages_sent", "Tin đã gửi: trả lời (reply) hoặc từ hàng đợi (outbox), theo kênh",
               ["channel", "source"], registry=REGISTRY)
REPLY_SECONDS = Histogram("papi_reply_seconds", "Thời gian từ lúc nhận tin tới khi có câu trả lời", ["channel"],
                          buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY)
OUTBOX_RESULTS = Counter("papi_outbox_results", "Kết quả từng tin của hàng đợi (nhắc việc, thông báo…)",
                         ["kind", "status"], registry=REGISTRY)
ERRORS = Counter("papi_errors", "Lỗi theo loại: message, send, sweep, evidence, http_5xx", ["kind"],
                 registry=REGISTRY)
OUTBOX_ROWS = Gauge("papi_outbox_rows", "Số dòng hàng đợi theo trạng thái", ["state"], registry=REGISTRY)
OLDEST_DUE = Gauge("papi_outbox_oldest_due_seconds", "Dòng đến hạn lâu nhất chưa gửi đã chờ bao lâu (0: không có)",
                   registry=REGISTRY)
BROADCAST_ROWS = Gauge("papi_broadcast_rows", "Tin của các thông báo đang gửi, theo trạng thái", ["state"],
                       registry=REGISTRY)
SWEEP_AGE = Gauge("papi_sweep_age_seconds", "Bao lâu từ lần cuối vòng gửi tin còn hoạt động", registry=REGISTRY)


async def observe(msg: Incoming, turn: Turn) -> list[Reply]:
    """One message through the core: counted, timed, logged in one line, with a request id that every log line
    written meanwhile carries (context variables follow the call, not the thread)."""
    channel_var.set(msg.channel)
    request_var.set(uuid.uuid4().hex[:12])
    RECEIVED.labels(msg.channel).inc()
    started = time.perf_counter()
    try:
        replies = await turn()
    except Exception:
        ERRORS.labels("message").inc()
        raise
    took = time.perf_counter() - started
    REPLY_SECONDS.labels(msg.channel).observe(took)
    if replies:
        SENT.labels(msg.channel, "reply").inc(len(replies))
    kinds, ms = [r.kind for r in replies], round(1000 * took, 1)
    log.info("Tin %s: %d trả lời (%s) sau %.0f ms", msg.channel, len(replies), ", ".join(kinds), ms,
             extra={"event": "message", "fields": {"replies": len(replies), "kinds": kinds, "ms": ms}})
    return replies


def outbox_result(row: Row, status: str) -> None:
    OUTBOX_RESULTS.labels(row.item.kind, status).inc()
    if status == "sent" and row.address is not None:
        SENT.labels(row.address[0], "outbox").inc()


def error(kind: str) -> None:
    ERRORS.labels(kind).inc()


async def render(db: Database, now: dt.datetime, sweep_age: float | None) -> bytes:
    """The page, with the database figures read now."""
    for state, count in (await stored.outbox_states(db)).items():
        OUTBOX_ROWS.labels(state).set(count)
    oldest = await stored.oldest_due(db, now)
    OLDEST_DUE.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0)
    for state, count in (await stored.broadcast_progress(db)).items():
        BROADCAST_ROWS.labels(state).set(count)
    if sweep_age is not None:
        SWEEP_AGE.set(sweep_age)
    return generate_latest(REGISTRY)

