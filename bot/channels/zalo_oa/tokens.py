"""The OA's access token, refreshed before it expires (about 25 hours) with the single-use refresh token.

The pair lives in the database (storage/oa_tokens.py) and is replaced together after every refresh, so a
restart needs no new login. ZALO_OA_ACCESS_TOKEN and ZALO_OA_REFRESH_TOKEN seed it on the first run; a later
change of ZALO_OA_REFRESH_TOKEN in the settings (a new login by the operator) seeds it again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.channels.zalo_oa.api import OAClient, TokenRejected
from storage import oa_tokens
from storage.db import Db
from storage.oa_tokens import Tokens

log = logging.getLogger(__name__)
T = TypeVar("T")

LIFE = dt.timedelta(hours=25)  # when Zalo does not say (expires_in), the life integrators report
MARGIN = dt.timedelta(hours=1)  # refreshed this long before it expires
# A token from the settings may be up to 25 hours old already: trusted for an hour (then it is MARGIN from this
# assumed expiry) and refreshed; refused earlier, it is refreshed then.
SEEDED_LIFE = MARGIN + dt.timedelta(hours=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenKeeper:
    def __init__(
        self, client: OAClient, db: Db, app_id: str, app_secret: str, *, seed_access: str | None = None,
        seed_refresh: str | None = None, clock: Callable[[], dt.datetime], margin: dt.timedelta = MARGIN,
    ) -> None:
        self.client = client
        self.db = db
        self.app_id = app_id
        self.app_secret = app_secret
        self.seed_access = seed_access
        self.seed_refresh = seed_refresh
        self.clock = clock
        self.margin = margin
        self.tokens: Tokens | None = None
        self._lock = asyncio.Lock()

    async def load(self) -> bool:
        """The stored pair, or the settings' on a first run (or a new login); False when there is neither."""
        stored = await oa_tokens.load(self.db, self.app_id)
        seed = digest(self.seed_refresh) if self.seed_refresh else None
        if stored is not None and (seed is None or stored.seeded_from == seed):
            self.tokens = stored
            return True
        if self.seed_refresh is None or seed is None:
            return False
        now = self.clock()
        expires = now + SEEDED_LIFE if self.seed_access else now  # no access token: refreshed at once
        self.tokens = Tokens(self.seed_access or "", self.seed_refresh, expires, seed)
        await oa_tokens.save(self.db, self.app_id, self.tokens, now)
        log.info("Zalo OA: đã lưu token từ cấu hình vào cơ sở dữ liệu (lần chạy đầu hoặc đăng nhập lại)")
        return True

    @property
    def expires_at(self) -> dt.datetime:
        assert self.tokens is not None
        return self.tokens.expires_at

    def due(self) -> bool:
        return self.clock() >= self.expires_at - self.margin

    async def access_token(self) -> str:
        if self.due():
            await self.refresh()
        assert self.tokens is not None
        return self.tokens.access_token

    async def refresh(self, rejected: str | None = None) -> None:
        """A new pair from Zalo, stored at once. `rejected`: the token Zalo just refused; when another call has
        replaced it meanwhile, nothing more is done. Raises RefreshFailed or Retryable."""
        async with self._lock:
            assert self.tokens is not None
            if rejected is not None and self.tokens.access_token != rejected:
                return
            if rejected is None and not self.due():
                return
            answer = await self.client.refresh(self.app_id, self.app_secret, self.tokens.refresh_token)
            assert answer.access_token is not None and answer.refresh_token is not None
            seconds = answer.expires_in or ""
            life = dt.timedelta(seconds=int(seconds)) if seconds.isdigit() else LIFE
            now = self.clock()
            self.tokens = Tokens(answer.access_token, answer.refresh_token, now + life, self.tokens.seeded_from)
            await oa_tokens.save(self.db, self.app_id, self.tokens, now)
            log.info("Zalo OA: đã làm mới access token (hiệu lực %.1f giờ)", life.total_seconds() / 3600)

    async def call(self, fn: Callable[[str], Awaitable[T]]) -> T:
        """`fn(access token)`; when Zalo refuses the token, refreshed and tried once more."""
        token = await self.access_token()
        try:
            return await fn(token)
        except TokenRejected:
            log.info("Zalo OA từ chối access token: làm mới rồi thử lại")
            await self.refresh(rejected=token)
            return await fn(await self.access_token())
