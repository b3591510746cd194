"""What tornado and the HTTP clients would write on their own stays out of the log: a refused post (no XSRF
token) is one line a minute without its query string or the visitor's address, a handler that raises is
logged by method, path, type and frames (never a sign-in token from the URL), and a send that fails on an
HTTP error names the error's type, not its message (which holds the Bot API URL, token included)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from tornado.web import RequestHandler

from bot.channels.web.base import Page, Web
from bot.channels.web.limits import Limits
from bot.delivery import Sweeper
from bot.web import WebHandler, WebServer
from handlers.core.router import Core
from storage import outbox
from tests.speakers import NOW, registered_official
from tests.web_site import bot_process

TOKEN = "ma-dang-nhap-bi-mat-42"


def test_refused_posts_are_one_line_without_query_or_address(tmp_path: Path) -> None:
    with bot_process(tmp_path) as (http, proc):
        for _ in range(200):
            assert http.post("/admin/login", params={"token": TOKEN}, data={"x": "1"}).status_code == 403
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    refused = [line for line in output.splitlines() if "/admin/login:" in line]
    assert 1 <= len(refused) <= 2, refused
    assert "POST /admin/login: 403" in refused[0]
    assert TOKEN not in output and "127.0.0.1)" not in output, output[-2000:]


class Fails(WebHandler):
    def get(self) -> None:
        raise RuntimeError(self.get_argument("token"))  # the message is the secret: it must not be logged


class FailingPage(Page):
    def get(self) -> None:
        raise LookupError(self.get_argument("token"))


@pytest.fixture
async def served(core: Core) -> AsyncIterator[httpx.AsyncClient]:
    server = WebServer(lambda: {"test": "running"})
    web = Web(core, "k" * 32, False, lambda data, name: None, Limits.default())
    routes: list[tuple[str, type[RequestHandler], dict[str, object]]] = [
        ("/fails", Fails, {}), ("/page", FailingPage, {"web": web})]
    server.add(routes)
    port = await server.start("127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            yield http
    finally:
        await server.stop()


def test_a_malformed_setting_exits_2_without_printing_it(tmp_path: Path) -> None:
    """The service unit does not restart on 2 (RestartPreventExitStatus=2): only the operator can fix it."""
    secret, port = "khoa bi mat co dau cach 7f3a9", "cong-8080-x"
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_TOKEN", "_URL", "_SECRET", "_APP_ID"))}
    env.update(DATABASE=str(tmp_path / "papi.sqlite3"), WEBHOOK_SECRET=secret, WEBHOOK_PORT=port)
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert secret not in output and port not in output and "Traceback" not in output, output
    lines = output.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("Cấu hình sai: ") for line in lines), output
    assert any("WEBHOOK_SECRET" in line for line in lines) and any("WEBHOOK_PORT" in line for line in lines)


def server_lines(caplog: pytest.LogCaptureFixture, level: int = logging.DEBUG) -> str:
    """What the server wrote (the test's own HTTP client logs its request URLs)."""
    return "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                     if r.name.startswith(("bot", "tornado")) and r.levelno >= level)


async def test_a_handler_that_raises_logs_no_token(served: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for path in ("/fails", "/page"):
        assert (await served.get(path, params={"token": TOKEN})).status_code == 500
    text = server_lines(caplog)
    assert "GET /fails: 500, RuntimeError" in text and "GET /page: 500, LookupError" in text, text
    assert "test_log_hygiene.py" in text and TOKEN not in text, text
    assert not any(r.exc_info for r in caplog.records), "a traceback would print the exception's message"


async def test_a_post_with_a_token_in_its_query_is_refused_without_it(served: httpx.AsyncClient,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert (await served.post("/page", params={"token": TOKEN}, content=b"x")).status_code == 403
    assert "POST /page: 403" in server_lines(caplog)
    assert TOKEN not in server_lines(caplog) and "127.0.0.1" not in server_lines(caplog, logging.INFO)


BOT_TOKEN = "123456:BiMatCuaBotZalo"


class BrokenApi(RequestHandler):
    def post(self, token: str) -> None:
        self.set_status(500)
        self.finish({"ok": False})


async def test_a_failed_send_logs_and_keeps_no_token(core: Core, caplog: pytest.LogCaptureFixture) -> None:
    """The sender raises httpx's own error, whose text is the request URL: /bot<TOKEN>/sendMessage."""
    api = WebServer(lambda: {})
    api.add([(r"/bot([^/]+)/sendMessage", BrokenApi, {})])
    port = await api.start("127.0.0.1", 0)
    person = await registered_official(core)
    person_id = int(await core.db.scalar("SELECT person_id FROM identities WHERE external_id = ?", (person.user,)))
    await outbox.enqueue(core.db, [outbox.Item("thu-1", "notice", person_id, "Xin chào", NOW)], NOW)

    async def send(chat_id: str, text: str) -> None:
        async with httpx.AsyncClient() as http:
            answer = await http.post(f"http://127.0.0.1:{port}/bot{BOT_TOKEN}/sendMessage", json={"text": text})
            answer.raise_for_status()

    sweeper = Sweeper(core.db, core.kb, ZoneInfo("Asia/Ho_Chi_Minh"), {"console": send}, clock=lambda: NOW)
    sweeper.planning = False
    caplog.set_level(logging.INFO)
    try:
        assert (await sweeper.sweep())["retry"] == 1
    finally:
        await api.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.delivery"]  # not the fake API's own
    assert lines == ["Gửi tin thu-1 lỗi: HTTPStatusError 500"], lines
    assert await core.db.scalar("SELECT last_error FROM outbox WHERE key = 'thu-1'") == "HTTPStatusError 500"


def test_every_line_masks_a_registered_token_text_and_traceback() -> None:
    """Whatever logger writes it, through the handler the entry point installs (a real process)."""
    script = f"""
import logging
from bot.logs import redact_in_logs, setup_logging
setup_logging()
redact_in_logs({BOT_TOKEN!r})
logging.getLogger("bot.channels.zalo").warning("Lỗi: %s", "https://bot-api/bot{BOT_TOKEN}/sendMessage")
try:
    raise ValueError("https://bot-api/bot{BOT_TOKEN}/getUpdates")
except ValueError:
    logging.getLogger("telegram.ext").exception("Lỗi khi gửi")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert BOT_TOKEN not in done.stderr and done.stderr.count("/bot***/") == 2, done.stderr
