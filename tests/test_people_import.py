"""`people import` and `invite --all-units`: a Sở's list of officials and a sheet of codes with QR images, on real
SQLite files after `org load --province "Lai Châu"`, with the files made here; a listed person's code used with
/dangky through the core attaches the console identity to that person."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.cli import main
from handlers.core.router import Core
from handlers.org import official as new_map
from handlers.org.load import load_map
from handlers.org.template import load_template
from handlers.people import importer
from handlers.people.phones import BadPhone, normalize_phone
from storage import directory, people
from storage.invitations import digest, looks_like_code
from tests.speakers import NOW, Person

HEADERS = ["STT", "Họ và tên", "SĐT", "Tỉnh/TP", "Xã/Phường", "Cơ quan", "Vai trò trên bot", "Telegram ID"]
OFFICIALS = [
    [1, "Lò Văn An", "0912 345 678", "lai chau", "muong kim", "van phong hdnd ubnd xa", "cán bộ", None],
    [2, "Tòng Thị Bình", "+84 987.654.321", "Lai Châu", "Xã Mường Kim", "UBND xã", "Lãnh đạo xã", 555001],
    [3, "Lường Văn Chung", 358123456, "tỉnh Lai Châu", "Phường Tân Phong", "Phòng Kinh tế, Hạ tầng và Đô thị",
     "Công chức", None],  # a number cell: Excel dropped the leading 0
    [4, "Nguyễn Thị Dung", "84 389 000 111", "Lai Châu", "", "", "Quản trị (Sở Nội vụ)", None],
]


def sheet(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC CẤP XÃ TỈNH LAI CHÂU"])  # a title above the header, as Sở write them
    ws.append(headers)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def dump(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return [*conn.execute("SELECT id, role, unit_id, province, display_name, phone FROM people ORDER BY id"),
                *conn.execute("SELECT channel, external_id, person_id FROM identities ORDER BY 1, 2"),
                *conn.execute("SELECT id, code_hash, person_id, expires_at, revoked_at FROM invitations ORDER BY id")]


@pytest.fixture
def lai_chau(tmp_path: Path) -> Path:
    db = tmp_path / "sở.sqlite3"
    assert main(["org", "load", "--province", "Lai Châu", "--db", str(db)]) == 0
    return db


@pytest.mark.parametrize(("typed", "stored"), [
    ("0912 345 678", "+84912345678"), ("+84 912.345.678", "+84912345678"), ("84912345678", "+84912345678"),
    ("912345678", "+84912345678"), ("+84 (0) 912-345-678", "+84912345678"), ("0213 3876 543", "+842133876543"),
])
def test_phone_numbers_in_one_form(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["0123", "091234567890", "+1 202 555 0100", "09123abc78", ""])
def test_bad_phone_numbers_are_refused(typed: str) -> None:
    with pytest.raises(BadPhone):
        normalize_phone(typed)


def test_import_with_odd_headers_stores_each_person_once(lai_chau: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = sheet(tmp_path / "can-bo.xlsx", OFFICIALS)
    out = tmp_path / "ma-moi.xlsx"
    args = ["people", "import", str(path), "--db", str(lai_chau), "--bot-username", "papi_bot"]
    assert main([*args, "--out", str(out)]) == 0
    assert "4 người (thêm 4, cập nhật 0, không đổi 0); gắn 1 tài khoản" in capsys.readouterr().out
    with sqlite3.connect(lai_chau) as conn:
        stored = {r[0]: r[1:] for r in conn.execute(
            "SELECT p.phone, p.display_name, p.role, c.name, u.name, p.province FROM people p"
            " LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN communes c ON c.id = u.commune_id")}
        identities = conn.execute("SELECT channel, external_id, person_id FROM identities").fetchall()
        bound = conn.execute("SELECT COUNT(*) FROM invitations WHERE person_id IS NOT NULL").fetchone()[0]
    assert stored == {
        "+84912345678": ("Lò Văn An", "official", "Xã Mường Kim", "Văn phòng HĐND và UBND xã", "Lai Châu"),
        "+84987654321": ("Tòng Thị Bình", "leader", "Xã Mường Kim", "UBND xã", "Lai Châu"),
        "+84358123456": ("Lường Văn Chung", "official", "Phường Tân Phong", "Phòng Kinh tế, Hạ tầng và Đô thị",
                         "Lai Châu"),
        "+84389000111": ("Nguyễn Thị Dung", "admin", None, None, "Lai Châu"),
    }
    assert [(c, e) for c, e, _ in identities] == [("telegram", "555001")]
    assert bound == 3, "a code for each person not yet reachable; Bình's Telegram id is linked directly"
    ws = load_workbook(out).active
    assert ws is not None and ws.max_row == 4 and len(ws._images) == 3
    assert [c.value for c in ws[2]][:2] == ["Lò Văn An", "0912 345 678"]

    before = dump(lai_chau)
    assert main(args) == 0
    assert "thêm 0, cập nhật 0, không đổi 4); gắn 0 tài khoản Zalo/Telegram; cấp 0 mã mời" in capsys.readouterr().out
    assert dump(lai_chau) == before, "the same file twice changes nothing"


def test_bad_rows_are_told_by_row_and_nothing_is_saved(lai_chau: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        [1, "Lò Văn An", "0912 345 678", "Lai Châu", "Mường Kim", "UBND xã", "cán bộ", None],
        [2, "Tòng Thị Bình", "0123 45", "Lai Châu", "Mường Kim", "UBND xã", "cán bộ", None],
        [3, "Lường Văn Chung", "0912 000 111", "Lai Châu", "Muong Kimm", "UBND xã", "cán bộ", None],
        [4, "Nguyễn Thị Dung", "0912 000 222", "Lai Châu", "Mường Kim", "UBND xã", "thủ quỹ", None],
        [5, "Hà Văn Em", "0912.345.678", "Lai Châu", "Mường Kim", "UBND xã", "cán bộ", None],
    ]
    before = dump(lai_chau)
    assert main(["people", "import", str(sheet(tmp_path / "sai.xlsx", rows)), "--db", str(lai_chau)]) == 2
    err = capsys.readouterr().err
    assert "KHÔNG hợp lệ, chưa lưu gì (4 lỗi)" in err
    assert "Dòng 4, cột «SĐT»: «0123 45» không phải số điện thoại hợp lệ" in err
    assert "Dòng 5, cột «Xã/Phường»: không có xã «Muong Kimm» ở tỉnh Lai Châu" in err
    assert "gần giống: Xã Mường Kim" in err
    assert "Dòng 6, cột «Vai trò trên bot»: không hiểu vai trò «thủ quỹ»" in err
    assert "Dòng 7, cột «SĐT»: số 0912 345 678 đã có ở dòng 3" in err
    assert dump(lai_chau) == before


async def test_listed_person_registers_with_their_code(core: Core, tmp_path: Path) -> None:
    await load_map(core.db, load_template(), new_map.province("Lai Châu"))
    result = await importer.import_file(core.db, sheet(tmp_path / "ds.xlsx", OFFICIALS[:1]), NOW)
    listed = result.people[0]
    assert listed.code and listed.unit and looks_like_code(listed.code)
    before = await core.db.scalar("SELECT COUNT(*) FROM people")
    an = Person(core, "an")
    reply = await an.say(f"/dangky {listed.code}")
    assert "Đăng ký thành công: cán bộ, công chức thuộc Văn phòng HĐND và UBND xã – Xã Mường Kim" in reply.text
    person = await directory.by_phone(core.db, "+84912345678")
    assert person is not None and person.role == "official" and person.unit_id == listed.unit.id
    owner = await core.db.scalar("SELECT person_id FROM identities WHERE channel = 'console' AND external_id = 'an'")
    assert owner == person.id
    assert await core.db.scalar("SELECT COUNT(*) FROM people") == before, "no second person for An"
    assert await core.db.scalar("SELECT display_name FROM people WHERE id = ?", (person.id,)) == "Lò Văn An"
    assert "chưa có nhiệm vụ nào" in (await an.say("/nhiemvu")).text  # his unit's tasks (Lai Châu has no plan yet)
    again = Person(core, "someone-else")
    assert "đã được dùng" in (await again.say(f"/dangky {listed.code}")).text


async def test_a_registered_person_is_not_merged_with_a_listed_one(core: Core, official: Person,
                                                                    tmp_path: Path) -> None:
    await load_map(core.db, load_template(), new_map.province("Lai Châu"))
    result = await importer.import_file(core.db, sheet(tmp_path / "ds.xlsx", OFFICIALS[:1]), NOW)
    assert "đã đăng ký cho một cán bộ khác" in (await official.say(f"/dangky {result.people[0].code}")).text


def test_bulk_invitations_one_row_per_unit_with_a_qr_code(lai_chau: Path, tmp_path: Path) -> None:
    out = tmp_path / "moi-lai-chau.xlsx"
    args = ["invite", "--all-units", "--province", "lai chau", "--out", str(out), "--bot-username", "papi_bot"]
    assert main([*args, "--db", str(lai_chau)]) == 0
    with sqlite3.connect(lai_chau) as conn:
        units = conn.execute("SELECT COUNT(*) FROM units WHERE commune_id IS NOT NULL").fetchone()[0]
        hashes = {r[0] for r in conn.execute("SELECT code_hash FROM invitations WHERE used_at IS NULL")}
    ws = load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Xã", "Đơn vị", "Vai trò", "Mã mời", "Hết hạn"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(rows) == units == 228 and len(ws._images) == units
    for row in rows:
        code = str(row[3])
        assert looks_like_code(code) and digest(code) in hashes
        assert row[5] == f"https://t.me/papi_bot?start=moi-{code}"
        assert f"Nhắn /dangky {code} cho Zalo Bot" in str(row[6])
    assert all(image.format == "png" for image in ws._images)


def test_bulk_invitations_need_a_province_on_the_map(lai_chau: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.xlsx"
    assert main(["invite", "--all-units", "--province", "Điện Biên", "--out", str(out), "--db", str(lai_chau)]) == 2
    assert "org load --province \"Điện Biên\"" in capsys.readouterr().err and not out.exists()


async def test_csv_links_a_zalo_id_and_a_changed_row_updates_the_person(core: Core, tmp_path: Path) -> None:
    await load_map(core.db, load_template(), new_map.province("Lai Châu"))
    citizen = await people.identify(core.db, "zalo", "8a1f00c3", NOW)  # wrote to the bot before being listed
    path = tmp_path / "ds.csv"
    path.write_text("Ho ten;Dien thoai;Tinh;Xa;Don vi;Vai tro;Zalo ID\n"
                    "Lò Văn An;0912345678;Lai Châu;Mường Kim;UBND xã;cán bộ;8a1f00c3\n", encoding="utf-8")
    first = await importer.import_file(core.db, path, NOW)
    an = await directory.by_phone(core.db, "+84912345678")
    assert an is not None and first.linked == 1 and not first.coded, "reachable on Zalo already: no code"
    assert await core.db.scalar("SELECT person_id FROM identities WHERE channel = 'zalo'") == an.id
    assert await people.get(core.db, citizen.id) is None, "the empty citizen is gone"
    path.write_text(path.read_text(encoding="utf-8").replace("UBND xã;cán bộ", "Phòng Kinh tế;lãnh đạo"),
                    encoding="utf-8")
    second = await importer.import_file(core.db, path, NOW)
    moved = await directory.by_phone(core.db, "+84912345678")
    assert (second.added, second.updated, second.linked) == (0, 1, 0)
    assert moved is not None and moved.id == an.id and moved.role == "leader" and moved.unit_id != an.unit_id


async def test_an_old_list_restores_nobody_an_admin_revoked(core: Core, tmp_path: Path) -> None:
    await load_map(core.db, load_template(), new_map.province("Lai Châu"))
    path = sheet(tmp_path / "ds.xlsx", OFFICIALS[:1])
    listed = (await importer.import_file(core.db, path, NOW)).people[0]
    an = await directory.by_phone(core.db, listed.entry.phone)
    assert an is not None
    await people.set_role(core.db, an.id, "citizen")  # /thuhoi
    again = await importer.import_file(core.db, path, NOW)
    assert again.kept_revoked and "đã bị thu hồi quyền" in again.kept_revoked[0] and not again.coded
    assert (await people.get(core.db, an.id)) == people.Person(an.id, "citizen")
    assert "đã bị thu hồi" in (await Person(core, "an").say(f"/dangky {listed.code}")).text
