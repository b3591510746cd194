"""A fake platform API on 127.0.0.1, served from a background thread for the length of a `with` block."""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class Server(ThreadingHTTPServer):
    request_queue_size = 256  # a bot sending concurrently opens many connections at once
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client killed mid-request (the restart tests do that on purpose)
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class LocalApi:
    """Records every call as (method, parameters); `_cond` guards the records and wakes waiting tests."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._cond = threading.Condition()
        self._server = Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/bot"

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        with self._cond:
            return [params for name, params in self.calls if name == method]

    def wait_for(self, method: str, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len([1 for name, _ in self.calls if name == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{method}: expected {count} calls, got {self.calls}")
                self._cond.wait(left)
            return [params for name, params in self.calls if name == method]

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
