"""A fake Bot API with a built-in load driver, run as its own process (`python -m benchmarks.load_server`), so
that the people it plays and the bot under test share neither a core's interpreter lock nor a process.

GET /run?users=50&seconds=10&question=…&charts=0|1 plays `users` people, each sending `question`, waiting for
the reply, and sending it again (a closed loop, like people in a chat), with one more person asking for a chart
in a loop when charts=1; it answers with the replies per second and the latency percentiles. GET /stats gives
the messages received per chat (for broadcasts: lost and duplicated) and the 429s refused.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from collections import defaultdict
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.fake_telegram import FakeBotApi
from tests.local_server import Server

CHART = "biểu đồ radar Kon Tum 2023"
CHART_USER = 9_999


class LoadApi(FakeBotApi):
    def __init__(self, rate_cap: float | None = None) -> None:
        super().__init__(rate_cap=rate_cap)
        self.replied: dict[int, threading.Event] = defaultdict(threading.Event)
        self.received: dict[int, int] = defaultdict(int)
        self.photos = threading.Event()

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "sendMessage":
            chat = int(params["chat_id"])
            self.received[chat] += 1
            self.replied[chat].set()
        elif method == "sendPhoto":
            self.photos.set()  # multipart: the chat id is not parsed; only the chart person gets photos
        return super()._answer(method, params)

    def person(self, user: int, text: str, until: float, latencies: list[float], photo: bool = False) -> None:
        done = self.photos if photo else self.replied[user]
        while time.perf_counter() < until:
            done.clear()
            start = time.perf_counter()
            self.send_text(user, text)
            if not done.wait(30):
                latencies.append(30.0)
                continue
            latencies.append(time.perf_counter() - start)

    def run(self, users: int, seconds: float, question: str, charts: bool) -> dict[str, Any]:
        until = time.perf_counter() + seconds
        plain: list[list[float]] = [[] for _ in range(users)]
        chart: list[float] = []
        threads = [threading.Thread(target=self.person, args=(u + 1, question, until, plain[u])) for u in range(users)]
        if charts:
            threads.append(threading.Thread(target=self.person, args=(CHART_USER, CHART, until, chart, True)))
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        flat = sorted(x for lats in plain for x in lats)
        return {"replies": len(flat), "rate": len(flat) / elapsed, "p50": _pct(flat, 50), "p99": _pct(flat, 99),
                "charts": len(chart), "chart_p50": _pct(sorted(chart), 50) if chart else None}


def _pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def serve(rate_cap: float | None) -> None:
    sys.setswitchinterval(1e-4)  # many connections, one thread each: switch often so none waits behind another
    api = LoadApi(rate_cap=rate_cap)
    api._server.server_close()
    handler = api._handler()

    class WithControl(handler):  # type: ignore[valid-type, misc]
        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/run":
                result = api.run(int(query["users"]), float(query["seconds"]), query["question"],
                                 query.get("charts") == "1")
            elif url.path == "/stats":
                low = int(query.get("from", 0))
                counted = list(api.received.items())  # one C-level copy: other threads keep counting
                result = {"per_chat": {str(c): n for c, n in counted if c >= low},
                          "rejected": api.rejected}
            else:
                return super().do_GET()
            payload = json.dumps(result).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = Server(("127.0.0.1", 0), WithControl)
    print(f"http://127.0.0.1:{server.server_port}/bot", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    serve(float(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] != "none" else None)
