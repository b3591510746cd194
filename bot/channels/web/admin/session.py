"""Signing in and out of the admin pages, and the check every admin page makes first.

The link from /web opens a page with a «Đăng nhập» button; the token is spent only by that form's POST, so a
chat app's link preview (which fetches the URL) cannot use it up. The session cookie carries a random token,
signed; its hash is in `web_sessions`, so logout ends it on the server too. HttpOnly, SameSite=Strict, Secure
over HTTPS, 8 hours.
"""

from __future__ import annotations

from typing import Any

from tornado.web import HTTPError

from bot.channels.web.admin.viewer import Viewer, viewer
from bot.channels.web.base import Page
from storage import web_logins

COOKIE = "papi_admin"
DAYS = web_logins.SESSION_VALID_FOR.total_seconds() / 86400
REFUSED = {
    "unknown": "Liên kết đăng nhập không đúng.",
    "used": "Liên kết đăng nhập này đã được dùng. Mỗi liên kết chỉ dùng được một lần.",
    "expired": "Liên kết đăng nhập đã hết hạn (chỉ dùng được trong 10 phút).",
}
ASK_AGAIN = "Hãy gõ /web khi trò chuyện với Trợ lý PAPI (Zalo hoặc Telegram) để nhận liên kết mới."


class AdminBase(Page):
    xsrf_name = "_xsrf_admin"  # its own cookie, SameSite=Strict (the chat's is sent inside portals' iframes)


class AdminPage(AdminBase):
    """Every admin page: the viewer is found once, in `prepare`; without one the page redirects to sign-in."""

    viewer: Viewer

    async def prepare(self) -> None:
        super().prepare()
        token = self.signed(COOKIE, DAYS)
        person_id = await web_logins.session_person(self.web.core.db, token, self.web.now()) if token else None
        found = await viewer(self.web.core.db, person_id, self.web.core.config.admins) if person_id else None
        if found is None:
            self.clear_cookie(COOKIE)
            self.redirect("/admin/login")
            return
        self.viewer = found
        self.set_header("Cache-Control", "no-store")

    def page(self, template: str, **values: Any) -> None:
        self.render(template, viewer=self.viewer, xsrf_html=self.xsrf_form_html(), **values)


class AdminsPage(AdminPage):
    """A page of the admin commands (/nguoidung, /moi, plans): a leader gets 404, as for a page that is not there."""

    async def prepare(self) -> None:
        await super().prepare()
        if not self._finished and self.viewer.person.role != "admin":
            raise HTTPError(404)


class Login(AdminBase):
    def get(self) -> None:
        token = self.get_argument("token", "")
        note = "Bạn đã đăng xuất." if self.get_argument("ra", "") else ""
        self.render("login.html", token=token, error=None if token else f"{note} {ASK_AGAIN}".strip(),
                    xsrf_html=self.xsrf_form_html())

    async def post(self) -> None:
        result = await web_logins.use_link(self.web.core.db, self.get_argument("token", ""), self.web.now())
        if isinstance(result, str):
            self.set_status(400)
            self.render("login.html", token="", error=f"{REFUSED[result]} {ASK_AGAIN}", xsrf_html="")
            return
        if await viewer(self.web.core.db, result, self.web.core.config.admins) is None:
            self.set_status(403)
            self.render("login.html", token="", error="Tài khoản này không còn quyền vào trang quản trị.",
                        xsrf_html="")
            return
        session = await web_logins.open_session(self.web.core.db, result, self.web.now())
        self.set_signed(COOKIE, session, DAYS)
        self.redirect("/admin", status=303)


class Logout(AdminBase):
    async def post(self) -> None:
        token = self.signed(COOKIE, DAYS)
        if token:
            await web_logins.end_session(self.web.core.db, token, self.web.now())
        self.clear_cookie(COOKIE)
        self.redirect("/admin/login?ra=1", status=303)
