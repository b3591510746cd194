"""A small async client of the Zalo OA Open API v3 (messages) and of Zalo's OAuth v4 (token refresh).

Zalo answers {error, message, data} with HTTP 200 whatever happened, so `error` is checked on every call. Error
numbers (Zalo's OA error table as public integrations quote it; not seen from a real OA, see README): an invalid or
expired access token (-216; ZNS says -124) raises TokenRejected, and the channel refreshes the token and tries once
more; the rate limit (-32), HTTP 429, 5xx and network errors are retried with back-off, then raise Retryable;
a message outside the OA's reply window (-230) raises OutsideWindow; a user who does not follow the OA (-213)
raises NotFollower. Access tokens travel in a header and are never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
from pydantic import ValidationError

from bot.channels.zalo_oa.models import ApiAnswer, TokenAnswer
from bot.logs import redact_in_logs
from bot.pacing import Pace

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000  # a text message's length limit (as integrators quote it)
TOKEN_REJECTED = frozenset({-216, -124})
RATE_LIMITED = frozenset({-32})
WINDOW_CLOSED = frozenset({-230})
NOT_FOLLOWER = frozenset({-213})


class OAError(Exception):
    def __init__(self, method: str, code: int | None, description: str | None) -> None:
        super().__init__(f"Zalo OA {method}: lỗi {code}: {description or 'không rõ'}")
        self.method = method
        self.code = code
        self.description = description


class TokenRejected(OAError):
    """The access token is invalid or has expired: refresh it."""


class RefreshFailed(OAError):
    """Zalo refused the refresh token (used already, expired after about three months, or the app secret is wrong)."""


class Retryable(OAError):
    """Rate limit, a server error or the network: worth trying again later."""


class OutsideWindow(OAError):
    """The person has not written to the OA recently enough for a customer-service message."""


class NotFollower(OAError):
    """The person does not follow the OA (any more)."""


def error_for(code: int) -> type[OAError]:
    if code in TOKEN_REJECTED:
        return TokenRejected
    if code in RATE_LIMITED:
        return Retryable
    if code in WINDOW_CLOSED:
        return OutsideWindow
    if code in NOT_FOLLOWER:
        return NotFollower
    return OAError


class OAClient:
    def __init__(
        self, api_url: str = "https://openapi.zalo.me", oauth_url: str = "https://oauth.zaloapp.com", *,
        attempts: int = 3, backoff: float = 1.0, timeout: float = 15.0, pace: Pace | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")
        self.attempts = attempts
        self.backoff = backoff
        self.http = httpx.AsyncClient(timeout=timeout)
        self.pace = pace  # the OA's send budget, shared by every worker (bot/pacing.py)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def post_json(self, url: str, token: str, body: dict[str, Any], method: str) -> Any:
        """POST with the access token header; `data` of the answer, retrying Retryable failures."""
        redact_in_logs(token)
        for attempt in range(self.attempts):
            try:
                return await self._once(url, token, body, method)
            except Retryable as exc:
                if attempt + 1 >= self.attempts:
                    raise
                wait = min(self.backoff * 2**attempt, 30.0)
                log.warning("%s; thử lại sau %.1f giây", exc, wait)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _once(self, url: str, token: str, body: dict[str, Any], method: str) -> Any:
        try:
            response = await self.http.post(url, json=body, headers={"access_token": token})
        except httpx.TransportError as exc:
            raise Retryable(method, None, f"lỗi mạng ({type(exc).__name__})") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise Retryable(method, response.status_code, "máy chủ Zalo bận")
        try:
            answer = ApiAnswer.model_validate_json(response.content)
        except ValidationError:
            raise OAError(method, response.status_code, "phản hồi không phải JSON") from None
        if answer.error != 0:
            raise error_for(answer.error)(method, answer.error, answer.message)
        return answer.data

    async def send_text(self, token: str, user_id: str, text: str) -> Any:
        """A customer-service message (/v3.0/oa/message/cs), the type that answers a person who wrote."""
        body = {"recipient": {"user_id": user_id}, "message": {"text": text}}
        if self.pace is not None:
            await self.pace()
        return await self.post_json(f"{self.api_url}/v3.0/oa/message/cs", token, body, "message/cs")

    async def user_name(self, token: str, user_id: str) -> str | None:
        """The follower's display name (GET /v3.0/oa/user/detail)."""
        try:
            response = await self.http.get(f"{self.api_url}/v3.0/oa/user/detail", headers={"access_token": token},
                                           params={"data": json.dumps({"user_id": user_id})})
            answer = ApiAnswer.model_validate_json(response.content)
        except (httpx.TransportError, ValidationError):
            raise Retryable("user/detail", None, "không đọc được thông tin người quan tâm") from None
        if answer.error != 0:
            raise error_for(answer.error)("user/detail", answer.error, answer.message)
        name = answer.data.get("display_name") if isinstance(answer.data, dict) else None
        return str(name) if name else None

    async def refresh(self, app_id: str, app_secret: str, refresh_token: str) -> TokenAnswer:
        """A new access token and a new refresh token (the old one cannot be used again)."""
        redact_in_logs(refresh_token)
        form = {"app_id": app_id, "refresh_token": refresh_token, "grant_type": "refresh_token"}
        try:
            response = await self.http.post(f"{self.oauth_url}/v4/oa/access_token", data=form,
                                            headers={"secret_key": app_secret})
            if response.status_code == 429 or response.status_code >= 500:  # Zalo's trouble, not a refusal
                raise Retryable("access_token", response.status_code, "máy chủ Zalo bận")
            answer = TokenAnswer.model_validate_json(response.content)
        except httpx.TransportError as exc:
            raise Retryable("access_token", None, f"lỗi mạng ({type(exc).__name__})") from None
        except ValidationError:
            raise RefreshFailed("access_token", None, "phản hồi không phải JSON") from None
        if not answer.access_token or not answer.refresh_token:
            raise RefreshFailed("access_token", answer.error, answer.error_name or answer.error_description)
        return answer
