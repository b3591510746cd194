"""The background Excel export in Debian's Chromium: the status page shows a job's progress as its script polls
it, then the download; a job is its starter's only; the form needs its XSRF token and a well-formed period; a
leader's file and a filtered file hold only their rows."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

import httpx
from openpyxl import load_workbook
from playwright.async_api import Browser, expect

from handlers.core.router import Core
from storage import people
from tests.speakers import NOW, Person, invite
from tests.test_admin_web import _province, admin, export_excel, link_for, sign_in
from tests.web_site import Site


async def test_the_status_page_follows_the_job_then_offers_the_file(site: Site, browser: Browser,
                                                                    core: Core) -> None:
    an = await admin(core)
    page = await sign_in(browser, await link_for(an))
    owner = (await people.identify(core.db, "console", an.user, NOW)).id
    release = asyncio.Event()
    steps: list[Callable[[int], None]] = []

    async def work(step: Callable[[int], None]) -> bytes:  # a job the test moves on, step by step
        steps.append(step)
        step(1)
        await release.wait()
        step(3)
        return b"PK fake xlsx"

    job = site.web.jobs.start(owner, "tien-do.xlsx", 4, work)
    await page.goto(f"{site.base}/admin/xuat/{job.id}")
    await expect(page.locator("#state")).to_contain_text("đã xử lý 1/4 đơn vị")
    await expect(page.locator("#bar")).to_have_attribute("value", "25")
    await expect(page.locator("#download")).to_be_hidden()
    steps[0](1)  # the script polls: the page follows without a reload
    await expect(page.locator("#state")).to_contain_text("đã xử lý 2/4 đơn vị")
    await expect(page.locator("#percent")).to_have_text("50%")
    release.set()
    await expect(page.locator("#state")).to_have_text("Đã xong.")
    async with page.expect_download() as info:
        await page.click("#download")
    assert Path(await (await info.value).path()).read_bytes() == b"PK fake xlsx"
    # another admin, signed in, cannot see it nor fetch it; nobody without a session can
    other = await sign_in(browser, await link_for(await admin(core, "binh")))
    for path in (f"/admin/xuat/{job.id}", f"/admin/xuat/{job.id}.json", f"/admin/xuat/{job.id}/tep"):
        assert (await other.request.get(site.base + path)).status == 404, path
    async with httpx.AsyncClient(base_url=site.base) as http:
        got = await http.get(f"/admin/xuat/{job.id}/tep")
        assert got.status_code == 302 and got.headers["Location"] == "/admin/login"
        assert (await http.post("/admin/xuat", data={"ky": ""})).status_code == 403  # no XSRF token


async def test_a_period_filters_and_a_leaders_file(site: Site, browser: Browser, core: Core) -> None:
    await _province(core)
    page = await sign_in(browser, await link_for(await admin(core)))
    await page.fill("input[name=ky]", "quý 2")
    await page.click("#export")
    await expect(page.locator("#message")).to_contain_text("2024-Q2")
    await page.goto(site.base + "/admin?xa=dak+plo&dv=van+phong")
    await expect(page.locator("#export")).to_contain_text("theo bộ lọc")
    sheet = load_workbook(io.BytesIO(await export_excel(page))).active
    assert sheet is not None
    units = {(r[3], r[4]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert units == {("Đắk Plô", "Văn phòng HĐND-UBND xã")}
    code = await invite(core, "dak plo", "ubnd xa", role="leader")
    leader = Person(core, "truong")
    assert "Đăng ký thành công" in (await leader.say(f"/dangky {code}")).text
    seen = await sign_in(browser, await link_for(leader))
    sheet = load_workbook(io.BytesIO(await export_excel(seen))).active
    assert sheet is not None
    assert {r[3] for r in sheet.iter_rows(min_row=2, values_only=True)} == {"Đắk Plô"}
