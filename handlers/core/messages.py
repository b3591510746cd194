"""What the core receives and returns: plain data, no channel types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

# what every channel answers when handling a message failed: the person knows, and the channel goes on
APOLOGY = "Xin lỗi, đã có lỗi khi xử lý tin nhắn. Bạn vui lòng thử lại sau ít phút."


@dataclass(frozen=True)
class Attachment:
    kind: str  # "photo", "document", "sticker", "unsupported"
    file_id: str | None = None
    url: str | None = None
    name: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Incoming:
    channel: str
    user_id: str
    text: str | None = None
    choice: str | None = None  # the value of a button the user pressed
    attachment: Attachment | None = None
    group: bool = False  # sent in a group chat rather than a private one
    name: str | None = None  # the sender's display name; kept only for officials
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Choice:
    label: str
    value: str


@dataclass(frozen=True)
class Render:
    """A file still to be produced: `fn(*args)` returns its bytes. The router runs it in a worker process
    (handlers/files/pool.py) before the reply leaves, because matplotlib and openpyxl hold the interpreter for
    hundreds of milliseconds, which on the event loop would stop every other conversation."""

    fn: Callable[..., bytes]  # a module-level function, so that it can be sent to another process
    args: tuple[Any, ...]
    kind: str = "image"  # "image" (a PNG chart) or "document" (a spreadsheet)

    def produce(self) -> bytes:
        return self.fn(*self.args)


# What a reply is, for scripts that judge answers (`chat --json`) without reading the wording: "answer";
# "suggestions" (choices of entries that might be meant); "not_found"; "decline" (the bot knows the question
# and that it holds no answer, e.g. a commune's PAPI score); "clarify" (it asks which province, which year);
# "greeting"; "prompt" (a step of a conversation such as /baocao).
Kind = Literal["answer", "suggestions", "not_found", "decline", "clarify", "greeting", "prompt"]


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    image: bytes | None = None
    image_name: str | None = None
    document: bytes | None = None
    document_name: str | None = None
    render: Render | None = None  # becomes `image` or `document` before a channel sees the reply
    kind: Kind = "answer"


def choice_lines(choices: Sequence[Choice]) -> list[str]:
    """Choices as the channels without buttons show them (console, Zalo): numbered lines."""
    return [f"  [{n}] {c.label}" for n, c in enumerate(choices, start=1)]


def as_text(reply: Reply) -> str:
    """The reply's text followed by its choices as numbered lines."""
    return "\n".join([reply.text, *choice_lines(reply.choices)])


def units(text: str) -> int:
    """Length in UTF-16 code units: how JavaScript-based APIs count, so emoji count double."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
