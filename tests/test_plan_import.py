"""Plans as data a province loads: the deadline words, the template and a Word table, errors a person can fix,
versions and states, and the plans in force feeding /nhiemvu and reminders. Every file is made by the test."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.table import Table
from openpyxl import load_workbook

from content.loader import KnowledgeBase
from content.models import Plan
from content.periods import plan_year
from handlers.core.router import Core
from handlers.invitations import flow as invite_flow
from handlers.plans import deadlines, importer, reading, template
from handlers.plans import preview as plan_preview
from handlers.plans.active import active_plans, in_force, period
from handlers.reminders import planner
from storage import plans as stored_plans
from storage import reports
from tests.speakers import Person

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 08:00 on 1/12/2026 in Vietnam


async def register(core: Core, user: str, commune: str, unit: str, province: str) -> Person:
    """An official registered today (2026) by a code issued today, for a commune made for the test."""
    code, _ = await invite_flow.from_command_line(core.db, core.kb, commune, unit, "official", province, True, 7,
                                                  TODAY)
    person = Person(core, user)
    person.at = TODAY
    assert "Đăng ký thành công" in (await person.say(f"/dangky {code}")).text
    return person


# --- deadline words ---------------------------------------------------------------------------------------

DEADLINES = [  # words, plan year, what the rule holds
    ("trước ngày 30/6/2025", 2025, {"kind": "fixed", "due": "2025-06-30"}),
    ("Trước 30/6", 2025, {"kind": "fixed", "due": "2025-06-30"}),
    ("ngày 15 tháng 10 năm 2025", 2025, {"kind": "fixed", "due": "2025-10-15"}),
    ("tháng 9/2025", 2025, {"kind": "fixed", "due": "2025-09-30"}),
    ("Trong tháng 2", 2026, {"kind": "fixed", "due": "2026-02-28"}),
    ("quý III", 2025, {"kind": "fixed", "due": "2025-09-30"}),
    ("Quý 4 năm 2026", 2025, {"kind": "fixed", "due": "2026-12-31"}),
    ("6 tháng đầu năm 2025", 2025, {"kind": "fixed", "due": "2025-06-30"}),
    ("hằng quý, trước ngày 03 của tháng cuối quý", 2025, {"kind": "recurring", "every": "quarter", "day": 3}),
    ("Hàng quý", 2025, {"kind": "recurring", "every": "quarter", "day": 31}),
    ("6 tháng", 2025, {"kind": "recurring", "every": "half_year", "day": 30, "month": 6}),
    ("6 tháng (trước ngày 03/6)", 2025, {"kind": "recurring", "every": "half_year", "day": 3, "month": 6}),
    ("hằng năm trước 28/11", 2025, {"kind": "recurring", "every": "year", "day": 28, "month": 11}),
    ("Năm (ngày 28/11)", 2025, {"kind": "recurring", "every": "year", "day": 28, "month": 11}),
    ("trước ngày 25 hằng tháng", 2025, {"kind": "recurring", "every": "month", "day": 25}),
    ("trong 20 ngày kể từ ngày ban hành", 2025, {"kind": "relative", "event": "plan_issued", "days": 20}),
    ("15 ngày sau khi công bố PAPI", 2025, {"kind": "relative", "event": "papi_published", "days": 15}),
    ("Sau 20 ngày kể từ ngày Kế hoạch này được ban hành", 2024,
     {"kind": "relative", "event": "plan_issued", "days": 20}),
    ("thường xuyên", 2025, {"kind": "ongoing"}),
    ("Cả năm", 2025, {"kind": "ongoing"}),
    ("trong năm 2025", 2025, {"kind": "ongoing", "until": "2025-12-31"}),
    ("Hằng năm (không nêu ngày cụ thể)", 2024, {"kind": "ongoing"}),
    ("Hằng năm", 2024, {"kind": "ongoing"}),  # no day to remind of
    ("Hàng năm (rà soát hộ nghèo); báo cáo định kỳ quý, 6 tháng, năm", 2021, {"kind": "ongoing"}),
    ("Khẩn trương thực hiện; báo cáo kết quả chậm nhất ngày 29/9/2023", 2023, {"kind": "ongoing"}),
    ("Theo Phụ lục 1, Phụ lục 2 (không có trong bản văn)", 2024, {"kind": "ongoing"}),
]


def test_every_deadline_of_the_bundled_plans_reads_as_its_yaml(kb: KnowledgeBase) -> None:
    """The curators' reading of 139 deadlines in five real plans, word for word."""
    for plan in kb.plans:
        rules = [(t.id, t.deadline) for t in plan.tasks] + [(r.id, r.deadline) for r in plan.reports]
        for item_id, rule in rules:
            assert deadlines.parse(rule.text, plan_year(plan)) == rule, f"{plan.id} {item_id}"


