"""Logs a machine reads: with LOG_FORMAT=json every line `python -m bot web` writes parses as JSON, each message
handled is one line with its channel, kind and request id, and nothing a person typed (nor a sign-in token
from a URL) appears anywhere; without it the lines stay readable text. The request id set for a message is on
every line written while that message is handled, and an exception is logged by type and frames, not message."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import metrics
from bot.logs import JsonLines
from handlers.core.messages import Incoming, Reply
from tests.web_site import ask, bot_process

PRIVATE = ("Nguyễn Văn Bình", "0912345678", "hộ nghèo thôn Kon Klor")


def test_json_lines_carry_events_and_no_message_text(tmp_path: Path) -> None:
    with bot_process(tmp_path, LOG_FORMAT="json") as (http, proc):
        ask(http, f"Tôi là {PRIVATE[0]}, số {PRIVATE[1]}, hỏi về {PRIVATE[2]}")
        ask(http, "/chiso")
        assert http.get("/admin/login", params={"token": "ma-dang-nhap-bi-mat"}).status_code in (200, 400, 403)
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    lines = [json.loads(line) for line in output.splitlines()]  # every line, or this raises
    assert lines and all({"time", "level", "logger", "event"} <= set(line) for line in lines)
    messages = [line for line in lines if line["event"] == "message"]
    assert len(messages) == 2 and all(m["channel"] == "web" and len(m["request_id"]) == 12 for m in messages)
    assert messages[0]["request_id"] != messages[1]["request_id"]
    assert messages[1]["kinds"] and isinstance(messages[1]["ms"], float)
    chats = [line for line in lines if line.get("path") == "/api/chat"]
    assert [c["request_id"] for c in chats] == [m["request_id"] for m in messages], "the HTTP line joins its message"
    for secret in (*PRIVATE, "ma-dang-nhap-bi-mat", "(127.0.0.1)"):  # the last: a visitor's address
        assert secret not in output, secret


def test_the_default_stays_readable(tmp_path: Path) -> None:
    with bot_process(tmp_path) as (http, proc):
        ask(http, "/help")
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    first = output.splitlines()[0]
    assert " INFO " in first and not first.startswith("{")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield out
    root.removeHandler(handler)
    root.setLevel(old)


async def test_the_request_id_follows_the_message_through_awaits_and_threads(captured: io.StringIO) -> None:
    inner = logging.getLogger("handlers.somewhere")

    async def turn() -> list[Reply]:
        inner.info("bước một")
        await asyncio.sleep(0)
        await asyncio.to_thread(inner.info, "bước hai, trong một luồng khác")
        return [Reply("xin chào")]

    await metrics.observe(Incoming("zalo", "u1", text="nội dung riêng"), turn)
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["log", "log", "message"]
    assert {line["request_id"] for line in lines} == {lines[-1]["request_id"]}
    assert {line["channel"] for line in lines} == {"zalo"}
    assert "nội dung riêng" not in captured.getvalue() and "xin chào" not in captured.getvalue()


def test_an_exception_is_logged_by_type_and_frames_not_its_message(captured: io.StringIO) -> None:
    try:
        raise ValueError(f"câu hỏi của {PRIVATE[0]}")
    except ValueError:
        logging.getLogger("bot.channels.zalo").exception("Lỗi khi xử lý tin nhắn Zalo")
    line = json.loads(captured.getvalue())
    assert line["error"] == "ValueError" and "test_logs.py" in line["trace"]
    assert PRIVATE[0] not in captured.getvalue()
