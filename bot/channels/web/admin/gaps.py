"""Unanswered questions, for curators: the administrators of every province (ADMIN_IDS), who keep the knowledge
base; a province's admin does not see the country's questions. Most asked first, the scrubbed text only (what
storage/gaps.py keeps: no asker, the day only), and «Đã xử lý» hides a question until it is asked again on a
later day."""

from __future__ import annotations

from tornado.web import HTTPError

from bot.channels.web.admin.session import AdminsPage
from storage import gaps


def curator(page: AdminsPage) -> bool:
    return page.viewer.province is None


class CuratorPage(AdminsPage):
    async def prepare(self) -> None:
        await super().prepare()
        if not self._finished and not curator(self):
            raise HTTPError(404)


class Gaps(CuratorPage):
    async def get(self) -> None:
        found = await gaps.unhandled(self.web.core.db)
        self.page("gaps.html", gaps=found, zone=self.web.core.config.zone)


class Handled(CuratorPage):
    async def post(self) -> None:
        if not await gaps.mark_handled(self.web.core.db, self.get_body_argument("cau", ""), self.viewer.person.id,
                                       self.web.now()):
            raise HTTPError(404)
        self.redirect("/admin/cau-hoi", status=303)
