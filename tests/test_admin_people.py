"""People and invitations, plans, and unanswered questions in Debian's Chromium: an admin issues a code (with its
QR code), downloads the bulk sheet, revokes a role; uploads a plan file, sees the preview and publishes it (or
cancels, saving nothing); a curator marks a question as handled. Each page is for whom it says, every form needs
its XSRF token, and without a session each redirects to sign-in."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import httpx
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, expect

from handlers.core.router import Core
from handlers.org import official
from handlers.org.load import load_map
from handlers.org.template import load_template
from handlers.plans import template
from storage import gaps, org, people
from storage import plans as stored_plans
from tests.speakers import NOW, Person, invite, registered_official
from tests.test_admin_web import admin, link_for, sign_in
from tests.test_province_end_to_end import PLAN_INFO, TODAY, plan_xlsx
from tests.web_site import Site

PAGES = ("/admin/nguoi-dung", "/admin/ke-hoach", "/admin/cau-hoi")
POSTS = ("/admin/nguoi-dung/thu-hoi", "/admin/nguoi-dung/moi", "/admin/nguoi-dung/ma-moi.xlsx", "/admin/ke-hoach",
         "/admin/ke-hoach/cong-bo", "/admin/ke-hoach/huy", "/admin/cau-hoi/xong")


def accept_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


async def test_people_a_code_the_bulk_sheet_and_revoking(site: Site, browser: Browser, core: Core) -> None:
    await registered_official(core)  # Lan, of Đắk Plô's Văn phòng
    lan = (await people.identify(core.db, "console", "lan", NOW)).id
    core.bot_usernames["telegram"] = "TroLyPapiBot"
    page = await sign_in(browser, await link_for(await admin(core)))
    accept_dialogs(page)
    await page.click("text=Người dùng")
    await expect(page.locator("h1")).to_have_text("Người dùng và mã mời")
    row = page.locator("#members tr", has_text=f"#{lan}")
    await expect(row).to_contain_text("Văn phòng HĐND-UBND xã – Đắk Plô")
    # one code, for a unit of the province, with its link and QR code
    await page.select_option("select[name=don-vi]", label="Đắk Plô – Văn phòng HĐND-UBND xã")
    await page.click("#issue")
    await expect(page.locator("#code")).to_contain_text("Mã mời cho Văn phòng HĐND-UBND xã")
    code = (await page.locator("#code p.text").inner_text()).splitlines()[-1]
    await expect(page.locator("#code a")).to_have_text(f"https://t.me/TroLyPapiBot?start=moi-{code}")
    assert await page.locator("#qr").evaluate("img => img.complete && img.naturalWidth > 100")
    newcomer = Person(core, "moi")
    assert "Đăng ký thành công" in (await newcomer.say(f"/dangky {code}")).text
    # the bulk sheet: a code per commune unit, QR codes inside
    async with page.expect_download() as info:
        await page.click("#bulk-sheet")
    book = load_workbook(io.BytesIO(Path(await (await info.value).path()).read_bytes()))
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    units = await core.db.scalar("SELECT COUNT(*) FROM units WHERE province = 'Kon Tum' AND commune_id IS NOT NULL")
    assert len(rows) == units and {r[0] for r in rows} == {"Đắk Plô"}
    assert len(sheet._images) == units
    # revoking Lan's role: asked first, then done, as /thuhoi
    await page.goto(site.base + "/admin/nguoi-dung")
    await page.locator("#members tr", has_text=f"#{lan}").locator("button").click()
    await expect(page.locator("#note")).to_contain_text(f"Đã thu hồi quyền của người dùng #{lan}")
    assert (await people.get(core.db, lan)).role == "citizen"  # type: ignore[union-attr]


async def test_the_people_pages_are_for_admins_of_the_province(site: Site, browser: Browser, core: Core) -> None:
    await registered_official(core)
    far = await admin(core, "xa", province="Khánh Hòa")
    far_id = (await people.identify(core.db, "console", far.user, NOW)).id
    async with httpx.AsyncClient(base_url=site.base) as http:
        for path in PAGES:
            redirected = await http.get(path)
            assert redirected.status_code == 302 and redirected.headers["Location"] == "/admin/login", path
        for path in POSTS:
            assert (await http.post(path, data={})).status_code == 403, path  # no XSRF token
    page = await sign_in(browser, await link_for(await admin(core)))
    await page.goto(site.base + "/admin/nguoi-dung")
    await expect(page.locator("#members")).not_to_contain_text("Khánh Hòa")
    xsrf = await page.locator("#invite input[name=_xsrf]").get_attribute("value") or ""
    # another province's person cannot be revoked, nor a code issued for another province's unit
    got = await page.request.post(f"{site.base}/admin/nguoi-dung/thu-hoi", form={"_xsrf": xsrf, "nguoi": far_id})
    assert "Không tìm thấy người này" in await got.text()
    assert (await people.get(core.db, far_id)).role == "admin"  # type: ignore[union-attr]
    far_unit = (await org.ensure_unit(core.db, "Khánh Hòa", await org.ensure_commune(
        core.db, "Khánh Hòa", None, "Vạn Thắng"), org.COMMUNE_UNIT)).id
    got = await page.request.post(f"{site.base}/admin/nguoi-dung/moi", form={
        "_xsrf": xsrf, "don-vi": far_unit, "vai-tro": "official"})
    assert got.status == 400
    assert await core.db.scalar("SELECT COUNT(*) FROM invitations WHERE unit_id = ?", (far_unit,)) == 0
    # a province's admin is no curator; a leader sees none of these pages
    assert (await page.request.get(site.base + "/admin/cau-hoi")).status == 404
    code = await invite(core, "dak plo", "ubnd xa", role="leader")
    leader = Person(core, "truong")
    assert "Đăng ký thành công" in (await leader.say(f"/dangky {code}")).text
    seen = await sign_in(browser, await link_for(leader))
    for path in PAGES:
        assert (await seen.request.get(site.base + path)).status == 404, path
    await expect(seen.locator("nav.links")).not_to_contain_text("Người dùng")


async def test_a_plan_uploaded_previewed_cancelled_then_published(site: Site, browser: Browser, core: Core,
                                                                  tmp_path: Path) -> None:
    await load_map(core.db, load_template(), official.province("Lai Châu"))
    site.clock.now = TODAY
    dung = await admin(core, "dung", province="Lai Châu")
    dung.at = TODAY
    page = await sign_in(browser, await link_for(dung))
    template.write(tmp_path / "mau.xlsx")
    xlsx = plan_xlsx(tmp_path / "mau.xlsx", tmp_path / "ke-hoach-2026.xlsx")
    await page.click("text=Kế hoạch")
    await expect(page.locator("#none-loaded")).to_be_visible()
    await page.set_input_files("input[name=tep]", str(xlsx))
    await page.click("#preview")
    await expect(page.locator("h1")).to_have_text("Xem trước: ke-hoach-2026.xlsx")
    await expect(page.locator("#summary")).to_contain_text(f"Kế hoạch: {PLAN_INFO['Tên kế hoạch']}")
    await expect(page.locator("#summary")).to_contain_text("3 nhiệm vụ")
    assert await stored_plans.listing(core.db) == []  # a preview saves nothing
    cancelled = await page.locator("input[name=ban]").get_attribute("value") or ""
    await page.click("#cancel")  # a POST: the draft is gone from the server
    await expect(page.locator("#note")).to_contain_text("Đã hủy bản xem trước")
    await expect(page.locator("#none-loaded")).to_be_visible()
    xsrf = await page.locator("#upload input[name=_xsrf]").get_attribute("value") or ""
    got = await page.request.post(f"{site.base}/admin/ke-hoach/cong-bo", form={"_xsrf": xsrf, "ban": cancelled})
    assert got.status == 400 and "đã hết hạn hoặc đã được hủy" in await got.text()
    assert await stored_plans.listing(core.db) == []
    # two previews: the older was made before a version was in force, so after publishing the newer it is refused
    await page.set_input_files("input[name=tep]", str(xlsx))
    await page.click("#preview")
    older = await page.locator("input[name=ban]").get_attribute("value") or ""
    await page.goto(site.base + "/admin/ke-hoach")
    await page.set_input_files("input[name=tep]", str(xlsx))
    await page.click("#preview")
    newer = await page.locator("input[name=ban]").get_attribute("value") or ""
    assert len(newer) >= 24 and len(await page.content()) < 20_000  # only an id travels in the form
    # another admin of the province cannot publish this admin's preview
    em = await admin(core, "em", province="Lai Châu")
    em.at = TODAY
    other = await sign_in(browser, await link_for(em))
    await other.goto(site.base + "/admin/ke-hoach")
    token = await other.locator("#upload input[name=_xsrf]").get_attribute("value") or ""
    got = await other.request.post(f"{site.base}/admin/ke-hoach/cong-bo", form={"_xsrf": token, "ban": newer})
    assert got.status == 400 and await stored_plans.listing(core.db) == []
    await page.click("#publish")
    await expect(page.locator("#note")).to_contain_text("Đã công bố kế hoạch lai-chau-2026 phiên bản 1")
    await expect(page.locator("#loaded tbody tr")).to_have_count(1)
    await expect(page.locator("#loaded td.state")).to_have_text("Đang áp dụng")
    got = await page.request.post(f"{site.base}/admin/ke-hoach/cong-bo", form={"_xsrf": xsrf, "ban": newer})
    assert got.status == 400  # used once
    got = await page.request.post(f"{site.base}/admin/ke-hoach/cong-bo", form={"_xsrf": xsrf, "ban": older})
    assert got.status == 409
    assert "khi đó chưa có phiên bản nào đang áp dụng" in await got.text()
    assert [(p.id, p.version, p.state) for p in await stored_plans.listing(core.db)] == [
        ("lai-chau-2026", 1, "active")]
    # a file named ".." or without a suffix: refused politely, nothing saved
    for name in ("..", "ke hoach"):
        got = await page.request.post(f"{site.base}/admin/ke-hoach", multipart={
            "_xsrf": xsrf, "tep": {"name": name, "mimeType": "application/octet-stream", "buffer": xlsx.read_bytes()}})
        assert got.status == 400, name
        assert "không có đuôi" in await got.text(), name
    # a file with errors: listed, nothing saved
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(b"not a workbook")
    await page.set_input_files("input[name=tep]", str(bad))
    await page.click("#preview")
    await expect(page.locator("#note")).to_contain_text("Tệp sai.xlsx không nhận được")
    assert [(p.id, p.version) for p in await stored_plans.listing(core.db)] == [("lai-chau-2026", 1)]


async def test_a_curator_sees_the_questions_most_asked_first_and_marks_one(site: Site, browser: Browser,
                                                                          core: Core) -> None:
    for question, times in (("thủ tục cấp đổi sổ đỏ 0912345678", 3), ("giá lúa hôm nay", 1)):
        for _ in range(times):
            await gaps.record(core.db, question, NOW)
    core.config = replace(core.config, admins=frozenset({"console:op"}))  # ADMIN_IDS: the operator, a curator
    page = await sign_in(browser, await link_for(Person(core, "op")))
    await expect(page.locator(".scope")).to_have_text("Phạm vi: tất cả các tỉnh")
    await page.click("text=Câu hỏi chưa trả lời")
    rows = page.locator("#gaps tbody tr")
    await expect(rows.locator("td:first-child")).to_have_text(["thủ tục cấp đổi sổ đỏ [số điện thoại]",
                                                               "giá lúa hôm nay"])
    await expect(rows.first.locator("td").nth(1)).to_have_text("3")
    await rows.first.locator("button").click()
    await expect(rows.locator("td:first-child")).to_have_text(["giá lúa hôm nay"])
    # asked again the next day: back, counted from then (once; the most recent first among equals)
    await gaps.record(core.db, "Thủ tục cấp đổi sổ đỏ", NOW + dt.timedelta(days=1))
    await page.reload()
    await expect(rows.locator("td:first-child")).to_have_text(["Thủ tục cấp đổi sổ đỏ", "giá lúa hôm nay"])
    await expect(rows.first.locator("td").nth(1)).to_have_text("1")
    xsrf = await rows.first.locator("input[name=_xsrf]").get_attribute("value") or ""
    got = await page.request.post(f"{site.base}/admin/cau-hoi/xong", form={"_xsrf": xsrf, "cau": "khong co"})
    assert got.status == 404
