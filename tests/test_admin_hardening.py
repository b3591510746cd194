"""The admin pages' edges, over real HTTP on 127.0.0.1 (the real tornado server, signed in through the real
one-time link and its form) and on the export jobs themselves: which evidence files a browser may show inline,
the bulk sheet's name in the configured zone, export jobs that end are forgotten on time, and a report's page
offers the review form on the current version only (the one not superseded)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from bot.channels.web import jobs as web_jobs
from bot.channels.web.jobs import Jobs
from handlers.core.router import Core
from storage import evidence, org, people, reports
from tests.speakers import NOW, Person
from tests.test_admin_web import _evidence_on_disk, _province, admin, link_for
from tests.web_site import Site

XSRF = re.compile(r'name="_xsrf" value="([^"]+)"')


@pytest.fixture
async def http(site: Site) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=site.base, timeout=20) as client:
        yield client


async def sign_in(http: httpx.AsyncClient, person: Person) -> str:
    """Signed in as a browser is (the link's page, then its form); returns the XSRF token for forms."""
    link = await link_for(person)
    page = await http.get(link.replace(str(http.base_url).rstrip("/"), ""))
    found = XSRF.search(page.text)
    assert found, page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token, page.text
    done = await http.post("/admin/login", data={"_xsrf": found.group(1), "token": token.group(1)})
    assert done.status_code == 303, done.text
    return found.group(1)


async def test_only_plain_images_and_pdf_are_shown_inline_and_never_with_scripts(
        site: Site, http: httpx.AsyncClient, core: Core, tmp_path: Path) -> None:
    await _province(core)
    site.web.evidence_dir = tmp_path / "evidence"
    item = (await _evidence_on_disk(core, site.web.evidence_dir))["Đắk Plô"]
    await sign_in(http, await admin(core))
    folder = site.web.evidence_dir / "khac"
    folder.mkdir()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
    shown = {"anh.png": "inline", "anh.jpg": "inline", "anh.webp": "inline", "bien-ban.pdf": "inline",
             "anh.svg": "attachment", "trang.html": "attachment", "tep.bin": "attachment"}
    for name, disposition in shown.items():
        (folder / name).write_bytes(svg if name.endswith((".svg", ".html")) else b"\x89PNG data")
        await evidence.saved(core.db, item, str(folder / name))
        got = await http.get(f"/admin/minh-chung/{item}")
        assert got.status_code == 200, name
        assert got.headers["Content-Disposition"] == f'{disposition}; filename="{name}"', name
        assert got.headers["Content-Security-Policy"] == "sandbox", name
        assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.content == b"\x89PNG data"


async def test_the_bulk_sheet_is_named_by_the_date_in_vietnam(site: Site, http: httpx.AsyncClient,
                                                              core: Core) -> None:
    await _province(core)
    evening = dt.datetime(2024, 6, 1, 18, 0, tzinfo=dt.UTC)  # 01:00 on 2 June in Asia/Ho_Chi_Minh
    site.clock.now = evening
    an = await admin(core)
    an.at = evening
    xsrf = await sign_in(http, an)
    got = await http.post("/admin/nguoi-dung/ma-moi.xlsx", data={"_xsrf": xsrf, "vai-tro": "official"})
    assert got.status_code == 200, got.text
    assert got.headers["Content-Disposition"] == 'attachment; filename="ma-moi-20240602.xlsx"'


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


async def finished(jobs: Jobs, owner: int, clock: Clock) -> str:
    """A job started and run to its end; the clock moves a second."""
    async def work(step: object) -> bytes:
        return b"xlsx"

    job = jobs.start(owner, "tep.xlsx", 1, work)
    await asyncio.wait_for(_ended(job), timeout=5)
    clock.now += dt.timedelta(seconds=1)
    return job.id


async def _ended(job: web_jobs.Job) -> None:
    while job.ended is None:
        await asyncio.sleep(0.001)


async def test_an_ended_export_is_forgotten_after_keep_and_a_person_keeps_five() -> None:
    clock = Clock()
    jobs = Jobs(clock)
    first = await finished(jobs, 1, clock)
    assert jobs.get(first, 1) is not None and jobs.get(first, 2) is None
    clock.now += web_jobs.KEEP
    assert jobs.get(first, 1) is None, "expired: never served, even with no new job started"
    made = [await finished(jobs, 1, clock) for _ in range(web_jobs.FINISHED_KEPT + 2)]
    other = await finished(jobs, 2, clock)
    assert [j for j in made if jobs.get(j, 1) is not None] == made[-web_jobs.FINISHED_KEPT:]
    assert jobs.get(other, 2) is not None
    await jobs.stop()


async def test_the_report_page_offers_the_form_on_the_current_version_only(http: httpx.AsyncClient,
                                                                         core: Core) -> None:
    an = await admin(core)
    unit = await org.ensure_unit(core.db, "Kon Tum", await org.ensure_commune(core.db, "Kon Tum", None, "Đắk Plô"),
                                 org.COMMUNE_UNIT)
    lan = (await people.identify(core.db, "console", "lan", NOW)).id
    new = reports.NewReport("p", "1", unit.id, "2024-Q2", "xong", 100, "Đã làm", None, lan, "k1")
    first, _ = await reports.submit(core.db, new, NOW)
    # the newer version carries an earlier time (a phone's clock): still the current one, as /baocao sees it
    second, _ = await reports.submit(core.db, replace(new, idempotency_key="k2"), NOW - dt.timedelta(hours=1))
    await sign_in(http, an)
    old = (await http.get(f"/admin/bao-cao/{first.id}")).text
    assert 'id="superseded"' in old and f"BC-{second.id:06d}" in old and 'id="review"' not in old
    page = (await http.get(f"/admin/bao-cao/{second.id}")).text
    assert 'id="superseded"' not in page and 'id="review"' in page and f"Người dùng {lan}" in page
    admin_id = (await people.identify(core.db, "console", an.user, NOW)).id
    assert await people.display_names_of(core.db, [lan, lan]) == {lan: f"Người dùng {lan}"}
    assert admin_id not in await people.display_names_of(core.db, [lan])
