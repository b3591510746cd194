"""`org load` and `org import`: the July 2025 map from the vietnam-provinces package, a province's own file, on
real SQLite files, through the real command line (a subprocess for the end-to-end case, `main` in process)."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from vietnam_provinces import ProvinceCode, Ward

from bot.cli import main
from handlers.org import official
from handlers.org.template import TemplateError, load_template
from storage import org
from storage.db import connect

ROOT = Path(__file__).parent.parent
LAI_CHAU = [w for w in Ward.iter_by_province(ProvinceCode.P_12)]  # straight from the package, as the reference


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)


def dump(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return [*conn.execute("SELECT id, province, district, name, code FROM communes ORDER BY id"),
                *conn.execute("SELECT id, province, commune_id, name FROM units ORDER BY id"),
                *conn.execute("SELECT * FROM provinces ORDER BY code")]


def count(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_load_lai_chau_end_to_end_every_commune_with_the_template_units(tmp_path: Path) -> None:
    db = tmp_path / "map.sqlite3"
    first = run("org", "load", "--province", "Lai Châu", "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "38 xã, phường, đặc khu (thêm 38, đã có 0)" in first.stdout and len(LAI_CHAU) == 38
    template = load_template()
    with sqlite3.connect(db) as conn:
        communes = {r[0]: r[1:] for r in conn.execute("SELECT code, id, name, district, province FROM communes")}
        assert conn.execute("SELECT code, name, kind FROM provinces").fetchall() == [(12, "Lai Châu", "tỉnh")]
        for ward in LAI_CHAU:
            cid, name, district, province = communes[int(ward.code)]
            assert (" ".join(ward.name.split()), district, province) == (name, None, "Lai Châu")
            units = {r[0] for r in conn.execute("SELECT name FROM units WHERE commune_id = ?", (cid,))}
            assert units == set(template.for_kind(ward.division_type.value)) and org.COMMUNE_UNIT in units
    assert len(communes) == 38
    before = dump(db)
    again = run("org", "load", "--province", "lai chau", "--db", str(db))
    assert again.returncode == 0 and "(thêm 0, đã có 38)" in again.stdout and "(thêm 0, đã có 228)" in again.stdout
    assert dump(db) == before


@pytest.mark.parametrize("typed", ["lai chau", "tinh lai chau", "Tỉnh Lai Châu", "LAI CHÂU", "lai chao", "Lai Cau"])
def test_province_is_matched_as_people_type_it(typed: str) -> None:
    assert official.province(typed).code == 12


def test_cities_and_their_short_names() -> None:
    assert official.province("tp hcm").name == "Hồ Chí Minh"
    assert official.province("Thành phố Hà Nội").name == official.province("ha noi").name == "Hà Nội"


def test_load_with_a_typo_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "typo.sqlite3"
    assert main(["org", "load", "--province", "tinh lai chau", "--db", str(db)]) == 0
    assert "thêm 38" in capsys.readouterr().out
    assert count(db, "communes") == 38


@pytest.mark.parametrize(("typed", "said"), [
    ("Xứ Sở Thần Tiên", "không tìm thấy tỉnh «Xứ Sở Thần Tiên»"),
    ("Hà Giang", "«Hà Giang» là tỉnh trước sắp xếp tháng 7/2025"),  # not guessed as An Giang (87% alike)
])
def test_unknown_province_is_refused_with_exit_2(tmp_path: Path, typed: str, said: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "none.sqlite3"
    assert main(["org", "load", "--province", typed, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert said in err and "Lai Châu" in err  # the 34 names are listed
    assert count(db, "communes") == 0


def test_old_map_communes_are_kept_and_hand_made_ones_get_their_code(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    mk = next(w for w in LAI_CHAU if w.name == "Xã Mường Kim")

    async def before() -> tuple[int, int]:
        conn = await connect(db)
        old = await org.ensure_commune(conn, "Lai Châu", "huyện Than Uyên", "Mường Kim")  # a pre-2025 plan's
        await org.ensure_unit(conn, "Lai Châu", old, "Công chức Tư pháp - Hộ tịch")
        hand = await org.ensure_commune(conn, "Lai Châu", None, "xã Khoen On")  # `invite --create`, no district
        await conn.close()
        return old, hand

    old, hand = asyncio.run(before())
    assert main(["org", "load", "--province", "Lai Châu", "--db", str(db)]) == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT district, name, code FROM communes WHERE id = ?", (old,)).fetchone() == (
            "huyện Than Uyên", "Mường Kim", None)
        assert {r[0] for r in conn.execute("SELECT name FROM units WHERE commune_id = ?", (old,))} == {
            org.COMMUNE_UNIT, "Công chức Tư pháp - Hộ tịch"}
        assert conn.execute("SELECT code FROM communes WHERE id = ?", (hand,)).fetchone()[0] == int(
            next(w for w in LAI_CHAU if w.name == "Xã Khoen On").code)
        new = conn.execute("SELECT district FROM communes WHERE code = ?", (int(mk.code),)).fetchall()
        assert new == [(None,)]
        assert conn.execute("SELECT COUNT(*) FROM communes").fetchone()[0] == 38 + 1  # the old one beside


def test_template_is_validated() -> None:
    assert load_template().for_kind("phường")[0] == org.COMMUNE_UNIT


@pytest.mark.parametrize(("text", "said"), [
    ("units:\n  - name: Phòng Kinh tế\n", "UBND xã"),
    ("units:\n  - name: UBND xã\n  - name: Phòng X\n    kinds: [huyện]\n", "phải là một trong"),
    ("units:\n  - name: UBND xã\n  - name: ubnd xa\n", "trùng"),
    ("units: [\n", "Không đọc được"),
])
def test_bad_template_is_refused(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=said):
        load_template(path)


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_import_xlsx_with_odd_headers_adds_communes_and_units(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "imp.sqlite3"
    path = xlsx(tmp_path / "don-vi.xlsx", [
        ["DANH SÁCH ĐƠN VỊ CẤP XÃ TỈNH LAI CHÂU"],  # a title above the header
        [],
        ["STT", "Tỉnh/TP", "Tên Xã/Phường", "  Don vi  ", "Ghi chú"],
        [1, "lai chau", "Mường Kim", "phong kinh te", ""],
        [2, "Tỉnh Lai Châu", "xa muong kim", "Công an xã", "mới"],
        [3, "Lai Châu", "Khoen On", "Văn phòng HĐND-UBND xã", None],
        [4, "Lai Chau", "khoen on", "Văn phòng HĐND và UBND xã", None],  # the same unit, spelt otherwise
    ])
    assert main(["org", "import", str(path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "2 xã, phường, đặc khu (thêm 2, đã có 0)" in out and "5 đơn vị (thêm 5, đã có 0)" in out
    with sqlite3.connect(db) as conn:
        units = dict(conn.execute("SELECT u.name, c.name FROM units u JOIN communes c ON c.id = u.commune_id"
                                  " WHERE c.name = 'Xã Mường Kim'"))
        assert set(units) == {org.COMMUNE_UNIT, "Phòng Kinh tế", "Công an xã"}  # the template's spelling
        assert conn.execute("SELECT COUNT(*) FROM communes WHERE code IS NOT NULL AND district IS NULL"
                            ).fetchone()[0] == 2
    before = dump(db)
    assert main(["org", "import", str(path), "--db", str(db)]) == 0
    assert "(thêm 0, đã có 5)" in capsys.readouterr().out and dump(db) == before


def test_import_csv_after_load_adds_only_what_is_missing(tmp_path: Path) -> None:
    db = tmp_path / "csv.sqlite3"
    assert run("org", "load", "--province", "Lai Châu", "--db", str(db)).returncode == 0
    path = tmp_path / "don-vi.csv"
    path.write_text("Tinh;Xa;Ten don vi\nLai Châu;muong kim;Phòng Kinh tế\nlai chau;Mường Kim;Đoàn Thanh niên\n",
                    encoding="utf-8-sig")
    done = run("org", "import", str(path), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "1 xã, phường, đặc khu (thêm 0, đã có 1)" in done.stdout and "3 đơn vị (thêm 1, đã có 2)" in done.stdout
    assert count(db, "communes") == 38 and count(db, "units") == 229


def big_csv(path: Path) -> None:
    path.write_text("tỉnh,xã,đơn vị\n" + "Lai Châu,Mường Kim,Phòng Kinh tế\n" * 20_001, encoding="utf-8")


def huge(path: Path) -> None:
    with path.open("wb") as file:
        file.truncate(11 * 1024 * 1024)


@pytest.mark.parametrize(("name", "make", "said"), [
    ("thieu-cot.xlsx", lambda p: xlsx(p, [["Tỉnh", "Đơn vị"], ["Lai Châu", "UBND xã"]]),
     "Dòng 1 (tiêu đề): thiếu cột «xã»"),
    ("doi-duoi.xlsx", lambda p: p.write_text("tỉnh,xã,đơn vị\n", encoding="utf-8"), "không phải tệp Excel"),
    ("trong.csv", lambda p: p.write_bytes(b""), "Tệp trống"),
    ("chi-tieu-de.csv", lambda p: p.write_text("tỉnh,xã,đơn vị\n", encoding="utf-8"), "không có dòng dữ liệu"),
    ("mat-khau.xlsx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
                                              + "EncryptionInfo".encode("utf-16-le")), "mật khẩu"),
    ("cu.xlsx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), ".xls"),
    ("macro.xlsm", lambda p: xlsx(p, [["tỉnh", "xã", "đơn vị"]]), "macro"),
    ("nhieu.csv", big_csv, "hơn 20.000 dòng"),
    ("lon.csv", huge, "lớn quá 10 MB"),
    ("van-ban.txt", lambda p: p.write_text("x", encoding="utf-8"), "Chỉ nhận tệp .xlsx hoặc .csv"),
])
def test_a_file_that_cannot_be_read_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           name: str, make: object, said: str) -> None:
    db, path = tmp_path / "bad.sqlite3", tmp_path / name
    make(path)  # type: ignore[operator]
    assert main(["org", "import", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1
    assert count(db, "communes") == 0


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_saved(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "rows.sqlite3"
    path = xlsx(tmp_path / "loi.xlsx", [
        ["Tỉnh", "Xã", "Đơn vị"],
        ["Lai Châu", "Mường Kim", "Phòng Kinh tế"],  # valid, but the file is not: not saved either
        ["Lai Châu", None, "Phòng Kinh tế"],
        ["Lai Châu", "Khoen On", ""],
        ["Lai Châu", "Khoen On", "x" * 151],
        ["Hà Giang", "Mường Kim", "UBND xã"],
        ["Lai Châu", "Muong Kimm", "UBND xã"],
        ["Đồng Tháp", "Tan Thanh", "UBND xã"],
    ])
    assert main(["org", "import", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "KHÔNG hợp lệ, chưa lưu gì (6 lỗi)" in err
    lines = [line.strip("- ").strip() for line in err.splitlines()[1:7]]
    assert lines[0] == "Dòng 3, cột «Xã»: ô trống: cần tên xã."
    assert lines[1] == "Dòng 4, cột «Đơn vị»: ô trống: cần tên đơn vị."
    assert lines[2].startswith("Dòng 5, cột «Đơn vị»: Tên đơn vị dài 151 ký tự, vượt quá 150")
    assert lines[3].startswith("Dòng 6, cột «Tỉnh»: «Hà Giang» là tỉnh trước sắp xếp")
    assert lines[4].startswith("Dòng 7, cột «Xã»: không có xã «Muong Kimm»") and "Xã Mường Kim" in lines[4]
    assert lines[5] == "Dòng 8, cột «Xã»: «Tan Thanh» có thể là Xã Tân Thành hoặc Xã Tân Thạnh: hãy gõ đủ dấu."
    assert count(db, "communes") == 0 and count(db, "units") == 0 and count(db, "provinces") == 0


def test_communes_alike_without_diacritics_are_both_loaded(tmp_path: Path) -> None:
    """Đồng Tháp has Xã Tân Thành and Xã Tân Thạnh: one place_key, two communes, each found by its code."""
    db = tmp_path / "dt.sqlite3"
    assert main(["org", "load", "--province", "dong thap", "--db", str(db)]) == 0
    assert main(["org", "load", "--province", "dong thap", "--db", str(db)]) == 0
    expected = len(official.communes(82))
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM communes WHERE province = 'Đồng Tháp'")}
    assert len(names) == expected and {"Xã Tân Thành", "Xã Tân Thạnh"} <= names


def test_workbook_with_an_instructions_sheet_first_names_the_sheet_in_messages(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, path = tmp_path / "sheets.sqlite3", tmp_path / "hai-trang.xlsx"
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Hướng dẫn"
    notes.append(["Điền mỗi dòng một đơn vị của xã."])
    data = book.create_sheet("Danh sách")
    data.append(["Tỉnh, thành phố", "Xã, phường, đặc khu", "Tên đơn vị (phòng, ban của UBND xã)"])
    data.append(["Lai Châu", "Mường Kim", "Phòng Văn hóa - Xã hội"])
    data.append(["Lai Châu", "Mường Kim", "   "])
    book.save(path)
    assert main(["org", "import", str(path), "--db", str(db)]) == 2
    assert "Trang «Danh sách», dòng 3, cột «Tên đơn vị (phòng, ban của UBND xã)»: ô trống" in capsys.readouterr().err
    data.delete_rows(3)
    book.save(path)
    assert main(["org", "import", str(path), "--db", str(db)]) == 0
    assert count(db, "units") == 2  # UBND xã and the unit named
