"""Console channel: try the bot with no token and no network.

In a terminal it is interactive; otherwise it reads one message per line and prints each reply followed
by a blank line, with choices as numbered lines, so it can be scripted and tested.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TextIO

from bot.channels.plain import choice_lines
from handlers.core.messages import APOLOGY, Incoming, Reply
from handlers.core.router import Core

CHANNEL = "console"
log = logging.getLogger(__name__)


def render(reply: Reply, out_dir: Path) -> str:
    lines = [reply.text]
    for data, name, what in ((reply.image, reply.image_name or "hinh.png", "Hình ảnh"),
                             (reply.document, reply.document_name or "tep.xlsx", "Tệp")):
        if data is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / name
            path.write_bytes(data)
            lines.append(f"({what} đã lưu: {path})")
    lines += choice_lines(reply.choices)
    return "\n".join(lines)


async def _read_line(stream: TextIO, prompt: str) -> str | None:
    if prompt:
        print(prompt, end="", flush=True)
    line = await asyncio.to_thread(stream.readline)
    return line if line else None


async def run(core: Core, user: str, stdin: TextIO = sys.stdin, out_dir: Path = Path("data/files")) -> int:
    interactive = stdin.isatty()
    if interactive:
        print("Trợ lý PAPI (kênh console). Gõ câu hỏi, /help để xem lệnh, Ctrl+D để thoát.\n")
    while (line := await _read_line(stdin, "Bạn: " if interactive else "")) is not None:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            replies = await core.handle(Incoming(channel=CHANNEL, user_id=user, text=text), confirms=True)
        except Exception:  # one message that fails must not end the channel: say so and go on
            log.exception("Lỗi khi xử lý tin nhắn")
            replies = [Reply(APOLOGY)]
        for reply in replies:
            print(render(reply, out_dir))
            print()
        await core.delivered(CHANNEL, user)
    return 0
