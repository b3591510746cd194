"""The progress page in Debian's Chromium: columns sorted by a click (again: the other way), filters kept while
sorting, the completion chart drawn for what the table shows, and a commune's page from its name."""

from __future__ import annotations

import docx
import httpx
from playwright.async_api import Browser, expect

from handlers.core.router import Core
from handlers.reports.assignments import tasks_for
from storage import org, people, reports
from tests.speakers import NOW, Person
from tests.test_admin_web import admin, link_for, sign_in
from tests.web_site import Site

COMMUNES = ("Tân Hồng", "An Bình", "Mỹ Thọ", "Đốc Binh Kiều")  # Đồng Tháp's plan gives every commune tasks


async def dong_thap(core: Core) -> tuple[list[org.Unit], Person]:
    """Four communes of Đồng Tháp, each with its UBND xã; An Bình's has reported its first task, with a
    difficulty. Returns the units and the province's admin."""
    units = [await org.ensure_unit(core.db, "Đồng Tháp", await org.ensure_commune(core.db, "Đồng Tháp", None, name),
                                   org.COMMUNE_UNIT) for name in COMMUNES]
    an = await admin(core, province="Đồng Tháp")
    reporter = await people.identify(core.db, "console", an.user, NOW)
    a = tasks_for(core.kb, units[1])[0]
    await reports.submit(core.db, reports.NewReport(a.plan.id, a.task.id, units[1].id, a.period(NOW.date()).key,
                                                    "dang", 60, "Đã niêm yết 12 thủ tục", "Thiếu bảng tin",
                                                    reporter.id, "k1"), NOW)
    return units, an


async def test_sort_filter_chart_and_a_communes_page(site: Site, browser: Browser, core: Core) -> None:
    units, an = await dong_thap(core)
    page = await sign_in(browser, await link_for(an))
    cells = page.locator("#units tbody td:first-child")
    await page.click("a[data-sort=xa]")
    await expect(page.locator("a[data-sort=xa]")).to_contain_text("▲")
    names = await cells.all_inner_texts()
    assert set(names) == set(COMMUNES)
    assert names == sorted(names, key=lambda n: org.place_key(n)), names
    await page.click("a[data-sort=xa]")  # again: descending
    await expect(page.locator("a[data-sort=xa]")).to_contain_text("▼")
    assert await cells.all_inner_texts() == names[::-1]
    await page.click("a[data-sort=da]")  # the most reported last, ascending
    reported = [int(t) for t in await page.locator("#units tbody td:nth-child(4)").all_inner_texts()]
    assert reported == sorted(reported) and reported[-1] == 1
    # a filter survives a sort, and a sort survives a filter
    await page.select_option("select[name=chi]", "chua")
    await page.click("#filter")
    assert "sap=da" in page.url and "chi=chua" in page.url
    await page.click("a[data-sort=don-vi]")
    assert "chi=chua" in page.url and "sap=don-vi" in page.url
    await expect(page.locator("select[name=chi]")).to_have_value("chua")
    # the chart is a PNG of the communes shown, drawn in the worker
    chart = await page.request.get(site.base + (await page.locator("#chart").get_attribute("src") or ""))
    assert chart.status == 200 and chart.headers["content-type"] == "image/png"
    assert (await chart.body()).startswith(b"\x89PNG")
    assert await page.locator("#chart").evaluate("img => img.complete && img.naturalWidth > 0")
    # a commune's name opens its page: its units with their tasks
    await page.goto(site.base + "/admin")
    await page.click("#units >> text=An Bình")
    await expect(page.locator("h1")).to_contain_text("Xã An Bình")
    await expect(page.locator("section.unit h2")).to_have_text(["UBND xã"])
    await expect(page.locator("section.unit td.review")).to_have_text(["Chờ duyệt"])
    await expect(page.locator("section.unit tbody tr")).to_have_count(len(tasks_for(core.kb, units[1])))


async def test_the_periods_report_as_word(site: Site, browser: Browser, core: Core) -> None:
    units, an = await dong_thap(core)
    async with httpx.AsyncClient(base_url=site.base) as http:  # without a session: sign-in, no file
        got = await http.get("/admin/bao-cao-ky.docx")
        assert got.status_code == 302 and got.headers["Location"] == "/admin/login"
    page = await sign_in(browser, await link_for(an))
    async with page.expect_download() as info:
        await page.click("#word")
    download = await info.value
    assert download.suggested_filename == "bao-cao-papi-20240601.docx"
    doc = docx.Document(str(await download.path()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "Tình hình thực hiện kế hoạch nâng cao Chỉ số PAPI – Đồng Tháp" in text
    assert "số liệu đến ngày 01/06/2024" in text
    tasks = len(tasks_for(core.kb, units[0]))
    assert f"4 xã, phường; {tasks} nhiệm vụ; {4 * tasks} lượt" in text and f"Đã báo cáo 1/{4 * tasks}" in text
    assert "An Bình – UBND xã" in text and "Thiếu bảng tin" in text  # III: the difficulties gathered
    header = doc.tables[0].rows[0].cells
    assert "UBND TỈNH ĐỒNG THÁP" in header[0].text and "SỞ NỘI VỤ" in header[0].text
    assert "Độc lập - Tự do - Hạnh phúc" in header[1].text
    first = doc.tables[1]  # II: the first task's table, a row per commune
    rows = [[c.text for c in r.cells] for r in first.rows]
    assert rows[0] == ["Xã", "Đơn vị", "Tình trạng", "Tỷ lệ", "Đã làm", "Khó khăn, đề xuất", "Duyệt"]
    assert ["An Bình", "UBND xã", "Đang thực hiện", "60%", "Đã niêm yết 12 thủ tục", "Thiếu bảng tin",
            "Chờ duyệt"] in rows
    assert len(rows) == 5
    missing = [[c.text for c in r.cells] for r in doc.tables[-2].rows]  # IV: who has not reported
    assert missing[0] == ["Xã", "Đơn vị", "Nhiệm vụ", "Hạn", "Tình trạng"] and len(missing) == 4 * tasks
    assert {r[0] for r in missing[1:]} == set(COMMUNES) - ({"An Bình"} if tasks == 1 else set())