@pytest.mark.parametrize(("words", "year", "expected"), DEADLINES)
def test_deadline_words(words: str, year: int, expected: dict[str, object]) -> None:
    assert deadlines.as_json(deadlines.parse(words, year)) == {**expected, "words": words}


@pytest.mark.parametrize(("words", "events", "says"), [
    ("trước ngày 31/3/2027", {}, "31/03/2027 («trước ngày 31/3/2027»)"),
    ("trước ngày 30/6/2026", {}, "30/06/2026 (đã qua) («trước ngày 30/6/2026»)"),
    ("hằng quý, trước ngày 03 của tháng cuối quý", {},
     "lần tới 03/12/2026 («hằng quý, trước ngày 03 của tháng cuối quý»)"),
    ("trước ngày 25 hằng tháng", {}, "lần tới 25/12/2026 («trước ngày 25 hằng tháng»)"),
    ("hằng năm trước 28/11", {}, "lần tới 28/11/2027 («hằng năm trước 28/11»)"),
    ("15 ngày sau khi công bố PAPI", {}, "chưa tính được: chưa có ngày công bố PAPI («15 ngày sau khi công bố PAPI»)"),
    ("15 ngày sau khi công bố PAPI", {"papi_published": dt.date(2026, 11, 20)},
     "05/12/2026 («15 ngày sau khi công bố PAPI»)"),
    ("thường xuyên", {}, "thường xuyên"),
    ("Cả năm", {}, "thường xuyên («Cả năm»)"),
    ("trong năm 2026", {}, "thường xuyên đến 31/12/2026 («trong năm 2026»)"),
])
def test_a_task_s_own_deadline_seen_from_a_day(kb: KnowledgeBase, words: str, events: dict[str, dt.date],
                                               says: str) -> None:
    """What /nhiemvu shows beside the period's report: never a date the plan does not give."""
    plan = kb.plans[0].model_copy(update={"issued": dt.date(2026, 3, 16), "papi_year": 2026})
    assert deadlines.described(plan, deadlines.parse(words, 2026), TODAY.date(), events) == says


@pytest.mark.parametrize("words", ["cuối quý sau", "sớm", "30/2/2025", ""])
def test_deadline_words_not_understood_say_what_is_expected(words: str) -> None:
    with pytest.raises(deadlines.Unreadable) as bad:
        deadlines.parse(words, 2025)
    assert "ví dụ hợp lệ" in str(bad.value) and "«hằng quý»" in str(bad.value)


# --- files made here -----------------------------------------------------------------------------------------


def fill(path: Path, info: Mapping[str, object], tasks: Sequence[Sequence[object]],
         reports_: Sequence[Sequence[object]] = ()) -> Path:
    """The template as a Sở fills it: column B of «Kế hoạch», the example row overwritten."""
    template.write(path)
    book = load_workbook(path)
    for row in book["Kế hoạch"].iter_rows(min_row=2):
        if row[0].value in info:
            row[1].value = info[row[0].value]
    sheet = book["Nhiệm vụ"]
    sheet.delete_rows(2)
    for task in tasks:
        sheet.append(list(task))
    for report in reports_:
        book["Báo cáo"].append(list(report))
    book.save(path)
    return path


LAI_CHAU = {"Tên kế hoạch": "Kế hoạch cải thiện Chỉ số PAPI năm 2026", "Cơ quan ban hành": "UBND tỉnh Lai Châu",
            "Tỉnh": "Lai Châu", "Năm PAPI": "2026", "Ngày ban hành": "16/3/2026"}
