"""The admin pages in Debian's Chromium: /web gives an admin a one-time link, the link signs in once and within
10 minutes (a fixed clock), a citizen is refused; the progress page of a province set up with the speakers'
helpers, and its Excel file."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import httpx
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, expect

from bot import web_cli
from bot.settings import Settings
from handlers.core.router import Core
from handlers.reports.assignments import tasks_for
from storage import evidence, org, people, reports, web_logins
from tests.speakers import NOW, Person, invite, registered_official
from tests.web_site import Site

LINK = re.compile(r"(http://\S+/admin/login\?token=[A-Za-z0-9_-]+)")


async def admin(core: Core, user: str = "an", province: str = "Kon Tum") -> Person:
    code = await invite(core, None, None, role="admin", province=province)
    person = Person(core, user)
    assert "Đăng ký thành công" in (await person.say(f"/dangky {code}")).text
    return person


async def link_for(person: Person) -> str:
    reply = await person.say("/web")
    found = LINK.search(reply.text)
    assert found, reply.text
    return found.group(1)


async def sign_in(browser: Browser, url: str) -> Page:
    page = await (await browser.new_context()).new_page()
    await page.goto(url)
    await page.click("#login")
    return page


async def export_excel(page: Page, period: str = "") -> bytes:
    """The Excel file as a person gets it from the progress page: the form starts the export, the status page
    shows it done (its script polling the job), the link downloads it; then back to the progress page."""
    back = page.url
    await page.fill("input[name=ky]", period)
    await page.click("#export")
    await expect(page.locator("#state")).to_have_text("Đã xong.")
    await expect(page.locator("#bar")).to_have_attribute("value", "100")
    async with page.expect_download() as info:
        await page.click("#download")
    data = Path(await (await info.value).path()).read_bytes()
    await page.goto(back)
    return data


async def test_web_gives_an_admin_a_link_that_signs_in_once(site: Site, browser: Browser) -> None:
    url = await link_for(await admin(site.runner.core))  # type: ignore[arg-type]
    assert url.startswith(site.base + "/admin/login?token=")
    page = await sign_in(browser, url)
    await expect(page).to_have_url(site.base + "/admin")
    await expect(page.locator("h1")).to_have_text("Tình hình báo cáo kỳ hiện tại")
    await expect(page.locator(".scope")).to_have_text("Phạm vi: Kon Tum")
    cookie = next(c for c in await page.context.cookies() if c["name"] == "papi_admin")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] > 0
    again = await sign_in(browser, url)  # the same link, another browser
    await expect(again.locator("#error")).to_contain_text("đã được dùng")
    await expect(again.locator("h1")).to_have_text("Đăng nhập trang quản trị")
    assert again.url.endswith("/admin/login")
    # logout ends the session on the server too: the old cookie opens nothing
    await page.click("text=Đăng xuất")
    await expect(page.locator("#error")).to_contain_text("Bạn đã đăng xuất")
    await page.goto(site.base + "/admin")
    await expect(page).to_have_url(site.base + "/admin/login")


async def test_a_link_after_ten_minutes_is_refused(site: Site, browser: Browser) -> None:
    url = await link_for(await admin(site.runner.core))  # type: ignore[arg-type]
    site.clock.now = NOW + dt.timedelta(minutes=10)
    page = await sign_in(browser, url)
    await expect(page.locator("#error")).to_contain_text("hết hạn")
    site.clock.now = NOW + dt.timedelta(minutes=9, seconds=59)  # the same link was not spent by the refusal
    page = await sign_in(browser, url)
    await expect(page).to_have_url(site.base + "/admin")


async def test_a_link_previewer_opening_the_link_does_not_spend_it(site: Site, browser: Browser) -> None:
    url = await link_for(await admin(site.runner.core))  # type: ignore[arg-type]
    async with httpx.AsyncClient() as previewer:
        assert (await previewer.get(url)).status_code == 200  # a chat app fetching the page for its preview
    page = await sign_in(browser, url)
    await expect(page).to_have_url(site.base + "/admin")


async def test_a_citizen_and_an_official_are_refused(site: Site, core: Core) -> None:
    citizen = Person(core, "dan")
    assert "chỉ dành cho lãnh đạo xã" in (await citizen.say("/web")).text
    official = await registered_official(core)
    assert "chỉ dành cho lãnh đạo xã" in (await official.say("/web")).text
    assert await core.db.scalar("SELECT COUNT(*) FROM web_logins") == 0


async def test_without_a_session_every_admin_url_redirects_and_shows_nothing(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.base) as http:
        for path in ("/admin", "/admin/xuat/AAAAAAAAAAAAAAAA", "/admin/xuat/AAAAAAAAAAAAAAAA/tep"):
            got = await http.get(path)
            assert got.status_code == 302 and got.headers["Location"] == "/admin/login", path
            assert b"Kon Tum" not in got.content
    forged = {"papi_admin": "2|1:0|10:1700000000|10:papi_admin|4:eA==|ab"}  # a signature made up
    async with httpx.AsyncClient(base_url=site.base, cookies=forged) as http:
        assert (await http.get("/admin")).status_code == 302
    async with httpx.AsyncClient(base_url=site.base) as http:
        no_xsrf = await http.post("/admin/login", data={"token": "x"})
        assert no_xsrf.status_code == 403
        page = await http.get("/admin/login")
        assert page.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page.headers[
            "Content-Security-Policy"]


async def _province(core: Core) -> int:
    """Kon Tum: Lan's unit (Văn phòng HĐND-UBND xã Đắk Plô) has filed one report; a Khánh Hòa commune that a
    Kon Tum admin must not see has filed one too. Returns how many tasks Lan's unit has."""
    lan = await registered_official(core)
    person = await people.identify(core.db, "console", lan.user, NOW)
    unit = await org.get_unit(core.db, person.unit_id)  # type: ignore[arg-type]
    assert unit is not None
    far = await org.ensure_unit(core.db, "Khánh Hòa", await org.ensure_commune(core.db, "Khánh Hòa", None,
                                                                                "Vạn Thắng"), org.COMMUNE_UNIT)
    for target in (unit, far):
        a = tasks_for(core.kb, target)[0]
        files = (reports.Evidence("document", file_id=f"f{target.id}", name="bien-ban.pdf", channel="console"),)
        new = reports.NewReport(a.plan.id, a.task.id, target.id, a.period(NOW.date()).key, "xong", 100,
                                "Đã niêm yết", None, person.id, f"k-{target.id}", files)
        await reports.submit(core.db, new, NOW)
    return len(tasks_for(core.kb, unit))


