"""Export and backup as operators run them: real subprocesses on a real SQLite file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from content.loader import KnowledgeBase
from content.search import SearchIndex
from handlers.core.messages import Incoming
from handlers.core.router import Core
from handlers.invitations import flow as invite_flow
from storage.db import connect

NOW = dt.datetime(2024, 6, 1, 1, 0, tzinfo=dt.UTC)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120)


async def seed(path: Path, kb: KnowledgeBase, index: SearchIndex) -> None:
    """One official of Đắk Plô reports one task; one official of a Đồng Tháp commune reports nothing."""
    db = await connect(path)
    core = Core(kb, db, index=index)
    code, _ = await invite_flow.from_command_line(db, kb, "Đắk Plô", "Văn phòng HĐND-UBND xã", "official", None,
                                                  False, 7, NOW)
    steps = [f"/dangky {code}", "/baocao", "1", "Đã hoàn thành", "Đã ban hành kế hoạch CCHC năm 2024", "bỏ qua",
             "Không có", "Xác nhận"]
    for text in steps:
        await core.handle(Incoming("console", "lan", text=text, at=NOW, name="Nguyễn Thị Lan"))
    code, _ = await invite_flow.from_command_line(db, kb, "Tân Hòa", "UBND xã", "official", "Đồng Tháp", True, 7, NOW)
    await core.handle(Incoming("console", "binh", text=f"/dangky {code}", at=NOW))
    await db.close()


async def test_xlsx_export_has_the_right_rows(kb: KnowledgeBase, index: SearchIndex, tmp_path: Path) -> None:
    db_path = tmp_path / "e.sqlite3"
    await seed(db_path, kb, index)
    out = tmp_path / "tien-do.xlsx"
    done = cli("export", "--db", str(db_path), "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Kỳ báo cáo", "Tỉnh", "Huyện (trước 7/2025)", "Xã", "Đơn vị"]
    assert sheet.freeze_panes == "A2"
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    reported = [r for r in rows if r["Tình trạng"] == "Đã hoàn thành"]
    assert len(reported) == 1
    assert reported[0]["Xã"] == "Đắk Plô" and reported[0]["Tỷ lệ (%)"] == 100
    assert reported[0]["Người báo cáo"] == "Nguyễn Thị Lan"
    assert reported[0]["Thời gian báo cáo"] == "01/06/2024 08:00"  # stored in UTC, shown in Asia/Ho_Chi_Minh
    assert {r["Xã"] for r in rows} == {"Đắk Plô", "Tân Hòa"}
    assert all(r["Tình trạng"] == "Chưa báo cáo" for r in rows if r["Xã"] == "Tân Hòa")
    assert sheet.column_dimensions["H"].width >= 40  # the task column is readable


async def test_csv_export_for_one_province_and_period(kb: KnowledgeBase, index: SearchIndex, tmp_path: Path) -> None:
    db_path = tmp_path / "e.sqlite3"
    await seed(db_path, kb, index)
    out = tmp_path / "kon-tum.csv"
    done = cli("export", "--db", str(db_path), "--format", "csv", "--province", "Kon Tum", "--period", "2024",
               "--out", str(out))
    assert done.returncode == 0, done.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM lets Excel read the diacritics"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and {r["Tỉnh"] for r in rows} == {"Kon Tum"} and {r["Kỳ báo cáo"] for r in rows} == {"2024"}


async def test_backup_while_another_connection_writes(kb: KnowledgeBase, index: SearchIndex, tmp_path: Path) -> None:
    db_path = tmp_path / "live.sqlite3"
    await seed(db_path, kb, index)
    live = await connect(db_path)
    await live.execute("BEGIN IMMEDIATE")
    await live.execute("INSERT INTO question_gaps (question, normalized, asked_at) VALUES ('a', 'a', 'x')")
    done = cli("backup", "--db", str(db_path), str(tmp_path / "copy.sqlite3"))  # a write is in progress
    await live.execute("COMMIT")
    await live.close()
    assert done.returncode == 0, done.stderr
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1
    copy.close()


def test_invite_command_prints_the_code_last(tmp_path: Path) -> None:
    done = cli("invite", "--db", str(tmp_path / "i.sqlite3"), "--commune", "dak plo", "--unit", "ubnd xa",
               "--bot-username", "tro_ly_papi_bot")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert f"https://t.me/tro_ly_papi_bot?start=moi-{lines[-1]}" in done.stdout
    bad = cli("invite", "--db", str(tmp_path / "i.sqlite3"), "--commune", "không có xã này", "--unit", "ubnd xa")
    assert bad.returncode == 2 and "Không tìm thấy xã" in bad.stderr


EVIL = '=HYPERLINK("http://evil.example/x","Bấm")'


async def test_user_text_is_never_a_formula_and_control_characters_never_break_it(
    kb: KnowledgeBase, index: SearchIndex, tmp_path: Path
) -> None:
    db_path = tmp_path / "evil.sqlite3"
    db = await connect(db_path)
    core = Core(kb, db, index=index)
    code, _ = await invite_flow.from_command_line(db, kb, "Đắk Plô", "Văn phòng HĐND-UBND xã", "official", None,
                                                  False, 7, NOW)
    for text in (f"/dangky {code}", "/baocao", "1", "Đã hoàn thành", "+cmd|' /C calc'!A0 \x01\x0b đã làm",
                 "bỏ qua", "@SUM(1+1)", "Xác nhận"):
        await core.handle(Incoming("console", "x", text=text, at=NOW, name=EVIL))
    stored = await db.fetchone("SELECT done_text FROM reports")
    assert stored is not None and "\x01" not in stored[0], "control characters are stripped at input"
    await db.execute("UPDATE reports SET difficulties = 'cũ \x01\x0b còn sót'")  # a row stored before the fix
    await db.close()
    out = tmp_path / "tien-do.xlsx"
    done = cli("export", "--db", str(db_path), "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("Tình trạng")].value == "Đã hoàn thành")
    name = row[header.index("Người báo cáo")]
    assert name.value == EVIL and name.data_type == "s", "a display name is text, not a live formula"
    assert row[header.index("Khó khăn, đề xuất")].value == "cũ  còn sót"
    csv_out = tmp_path / "tien-do.csv"
    assert cli("export", "--db", str(db_path), "--format", "csv", "--out", str(csv_out)).returncode == 0
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    mine = next(r for r in rows if r["Tình trạng"] == "Đã hoàn thành")
    assert mine["Người báo cáo"] == "'" + EVIL, "Excel shows it as text"
    assert mine["Nội dung đã làm"].startswith("'+cmd") and mine["Khó khăn, đề xuất"] == "cũ  còn sót"
