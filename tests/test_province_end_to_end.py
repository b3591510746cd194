"""Issue 11, end to end on a fresh SQLite file: a Sở loads Lai Châu's map, its list of officials and its own 2026
plan through the real command line (`python -m bot …` in a subprocess), then an official registers with the code
of their row and sees the plan's tasks, `reminders preview` lists their reminders, and the province's admin sees
its communes in /tiendo. The same plan as a Word table reads to the same tasks. Every file is made here."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import docx
from docx.table import Table
from openpyxl import Workbook, load_workbook

from content.loader import KnowledgeBase
from content.search import SearchIndex
from handlers.core.router import Core
from handlers.files.pool import Renderer
from storage.db import connect
from tests.speakers import Person

ROOT = Path(__file__).parent.parent
TODAY = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 08:00 on 1/12/2026 in Vietnam
AT = "2026-12-01 08:00"
VAN_PHONG, VAN_HOA = "Văn phòng HĐND và UBND xã", "Phòng Văn hóa - Xã hội"

PLAN_INFO = {"Tên kế hoạch": "Kế hoạch cải thiện Chỉ số PAPI tỉnh Lai Châu năm 2026", "Số hiệu": "45/KH-UBND",
             "Ngày ban hành": "16/3/2026", "Cơ quan ban hành": "UBND tỉnh Lai Châu", "Tỉnh": "Lai Châu",
             "Cấp": "tỉnh", "Năm PAPI": "2026", "Hiệu lực đến": "31/12/2027"}
# STT, Nội dung nhiệm vụ, Chỉ số, Cơ quan chủ trì, Cơ quan phối hợp, Thời hạn, Giao cho, Đơn vị ở xã, Sản phẩm
TASKS = [
    ["1", "Tổ chức đối thoại với người dân về thủ tục hành chính", "1, 3", VAN_PHONG, "Ủy ban MTTQ Việt Nam xã",
     "hằng quý, trước ngày 03 của tháng cuối quý", "tất cả các xã", VAN_PHONG, "Biên bản đối thoại"],
    ["2", "Niêm yết công khai dự toán ngân sách xã năm 2027", "2", "UBND xã", "",
     "trước ngày 31/3/2027", "tất cả các xã", VAN_PHONG, "Ảnh chụp bảng niêm yết"],
    ["3", "Tuyên truyền phòng, chống bạo lực gia đình", "5", VAN_HOA, "",
     "trước ngày 15/12/2026", "tất cả các xã", VAN_HOA, ""],
]
# Nội dung báo cáo, Gửi đến, Thời hạn, Xã báo cáo: the communes report each quarter, so periods are quarters
REPORTS = [["Báo cáo kết quả thực hiện hằng quý", "Sở Nội vụ", "hằng quý, trước ngày 03 của tháng cuối quý", "có"]]


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert not check or done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def officials_sheet(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["DANH SÁCH CÁN BỘ TỈNH LAI CHÂU"])
    ws.append(["STT", "Họ tên", "Điện thoại", "Tỉnh", "Xã", "Đơn vị", "Vai trò"])
    for n, row in enumerate(rows, 1):
        ws.append([n, *row])
    book.save(path)
    return path


def plan_xlsx(template: Path, path: Path) -> Path:
    """The template `plan template` wrote, filled as a Sở would: column B of «Kế hoạch», the example row replaced."""
    book = load_workbook(template)
    for row in book["Kế hoạch"].iter_rows(min_row=2):
        if row[0].value in PLAN_INFO:
            row[1].value = PLAN_INFO[str(row[0].value)]
    sheet = book["Nhiệm vụ"]
    assert sheet.cell(2, 1).value == "Ví dụ"
    sheet.delete_rows(2)
    for number, title, dims, lead, coordinate, deadline, assign, unit, product in TASKS:
        sheet.append([number, title, "", dims, "", lead, coordinate, deadline, assign, unit, product])
    for report in REPORTS:
        book["Báo cáo"].append(report)
    book.save(path)
    return path


def plan_docx(path: Path) -> Path:
    """The same plan as a Word document: its heading, `Nhãn: giá trị` lines, the task table, the reports table."""
    document = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH LAI CHÂU", "Số: 45/KH-UBND", "Lai Châu, ngày 16 tháng 3 năm 2026", "KẾ HOẠCH",
                 PLAN_INFO["Tên kế hoạch"], "Năm PAPI: 2026", "Hiệu lực đến: 31/12/2027"):
        document.add_paragraph(line)
    headers = ["STT", "Nội dung nhiệm vụ", "Chỉ số", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện",
               "Phạm vi", "Đơn vị ở xã", "Sản phẩm"]
    table: Table = document.add_table(rows=1, cols=len(headers))
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for task in TASKS:
        for cell, text in zip(table.add_row().cells, task, strict=True):
            cell.text = text
    document.add_paragraph("Lịch báo cáo")
    calendar: Table = document.add_table(rows=1, cols=4)
    for row, texts in zip([calendar.rows[0], *(calendar.add_row() for _ in REPORTS)],
                          [["Nội dung báo cáo", "Gửi đến", "Thời hạn", "Xã báo cáo"], *REPORTS], strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.save(str(path))
    return path


def query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


async def test_a_province_runs_on_its_own_map_officials_and_plan(
    kb: KnowledgeBase, index: SearchIndex, renderer: Renderer, tmp_path: Path
) -> None:
    db = tmp_path / "lai-chau.sqlite3"

    # 1. the map of Lai Châu, every commune with the template's units
    loaded = run("org", "load", "--province", "Lai Châu", "--db", str(db))
    assert "38 xã, phường, đặc khu (thêm 38, đã có 0)" in loaded.stdout
    communes = [str(r[0]) for r in query(db, "SELECT name FROM communes WHERE province = 'Lai Châu' ORDER BY code")]
    assert len(communes) == 38
    first, second = communes[0], communes[1]
    for commune, unit in ((first, VAN_PHONG), (second, VAN_HOA)):
        assert query(db, "SELECT COUNT(*) FROM units u JOIN communes c ON c.id = u.commune_id"
                         " WHERE c.name = ? AND u.name = ?", commune, unit) == [(1,)]

    # 2. the Sở's list of officials: two commune officials and the province's admin
    people_file = officials_sheet(tmp_path / "can-bo.xlsx", [
        ["Lò Văn An", "0912 345 678", "Lai Châu", first, VAN_PHONG, "cán bộ"],
        ["Tòng Thị Bình", "0987 654 321", "lai chau", second, VAN_HOA, "công chức"],
        ["Nguyễn Thị Dung", "0389 000 111", "Lai Châu", "", "", "quản trị"],
    ])
    codes_file = tmp_path / "ma-moi.xlsx"
    imported = run("people", "import", str(people_file), "--out", str(codes_file), "--bot-username", "papi_bot",
                   "--db", str(db))
    assert "3 người (thêm 3, cập nhật 0, không đổi 0)" in imported.stdout and "cấp 3 mã mời" in imported.stdout
    stored = {r[0]: r[1:] for r in query(
        db, "SELECT p.phone, p.display_name, p.role, c.name, u.name, p.province FROM people p"
            " LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN communes c ON c.id = u.commune_id")}
    assert stored == {"+84912345678": ("Lò Văn An", "official", first, VAN_PHONG, "Lai Châu"),
                      "+84987654321": ("Tòng Thị Bình", "official", second, VAN_HOA, "Lai Châu"),
                      "+84389000111": ("Nguyễn Thị Dung", "admin", None, None, "Lai Châu")}
    ws = load_workbook(codes_file).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    codes = {str(row[header.index("Họ tên")]): str(row[header.index("Mã mời")])
             for row in ws.iter_rows(min_row=2, values_only=True)}
    assert set(codes) == {"Lò Văn An", "Tòng Thị Bình", "Nguyễn Thị Dung"}

    # 3. the plan, written in the template `plan template` gives, imported and published
    template = tmp_path / "mau.xlsx"
    run("plan", "template", str(template))
    plan_file = plan_xlsx(template, tmp_path / "ke-hoach-2026.xlsx")
    dry = json.loads(run("plan", "import", str(plan_file), "--dry-run", "--json", "--at", AT, "--db", str(db)).stdout)
    assert dry["errors"] == [] and dry["plan"]["id"] == "lai-chau-2026"
    assert dry["plan"]["counts"]["communes"] == 38
    assert [(t["id"], t["title"]) for t in dry["tasks"]] == [(f"t0{n}", t[1]) for n, t in enumerate(TASKS, 1)]
    assert [t["deadline"]["kind"] for t in dry["tasks"]] == ["recurring", "fixed", "fixed"]
    assert dry["tasks"][1]["deadline"]["due"] == "2027-03-31" and dry["tasks"][2]["deadline"]["due"] == "2026-12-15"
    assert dry["tasks"][0]["assign"] == f"tất cả các xã ({VAN_PHONG})"
    assert query(db, "SELECT COUNT(*) FROM plans") == [(0,)], "a dry run saves nothing"
    published = run("plan", "import", str(plan_file), "--publish", "--at", AT, "--db", str(db))
    assert "lai-chau-2026" in published.stdout
    assert query(db, "SELECT id, version, state, province FROM plans") == [("lai-chau-2026", 1, "active", "Lai Châu")]
    listed = run("plan", "list", "--db", str(db)).stdout
    assert "lai-chau-2026\tphiên bản 1\tđang áp dụng\tLai Châu\t16/03/2026 – 31/12/2027" in listed

    # the same plan as a Word table reads to the same tasks
    word = json.loads(run("plan", "import", str(plan_docx(tmp_path / "45-KH-UBND.docx")), "--dry-run", "--json",
                          "--at", AT, "--db", str(db)).stdout)
    assert word["errors"] == [] and word["plan"]["id"] == "lai-chau-2026"
    assert word["tasks"] == dry["tasks"]
    assert query(db, "SELECT COUNT(*) FROM plans") == [(1,)]

    # 4. Lò Văn An registers with the code of his row and sees his unit's tasks with their deadlines
    connection = await connect(db)
    core = Core(kb, connection, index=index, renderer=renderer)
    try:
        an = Person(core, "an")
        an.at = TODAY
        registered = (await an.say(f"/dangky {codes['Lò Văn An']}")).text
        assert "Đăng ký thành công" in registered and VAN_PHONG in registered and first in registered
        tasks = await an.texts("/nhiemvu")
        assert TASKS[0][1] in tasks and TASKS[1][1] in tasks
        # each task shows its own deadline, and the due date of the current reporting period (each quarter)
        assert f"{TASKS[0][1]}\n   Thời hạn: lần tới 03/12/2026 («{TASKS[0][5]}»)\n" in tasks
        assert f"{TASKS[1][1]}\n   Thời hạn: 31/03/2027 («trước ngày 31/3/2027»)\n" in tasks
        assert tasks.count("Báo cáo kỳ quý 4/2026 (hạn 03/12/2026): Chưa báo cáo") == 2
        assert TASKS[2][1] not in tasks, "that task is Phòng Văn hóa - Xã hội's"
        an_id = await connection.scalar("SELECT person_id FROM identities WHERE channel = 'console'"
                                        " AND external_id = 'an'")
        assert query(db, "SELECT display_name FROM people WHERE id = ?", an_id) == [("Lò Văn An",)]

        # 5. the reminders the sweep would send, for his unit
        reminders = run("reminders", "preview", "--at", AT, "--days", "3", "--db", str(db)).stdout
        his = [line for line in reminders.splitlines() if line.split("\t")[2:3] and
               line.split("\t")[2].startswith(f"#{an_id} ")]
        assert his, reminders
        assert all(first in line and VAN_PHONG in line for line in his)
        assert any("còn 1 ngày đến hạn «Báo cáo kết quả thực hiện hằng quý» kỳ quý 4/2026 (hạn 03/12/2026)" in line
                   and line.startswith("02/12/2026 08:00\treminder") for line in his), reminders
        binh = query(db, "SELECT id FROM people WHERE phone = '+84987654321'")[0][0]
        assert f"#{binh} " not in reminders, "listed but never wrote to the bot: nobody to send a reminder to"

        # 6. the province's admin, listed with «quản trị», sees every commune of Lai Châu
        dung = Person(core, "dung")
        dung.at = TODAY
        assert "Đăng ký thành công" in (await dung.say(f"/dangky {codes['Nguyễn Thị Dung']}")).text
        progress = await dung.texts("/tiendo")
        assert "(Lai Châu)" in progress
        missing = [c for c in communes if c not in progress]
        assert missing == [], progress
    finally:
        await connection.close()
