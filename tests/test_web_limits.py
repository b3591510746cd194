"""The web server's limits, over real HTTP on 127.0.0.1: an oversized body gets a 413 and reaches no handler,
and requests with a wrong secret cannot flood the log."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.web import BODY_LIMITS, MAX_BODY, WebHandler, WebServer

SECRET = "webhook-secret-42"
HEADER = "X-Hook-Secret"


class Hook(WebHandler):
    def initialize(self, seen: list[int]) -> None:
        self.seen = seen

    def post(self) -> None:
        self.check_secret(HEADER, SECRET)
        self.seen.append(len(self.request.body))
        self.finish({"ok": True})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Served:
    def __init__(self, server: WebServer, http: httpx.AsyncClient, seen: list[int], clock: Clock) -> None:
        self.server = server
        self.http = http
        self.seen = seen
        self.clock = clock


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    seen: list[int] = []
    server = WebServer(lambda: {"test": "running"})
    server.add([("/hook", Hook, {"seen": seen}), ("/admin/ke-hoach", Hook, {"seen": seen})])
    clock = Clock()
    server.warnings.clock = clock
    port = await server.start("127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            yield Served(server, http, seen, clock)
    finally:
        await server.stop()


async def chunks(size: int, piece: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body of `size` bytes sent chunked, without Content-Length: its size is known only as it arrives."""
    for start in range(0, size, piece):
        yield b"x" * min(piece, size - start)


async def test_an_oversized_body_gets_413_and_reaches_no_handler(served: Served) -> None:
    headers = {HEADER: SECRET}
    big = await served.http.post("/hook", content=b"x" * (2 << 20), headers=headers)
    assert big.status_code == 413 and big.json() == {"ok": False, "description": "Payload Too Large"}
    streamed = await served.http.post("/hook", content=chunks(2 << 20), headers=headers)
    assert streamed.status_code == 413
    assert (await served.http.post("/nowhere", content=b"x" * (2 << 20))).status_code == 413
    assert served.seen == [], "nothing handled"
    # the cap itself is allowed, and the server still answers afterwards
    assert (await served.http.post("/hook", content=b"x" * MAX_BODY, headers=headers)).status_code == 200
    assert (await served.http.post("/hook", content=chunks(1000), headers=headers)).status_code == 200
    assert served.seen == [MAX_BODY, 1000]
    assert (await served.http.get("/healthz")).status_code == 200


async def test_the_plan_upload_takes_a_10_mb_file_and_no_more(served: Served) -> None:
    headers, cap = {HEADER: SECRET}, BODY_LIMITS["/admin/ke-hoach"]
    assert cap >= 10 << 20
    assert (await served.http.post("/admin/ke-hoach", content=b"x" * cap, headers=headers)).status_code == 200
    assert (await served.http.post("/admin/ke-hoach?x=1", content=chunks(10 << 20), headers=headers)).status_code == 200
    assert served.seen == [cap, 10 << 20]
    big = await served.http.post("/admin/ke-hoach", content=b"x" * (cap + 1), headers=headers)
    assert big.status_code == 413
    assert (await served.http.post("/admin/ke-hoach", content=chunks(cap + 1), headers=headers)).status_code == 413
    # the larger cap is that path's only
    assert (await served.http.post("/hook", content=b"x" * (MAX_BODY + 1), headers=headers)).status_code == 413
    assert (await served.http.post("/admin/ke-hoach/cong-bo", content=b"x" * (2 << 20))).status_code == 413
    assert len(served.seen) == 2


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_bad_secret_writes_one_line(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert (await served.http.post("/hook", content=b"{}", headers={HEADER: "wrong"})).status_code == 403
    assert len(warnings(caplog)) == 1, warnings(caplog)
    assert "/hook" in warnings(caplog)[0]


async def test_many_bad_secrets_are_logged_once_a_minute(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for n in range(200):
        served.clock.now += 0.1  # 200 requests in 20 seconds
        headers = {HEADER: f"guess-{n}"} if n % 2 else {}
        assert (await served.http.post("/hook", content=b"{}", headers=headers)).status_code == 403
    assert len(warnings(caplog)) <= 2
    first = warnings(caplog)
    assert len(first) == 1 and "/hook" in first[0]
    served.clock.now += 60
    assert (await served.http.post("/hook", content=b"{}")).status_code == 403
    later = warnings(caplog)[1:]
    assert len(later) == 1 and "199" in later[0], "the next line tells how many were left out"
    assert served.seen == []


async def test_the_413_line_leaves_out_the_query(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    big = await served.http.post("/hook", params={"token": "ma-bi-mat-413"}, content=b"x" * (2 << 20))
    assert big.status_code == 413
    refused = [r.getMessage() for r in caplog.records if r.name == "bot.web" and "413" in r.getMessage()]
    assert len(refused) == 1 and refused[0].endswith("/hook") and "ma-bi-mat-413" not in refused[0], refused