QUARTERLY = [["Báo cáo kết quả thực hiện hằng quý", "Sở Nội vụ", "hằng quý, trước ngày 03 của tháng cuối quý", "có"]]


def lai_chau(path: Path, title: str = "Tổ chức đối thoại với người dân") -> Path:
    return fill(path, LAI_CHAU, [
        [1, "Niêm yết công khai dự toán ngân sách xã", "", "2", "", "UBND xã", "", "trước ngày 30/12/2026",
         "tất cả các xã", "", ""],
        [2, title, "", "1, 3", "", "Văn phòng HĐND-UBND xã", "Ủy ban MTTQ Việt Nam xã", "hằng quý",
         "tất cả các xã", "", "Biên bản đối thoại"],
    ], QUARTERLY)


def dong_thap_docx(plan: Plan, path: Path) -> Path:
    """Đồng Tháp's plan as a Word document: the heading lines, then a task table with a numbering row, a section
    row merged across, and the lead unit of the first four tasks written once in a merged cell."""
    document = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "Số: 172/KH-UBND", "Đồng Tháp, ngày 20 tháng 5 năm 2024",
                 "KẾ HOẠCH", "Cải thiện Chỉ số Hiệu quả Quản trị và Hành chính công tỉnh Đồng Tháp năm 2024"):
        document.add_paragraph(line)
    headers = ["STT", "Nội dung nhiệm vụ", "Chỉ số", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện",
               "Phạm vi", "Đơn vị ở xã", "Sản phẩm"]
    table: Table = document.add_table(rows=1, cols=len(headers))
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    numbering = table.add_row().cells
    for n, cell in enumerate(numbering, 1):
        cell.text = f"({n})"
    section = table.add_row().cells
    section[0].merge(section[-1]).text = "I. NHIỆM VỤ CỦA SỞ NỘI VỤ VÀ CÁC CƠ QUAN, ĐỊA PHƯƠNG"
    first = len(table.rows)
    for n, task in enumerate(plan.tasks, 1):
        cells = table.add_row().cells
        dims = "1-8" if task.dimensions == list(range(1, 9)) else ", ".join(map(str, task.dimensions))
        dims += "".join(f", {code}" for code in task.subdimensions)
        for cell, text in zip(cells, [str(n), task.title, dims, "\n".join(task.lead), "\n".join(task.coordinate),
                                      task.deadline.text, "tất cả các xã" if task.every_commune else "",
                                      task.commune_unit or "", ""],
                              strict=True):
            cell.text = text
    same = next((n for n, t in enumerate(plan.tasks) if t.lead != plan.tasks[0].lead), len(plan.tasks))
    if same > 1:  # the first tasks' common lead unit, written once in a merged cell
        lead = table.cell(first, 3).merge(table.cell(first + same - 1, 3))
        lead.text = "\n".join(plan.tasks[0].lead)
    document.save(str(path))
    return path


def same_tasks(imported: Plan, seed: Plan) -> None:
    assert [t.id for t in imported.tasks] == [t.id for t in seed.tasks]
    for got, want in zip(imported.tasks, seed.tasks, strict=True):
        for name in ("title", "lead", "coordinate", "dimensions", "deadline", "every_commune", "commune_unit"):
            assert getattr(got, name) == getattr(want, name), f"{want.id}.{name}"


# --- the seed plan written out imports to itself ----------------------------------------------------------


SEEDS = ["dong-thap-2024", "dak-plo-2024", "duyen-hai-2021", "ha-tinh-2023", "khanh-hoa-2023"]


@pytest.mark.parametrize("plan_id", SEEDS)
async def test_each_seed_plan_in_the_template_imports_to_its_yaml(core: Core, tmp_path: Path, plan_id: str) -> None:
    seed = core.kb.plan(plan_id)
    assert seed is not None
    path = tmp_path / f"{plan_id}.xlsx"
    template.write(path, seed)
    plan = (await importer.read(core.db, path)).plan
    same_tasks(plan, seed)
    for name in ("id", "province", "level", "district", "commune", "papi_year", "number", "issued", "issued_text"):
        assert getattr(plan, name) == getattr(seed, name), name
    assert [r.deadline for r in plan.reports] == [r.deadline for r in seed.reports]


