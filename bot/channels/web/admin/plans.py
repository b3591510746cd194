"""Plans (admins): the province's plans (loaded versions and the bundled ones), and a plan file uploaded, checked
and previewed exactly as `plan import --dry-run` and the chat upload do (handlers/plans/received.py, importer.py,
preview.py), then published with «Công bố» or dropped with «Hủy».

Nothing is saved before «Công bố»: the checked plan waits on the server (`bot/channels/web/drafts.py`), bound to
the admin who uploaded it, and the preview's form carries only its random id; «Hủy» (a POST) discards it. The
scope is checked again on publishing, and a preview made while another version was in force publishes nothing.
"""

from __future__ import annotations

from typing import Any

from tornado.web import HTTPError

from bot.channels.web.admin.session import AdminsPage
from handlers.org import sheet
from handlers.plans import importer, preview, received, upload
from handlers.plans.active import period
from storage import plans as stored_plans

STATES = {"draft": "Bản nháp", "active": "Đang áp dụng", "superseded": "Đã được thay thế", "archived": "Đã lưu trữ"}
GONE = "Bản xem trước này đã hết hạn hoặc đã được hủy; chưa công bố gì. Hãy tải tệp lên lại."


class PlansBase(AdminsPage):
    def mine(self, province: str) -> bool:
        return received.in_scope(self.viewer.person, province)

    async def show(self, note: str | None = None, problems: list[str] | None = None) -> None:
        core = self.web.core
        loaded = [p for p in await stored_plans.listing(core.db) if self.mine(p.province)]
        bundled = [p for p in core.kb.plans if self.mine(p.province)]
        self.page("plans.html", loaded=loaded, bundled=bundled, states=STATES, period=period, note=note,
                  problems=problems or [], zone=core.config.zone, max_mb=sheet.MAX_BYTES // 1024 // 1024)

    def draft(self) -> tuple[str, dict[str, Any] | None]:
        key = self.get_body_argument("ban", "")
        return key, self.web.drafts.get(key, self.viewer.person.id)


class PlansPage(PlansBase):
    async def get(self) -> None:
        await self.show()

    async def post(self) -> None:
        """A file uploaded: read and checked, then the preview (nothing saved)."""
        files = self.request.files.get("tep") or []
        if not files or not files[0].body:
            self.set_status(400)
            return await self.show("Hãy chọn tệp kế hoạch (.xlsx hoặc .docx).")
        core, person = self.web.core, self.viewer.person
        name = received.safe_name(files[0].filename)
        try:
            outcome = await received.read(core.db, person, name, files[0].body)
        except received.NotRead as bad:
            self.set_status(400)
            return await self.show(bad.note, bad.problems)
        if not self.mine(outcome.plan.province):
            self.set_status(400)
            return await self.show(received.out_of_scope(person, name, outcome.plan.province))
        seen = await received.active_version(core.db, outcome.plan.id)
        key = self.web.drafts.put(person.id, {**upload.draft_of(name, outcome), "active": seen})
        items = await preview.reminders(core.db, core.kb, outcome.plan, self.web.now(), core.config.zone)
        same = await stored_plans.by_sha(core.db, outcome.sha256)
        self.page("plan_preview.html", name=name, text=preview.as_text(outcome, items, core.config.zone), same=same,
                  key=key)


class Publish(PlansBase):
    async def post(self) -> None:
        key, draft = self.draft()
        if draft is None:  # another person's, expired, cancelled, published already, or never made
            self.set_status(400)
            return await self.show(GONE)
        self.web.drafts.drop(key, self.viewer.person.id)  # used once, before any wait: a second click finds none
        db = self.web.core.db
        outcome = upload.outcome_of(draft)
        if not self.mine(outcome.plan.province):
            raise HTTPError(404)
        now_active = await received.active_version(db, outcome.plan.id)
        if now_active != draft["active"]:
            self.set_status(409)
            return await self.show(received.overtaken(outcome.plan.id, draft["active"], now_active))
        saved = await importer.save(db, outcome, draft["name"], True, self.web.now())
        assert saved.stored is not None
        await self.show(upload.published(saved.stored, saved))


class Cancel(PlansBase):
    async def post(self) -> None:
        key, _ = self.draft()
        self.web.drafts.drop(key, self.viewer.person.id)
        await self.show("Đã hủy bản xem trước; chưa lưu gì.")
