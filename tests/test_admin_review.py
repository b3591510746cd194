"""Review in Debian's Chromium: an admin returns a report with a comment, the official receives it through the
outbox and files a new version with /baocao (opened on that task), the admin approves it; the status shows on
the report, commune and progress pages and in the Excel file. A report of another province is 404, a form
without its XSRF token is refused, a leader sees the status but cannot decide."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import httpx
import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, expect

from bot.delivery import Sweeper
from handlers.core.context import VIETNAM
from handlers.core.router import Core
from storage import gaps, org, outbox, people, reports, reviews
from storage.db import Target, connect
from tests.speakers import NOW, Person, invite
from tests.test_admin_web import _province, admin, export_excel, link_for, sign_in
from tests.web_site import Site


async def report_of(core: Core, commune: str) -> int:
    return int(await core.db.scalar(
        "SELECT r.id FROM reports r JOIN units u ON u.id = r.unit_id JOIN communes c ON c.id = u.commune_id"
        " WHERE c.name = ? AND r.superseded_at IS NULL", (commune,)))


async def delivered_to_lan(core: Core) -> list[str]:
    """What the sweep sends to Lan's console identity (the outbox's real path, a recording sender)."""
    got: list[str] = []

    async def send(external_id: str, text: str) -> None:
        assert external_id == "lan"
        got.append(text)

    stats = await Sweeper(core.db, core.kb, VIETNAM, {"console": send}, clock=lambda: NOW, planning=False,
                          quiet_hours=None).sweep()
    assert stats["sent"] == len(got)
    return got


async def test_return_with_a_comment_then_a_new_version_is_approved(site: Site, browser: Browser,
                                                                  core: Core) -> None:
    await _province(core)
    first = await report_of(core, "Đắk Plô")
    page = await sign_in(browser, await link_for(await admin(core)))
    await page.click("#units >> text=Văn phòng HĐND-UBND xã")
    await expect(page.locator("section.task", has_text="Đã hoàn thành")).to_contain_text("Chờ duyệt")
    await page.click(f"text=BC-{first:06d}")
    await expect(page.locator("h1")).to_have_text(f"Báo cáo BC-{first:06d}")
    await expect(page.locator("#review-state")).to_have_text("Chờ duyệt")
    await page.click("#return")  # no comment: refused, nothing recorded
    await expect(page.locator("#error")).to_contain_text("Hãy ghi nhận xét")
    assert await core.db.scalar("SELECT COUNT(*) FROM report_reviews") == 0
    await page.fill("textarea[name=comment]", "Thiếu ảnh bảng niêm yết, đề nghị bổ sung")
    await page.click("#return")
    await expect(page.locator("#review-state")).to_have_text("Trả lại")
    await expect(page.locator("#decisions")).to_contain_text("Thiếu ảnh bảng niêm yết")
    # the official gets the comment through the outbox, and /baocao opens on that task
    [message] = await delivered_to_lan(core)
    assert f"BC-{first:06d}" in message and "Thiếu ảnh bảng niêm yết" in message and "/baocao" in message
    assert await delivered_to_lan(core) == []  # sent once
    lan = Person(core, "lan")
    opened = await lan.say("/baocao")
    assert "Gửi lại báo cáo nhiệm vụ" in opened.text and "Thiếu ảnh bảng niêm yết" in opened.text
    assert "Bước 2/7" in opened.text
    await lan.say("Đã hoàn thành")
    await lan.say("Đã niêm yết, kèm ảnh bảng tin")
    await lan.say("https://dakplo.example/anh-bang-tin")
    await lan.say("tiếp tục")
    await lan.say("Không có")
    assert "BC-" in (await lan.say("Xác nhận")).text
    second = await report_of(core, "Đắk Plô")
    assert second != first
    assert "Gửi lại" not in (await lan.say("/baocao")).text  # the new version waits for review: nothing to re-file
    await lan.say("/huy")
    # the old version says so and has no form; the new one waits, and is approved
    await page.reload()
    await expect(page.locator("#superseded")).to_contain_text(f"BC-{second:06d}")
    await expect(page.locator("#review")).to_have_count(0)
    await page.goto(f"{site.base}/admin/bao-cao/{second}")
    await expect(page.locator("#review-state")).to_have_text("Chờ duyệt")
    await expect(page.locator("#versions tbody tr")).to_have_count(2)
    await page.click("#approve")
    await expect(page.locator("#review-state")).to_have_text("Đã duyệt")
    await page.click("#approve")  # the same decision again is not a second one
    assert await core.db.scalar("SELECT COUNT(*) FROM report_reviews") == 2
    # the status in progress, on the commune page, and in the Excel file
    await page.goto(site.base + "/admin")
    row = page.locator("#units tbody tr", has_text="Văn phòng HĐND-UBND xã")
    await expect(row.locator("td.reviews")).to_have_text("1 đã duyệt")
    commune = await core.db.scalar("SELECT id FROM communes WHERE name = 'Đắk Plô'")
    await page.goto(f"{site.base}/admin/xa/{commune}")
    await expect(page.locator("h1")).to_contain_text("Đắk Plô")
    await expect(page.locator("td.review", has_text="Đã duyệt")).to_have_count(1)
    await page.goto(site.base + "/admin")
    sheet = load_workbook(io.BytesIO(await export_excel(page))).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    reviewed = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("Duyệt")]]
    assert [r[header.index("Duyệt")] for r in reviewed] == ["Đã duyệt"]


async def test_review_is_for_the_province_with_its_token(site: Site, browser: Browser, core: Core) -> None:
    await _province(core)
    mine, far = await report_of(core, "Đắk Plô"), await report_of(core, "Vạn Thắng")
    far_commune = await core.db.scalar("SELECT id FROM communes WHERE name = 'Vạn Thắng'")
    async with httpx.AsyncClient(base_url=site.base) as http:  # no session: sign-in, nothing shown
        for path in (f"/admin/bao-cao/{mine}", f"/admin/xa/{far_commune}"):
            got = await http.get(path)
            assert got.status_code == 302 and got.headers["Location"] == "/admin/login", path
    page = await sign_in(browser, await link_for(await admin(core)))
    for path in (f"/admin/bao-cao/{far}", f"/admin/xa/{far_commune}", "/admin/bao-cao/999999"):
        assert (await page.request.get(site.base + path)).status == 404, path
    await page.goto(f"{site.base}/admin/bao-cao/{mine}")
    xsrf = await page.locator("#review input[name=_xsrf]").get_attribute("value")
    post = await page.request.post(f"{site.base}/admin/bao-cao/{far}", form={
        "_xsrf": xsrf or "", "action": "approve", "comment": ""})
    assert post.status == 404  # another province's report, even with a valid token
    post = await page.request.post(f"{site.base}/admin/bao-cao/{mine}", form={"action": "approve", "comment": ""})
    assert post.status == 403  # no XSRF token
    assert await core.db.scalar("SELECT COUNT(*) FROM report_reviews") == 0
    # a leader of the commune sees the status and no form, and cannot post a decision
    await org.ensure_unit(core.db, "Kon Tum", await org.ensure_commune(core.db, "Kon Tum", None, "Đắk Plô"),
                          org.COMMUNE_UNIT)
    code = await invite(core, "dak plo", "ubnd xa", role="leader")
    leader = Person(core, "truong")
    assert "Đăng ký thành công" in (await leader.say(f"/dangky {code}")).text
    seen = await sign_in(browser, await link_for(leader))
    await seen.goto(f"{site.base}/admin/bao-cao/{mine}")
    await expect(seen.locator("#review-state")).to_have_text("Chờ duyệt")
    await expect(seen.locator("#review")).to_have_count(0)
    token = next(c["value"] for c in await seen.context.cookies() if c["name"] == "_xsrf_admin")
    post = await seen.request.post(f"{site.base}/admin/bao-cao/{mine}", form={
        "_xsrf": token, "action": "approve", "comment": ""})
    assert post.status == 404
    assert await core.db.scalar("SELECT COUNT(*) FROM report_reviews") == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
async def test_review_and_handled_questions_are_stored_on_both_backends(database: Target, backend: str) -> None:
    """The SQL of storage/reviews.py and the curators' part of storage/gaps.py, on SQLite and PostgreSQL."""
    db = await connect(database)
    try:
        unit = await org.ensure_unit(db, "Kon Tum", await org.ensure_commune(db, "Kon Tum", None, "Đắk Plô"),
                                     org.COMMUNE_UNIT)
        who = (await people.identify(db, "console", "lan", NOW)).id
        new = reports.NewReport("p", "1", unit.id, "2024-Q2", "xong", 100, "Đã làm", None, who, "k1")
        report, _ = await reports.submit(db, new, NOW)
        notice = outbox.Item("review:test", "notice", who, "trả lại", NOW)
        returned = await reviews.decide(db, report.id, reviews.RETURNED, "Thiếu ảnh", who, NOW, notice)
        later = NOW + dt.timedelta(minutes=1)
        approved = await reviews.decide(db, report.id, reviews.APPROVED, None, who, later)
        assert (await reviews.latest(db, [report.id, 999])) == {report.id: approved}
        assert [r.id for r in await reviews.history(db, [report.id])] == [approved.id, returned.id]
        assert returned.reviewed_at == NOW and returned.comment == "Thiếu ảnh"
        assert await db.scalar("SELECT COUNT(*) FROM outbox WHERE key = 'review:test'") == 1
        second, _ = await reports.submit(db, replace(new, idempotency_key="k2"), later)
        assert [v.id for v in await reports.versions(db, second)] == [second.id, report.id]
        assert await reports.get(db, report.id) == report
        for _ in range(2):
            await gaps.record(db, "giá lúa hôm nay", NOW)
        [gap] = await gaps.unhandled(db)
        assert (gap.question, gap.count) == ("giá lúa hôm nay", 2)
        assert await gaps.mark_handled(db, gap.key, who, NOW) and not await gaps.mark_handled(db, "x", who, NOW)
        assert await gaps.unhandled(db) == []
        await gaps.record(db, "gia lua hom nay", NOW + dt.timedelta(days=1))
        assert [(g.count, g.key) for g in await gaps.unhandled(db)] == [(1, gap.key)]
        assert await gaps.mark_handled(db, gap.key, who, NOW + dt.timedelta(days=1))  # marked again: updated
        assert await gaps.unhandled(db) == []
    finally:
        await db.close()