@pytest.mark.parametrize("plan_id", SEEDS)
async def test_each_seed_plan_as_a_word_table_imports_to_its_tasks(core: Core, tmp_path: Path, plan_id: str) -> None:
    seed = core.kb.plan(plan_id)
    assert seed is not None
    outcome = await importer.read(core.db, dong_thap_docx(seed, tmp_path / f"{plan_id}.docx"),
                                  {"province": seed.province, "papi_year": str(seed.papi_year), "id": seed.id})
    same_tasks(outcome.plan, seed)


async def test_dong_thap_in_the_template_imports_to_its_yaml(core: Core, tmp_path: Path) -> None:
    seed = core.kb.plan("dong-thap-2024")
    assert seed is not None
    path = tmp_path / "dong-thap.xlsx"
    template.write(path, seed)
    outcome = await importer.read(core.db, path)
    plan = outcome.plan
    same_tasks(plan, seed)
    for name in ("id", "province", "issued", "papi_year", "number", "level", "title", "issuer"):
        assert getattr(plan, name) == getattr(seed, name), name
    assert [(t.dimension, t.value, t.min_increase, t.group) for t in plan.targets] == [
        (t.dimension, t.value, t.min_increase, t.group) for t in seed.targets]
    assert [r.deadline for r in plan.reports] == [r.deadline for r in seed.reports]
    assert period(plan) == (dt.date(2024, 5, 20), dt.date(2024, 12, 31))


async def test_dong_thap_as_a_word_table_with_merged_cells_imports_to_its_yaml(core: Core, tmp_path: Path) -> None:
    seed = core.kb.plan("dong-thap-2024")
    assert seed is not None
    outcome = await importer.read(core.db, dong_thap_docx(seed, tmp_path / "172-KH-UBND.docx"))
    same_tasks(outcome.plan, seed)
    plan = outcome.plan
    assert (plan.id, plan.province, plan.number, plan.issued, plan.papi_year) == (
        "dong-thap-2024", "Đồng Tháp", "172/KH-UBND", dt.date(2024, 5, 20), 2024)
    assert plan.issuer == "UBND tỉnh Đồng Tháp"


# --- errors a person can fix; nothing saved ----------------------------------------------------------------


