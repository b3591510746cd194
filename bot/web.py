"""The one web server (tornado, already installed for python-telegram-bot's webhooks).

Routes: each channel's own (its webhook, e.g. POST /telegram, POST /zalo), GET /images/<name> (images Zalo
fetches by URL), GET /healthz. A webhook checks its platform's secret header in constant time before reading
the update (`WebHandler.check_secret`), answers at once and leaves the work to the channel's own queue. Bodies
over MAX_BODY are refused by the HTTP layer before any handler runs.
"""

from __future__ import annotations

import hmac
import logging
import mimetypes
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as WebApp
from tornado.web import HTTPError, RequestHandler

MAX_BODY = 1 << 20  # 1 MiB: a text update is a few kB; Zalo images arrive as URLs, not bytes
log = logging.getLogger(__name__)


def secret_ok(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so the secret cannot be guessed one character at a time from timings."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class ImageStore:
    """Images waiting for Zalo to fetch them: in memory, under random names, for a limited time."""

    def __init__(self, public_url: str, ttl: float = 3600, limit: int = 200) -> None:
        self.public_url = public_url.rstrip("/")
        self.ttl = ttl
        self.limit = limit
        self._items: OrderedDict[str, tuple[bytes, str, float]] = OrderedDict()

    def put(self, data: bytes, name: str | None = None) -> str:
        """Keep the image and return the public URL at which it is served."""
        ctype = mimetypes.guess_type(name or "")[0] or "image/png"
        key = secrets.token_urlsafe(18) + (mimetypes.guess_extension(ctype) or "")
        self._items[key] = (data, ctype, time.monotonic() + self.ttl)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)
        return f"{self.public_url}/images/{key}"

    def get(self, key: str) -> tuple[bytes, str] | None:
        now = time.monotonic()
        for old in [k for k, (_, _, until) in self._items.items() if until < now]:
            del self._items[old]
        item = self._items.get(key)
        return (item[0], item[1]) if item else None


class WebHandler(RequestHandler):
    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # A short JSON body instead of tornado's HTML page; never the traceback.
        self.finish({"ok": False, "description": self._reason})

    def check_secret(self, header: str, expected: str) -> None:
        if not secret_ok(self.request.headers.get(header), expected):
            log.warning("Webhook %s: sai hoặc thiếu %s (từ %s)", self.request.path, header, self.request.remote_ip)
            raise HTTPError(403)


class Images(WebHandler):
    def initialize(self, store: ImageStore) -> None:
        self.store = store

    def get(self, key: str) -> None:
        item = self.store.get(key)
        if item is None:
            raise HTTPError(404)
        self.set_header("Content-Type", item[1])
        self.set_header("Cache-Control", "private, max-age=3600")
        self.finish(item[0])


class Health(WebHandler):
    def initialize(self, health: Callable[[], dict[str, str]]) -> None:
        self.health = health

    def get(self) -> None:
        channels = self.health()
        healthy = all(state == "running" for state in channels.values())
        self.set_status(200 if healthy else 503)
        self.finish({"status": "ok" if healthy else "degraded", "channels": channels})


class WebServer:
    def __init__(self, health: Callable[[], dict[str, str]], images: ImageStore | None = None) -> None:
        self.images = images
        self._routes: list[tuple[str, type[RequestHandler], dict[str, Any]]] = [
            ("/healthz", Health, {"health": health}),
        ]
        if self.images is not None:
            self._routes.append((r"/images/([A-Za-z0-9_-]+(?:\.[a-z]+)?)", Images, {"store": self.images}))
        self._server: HTTPServer | None = None

    def add(self, routes: list[tuple[str, type[RequestHandler], dict[str, Any]]]) -> None:
        """A channel's routes; added before `start`."""
        self._routes.extend(routes)

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (0 picks a free port) and return the port."""
        app = WebApp(self._routes, default_handler_class=_NotFound)
        # Timeouts so that a slow or idle client cannot hold a connection open for ever.
        self._server = HTTPServer(app, max_body_size=MAX_BODY, body_timeout=30, idle_connection_timeout=60)
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
