"""Checked plans waiting for «Công bố» on the admin pages: in memory, under a random id, bound to the person who
uploaded the file, for `KEEP`. The preview's form carries only the id, so it cannot be replayed by another admin,
used after «Hủy» or after it expired, and a big plan does not travel back in the form. As with the export jobs
(`jobs.py`), the web server is one process and a draft lost to a restart is one upload away; a person keeps at
most `PER_PERSON`, so memory stays bounded."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KEEP = dt.timedelta(hours=2)
PER_PERSON = 3


@dataclass(frozen=True)
class Draft:
    owner: int
    value: dict[str, Any]
    made: dt.datetime


@dataclass
class Drafts:
    clock: Callable[[], dt.datetime]
    _drafts: dict[str, Draft] = field(default_factory=dict)

    def put(self, owner: int, value: dict[str, Any]) -> str:
        self._forget_old()
        mine = sorted((d.made, key) for key, d in self._drafts.items() if d.owner == owner)
        for _, key in mine[:max(0, len(mine) - PER_PERSON + 1)]:
            del self._drafts[key]
        key = secrets.token_urlsafe(18)
        self._drafts[key] = Draft(owner, value, self.clock())
        return key

    def get(self, key: str, owner: int) -> dict[str, Any] | None:
        """The person's own draft, while it lasts; anyone else's, or an expired one, is None."""
        self._forget_old()
        draft = self._drafts.get(key)
        return draft.value if draft is not None and draft.owner == owner else None

    def drop(self, key: str, owner: int) -> None:
        if self.get(key, owner) is not None:
            del self._drafts[key]

    def _forget_old(self) -> None:
        now = self.clock()
        for key in [k for k, d in self._drafts.items() if now - d.made > KEEP]:
            del self._drafts[key]
