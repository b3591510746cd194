"""The citizens' web chat: the page (GET /), the API (POST /api/chat) and the embeddable widget (/widget.js).

A visitor is an anonymous session: a random id in a signed, HttpOnly cookie, which is the person's id on the
"web" channel. Nothing else about the visitor is kept: the core stores for them what it stores for anyone
(the identity, the conversation's state, unanswered questions without who asked). The body is validated by a
pydantic model; a malformed one gets 400 and a polite JSON error, a flood 429 with how long to wait.
"""

from __future__ import annotations

import logging
import math
import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from tornado.web import HTTPError

from bot.channels.web.base import Page
from handlers.core.messages import APOLOGY, Incoming, Reply

CHANNEL = "web"
COOKIE = "papi_chat"
COOKIE_DAYS = 30  # a visitor coming back within a month keeps the conversation (choices, a step in progress)
log = logging.getLogger(__name__)

BAD_BODY = "Tin nhắn không đúng định dạng. Bạn hãy tải lại trang rồi gõ lại câu hỏi."
NO_TOKEN = "Phiên trò chuyện đã hết hạn. Bạn hãy tải lại trang rồi gửi lại câu hỏi."
TOO_FAST = "Bạn gửi tin nhắn nhanh quá. Vui lòng đợi {seconds} giây rồi gửi tiếp."
NO_FILE = "(Tệp đính kèm chỉ tải được trên Telegram, Zalo hoặc trang quản trị.)"


class ChatIn(BaseModel):
    """What the page sends: the text typed, or the value of a button pressed."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, max_length=4000)
    choice: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _something(self) -> ChatIn:
        if not (self.text or "").strip() and not self.choice:
            raise ValueError("text or choice")
        return self


class ChatPage(Page):
    frame_ancestors = "*"  # a commune portal shows the page in its iframe (widget.js)

    def cookie_samesite(self) -> str:
        # inside a portal's iframe the cookies are third-party: sent only with SameSite=None, which needs Secure
        # (HTTPS); over plain HTTP (a local run) Lax
        return "None" if self.web.secure else "Lax"

    def get(self) -> None:
        self.render("chat.html", xsrf=self.xsrf_token.decode(), embed=self.get_argument("embed", "") == "1")


class ChatApi(ChatPage):
    def check_xsrf_cookie(self) -> None:
        if not self._xsrf_ok():
            self._error(403, NO_TOKEN)

    def _xsrf_ok(self) -> bool:
        try:
            super().check_xsrf_cookie()
        except HTTPError:
            return False
        return True

    async def post(self) -> None:
        try:
            body = ChatIn.model_validate_json(self.request.body)
        except ValidationError:
            return self._error(400, BAD_BODY)
        session = self.signed(COOKIE, COOKIE_DAYS) or secrets.token_urlsafe(16)
        self.set_signed(COOKIE, session, COOKIE_DAYS)  # again each time: the month counts from the last visit
        wait = self.web.limits.wait(session, self.request.remote_ip or "")
        if wait:
            self.set_header("Retry-After", str(math.ceil(wait)))
            return self._error(429, TOO_FAST.format(seconds=math.ceil(wait)))
        msg = Incoming(CHANNEL, session, text=body.text if body.choice is None else None, choice=body.choice)
        try:
            replies = await self.web.core.handle(msg)
        except Exception:
            log.exception("Lỗi khi xử lý tin nhắn web")
            replies = [Reply(APOLOGY)]
        self.finish({"replies": [self._json(r) for r in replies]})

    def _json(self, reply: Reply) -> dict[str, Any]:
        image = self.web.publish(reply.image, reply.image_name) if reply.image is not None else None
        text = reply.text + (f"\n\n{NO_FILE}" if reply.document is not None else "")
        return {"text": text, "choices": [{"label": c.label, "value": c.value} for c in reply.choices],
                "image": image}

    def _error(self, status: int, text: str) -> None:
        self.set_status(status)
        self.finish({"error": text})

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish({"error": BAD_BODY if status_code < 500 else APOLOGY})
