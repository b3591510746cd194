"""Plans (admins): the province's plans (loaded versions and the bundled ones), and a plan file uploaded, checked
and previewed exactly as `plan import --dry-run` and the chat upload do (handlers/plans/importer.py, preview.py,
upload.py), then published with «Công bố» or dropped with «Hủy».

Nothing is saved before «Công bố»: the checked plan travels in the preview's form, signed with the channel's key
(as the session cookie is), valid two hours; a tampered or stale form is refused, and the scope is checked again.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tornado.web import HTTPError, create_signed_value, decode_signed_value

from bot.channels.web.admin.session import AdminsPage
from handlers.org import sheet
from handlers.plans import importer, preview, reading, upload
from handlers.plans.active import period
from storage import plans as stored_plans
from storage.org import same_place

SIGNED = "ke-hoach"
VALID_DAYS = 2 / 24
STATES = {"draft": "Bản nháp", "active": "Đang áp dụng", "superseded": "Đã được thay thế", "archived": "Đã lưu trữ"}


class PlansBase(AdminsPage):
    def mine(self, province: str) -> bool:
        return self.viewer.province is None or same_place(province, self.viewer.province)

    async def show(self, note: str | None = None, problems: list[str] | None = None) -> None:
        core = self.web.core
        loaded = [p for p in await stored_plans.listing(core.db) if self.mine(p.province)]
        bundled = [p for p in core.kb.plans if self.mine(p.province)]
        self.page("plans.html", loaded=loaded, bundled=bundled, states=STATES, period=period, note=note,
                  problems=problems or [], zone=core.config.zone)



class PlansPage(PlansBase):
    async def get(self) -> None:
        await self.show()

    async def post(self) -> None:
        """A file uploaded: read and checked, then the preview (nothing saved)."""
        files = self.request.files.get("tep") or []
        if not files or not files[0].body:
            self.set_status(400)
            return await self.show("Hãy chọn tệp kế hoạch (.xlsx hoặc .docx).")
        name = "".join(ch for ch in Path(files[0].filename.replace("\\", "/")).name
                       if ch.isalnum() or ch in " ._-()")[-120:].strip() or "ke-hoach.xlsx"
        try:
            outcome = await self._read(name, files[0].body)
        except reading.Refused as refused:
            self.set_status(400)
            return await self.show(f"Tệp {name} không nhận được: {refused} Chưa có gì được lưu.")
        except importer.Invalid as bad:
            self.set_status(400)
            return await self.show(f"Tệp {name} chưa nhập được, chưa có gì được lưu "
                                   f"({len(bad.parsed.problems)} lỗi):", bad.parsed.problems)
        if not self.mine(outcome.plan.province):
            self.set_status(400)
            return await self.show(f"Kế hoạch trong tệp {name} là của tỉnh {outcome.plan.province}, ngoài phạm vi "
                                   "của bạn.")
        core, reach = self.web.core, outcome.reach
        draft = {"name": name, "sha256": outcome.sha256, "plan": outcome.plan.model_dump_json(),
                 "reach": [reach.units, reach.communes, reach.commune_units]}
        items = await preview.reminders(core.db, core.kb, outcome.plan, self.web.now(), core.config.zone)
        same = await stored_plans.by_sha(core.db, outcome.sha256)
        self.page("plan_preview.html", name=name, text=preview.as_text(outcome, items, core.config.zone), same=same,
                  signed=create_signed_value(self.web.secret, SIGNED, json.dumps(draft)).decode())

    async def _read(self, name: str, data: bytes) -> importer.Outcome:
        if len(data) > sheet.MAX_BYTES:
            raise reading.Refused(f"tệp lớn quá {sheet.MAX_BYTES // 1024 // 1024} MB.")
        defaults = {"province": self.viewer.province or ""}  # a province admin's file need not name its province
        with tempfile.TemporaryDirectory(prefix="ke-hoach-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            return await importer.read(self.web.core.db, path, defaults=defaults)


class Publish(PlansBase):
    async def post(self) -> None:
        raw = decode_signed_value(self.web.secret, SIGNED, self.get_body_argument("ban", ""), max_age_days=VALID_DAYS)
        if raw is None:  # tampered with, or older than two hours
            raise HTTPError(400)
        draft = json.loads(raw)
        outcome = upload.outcome_of(draft)
        if not self.mine(outcome.plan.province):
            raise HTTPError(404)
        saved = await importer.save(self.web.core.db, outcome, draft["name"], True, self.web.now())
        assert saved.stored is not None
        await self.show(upload.published(saved.stored, saved))
