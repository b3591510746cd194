"""A small async client of the Zalo Bot API (https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>).

Our own rather than the python-zalo-bot package, which hides `ok: false` bodies sent with HTTP 200, cannot
set a webhook inside a running event loop and stops polling on the first handler error.

Every call checks the {ok, result, error_code, description} envelope whatever the HTTP status. 401 raises
Unauthorized (the channel stops); 408, 429, 5xx and network errors are retried with exponential back-off. The
token is part of every URL, so URLs are never logged and error messages never contain them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
from pydantic import ValidationError

from bot.channels.zalo.models import BotInfo, Envelope, Update, WebhookInfo
from bot.logs import redact_in_logs
from bot.pacing import Pace

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000  # sendMessage text and sendPhoto caption
NO_UPDATE = 408  # what getUpdates answers when the long poll ends empty
# Codes of a send that no retry can deliver: the person blocked the bot or left, or the chat is unknown.
# Zalo documents no such error: its table (docs of 6/8/2025) lists only 400 (bad request), 401, 403 (labelled
# "internal server error"), 404 ("not found"), 408 and 429. The API copies Telegram's (envelope, method names,
# secret header), so we read 403 as Telegram's "Forbidden: bot was blocked" and 404 as "no such chat". Assumed,
# not seen from a real account; if wrong, the cost is small: the person counts as blocked until they write again.
REFUSED = frozenset({403, 404})


class ZaloError(Exception):
    def __init__(self, method: str, code: int | None, description: str | None) -> None:
        super().__init__(f"Zalo {method}: lỗi {code}: {description or 'không rõ'}")
        self.method = method
        self.code = code
        self.description = description
        self.retry_after: float | None = None  # from a Retry-After header, when Zalo sends one


class Unauthorized(ZaloError):
    """The token is wrong or was reset in Zalo Bot Creator: retrying cannot help."""


class Retryable(ZaloError):
    """Quota exceeded (429), a timeout (408), a server error or a network failure: worth trying again later."""


class ZaloClient:
    def __init__(
        self,
        token: str,
        base_url: str = "https://bot-api.zaloplatforms.com/bot",
        *,
        attempts: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        timeout: float = 15.0,
        pace: Pace | None = None,
    ) -> None:
        self._prefix = f"{base_url.rstrip('/')}{token}/"
        self._token = token
        redact_in_logs(token)
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._http = httpx.AsyncClient(timeout=timeout)
        self.pace = pace  # the token's send budget, shared by every worker (bot/pacing.py)

    def __repr__(self) -> str:  # the default would not leak the token, but be explicit: never show it
        return "ZaloClient(token=***)"

    async def aclose(self) -> None:
        await self._http.aclose()

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt number `attempt` + 1 (0-based)."""
        if retry_after is not None:
            return min(retry_after, self.max_backoff)
        return min(self.backoff * 2**attempt, self.max_backoff)

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float | None = None,
        attempts: int | None = None,
    ) -> Any:
        """Call `method` and return its `result`; retries Retryable failures up to `attempts` times in all."""
        tries = attempts or self.attempts
        for attempt in range(tries):
            try:
                return await self._once(method, params, timeout)
            except Retryable as exc:
                if attempt + 1 >= tries:
                    raise
                wait = self.delay(attempt, exc.retry_after)
                log.warning("%s; thử lại sau %.1f giây (lần %d/%d)", exc, wait, attempt + 2, tries)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _once(self, method: str, params: dict[str, Any] | None, timeout: float | None) -> Any:
        try:
            response = await self._http.post(
                self._prefix + method, json=params or {}, timeout=timeout or httpx.USE_CLIENT_DEFAULT
            )
        except httpx.TransportError as exc:
            # A read timeout may mean the message was delivered: a rare duplicate beats a lost answer.
            raise Retryable(method, None, f"lỗi mạng ({type(exc).__name__})") from None
        try:
            envelope = Envelope.model_validate_json(response.content)
        except ValidationError:
            envelope = Envelope(ok=False, error_code=response.status_code, description="phản hồi không phải JSON")
        if envelope.ok and response.is_success:
            return envelope.result
        code = envelope.error_code or response.status_code
        error = _error_for(code)(method, code, self._redact(envelope.description))
        retry_after = response.headers.get("Retry-After", "")
        if retry_after.isdigit():
            error.retry_after = float(retry_after)
        raise error

    def _redact(self, text: str | None) -> str | None:
        return text.replace(self._token, "***") if text and self._token else text

    # --- the documented methods ------------------------------------------------------------------

    async def get_me(self) -> BotInfo:
        return BotInfo.model_validate(await self.call("getMe"))

    async def get_updates(self, timeout: int = 30) -> list[Update]:
        """One long poll. Zalo returns one update per call and has no offset; an empty poll is not an error."""
        try:
            # one attempt: the polling loop owns the back-off, and the HTTP timeout outlasts the long poll
            result = await self.call("getUpdates", {"timeout": str(timeout)}, timeout=timeout + 10, attempts=1)
        except ZaloError as exc:
            if exc.code == NO_UPDATE:
                return []
            raise
        if not result:
            return []
        items = result if isinstance(result, list) else [result]  # tolerate a Telegram-like array
        updates = []
        for item in items:
            try:
                updates.append(Update.model_validate(item))
            except ValidationError as exc:  # there is no offset to skip it with: drop it, say so, go on
                log.warning("Bỏ qua cập nhật Zalo không đúng dạng: %s", exc.errors()[0].get("msg"))
        return updates

    async def set_webhook(self, url: str, secret_token: str) -> WebhookInfo:
        return WebhookInfo.model_validate(await self.call("setWebhook", {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> WebhookInfo:
        return WebhookInfo.model_validate(await self.call("deleteWebhook") or {})

    async def get_webhook_info(self) -> WebhookInfo:
        return WebhookInfo.model_validate(await self.call("getWebhookInfo") or {})

    async def send_message(self, chat_id: str, text: str) -> Any:
        await self._paced()
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> Any:
        params = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        await self._paced()
        return await self.call("sendPhoto", params, timeout=60)  # Zalo fetches the image before it answers

    async def _paced(self) -> None:
        if self.pace is not None:
            await self.pace()

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action}, attempts=1)


def _error_for(code: int) -> type[ZaloError]:
    if code == 401:
        return Unauthorized
    if code in (NO_UPDATE, 429) or code >= 500:  # 408: Zalo timed out; the request may well pass next time
        return Retryable
    return ZaloError