async def _evidence_on_disk(core: Core, folder: Path) -> dict[str, int]:
    """Each report's file saved under EVIDENCE_DIR, as bot/evidence.py saves them: {commune: evidence id}."""
    rows = await core.db.fetchall("SELECT e.id, e.report_id, c.name FROM evidence e JOIN reports r ON"
                                  " r.id = e.report_id JOIN units u ON u.id = r.unit_id"
                                  " JOIN communes c ON c.id = u.commune_id")
    ids = {}
    for row in rows:
        path = folder / f"bao-cao-{row['report_id']:06d}" / f"minh-chung-{row['id']}.pdf"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"%PDF-1.4 bien ban " + row["name"].encode())
        await evidence.saved(core.db, row["id"], str(path))
        ids[row["name"]] = row["id"]
    return ids


async def test_the_dashboard_shows_who_has_reported_and_the_excel_file(site: Site, browser: Browser,
                                                                     core: Core) -> None:
    tasks = await _province(core)
    page = await sign_in(browser, await link_for(await admin(core)))
    rows = page.locator("#units tbody tr", has_text="Đắk Plô")
    row = rows.filter(has_text="Văn phòng HĐND-UBND xã")
    await expect(row.locator("td").nth(3)).to_have_text("1")
    await expect(row.locator("td.state")).to_have_text("Đã báo cáo đủ" if tasks == 1 else "Chưa báo cáo")
    await expect(rows.filter(has_text="UBND xã").last.locator("td.state")).to_have_text("Chưa báo cáo")
    await expect(page.locator("body")).not_to_contain_text("Vạn Thắng")
    book = load_workbook(io.BytesIO(await export_excel(page)))
    sheet = book.active
    assert sheet is not None and sheet["A1"].value == "Kỳ báo cáo"
    communes = {r[3] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Đắk Plô" in communes and "Vạn Thắng" not in communes
    statuses = [r[10] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Chưa báo cáo" in statuses and len(statuses) > 1
    # the filters: a commune typed without diacritics; units that have not reported everything
    await page.fill("#filters input[name=xa]", "dak plo")
    await page.select_option("select[name=chi]", "chua")
    await page.click("#filter")
    shown = page.locator("#units tbody tr")
    await expect(shown.filter(has_text="UBND xã").locator("td.state")).to_contain_text(["Chưa báo cáo"])
    assert set(await shown.locator("td:first-child").all_inner_texts()) == {"Đắk Plô"}
    await page.fill("#filters input[name=dv]", "van phong")  # and a unit, typed without diacritics
    await page.select_option("select[name=chi]", "")
    await page.click("#filter")
    await expect(shown).to_have_count(1)
    await expect(shown.locator("td").nth(1)).to_have_text("Văn phòng HĐND-UBND xã")
    await page.fill("#filters input[name=dv]", "")
    await page.fill("#filters input[name=xa]", "van thang")  # another province's commune: not there, filter or not
    await page.click("#filter")
    await expect(page.locator("#none")).to_contain_text("khớp bộ lọc")


async def test_a_leader_sees_their_commune_only(site: Site, browser: Browser, core: Core) -> None:
    await _province(core)
    await org.ensure_unit(core.db, "Kon Tum", await org.ensure_commune(core.db, "Kon Tum", None, "Ngọc Hồi"),
                          org.COMMUNE_UNIT)
    code = await invite(core, "dak plo", "ubnd xa", role="leader")
    leader = Person(core, "truong")
    assert "Đăng ký thành công" in (await leader.say(f"/dangky {code}")).text
    page = await sign_in(browser, await link_for(leader))
    await expect(page.locator(".scope")).to_have_text("Phạm vi: Đắk Plô (Kon Tum)")
    await expect(page.locator("#units tbody td:first-child")).to_have_text(["Đắk Plô"] * 2)  # its two units
    await expect(page.locator("#compose")).to_have_count(0)
    assert (await page.request.get(f"{site.base}/admin/thong-bao")).status == 404  # /thongbao is for admins


async def test_a_units_reports_and_evidence_only_within_the_province(site: Site, browser: Browser, core: Core,
                                                                    tmp_path: Path) -> None:
    await _province(core)
    site.web.evidence_dir = tmp_path / "evidence"
    files = await _evidence_on_disk(core, site.web.evidence_dir)
    page = await sign_in(browser, await link_for(await admin(core)))
    await page.click("#units >> text=Văn phòng HĐND-UBND xã")
    await expect(page.locator("h1")).to_contain_text("Văn phòng HĐND-UBND xã – Đắk Plô")
    report = page.locator("section.task", has_text="Đã hoàn thành")
    await expect(report).to_contain_text("100%")
    await expect(report).to_contain_text("Đã niêm yết")
    got = await page.request.get(f"{site.base}/admin/minh-chung/{files['Đắk Plô']}")
    assert got.status == 200 and (await got.body()).startswith(b"%PDF") and got.headers["content-type"] == \
        "application/pdf"
    # Khánh Hòa's file and unit, asked for by number by a Kon Tum admin: 404, as if they did not exist
    assert (await page.request.get(f"{site.base}/admin/minh-chung/{files['Vạn Thắng']}")).status == 404
    far = await core.db.scalar("SELECT u.id FROM units u JOIN communes c ON c.id = u.commune_id"
                               " WHERE c.name = 'Vạn Thắng'")
    assert (await page.request.get(f"{site.base}/admin/don-vi/{far}")).status == 404
    # a stored path outside EVIDENCE_DIR is never served
    await evidence.saved(core.db, files["Đắk Plô"], str(tmp_path / "bot.sqlite3"))
    assert (await page.request.get(f"{site.base}/admin/minh-chung/{files['Đắk Plô']}")).status == 404


async def test_an_admin_composes_a_broadcast_and_sees_its_delivery_report(site: Site, browser: Browser,
                                                                         core: Core) -> None:
    await registered_official(core)  # Lan, an official of Kon Tum: the one recipient
    page = await sign_in(browser, await link_for(await admin(core)))
    await page.click("#compose")
    await page.fill("textarea[name=text]", "Họp giao ban PAPI lúc 8 giờ thứ Hai")
    await page.select_option("select[name=kind]", "role")
    await page.fill("input[name=value]", "official")
    await page.click("#preview-button")
    await expect(page.locator("#count")).to_have_text("1")
    await page.click("#send")
    await expect(page.locator("h1")).to_contain_text("Thông báo số")
    await expect(page.locator("#summary")).to_contain_text("đã gửi 0")
    rows = await core.db.fetchall("SELECT text FROM outbox WHERE kind = 'broadcast'")
    assert [r["text"] for r in rows] == ["📢 Thông báo:\nHọp giao ban PAPI lúc 8 giờ thứ Hai"]
    # another admin cannot read this broadcast's report
    number = page.url.rsplit("/", 1)[1]
    other = await sign_in(browser, await link_for(await admin(core, "binh")))
    assert (await other.request.get(f"{site.base}/admin/thong-bao/{number}")).status == 404


async def test_a_broadcast_without_text_is_refused_and_keeps_the_form(site: Site, browser: Browser,
                                                                     core: Core) -> None:
    page = await sign_in(browser, await link_for(await admin(core)))
    await page.goto(site.base + "/admin/thong-bao")
    await page.fill("textarea[name=text]", "😀😀")
    await page.click("#preview-button")
    await expect(page.locator("#error")).to_contain_text("Hãy mô tả bằng chữ")
    assert await core.db.scalar("SELECT COUNT(*) FROM broadcasts") == 0


async def test_two_clicks_at_once_sign_in_once(core: Core) -> None:
    person = await people.identify(core.db, "console", "an", NOW)
    token = await web_logins.create_link(core.db, person.id, NOW)
    results = await asyncio.gather(*(web_logins.use_link(core.db, token, NOW) for _ in range(5)))
    assert sorted(map(str, results)) == sorted([str(person.id)] + ["used"] * 4)
    stored = await core.db.fetchall("SELECT token_hash FROM web_logins")
    assert [r[0] for r in stored] == [hashlib.sha256(token.encode()).hexdigest()]  # the token itself is not kept


async def test_web_login_prints_a_link_for_operators(core: Core, tmp_path: Path, capsys) -> None:
    an = await admin(core)
    an_id = (await people.identify(core.db, "console", an.user, NOW)).id
    citizen = (await people.identify(core.db, "console", "dan", NOW)).id
    settings = Settings(_env_file=None, database=tmp_path / "bot.sqlite3",  # type: ignore[call-arg]
                        public_url="https://papi.example.gov.vn")
    assert await web_cli.login_link(settings, an_id) == 0
    out = capsys.readouterr().out
    assert "https://papi.example.gov.vn/admin/login?token=" in out
    assert await web_cli.login_link(settings, citizen) == 2
    assert "không có quyền" in capsys.readouterr().out
