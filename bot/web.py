"""The one web server (tornado, already installed for python-telegram-bot's webhooks).

Routes: each channel's own (its webhook, e.g. POST /telegram, POST /zalo), GET /images/<name> (images Zalo
fetches by URL), GET /healthz (200 only when every channel runs, the database answers and the sweep is alive;
otherwise 503 naming what failed), GET /metrics (Prometheus; loopback or a bearer token). A webhook checks its
platform's secret header in constant time before reading the update (`WebHandler.check_secret`), answers at
once and leaves the work to the channel's own queue. A body over MAX_BODY is answered 413 before any handler
runs (`_BodyCap`). A wrong secret is logged at most once a minute per path, and tornado's access log keeps 4xx
at DEBUG, so a flood of refused requests cannot fill the log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import ipaddress
import json
import logging
import mimetypes
import secrets
import time
import traceback
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from tornado import httputil
from tornado.http1connection import HTTP1Connection
from tornado.httpserver import HTTPServer
from tornado.log import access_log
from tornado.netutil import bind_sockets
from tornado.web import Application as WebApp
from tornado.web import HTTPError, RequestHandler

from bot import metrics
from storage import images
from storage.db import Database, utc_now

MAX_BODY = 1 << 20  # 1 MiB: a text update is a few kB; Zalo images arrive as URLs, not bytes
# An oversized body is read and dropped up to this size, then answered 413: answering before it is read would
# mean closing with unread data, which resets the connection and loses the answer. Beyond it, tornado itself
# answers a bare 400 and closes.
DRAIN_LIMIT = 8 * MAX_BODY
# Routes that take more: a plan file uploaded on the admin pages may be 10 MB (handlers/org/sheet.MAX_BYTES), with
# the form around it. deploy/nginx-papi.conf lets the same path through with the same cap.
BODY_LIMITS = {"/admin/ke-hoach": 11 << 20}


def body_limit(path: str) -> int:
    return BODY_LIMITS.get(path, MAX_BODY)
log = logging.getLogger(__name__)


def secret_ok(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so the secret cannot be guessed one character at a time from timings."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class LogThrottle:
    """At most one line per key every `every` seconds; the next line written tells how many were left out."""

    def __init__(self, every: float = 60, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._last: dict[str, float] = {}
        self._left_out: dict[str, int] = {}

    def allow(self, key: str) -> int | None:
        """None: leave this line out. Otherwise write it: the number of lines left out since the last one."""
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last < self.every:
            self._left_out[key] = self._left_out.get(key, 0) + 1
            return None
        self._last[key] = now
        return self._left_out.pop(key, 0)


def _left_out(count: int) -> str:
    return f"; {count} lần khác trước đó không ghi lại" if count else ""


_POLLED = frozenset({"/healthz", "/metrics"})


def _access_log(handler: RequestHandler) -> None:
    """tornado's access log, but 4xx at DEBUG (tornado writes WARNING): a refusal worth knowing is logged,
    rate-limited, where it is decided, and a line per refused request would let anyone flood the log. The
    record carries its fields for the JSON log (bot/logs.py), which leaves out the address."""
    status, request = handler.get_status(), handler.request
    level = logging.INFO if status < 400 else logging.DEBUG if status < 500 else logging.ERROR
    if request.path in _POLLED and status < 400:
        level = logging.DEBUG  # a monitor asks every few seconds: its answers would be most of the log
    elif status >= 500 and request.path not in _POLLED:  # a 503 of /healthz is its answer, not a fault
        metrics.error("http_5xx")
    took = 1000.0 * request.request_time()
    # the path without the query string: a sign-in link's token must not be kept in the log
    fields = {"method": request.method, "path": request.path, "status": status, "ms": round(took, 1)}
    access_log.log(level, "%d %s %s (%s) %.2fms", status, request.method, request.path, request.remote_ip, took,
                   extra={"event": "http", "fields": fields})


def log_failure(handler: RequestHandler, typ: type[BaseException] | None, value: BaseException | None,
                tb: TracebackType | None) -> None:
    """In place of tornado's `RequestHandler.log_exception`, which writes the full URL (a sign-in link's token
    in its query) and the visitor's address on every line, unthrottled: the method, the path without the query
    and the status; for a fault, the exception's type and frames, never its message. At most one line a minute
    per status and exception type (the application's LogThrottle), so a flood of refused posts cannot fill
    the log. Like tornado, an HTTPError is logged only when it carries a log message (the XSRF refusal does)."""
    if isinstance(value, HTTPError) and not value.log_message:
        return
    request, kind = handler.request, typ.__name__ if typ is not None else "?"
    status = value.status_code if isinstance(value, HTTPError) else 500
    left_out = handler.settings["log_throttle"].allow(f"{status} {kind}")
    if left_out is None:
        return
    fields: dict[str, object] = {"method": request.method, "path": request.path, "status": status}
    if left_out:
        fields["left_out"] = left_out
    if status < 500:
        log.warning("%s %s: %d%s", request.method, request.path, status, _left_out(left_out),
                    extra={"event": "http_refused", "fields": fields})
        return
    trace = "".join(traceback.format_tb(tb)).rstrip()
    log.error("%s %s: %d, %s%s\n%s", request.method, request.path, status, kind, _left_out(left_out), trace,
              extra={"event": "http_error", "fields": {**fields, "error": kind, "trace": trace}})


class ImageStore:
    """Images waiting for Zalo to fetch them: in memory, under random names, for a limited time. Given a
    database shared by several workers (PostgreSQL), each image is also written there (storage/images.py), so
    whichever worker Zalo's fetch reaches serves it. The write starts as the URL is handed out, before the
    channel asks Zalo to send it, and a worker asked for a name it cannot find yet looks again for a moment."""

    def __init__(self, public_url: str, ttl: float = 3600, limit: int = 200, db: Database | None = None) -> None:
        self.public_url = public_url.rstrip("/")
        self.ttl = ttl
        self.limit = limit
        self.db = db
        self.write_wait = 2.0  # seconds a name not found is looked for again in the database (see `find`)
        self._items: OrderedDict[str, tuple[bytes, str, float]] = OrderedDict()
        self._writes: set[asyncio.Task[None]] = set()

    def put(self, data: bytes, name: str | None = None) -> str:
        """Keep the image and return the public URL at which it is served."""
        ctype = mimetypes.guess_type(name or "")[0] or "image/png"
        key = secrets.token_urlsafe(18) + (mimetypes.guess_extension(ctype) or "")
        self._items[key] = (data, ctype, time.monotonic() + self.ttl)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)
        if self.db is not None:
            write = asyncio.get_running_loop().create_task(self._write(key, ctype, data))
            self._writes.add(write)
            write.add_done_callback(self._writes.discard)
        return f"{self.public_url}/images/{key}"

    async def _write(self, key: str, ctype: str, data: bytes) -> None:
        assert self.db is not None
        now = utc_now()
        try:
            await images.put(self.db, key, ctype, data, now + dt.timedelta(seconds=self.ttl), now)
        except Exception:  # the image is still served by this worker, from memory
            log.exception("Không lưu được ảnh vào cơ sở dữ liệu")

    async def find(self, key: str) -> tuple[bytes, str] | None:
        """From memory, else (several workers) from the database, where an image another worker has just made
        may not be written yet: Zalo can come for it the moment that worker sends its URL, so a name not found
        is looked for again for a short while before the answer is 404."""
        item = self.get(key)
        if item is not None or self.db is None:
            return item
        deadline = time.monotonic() + self.write_wait
        while (item := await images.get(self.db, key, utc_now())) is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        return item

    async def flush(self) -> None:
        """Wait for the writes in flight (before the database closes)."""
        await asyncio.gather(*self._writes)

    def get(self, key: str) -> tuple[bytes, str] | None:
        now = time.monotonic()
        for old in [k for k, (_, _, until) in self._items.items() if until < now]:
            del self._items[old]
        item = self._items.get(key)
        return (item[0], item[1]) if item else None


class WebHandler(RequestHandler):
    def log_exception(self, typ: type[BaseException] | None, value: BaseException | None,
                      tb: TracebackType | None) -> None:
        log_failure(self, typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # A short JSON body instead of tornado's HTML page; never the traceback.
        self.finish({"ok": False, "description": self._reason})

    def check_secret(self, header: str, expected: str) -> None:
        if not secret_ok(self.request.headers.get(header), expected):
            # keyed by path: only routed webhooks call this, so the keys are few
            left_out = self.settings["log_throttle"].allow(self.request.path)
            if left_out is not None:
                path, ip = self.request.path, self.request.remote_ip
                log.warning("Webhook %s: sai hoặc thiếu %s (từ %s)%s", path, header, ip, _left_out(left_out))
            raise HTTPError(403)


class Images(WebHandler):
    def initialize(self, store: ImageStore) -> None:
        self.store = store

    async def get(self, key: str) -> None:
        item = await self.store.find(key)
        if item is None:
            raise HTTPError(404)
        self.set_header("Content-Type", item[1])
        self.set_header("Cache-Control", "private, max-age=3600")
        self.finish(item[0])


Checks = Callable[[], Awaitable[dict[str, str]]]  # the parts beyond the channels that failed, with the reason


class Health(WebHandler):
    def initialize(self, health: Callable[[], dict[str, str]], checks: Checks | None) -> None:
        self.health = health
        self.checks = checks

    async def get(self) -> None:
        channels = self.health()
        failed = {f"channel:{name}": state for name, state in channels.items() if state != "running"}
        if self.checks is not None:
            failed.update(await self.checks())
        self.set_status(503 if failed else 200)
        self.finish({"status": "degraded", "channels": channels, "failed": failed} if failed else
                    {"status": "ok", "channels": channels})


class Metrics(WebHandler):
    """Volumes and delays reveal how the bot is used: loopback callers only, unless they bring the token."""

    def initialize(self, page: Callable[[], Awaitable[bytes]], token: str | None) -> None:
        self.page = page
        self.token = token

    async def get(self) -> None:
        if not self._allowed():
            raise HTTPError(403 if self.token else 404)
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish(await self.page())

    def _allowed(self) -> bool:
        """With the token, anyone presenting it; otherwise a loopback peer that is not a proxy passing a
        request on (a proxy on this machine connects from loopback too, and says so in its headers)."""
        given = self.request.headers.get("Authorization")
        if self.token is not None and given is not None:
            return secret_ok(given, f"Bearer {self.token}")
        headers = self.request.headers
        if any(name in headers for name in ("X-Forwarded-For", "X-Real-IP", "Forwarded")):
            return False
        try:
            return ipaddress.ip_address(self.request.remote_ip or "").is_loopback
        except ValueError:
            return False


class WebServer:
    def __init__(self, health: Callable[[], dict[str, str]], images: ImageStore | None = None,
                 checks: Checks | None = None, metrics: Callable[[], Awaitable[bytes]] | None = None,
                 metrics_token: str | None = None, behind_proxy: bool = False) -> None:
        self.images = images
        self.behind_proxy = behind_proxy
        self._routes: list[tuple[str, type[RequestHandler], dict[str, Any]]] = [
            ("/healthz", Health, {"health": health, "checks": checks}),
        ]
        if metrics is not None:
            self._routes.append(("/metrics", Metrics, {"page": metrics, "token": metrics_token}))
        if self.images is not None:
            self._routes.append((r"/images/([A-Za-z0-9_-]+(?:\.[a-z]+)?)", Images, {"store": self.images}))
        self._server: HTTPServer | None = None
        self.warnings = LogThrottle()

    def add(self, routes: list[tuple[str, type[RequestHandler], dict[str, Any]]]) -> None:
        """A channel's routes; added before `start`."""
        self._routes.extend(routes)

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (0 picks a free port) and return the port."""
        app = WebApp(
            self._routes, default_handler_class=_NotFound, log_function=_access_log, log_throttle=self.warnings
        )
        # Timeouts so that a slow or idle client cannot hold a connection open for ever.
        # xheaders: the visitor's address from the proxy's X-Real-IP (Settings.behind_proxy says when to trust it)
        self._server = HTTPServer(
            _BodyCap(app, self.warnings), max_body_size=DRAIN_LIMIT, body_timeout=30, idle_connection_timeout=60,
            xheaders=self.behind_proxy,
        )
        sockets = bind_sockets(port, address=host)
        self._server.add_sockets(sockets)
        bound = int(sockets[0].getsockname()[1])
        log.info("Máy chủ web: http://%s:%d (%s)", host, bound, ", ".join(path for path, *_ in self._routes))
        return bound

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


class _NotFound(WebHandler):
    def prepare(self) -> None:
        raise HTTPError(404)


class _BodyCap(httputil.HTTPServerConnectionDelegate):
    """In front of the application: each request goes through a `_CappedRequest`."""

    def __init__(self, app: WebApp, throttle: LogThrottle) -> None:
        self.app = app
        self.throttle = throttle

    def start_request(self, server_conn: object, request_conn: httputil.HTTPConnection) -> httputil.HTTPMessageDelegate:
        return _CappedRequest(self.app.start_request(server_conn, request_conn), request_conn, self.throttle)

    def on_close(self, server_conn: object) -> None:
        self.app.on_close(server_conn)


class _CappedRequest(httputil.HTTPMessageDelegate):
    """Passes a request on to the application unless its body is over its path's cap (`body_limit`: MAX_BODY
    but for BODY_LIMITS), by Content-Length or, for a
    chunked body, once that much has arrived. Such a body is dropped as it arrives, never buffered, and the
    request is answered 413 once it is read; no handler sees it."""

    def __init__(self, app: httputil.HTTPMessageDelegate, conn: httputil.HTTPConnection, throttle: LogThrottle) -> None:
        self.app = app
        self.conn = conn
        self.throttle = throttle
        self.size = 0
        self.path = ""
        self.limit = MAX_BODY
        self.too_big = False
        self.app_open = False  # the application has the headers and has not been told to drop the request

    def headers_received(
        self, start_line: httputil.RequestStartLine | httputil.ResponseStartLine, headers: httputil.HTTPHeaders
    ) -> Awaitable[None] | None:
        self.path = urlsplit(getattr(start_line, "path", "")).path  # never the query (a sign-in link's token)
        self.limit = body_limit(self.path)
        if self.limit > MAX_BODY and isinstance(self.conn, HTTP1Connection):  # and drained beyond it
            self.conn.set_max_body_size(self.limit + DRAIN_LIMIT)
        self.too_big = _declared_length(headers) > self.limit
        if self.too_big:
            return None
        self.app_open = True
        return self.app.headers_received(start_line, headers)

    def data_received(self, chunk: bytes) -> Awaitable[None] | None:
        self.size += len(chunk)
        if not self.too_big and self.size > self.limit:
            self.too_big = True
            self.on_connection_close()  # the application drops what it has buffered
        return None if self.too_big else self.app.data_received(chunk)

    def finish(self) -> None:
        if not self.too_big:
            self.app.finish()
            return
        left_out = self.throttle.allow("413")  # one key: any path may be asked for
        if left_out is not None:
            log.info("Từ chối (413) thân yêu cầu quá %d byte tới %s%s", self.limit, self.path, _left_out(left_out))
        body = json.dumps({"ok": False, "description": "Payload Too Large"}).encode()
        headers = httputil.HTTPHeaders({"Content-Type": "application/json; charset=UTF-8"})
        headers["Content-Length"] = str(len(body))
        self.conn.write_headers(httputil.ResponseStartLine("HTTP/1.1", 413, "Payload Too Large"), headers, body)
        self.conn.finish()

    def on_connection_close(self) -> None:
        if self.app_open:
            self.app_open = False
            self.app.on_connection_close()


def _declared_length(headers: httputil.HTTPHeaders) -> int:
    """The Content-Length, or 0 when absent or malformed (tornado itself refuses a malformed one)."""
    try:
        return int(headers.get("Content-Length", "0").split(",")[0])
    except ValueError:
        return 0
