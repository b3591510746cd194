"""What a handler gets for one message: the knowledge base, storage, the person, the clock and the settings
that shape answers (time zone, quiet hours), all passed down from the composition root."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from content.loader import KnowledgeBase
from storage.db import Database
from storage.people import Person

QuietHours = tuple[dt.time, dt.time] | None  # local (start, end); None: send at any hour
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_QUIET: QuietHours = (dt.time(21, 0), dt.time(7, 0))
Fetch = Callable[[str | None, str | None], Awaitable[bytes]]  # (file id, URL) -> a file the person sent


@dataclass(frozen=True)
class Config:
    """The settings the conversation logic needs, read once from `Settings` by the composition root."""

    zone: ZoneInfo = VIETNAM
    quiet_hours: QuietHours = DEFAULT_QUIET
    admins: frozenset[str] = frozenset()  # "channel:id" of bootstrap administrators
    public_url: str | None = None  # the web server's public base, for /web's sign-in links


@dataclass(frozen=True)
class Ctx:
    kb: KnowledgeBase
    db: Database
    person: Person
    now: dt.datetime
    config: Config = Config()
    bot_username: str | None = None  # for invitation deep links, when the channel knows it
    channel: str = ""  # the channel the message came from
    user_id: str = ""  # the sender's id on that channel (an invitation bound to a listed person moves it there)
    fetch: Fetch | None = None  # downloads a file sent on this channel (a plan an admin sends); None: cannot

    @property
    def zone(self) -> ZoneInfo:
        return self.config.zone

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.zone).date()
