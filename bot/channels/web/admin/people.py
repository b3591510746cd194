"""People and invitations (admins, as /nguoidung, /thuhoi and /moi): the registered people of the province,
revoking one's role, a code for one unit (with its Telegram link and QR code), and the bulk sheet of codes for
every commune unit (`invite --all-units`'s workbook, QR codes inside). The rules are the commands' own
(`handlers/people/members.py`, `handlers/invitations/`), so the page and the chat agree."""

from __future__ import annotations

import base64

from tornado.web import HTTPError

from bot.channels.web.admin.exports import XLSX
from bot.channels.web.admin.reports import sees
from bot.channels.web.admin.session import AdminsPage
from handlers.core.commands import ROLE_NAMES
from handlers.core.context import Ctx
from handlers.core.messages import Render
from handlers.invitations import bulk
from handlers.invitations.flow import ROLES, VALID_DAYS, announce, deep_link, issue
from handlers.people.members import revoke
from handlers.scores.province_names import province_in
from storage import org, people

PAGE = 50


class PeopleBase(AdminsPage):
    def ctx(self) -> Ctx:
        core = self.web.core
        return Ctx(core.kb, core.db, self.viewer.person, self.web.now(), core.config)

    def bot_username(self) -> str | None:
        return self.web.core.bot_usernames.get("telegram")

    async def show(self, note: str | None = None, code: dict[str, str] | None = None) -> None:
        db, province = self.web.core.db, self.viewer.province
        total = await people.count_members(db, province)
        pages = max(1, (total + PAGE - 1) // PAGE)
        page = min(max(int(n) if (n := self.get_argument("trang", "1")).isdigit() and len(n) < 6 else 1, 1), pages)
        rows = await people.members(db, province, PAGE, (page - 1) * PAGE)
        units = [u for u in await org.units(db, province) if u.commune]
        self.page("people.html", members=rows, total=total, page=page, pages=pages, units=units, roles=ROLES,
                  role_names=ROLE_NAMES, note=note, code=code, me=self.viewer.person.id)



class PeoplePage(PeopleBase):
    async def get(self) -> None:
        await self.show()


class Revoke(PeopleBase):
    async def post(self) -> None:
        await self.show((await revoke(self.ctx(), self.get_body_argument("nguoi", ""))).text)


class Invite(PeopleBase):
    async def post(self) -> None:
        db, role = self.web.core.db, self.get_body_argument("vai-tro", "")
        number = self.get_body_argument("don-vi", "")
        unit = await org.get_unit(db, int(number)) if number.isdigit() and len(number) < 13 else None
        if unit is None or not sees(self.viewer, unit) or unit.commune is None or role not in ROLES:
            self.set_status(400)
            return await self.show("Hãy chọn một đơn vị trong tỉnh và một vai trò.")
        now = self.web.now()
        code = await issue(db, unit, role, unit.province, self.viewer.person.id, now)
        link = deep_link(code, self.bot_username())
        qr = base64.b64encode(bulk.qr_png(link)).decode() if link else ""
        text = announce(code, unit.label, role, now, self.web.core.config.zone, self.bot_username())
        await self.show(code={"code": code, "text": text, "link": link or "", "qr": qr,
                              "zalo": bulk.zalo_text(code)})


class BulkSheet(PeopleBase):
    """A fresh code for every commune unit of the province, as a workbook with QR codes (POST: it issues codes)."""

    async def post(self) -> None:
        core, role = self.web.core, self.get_body_argument("vai-tro", "official")
        province = self.viewer.province or province_in(core.kb, self.get_body_argument("tinh", ""))
        if role not in ROLES:
            raise HTTPError(400)
        if province is None:  # an admin of every province says which
            self.set_status(400)
            return await self.show("Hãy ghi tên tỉnh cần in mã mời.")
        now = self.web.now()
        cards = await bulk.for_all_units(core.db, province, role, VALID_DAYS, now)
        if not cards:
            self.set_status(400)
            return await self.show(f"Tỉnh {province} chưa có đơn vị cấp xã nào: hãy nạp bản đồ hành chính trước.")
        data = await core.renderer.run(Render(bulk.workbook, (cards, self.bot_username(), core.config.zone),
                                              "document"))
        self.set_header("Content-Type", XLSX)
        day = now.astimezone(core.config.zone)  # the date the admin's calendar shows, not UTC's
        self.set_header("Content-Disposition", f'attachment; filename="ma-moi-{day:%Y%m%d}.xlsx"')
        self.finish(data)
