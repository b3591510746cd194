"""/tiendo's bar chart of report completion by commune, on a real SQLite file: two communes of Khánh Hòa, one
of which has reported 3 of its 8 tasks, and one commune of Đồng Tháp that a Khánh Hòa admin must not see.

khanh-hoa-2023.yaml gives every commune's UBND 8 tasks of the period "2023", due 30/06/2023: on 02/05/2023
the unreported ones are not yet due, on 01/08/2023 they are overdue. The bars are read back from the PNG's
pixels; the same glyph checks as the score charts apply.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib.image import imread

from content.loader import KnowledgeBase
from handlers.core.commands import BY_NAME, NOT_ADMIN
from handlers.core.context import Config, Ctx
from handlers.core.messages import Choice, Reply
from handlers.files import charts
from handlers.files.pool import here
from handlers.progress import progress as officials
from handlers.reports.assignments import tasks_for
from storage import org, people, reports
from storage.db import connect
from storage.people import Person
from tests.test_charts import render_checked, size

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE_DUE = dt.datetime(2023, 5, 2, 1, 0, tzinfo=dt.UTC)
AFTER_DUE = dt.datetime(2023, 8, 1, 1, 0, tzinfo=dt.UTC)
KHANH_HOA_ADMIN = Person(900, "admin", None, "Khánh Hòa")


@pytest.fixture
def db_file(kb: KnowledgeBase, tmp_path: Path) -> Path:
    async def seed(path: Path) -> None:
        db = await connect(path)
        reporter = await people.identify(db, "console", "can-bo", BEFORE_DUE)
        van_thang = await org.ensure_commune(db, "Khánh Hòa", None, "Vạn Thắng")
        await org.ensure_commune(db, "Khánh Hòa", None, "Diên Lạc")
        await org.ensure_commune(db, "Đồng Tháp", None, "Tân Hòa")
        unit = await org.ensure_unit(db, "Khánh Hòa", van_thang, org.COMMUNE_UNIT)
        for a in tasks_for(kb, unit)[:3]:
            period = a.period(BEFORE_DUE.date()).key
            new = reports.NewReport(a.plan.id, a.task.id, unit.id, period, "xong", 100, "Đã thực hiện", None,
                                    reporter.id, f"test-{a.task.id}")
            await reports.submit(db, new, BEFORE_DUE)
        await db.close()

    path = tmp_path / "tiendo.sqlite3"
    asyncio.run(seed(path))
    return path


def ask(kb: KnowledgeBase, path: Path, arg: str, now: dt.datetime, person: Person = KHANH_HOA_ADMIN) -> Reply:
    async def run() -> Reply:
        db = await connect(path)
        try:
            tiendo = BY_NAME["tiendo"]  # the router's check, before any handler runs
            if not tiendo.allows(person):
                return Reply(tiendo.refusal)
            return here(await officials.progress(Ctx(kb, db, person, now, Config(zone=ZONE)), arg))
        finally:
            await db.close()

    return asyncio.run(run())


def bars_in(png: bytes) -> list[dict[str, float]]:
    """Each bar's share of the three colours, top bar first, read from the pixels. Rows where those colours
    cover over 200 px are bars (the legend's swatches are about 25 px wide each); each bar is measured 3 px
    under its top edge, above the count written inside it."""
    pixels = imread(io.BytesIO(png))[..., :3]
    masks = {}
    for name, _, color in charts.PARTS:
        rgb = np.array([int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)])
        masks[name] = (abs(pixels - rgb) < 0.06).all(axis=-1)
    widths = sum(m.sum(axis=1) for m in masks.values())
    rows = np.flatnonzero(widths > 200)
    tops = [int(r) for i, r in enumerate(rows) if i == 0 or rows[i - 1] != r - 1]
    return [{name: float(m[top + 3].sum() / widths[top + 3]) for name, m in masks.items()} for top in tops]


@pytest.mark.parametrize(
    ("now", "unreported", "caption"),
    [
        (AFTER_DUE, "overdue", "đã báo cáo 3/16 nhiệm vụ (19%), quá hạn 13, chưa đến hạn 0."),
        (BEFORE_DUE, "pending", "đã báo cáo 3/16 nhiệm vụ (19%), quá hạn 0, chưa đến hạn 13."),
    ],
)
def test_chart_shows_each_commune_of_the_province(
    kb: KnowledgeBase, db_file: Path, now: dt.datetime, unreported: str, caption: str, caplog: pytest.LogCaptureFixture
) -> None:
    answer = render_checked(lambda: ask(kb, db_file, "biểu đồ", now), caplog)
    assert answer.image is not None and answer.image_name == f"tien-do-theo-xa-{now:%Y%m%d}.png"
    assert size(answer.image) == (750, 400)  # the smallest height: 4 inches at 100 dpi
    assert "(Khánh Hòa)" in answer.text and "2 xã" in answer.text and caption in answer.text
    assert "Tân Hòa" not in answer.text
    # least reported first: Diên Lạc 0/8, then Vạn Thắng 3/8 (reported 3/8 = 0.375 of the bar)
    top, second = bars_in(answer.image)
    assert top["reported"] == 0 and top[unreported] == pytest.approx(1, abs=0.01)
    assert second["reported"] == pytest.approx(3 / 8, abs=0.02)
    assert second[unreported] == pytest.approx(5 / 8, abs=0.02)
    other = "pending" if unreported == "overdue" else "overdue"
    assert top[other] == second[other] == 0
    assert answer.choices == (Choice("Xem danh sách", "/tiendo"), Choice("Xuất Excel", "/xuat"))


def test_chart_and_list_count_the_same(kb: KnowledgeBase, db_file: Path) -> None:
    async def counted() -> list[officials.UnitProgress]:
        db = await connect(db_file)
        try:
            return await officials.count_progress(Ctx(kb, db, KHANH_HOA_ADMIN, AFTER_DUE, Config(zone=ZONE)))
        finally:
            await db.close()

    assert officials.by_commune(asyncio.run(counted()), with_province=False) == [
        charts.Completion("Diên Lạc", reported=0, pending=0, overdue=8),
        charts.Completion("Vạn Thắng", reported=3, pending=0, overdue=5),
    ]
    listing = ask(kb, db_file, "", AFTER_DUE)
    assert "tổng: quá hạn 13, đã báo cáo 3" in listing.text
    assert "• UBND xã – Vạn Thắng: quá hạn 5, đã báo cáo 3" in listing.text
    assert "• UBND xã – Diên Lạc: quá hạn 8" in listing.text
    assert listing.image is None and Choice("Biểu đồ", "/tiendo biểu đồ") in listing.choices
    assert ask(kb, db_file, "bieu do", AFTER_DUE).image is not None  # typed without diacritics


def test_chart_is_for_admins_of_their_province(kb: KnowledgeBase, db_file: Path) -> None:
    for role in ("citizen", "official", "leader"):
        refused = ask(kb, db_file, "biểu đồ", AFTER_DUE, Person(901, role, None, "Khánh Hòa"))
        assert refused.text == NOT_ADMIN and refused.image is None
    # Đồng Tháp's plan 172/KH-UBND was issued on 20/5/2024: its communes have tasks from then on, not in 2023
    in_2024 = dt.datetime(2024, 8, 1, 1, 0, tzinfo=dt.UTC)
    dong_thap = ask(kb, db_file, "biểu đồ", in_2024, Person(902, "admin", None, "Đồng Tháp"))
    assert dong_thap.image is not None and "1 xã" in dong_thap.text and len(bars_in(dong_thap.image)) == 1
    assert "Chưa có đơn vị" in ask(kb, db_file, "biểu đồ", AFTER_DUE, Person(902, "admin", None, "Đồng Tháp")).text
    # a bootstrap admin (no province) sees every province, each commune named with its province
    every = ask(kb, db_file, "biểu đồ", AFTER_DUE, Person(903, "admin", None, None, everywhere=True))
    assert every.image is not None and "(tất cả các tỉnh)" in every.text and "2 xã" in every.text
    assert len(bars_in(every.image)) == 2


def test_chart_keeps_the_communes_reporting_least(
    kb: KnowledgeBase, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(officials, "MAX_BARS", 1)
    answer = ask(kb, db_file, "biểu đồ", AFTER_DUE)
    assert answer.image is not None and "chỉ vẽ 1 xã có tỷ lệ báo cáo thấp nhất" in answer.text
    assert "2 xã" in answer.text  # the figures still count both
    (only,) = bars_in(answer.image)
    assert only["reported"] == 0  # Diên Lạc, which has reported nothing


def test_empty_scope_draws_nothing(kb: KnowledgeBase, tmp_path: Path) -> None:
    async def empty() -> None:
        await (await connect(tmp_path / "empty.sqlite3")).close()

    asyncio.run(empty())
    answer = ask(kb, tmp_path / "empty.sqlite3", "biểu đồ", AFTER_DUE)
    assert answer.image is None and "Chưa có đơn vị nào" in answer.text