async def test_bad_rows_are_each_reported_with_row_and_column_and_nothing_is_saved(core: Core, tmp_path: Path) -> None:
    path = fill(tmp_path / "sai.xlsx", LAI_CHAU, [
        [1, "Việc đúng", "", "2", "", "UBND xã", "", "quý III", "", "", ""],
        [2, "Việc sai hạn", "", "2", "", "UBND xã", "", "cuối quý sau", "", "", ""],
        [3, "Việc sai chỉ số", "", "9", "", "UBND xã", "", "thường xuyên", "", "", ""],
        [4, "Việc thiếu chủ trì", "", "1", "", "", "", "thường xuyên", "", "", ""],
        [5, "Việc của xã lạ", "", "1", "", "UBND xã", "", "thường xuyên", "Xã Không Có", "", ""],
    ])
    with pytest.raises(importer.Invalid) as invalid:
        await importer.read(core.db, path)
    problems = invalid.value.parsed.problems
    assert problems[0].startswith("Trang «Nhiệm vụ», dòng 3, cột «Thời hạn»: không hiểu «cuối quý sau»; ví dụ hợp lệ:")
    assert "«trước 30/6/2025»" in problems[0] and "«hằng quý»" in problems[0]
    assert problems[1].startswith("Trang «Nhiệm vụ», dòng 4, cột «Chỉ số»: «9» không phải chỉ số nội dung PAPI")
    assert problems[2].startswith("Trang «Nhiệm vụ», dòng 5, cột «Cơ quan chủ trì»: trống")
    assert len(problems) == 3, "the commune is checked once the rows are valid"
    done = subprocess.run([sys.executable, "-m", "bot", "plan", "import", str(path), "--db", str(tmp_path / "x.db")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "KHÔNG hợp lệ, chưa lưu gì (3 lỗi)" in done.stderr
    assert await stored_plans.listing(core.db) == []


async def test_missing_plan_facts_and_an_unknown_commune_are_named(core: Core, tmp_path: Path) -> None:
    path = fill(tmp_path / "thieu.xlsx", {"Tên kế hoạch": "Kế hoạch PAPI"}, [
        [1, "Việc của xã lạ", "", "1", "", "UBND xã", "", "thường xuyên", "Xã Không Có", "", ""]])
    with pytest.raises(importer.Invalid) as invalid:
        await importer.read(core.db, path)
    assert "Trang «Kế hoạch», dòng 7, cột B: thiếu «Tỉnh» (tên tỉnh, ví dụ «Lai Châu»)" in invalid.value.parsed.problems
    with pytest.raises(importer.Invalid) as unknown:
        await importer.read(core.db, path, {"province": "Lai Châu", "papi_year": "2026", "issuer": "UBND tỉnh"})
    assert unknown.value.parsed.problems == [
        "Nhiệm vụ t01 («Việc của xã lạ»), cột «Giao cho»: chưa có xã «Xã Không Có» của tỉnh Lai Châu trong cơ sở dữ "
        "liệu (kiểm tra tên, hoặc nạp bản đồ bằng `org load`)."]


def _zip(path: Path, names: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in names.items():
            archive.writestr(name, body)
    return path


@pytest.mark.parametrize(("name", "make", "says"), [
    ("trong.xlsx", lambda p: p.write_bytes(b""), "Tệp trống."),
    ("lon.docx", lambda p: p.open("wb").truncate(11 * 1024 * 1024), "lớn quá 10 MB"),
    ("anh.xlsx", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100), "không phải tệp Excel .xlsx"),
    ("anh.docx", lambda p: p.write_bytes(b"%PDF-1.7 " + b"0" * 100), "không phải tệp Word .docx"),
    ("khoa.docx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le")),
     "Tệp có mật khẩu"),
    ("khoa.xlsx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le")),
     "Tệp có mật khẩu"),
    ("macro.docx", lambda p: _zip(p, {"word/document.xml": "<w/>", "word/vbaProject.bin": "x"}), "macro"),
    ("macro.xlsm", lambda p: p.write_bytes(b"PK"), "macro"),
    ("cu.doc", lambda p: p.write_bytes(b"x"), "định dạng Office cũ"),
    ("ke-hoach.pdf", lambda p: p.write_bytes(b"%PDF"), "Chỉ nhận tệp .xlsx"),
])
def test_files_that_are_not_plans_are_refused_in_one_line(tmp_path: Path, name: str, make: object, says: str) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    with pytest.raises(reading.Refused) as refused:
        reading.read(path)
    assert says in str(refused.value)


# --- saving, versions, the same file twice --------------------------------------------------------------


async def test_the_same_file_twice_changes_nothing_and_a_new_version_supersedes(core: Core, tmp_path: Path) -> None:
    path = lai_chau(tmp_path / "kh.xlsx")
    first = await importer.save(core.db, await importer.read(core.db, path), path.name, True, TODAY)
    assert first.stored and (first.stored.version, first.stored.state) == (1, "active")
    again = await importer.save(core.db, await importer.read(core.db, path), path.name, True, TODAY)
    assert again.unchanged and len(await stored_plans.listing(core.db)) == 1
    newer = lai_chau(tmp_path / "kh-sua.xlsx", title="Tổ chức đối thoại định kỳ với người dân")
    second = await importer.save(core.db, await importer.read(core.db, newer), newer.name, False, TODAY)
    assert second.stored and (second.stored.version, second.stored.state) == (2, "draft")
    assert await stored_plans.publish(core.db, "lai-chau-2026", 2, TODAY)
    assert [(r.version, r.state) for r in await stored_plans.listing(core.db)] == [(1, "superseded"), (2, "active")]


# --- the plans in force feed /nhiemvu and reminders ----------------------------------------------------------


