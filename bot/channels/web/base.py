"""What every web page shares: the channel's state (`Web`), templates from this folder, security headers,
signed cookies and the XSRF check on every POST.

Tornado's own pieces do the work: `create_signed_value`/`decode_signed_value` (what `set_signed_cookie` uses)
with the channel's key, and `check_xsrf_cookie` (the `_xsrf` cookie against the token the page carries). The
application-wide `xsrf_cookies` setting stays off: the webhooks are POSTed by Telegram and Zalo, not a browser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from tornado.web import RequestHandler, create_signed_value, decode_signed_value

from bot.channels.web.drafts import Drafts
from bot.channels.web.jobs import Jobs
from bot.channels.web.limits import Limits
from bot.web import log_failure
from handlers.core.router import Core

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
Publish = Callable[[bytes, str | None], str | None]


@dataclass
class Web:
    core: Core
    secret: str
    secure: bool  # served over HTTPS (PUBLIC_URL): cookies get Secure
    publish: Publish
    limits: Limits
    evidence_dir: Path | None = None  # EVIDENCE_DIR: the only folder evidence files are served from
    jobs: Jobs = field(init=False)
    drafts: Drafts = field(init=False)

    def __post_init__(self) -> None:
        self.jobs = Jobs(self.now)
        self.drafts = Drafts(self.now)

    def now(self) -> dt.datetime:
        return self.core.clock()


class Page(RequestHandler):
    xsrf_name: ClassVar[str] = "_xsrf"
    samesite: ClassVar[str] = "Strict"
    frame_ancestors: ClassVar[str] = "'none'"

    def initialize(self, web: Web) -> None:
        self.web = web

    @property
    def settings(self) -> dict[str, Any]:
        """The application's settings, with this page's XSRF cookie (its own name and SameSite)."""
        kwargs = {"httponly": True, "samesite": self.cookie_samesite(), "secure": self.web.secure}
        return {**self.application.settings, "xsrf_cookie_name": self.xsrf_name, "xsrf_cookie_kwargs": kwargs}

    def cookie_samesite(self) -> str:
        return self.samesite

    def get_template_path(self) -> str:
        return str(TEMPLATES)

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Content-Security-Policy", (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
            f"base-uri 'none'; form-action 'self'; frame-ancestors {self.frame_ancestors}"))
        if self.frame_ancestors == "'none'":
            self.set_header("X-Frame-Options", "DENY")

    def prepare(self) -> Any:
        if self.request.method not in ("GET", "HEAD"):
            self.check_xsrf_cookie()  # 403 without the page's token
        return None

    def signed(self, name: str, max_age_days: float) -> str | None:
        raw = self.get_cookie(name)
        if not raw:
            return None
        value = decode_signed_value(self.web.secret, name, raw, max_age_days=max_age_days)
        return value.decode() if value else None

    def set_signed(self, name: str, value: str, days: float) -> None:
        signed = create_signed_value(self.web.secret, name, value)
        self.set_cookie(name, signed, expires_days=days, httponly=True, secure=self.web.secure,
                        samesite=self.cookie_samesite())

    def log_exception(self, typ: type[BaseException] | None, value: BaseException | None,
                      tb: TracebackType | None) -> None:
        log_failure(self, typ, value, tb)  # never the query string (a sign-in token) nor the address

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish(self.render_string("message.html", title="Không thực hiện được", text=_explain(status_code)))


def _explain(status: int) -> str:
    if status == 403:
        return "Trang đã quá hạn hoặc thiếu mã bảo vệ. Bạn hãy tải lại trang rồi thử lại."
    if status == 404:
        return "Không tìm thấy trang này."
    if status < 500:
        return "Yêu cầu không hợp lệ."
    return "Đã có lỗi. Bạn vui lòng thử lại sau ít phút."
