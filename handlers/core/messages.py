"""What the core receives and returns: plain data, no channel types."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
class Reply:
    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    image: bytes | None = None
    image_name: str | None = None
    document: bytes | None = None
    document_name: str | None = None
