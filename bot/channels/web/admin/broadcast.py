"""The broadcast composer (admins only, as /thongbao): text, audience, a preview with the recipient count, now or
at a time; then the delivery report, refreshed while it runs. The audiences, the recipients and the rows come
from handlers/broadcasts/ and storage/broadcasts.py, as in the chat, and the text is checked by the same rule."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tornado.web import HTTPError

from bot.channels.web.admin.session import AdminPage
from handlers.broadcasts import audience as broadcasts
from handlers.core.flow import Answer, Invalid, text_answer
from handlers.reminders.quiet import hold
from storage import broadcasts as stored
from storage import outbox

Kind = Literal["all", "province", "district", "commune", "role", "not_reported"]


class Draft(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    text: str = Field(max_length=20_000)
    kind: Kind
    value: str = Field(default="", max_length=100)
    when: str = ""  # "" (now) or the browser's datetime-local, "2024-06-03T08:00"

    def audience(self) -> broadcasts.Audience:
        return broadcasts.Audience(self.kind, self.value or None if self.kind not in ("all", "not_reported") else None)


class Composer(AdminPage):
    def prepare_admin(self) -> None:
        if self.viewer.person.role != "admin":  # /thongbao's roles: leaders do not broadcast
            raise HTTPError(404)

    def get(self) -> None:
        self.prepare_admin()
        self.form({}, None, None)

    async def post(self) -> None:
        self.prepare_admin()
        fields = {k: self.get_body_argument(k, "") for k in ("text", "kind", "value", "when")}
        try:
            draft = Draft.model_validate(fields)
            text_answer(Answer(draft.text), "nội dung thông báo")
            if draft.kind in ("province", "district", "commune", "role") and not draft.value:
                raise Invalid("Hãy ghi tên địa bàn hoặc chọn vai trò.")
            send_at = self._when(draft.when)
        except ValidationError:
            return self._again(None, "Hãy điền nội dung và chọn người nhận.")
        except Invalid as bad:
            return self._again(fields, str(bad))
        core = self.web.core
        today = self.web.now().astimezone(core.config.zone).date()
        ids = await broadcasts.recipients(core.db, core.kb, draft.audience(), self.viewer.province, today)
        if self.get_body_argument("action", "") != "send" or not ids:
            note = None if ids else "Không có ai nhận: hãy chọn lại."
            return self.form(fields, note, len(ids))
        held = hold(send_at.astimezone(core.config.zone), core.config.quiet_hours)
        number = await broadcasts.create(core.db, self.viewer.person.id, draft.text, draft.audience(), ids, held,
                                         self.web.now())
        self.redirect(f"/admin/thong-bao/{number}", status=303)

    def _when(self, text: str) -> dt.datetime:
        now = self.web.now()
        if not text:
            return now
        try:
            when = dt.datetime.fromisoformat(text).replace(tzinfo=self.web.core.config.zone)
        except ValueError:
            raise Invalid("Ngày giờ không hợp lệ.") from None
        if when <= now:
            raise Invalid("Thời điểm này đã qua. Hãy chọn một thời điểm sắp tới.")
        return when

    def _again(self, fields: dict[str, str] | None, error: str) -> None:
        self.set_status(400)
        self.form(fields or {}, error, None)

    def form(self, fields: dict[str, str], error: str | None, count: int | None) -> None:
        """The form with what was typed kept; with `count`, the preview and the send button."""
        self.page("broadcast.html", fields=fields, error=error, count=count, kinds=broadcasts.KINDS,
                  roles=broadcasts.ROLE_LABELS)


class Delivery(AdminPage):
    async def get(self, number: str) -> None:
        author = await stored.author_of(self.web.core.db, int(number))
        if author is None or author != self.viewer.person.id:  # an author sees their own broadcasts' reports
            raise HTTPError(404)
        counts = await outbox.counts(self.web.core.db, int(number))
        running = counts.get("pending", 0) + counts.get("sending", 0)
        self.page("delivery.html", number=int(number), counts=counts, running=running,
                  summary=broadcasts.summary(counts))
