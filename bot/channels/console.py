"""Console channel: try the bot with no token and no network.

In a terminal it is interactive; otherwise it reads one message per line and prints each reply followed
by a blank line, with choices as numbered lines, so it can be scripted and tested. With `as_json` each reply
is one line of JSON (`text`, `choices`, `image`, `document`, `kind`) and a line `{"choice": "<value>"}` presses
a button, so a question set can be judged without reading the wording.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import TextIO

from handlers.core.messages import APOLOGY, Incoming, Reply, choice_lines
from handlers.core.router import Core

CHANNEL = "console"
log = logging.getLogger(__name__)


def _saved(reply: Reply, out_dir: Path) -> dict[str, Path]:
    """The reply's files, written to out_dir: {"image": path, "document": path}."""
    paths = {}
    for key, data, name in (("image", reply.image, reply.image_name or "hinh.png"),
                            ("document", reply.document, reply.document_name or "tep.xlsx")):
        if data is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            paths[key] = out_dir / name
            paths[key].write_bytes(data)
    return paths


def render(reply: Reply, out_dir: Path) -> str:
    saved = _saved(reply, out_dir)
    lines = [reply.text]
    lines += [f"({what} đã lưu: {saved[key]})" for key, what in (("image", "Hình ảnh"), ("document", "Tệp"))
              if key in saved]
    lines += choice_lines(reply.choices)
    return "\n".join(lines)


def as_json(reply: Reply, out_dir: Path) -> str:
    saved = _saved(reply, out_dir)
    return json.dumps({
        "text": reply.text,
        "choices": [{"label": c.label, "value": c.value} for c in reply.choices],
        "image": str(saved["image"]) if "image" in saved else None,
        "document": str(saved["document"]) if "document" in saved else None,
        "kind": reply.kind,
    }, ensure_ascii=False)


def _incoming(line: str, user: str, scripted: bool) -> Incoming:
    """A typed line; in JSON mode a line `{"choice": …}` or `{"text": …}` too (anything else is text)."""
    if scripted and line.startswith("{"):
        try:
            sent = json.loads(line)
        except ValueError:
            sent = None
        if isinstance(sent, dict) and isinstance(sent.get("choice") or sent.get("text"), str):
            return Incoming(channel=CHANNEL, user_id=user, text=sent.get("text"), choice=sent.get("choice"))
    return Incoming(channel=CHANNEL, user_id=user, text=line)


async def _read_line(stream: TextIO, prompt: str) -> str | None:
    if prompt:
        print(prompt, end="", flush=True)
    line = await asyncio.to_thread(stream.readline)
    return line if line else None


async def run(
    core: Core, user: str, stdin: TextIO = sys.stdin, out_dir: Path = Path("data/files"), scripted: bool = False
) -> int:
    interactive = stdin.isatty() and not scripted
    if interactive:
        print("Trợ lý PAPI (kênh console). Gõ câu hỏi, /help để xem lệnh, Ctrl+D để thoát.\n")
    while (line := await _read_line(stdin, "Bạn: " if interactive else "")) is not None:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            replies = await core.handle(_incoming(text, user, scripted), confirms=True)
        except Exception:  # one message that fails must not end the channel: say so and go on
            log.exception("Lỗi khi xử lý tin nhắn")
            replies = [Reply(APOLOGY)]
        for reply in replies:
            if scripted:
                print(as_json(reply, out_dir), flush=True)
            else:
                print(render(reply, out_dir))
                print()
        await core.delivered(CHANNEL, user)
    return 0
