"""The channel contract: what every messaging platform implements, and the outcomes its errors map onto.

A channel translates, nothing more: platform updates to `Incoming` for the core, `Reply` objects to platform
calls. It declares its name, whether the settings configure it, its web routes (webhooks), how it starts and
stops, its state for /healthz, how it sends a reply or a proactive message, how fast the outbox may send on it,
and how its errors map onto the shared delivery outcomes: `Blocked` (the person blocked or left: marked
inactive, skipped from then on), `Undeliverable` (no route to them for this
message: failed at once, with the reason), `RetryLater` (throttled or unreachable: tried again later), anything else
(failed this time: retried with back-off). Adding a platform is one module and one line in `REGISTRY`
(bot/channels/__init__.py); the runner, the web server and the sweep need no change.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from tornado.web import RequestHandler

from bot.settings import Settings
from handlers.core.messages import Reply
from handlers.core.router import Core

Route = tuple[str, type[RequestHandler], dict[str, Any]]  # a tornado route: path, handler, its arguments
Sender = Callable[[str, str], Awaitable[None]]  # (external id, text) for the outbox
Fetcher = Callable[[str | None, str | None], Awaitable[bytes]]  # (file id, URL) -> the evidence file
ImagePublisher = Callable[[bytes, str | None], str | None]  # image -> public URL (None: nowhere to publish)


class Blocked(Exception):
    """The person has blocked the bot or left (Telegram Forbidden, Zalo's equivalents)."""


class Undeliverable(Exception):
    """No way to reach the person with this message now (e.g. outside a platform's reply window with no other
    route): recorded as failed with the reason, at once, not retried."""


class RetryLater(Exception):
    def __init__(self, seconds: float, counts: bool = True) -> None:
        super().__init__(f"thử lại sau {seconds:.0f} giây")
        self.seconds = seconds
        self.counts = counts  # a RetryAfter is the platform's pacing, not a failure of this message


class Channel(ABC):
    name: ClassVar[str]
    state: str = "stopped"  # stopped | running | failed

    @classmethod
    @abstractmethod
    def configured(cls, settings: Settings) -> bool:
        """Whether the settings ask for this channel (its token is set)."""

    @classmethod
    @abstractmethod
    def create(cls, settings: Settings, core: Core, publish_image: ImagePublisher | None) -> Channel:
        """The channel over the one core; `publish_image` serves images by URL, for platforms that need it."""

    @classmethod
    def problems(cls, settings: Settings) -> list[str]:
        """Settings that cannot work for this channel, in Vietnamese; checked before anything starts."""
        return []

    def routes(self) -> list[Route]:
        """Web routes on the one web server (webhooks); none when the channel polls."""
        return []

    async def prepare(self) -> None:  # noqa: B027  (an optional step; most channels need none)
        """Before the web server listens: check the token, build what the routes need."""

    @abstractmethod
    async def start(self) -> None:
        """After the web server listens: register the webhook or start polling. On a refused token the
        channel logs one clear line and sets state to "failed"; the others go on."""

    @abstractmethod
    async def stop(self) -> None: ...

    @abstractmethod
    async def send(self, external_id: str, reply: Reply) -> None:
        """Deliver one reply to a private chat."""

    @abstractmethod
    def sender(self) -> Sender:
        """The outbox's send path, raising Blocked or RetryLater as the platform's errors say."""

    def fetcher(self) -> Fetcher | None:
        """How to download an evidence file received on this channel; None when it cannot."""
        return None

    def rate(self, settings: Settings) -> float | None:
        """Messages per second the outbox may send here (None: not paced)."""
        return None