async def test_after_publish_an_official_sees_the_tasks_and_reminders_keep_reports(core: Core, tmp_path: Path) -> None:
    official = await register(core, "can-bo-muong-kim", "Mường Kim", "Văn phòng HĐND-UBND xã", "Lai Châu")
    assert "chưa có nhiệm vụ" in (await official.say("/nhiemvu")).text
    path = lai_chau(tmp_path / "kh.xlsx")
    # what `plan import --dry-run --json` prints (the command line itself: tests/test_province_end_to_end.py),
    # here on the test's database, SQLite or PostgreSQL
    read = await importer.read(core.db, path)
    preview = plan_preview.as_dict(read, await plan_preview.reminders(core.db, core.kb, read.plan, TODAY, VN), VN)
    assert preview["errors"] == [] and preview["plan"]["counts"]["communes"] == 1
    assert preview["tasks"][0]["deadline"] == {"kind": "fixed", "words": "trước ngày 30/12/2026", "due": "2026-12-30"}
    assert preview["tasks"][1]["assign"] == "tất cả các xã (Văn phòng HĐND-UBND xã)"
    assert any("còn 1 ngày" in r["text"] for r in preview["reminders"]), "the dry run shows the reminders to come"
    assert await stored_plans.listing(core.db) == [], "a dry run saves nothing"
    await importer.save(core.db, await importer.read(core.db, path), path.name, True, TODAY)
    tasks = (await official.say("/nhiemvu")).text
    assert "Tổ chức đối thoại với người dân\n   Thời hạn: lần tới 31/12/2026 («hằng quý»)\n" in tasks
    assert "   Báo cáo kỳ quý 4/2026 (hạn 03/12/2026): Chưa báo cáo" in tasks, "the period's report, beside it"
    assert "Niêm yết công khai" not in tasks, "that task is UBND xã's"
    items = await planner.plan(core.db, core.kb, TODAY, VN, until=TODAY + dt.timedelta(days=30), since=TODAY)
    assert {i.due for i in items} == {dt.date(2026, 12, 3)} and items
    assert any("còn 1 ngày đến hạn «Báo cáo kết quả thực hiện hằng quý»" in i.text and "Mường Kim" in i.text
               for i in items)
    # a report stays with its task when a new version of the plan supersedes the old one
    unit_id = official_unit = (await core.db.scalar("SELECT unit_id FROM people WHERE unit_id IS NOT NULL"))
    await reports.submit(core.db, reports.NewReport("lai-chau-2026", "t02", official_unit, "2026-Q4", "xong", 100,
                                                    "Đã đối thoại", None, 1, "bc-1"), TODAY)
    newer = lai_chau(tmp_path / "kh-2.xlsx", title="Tổ chức đối thoại định kỳ với người dân")
    await importer.save(core.db, await importer.read(core.db, newer), newer.name, True, TODAY)
    tasks = (await official.say("/nhiemvu")).text
    assert "Tổ chức đối thoại định kỳ với người dân" in tasks and "Đã hoàn thành 100%" in tasks
    assert unit_id and not [i for i in await planner.plan(core.db, core.kb, TODAY, VN, since=TODAY,
                                                          until=TODAY + dt.timedelta(days=30))
                            if i.unit_id == unit_id], "the unit reported: no reminder"


async def test_the_2021_duyen_hai_plan_no_longer_projects_deadlines_into_2026(core: Core, kb: KnowledgeBase) -> None:
    duyen_hai = kb.plan("duyen-hai-2021")
    assert duyen_hai is not None and in_force(duyen_hai, dt.date(2022, 6, 3))
    assert not in_force(duyen_hai, TODAY.date())
    await invite_flow.from_command_line(core.db, kb, "Phường 1", "UBND xã", "official", "Trà Vinh", True, 7, TODAY,
                                        "thị xã Duyên Hải")
    official = await register(core, "phuong-1", "Phường 1", "UBND xã", "Trà Vinh")
    tasks = (await official.say("/nhiemvu")).text
    assert "2026" not in tasks and "chưa có nhiệm vụ" in tasks
    items = await planner.plan(core.db, kb, TODAY, VN, until=TODAY + dt.timedelta(days=60), since=TODAY)
    assert items == []
    in_2022 = dt.datetime(2022, 6, 1, 1, 0, tzinfo=dt.UTC)
    assert "duyen-hai-2021" in {p.id for p in (await active_plans(core.db, kb, in_2022.date())).plans}
    assert await planner.plan(core.db, kb, in_2022, VN, until=in_2022 + dt.timedelta(days=5), since=in_2022)
