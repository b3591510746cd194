"""A new PAPI edition imported with `python -m bot scores import` (its real function) and answered at once by the
console core: a 2025 edition on the 34-province map in the bilingual workbook layout PAPI publishes, and in the
CSV layout of shared/data.

Every 2025 score here is FAKE, made up by `fake_dims` for the tests: there is no PAPI 2025 data in the project.
Former provinces' figures are the bundled ones (papi_province_year_2011_2024.csv).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import itertools
import json
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook
from vietnam_provinces import Province, Ward

from bot.scores_cli import import_file
from content.loader import DATA_DIR, KnowledgeBase
from content.models import Target
from content.normalize import strip_diacritics
from handlers.core.context import VIETNAM
from handlers.core.messages import Incoming, Reply
from handlers.core.router import Core
from handlers.plans import importer, template
from storage import editions

IMPORTED = dt.datetime(2026, 4, 20, 2, 0, tzinfo=dt.UTC)  # 09:00 on 20/4/2026 in Vietnam
SUBS = {1: 4, 2: 4, 3: 3, 4: 4, 5: 3, 6: 4, 7: 3, 8: 3}
DIM_LABELS = {  # as the published sheets write them (Vietnamese, English), footnote asterisks included
    1: ("Chỉ số nội dung 1: Tham gia của người dân ở cấp cơ sở*", "Dimension 1: Participation at Local Levels"),
    2: ("Chỉ số nội dung 2: Công khai, minh bạch trong việc ra quyết định ở địa phương",
        "Dimension 2: Transparency in Local Decision-making"),
    3: ("Chỉ số nội dung 3: Trách nhiệm giải trình với người dân", "Dimension 3: Vertical Accountability"),
    4: ("Chỉ số nội dung 4: Kiểm soát tham nhũng trong khu vực công", "Dimension 4: Control of Corruption"),
    5: ("Chỉ số nội dung 5: Thủ tục hành chính công", "Dimension 5: Public Administrative Procedures"),
    6: ("Chỉ số nội dung 6: Cung ứng dịch vụ công", "Dimension 6: Public Service Delivery"),
    7: ("Chỉ số nội dung 7: Quản trị môi trường", "Dimension 7: Environmental Governance"),
    8: ("Chỉ số nội dung 8: Quản trị điện tử", "Dimension 8: E-Governance"),
}
LEFT_OUT = ("Cao Bằng", "Lai Châu")  # the two provinces the fake workbook has no scores for


def new_map() -> list[str]:
    return [p.name.removeprefix("Thành phố ") for p in Province.iter_all()]


def fake_dims(index: int) -> dict[int, float]:
    """Made-up dimension scores, 3.2–7.1, different for each province: not PAPI figures."""
    return {d: round(3.2 + ((index * 7 + d * 3) % 40) / 10, 4) for d in range(1, 9)}


def typed(name: str) -> str:
    """How the fake workbook writes some names: without diacritics, with «TP.», the old name of Huế."""
    return {"Đồng Tháp": "Dong Thap", "Hồ Chí Minh": "TP. Hồ Chí Minh", "Huế": "Thừa Thiên Huế",
            "Khánh Hòa": "khanh hoa"}.get(name, name)


def workbook(path: Path, scores: dict[str, dict[int, float]]) -> Path:
    """The bilingual provincial indicator workbook: a title block, indicators in rows (Vietnamese and English
    labels), provinces in columns; a dimension sheet (with the weighted total and intervals, which are not
    the scores) and a sub-dimension sheet; the copyright footer."""
    book = Workbook()
    dims = book.active
    assert dims is not None
    dims.title = "Chỉ số nội dung"
    subs = book.create_sheet("Nội dung thành phần")
    names = list(scores)
    for ws in (dims, subs):
        ws.append(["BẢNG CHỈ TIÊU CẤP TỈNH PAPI 2025 (DỮ LIỆU GIẢ ĐỂ KIỂM THỬ)"])
        ws.append(["PAPI 2025 Provincial Indicators (fake test data)"])
        ws.append([])
        ws.append(["Chỉ tiêu", "Indicator", *(typed(n) for n in names)])
    dims.append(["Chỉ số PAPI tổng hợp (không có trọng số)", "Unweighted PAPI Score",
                 *(round(sum(scores[n].values()), 4) for n in names)])
    dims.append(["Chỉ số PAPI tổng hợp (có trọng số)", "Weighted PAPI Score", *(50.0 for _ in names)])
    for d, (vi, en) in DIM_LABELS.items():
        dims.append([vi, en, *(scores[n][d] for n in names)])
        dims.append(["Khoảng tin cậy 95% (cận dưới)", "95% CI (lower)", *(scores[n][d] - 0.2 for n in names)])
        for k in range(1, SUBS[d] + 1):
            subs.append([f"{d}.{k}: Nội dung thành phần {d}.{k}*", f"Sub-dimension {d}.{k}",
                         *(round(scores[n][d] / SUBS[d], 4) for n in names)])
    for ws in (dims, subs):
        ws.append([])
        ws.append(["Copyright @CECODES, VFF-CRT, RTA and UNDP (dữ liệu giả để kiểm thử) WWW.PAPI.ORG.VN"])
    book.save(path)
    return path


def csv_file(path: Path, rows: list[tuple[str, dict[int, float]]], year: int = 2025) -> Path:
    """The CSV layout of shared/data/papi_province_year_2011_2024.csv (its header, provinces in rows)."""
    header = ["province_id", "province_vi", "region", "region_id", "year", *(f"D{d}" for d in range(1, 9)),
              "total_papi", "total_papi_6dim", "total_official", "n_dims", "rank_year", "tier"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for n, (name, dims) in enumerate(rows, 1):
            total = round(sum(dims.values()), 4)
            out.writerow([n, name, "", "", year, *(dims[d] for d in range(1, 9)), total, "", "", 8, "", ""])
    return path


@pytest.fixture
def scores_2025() -> dict[str, dict[int, float]]:
    return {name: fake_dims(i) for i, name in enumerate(new_map()) if name not in LEFT_OUT}


async def ask(core: Core, text: str) -> Reply:
    replies = await core.handle(Incoming(channel="console", user_id="u1", text=text))
    assert len(replies) == 1
    return replies[0]


async def run_import(tmp_path: Path, path: Path, year: int = 2025, dry_run: bool = False) -> int:
    """The CLI's import into the core's database (conftest's `core` keeps it at tmp_path/bot.sqlite3), through a
    connection of its own, as `python -m bot scores import` in another process would."""
    return (await import_file(path, year, tmp_path / "bot.sqlite3", dry_run, VIETNAM, IMPORTED)).status


# --- the map of July 2025 -----------------------------------------------------------------------------------------


def test_the_map_file_agrees_with_the_official_list(kb: KnowledgeBase) -> None:
    """map_2025.yaml against the vietnam-provinces package: the 34 names and codes, each of the 63 former
    provinces once, each new code one of its former provinces' codes, and the package's commune codes (each new
    commune keeps the code of one it was formed from) running through the new provinces in former-code order."""
    provinces = kb.scores.map.provinces
    package = {p.name.removeprefix("Thành phố "): int(p.code) for p in Province.iter_all()}
    assert {p.name: p.code for p in provinces} == package
    former = [f for p in provinces for f in p.former]
    assert sorted(former) == sorted(e["name"] for e in yaml.safe_load((DATA_DIR / "provinces.yaml").read_text()))
    assert all(p.code in p.former_codes for p in provinces)
    to_new = {code: p.name for p in provinces for code in p.former_codes}
    wards = sorted((int(w.code), package_name) for p in Province.iter_all()
                   for package_name in [p.name.removeprefix("Thành phố ")] for w in Ward.iter_by_province(p.code))
    # Hà Nội's communes of its 2008 expansion keep codes among the former Hà Tây's, Vĩnh Phúc's and Hòa Bình's
    runs = [k for k, _ in itertools.groupby(n for i, (_, n) in enumerate(wards) if i == 0 or n != "Hà Nội")]
    assert runs == [k for k, _ in itertools.groupby(to_new[c] for c in sorted(to_new))]


def test_the_map_file_names_the_former_provinces_the_conversion_table_gives(kb: KnowledgeBase) -> None:
    """Which former provinces each new one was formed from, against a second, independent source: the province
    table of vietnamadminunits' 2024→2025 conversion data (the table handlers/plans/former.py reads)."""
    def key(name: str) -> str:
        return "".join(ch for ch in strip_diacritics(name).lower() if ch.isalnum())

    table = json.loads(next(f for f in importlib.metadata.files("vietnamadminunits") or ()
                            if f.name == "converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]
    package = {key(new).removeprefix("thanhpho").removeprefix("tinh"):
               sorted(key(o).removeprefix("thanhpho").removeprefix("tinh") for o in olds)
               for new, olds in table.items()}
    # Thừa Thiên Huế became the centrally-run city of Huế on 1/1/2025, before the July map: the table names it so
    renamed = {"thuathienhue": "hue"}
    ours = {key(p.name): sorted(renamed.get(key(f), key(f)) for f in p.former) for p in kb.scores.map.provinces}
    assert ours == package



def test_the_curated_mergers_name_the_former_provinces_of_the_map(kb: KnowledgeBase) -> None:
    """papi.yaml's merger entries (what a merger answer cites) and map_2025.yaml (what the scores follow) agree."""
    for merger in kb.papi.mergers:
        new = kb.scores.map.new(merger.new_name)
        assert new is not None and sorted(merger.former) == sorted(new.former), merger.new_name

# --- importing ------------------------------------------------------------------------------------------------------


async def test_a_34_province_workbook_is_imported_and_answered_at_once(
        core: Core, tmp_path: Path, scores_2025: dict[str, dict[int, float]],
        capsys: pytest.CaptureFixture[str]) -> None:
    before = await ask(core, "điểm PAPI Đồng Tháp 2025")
    assert "chưa được công bố hoặc chưa được nhập vào Trợ lý" in before.text
    assert "Đồng Tháp (tỉnh cũ) 2024: 43,84" in before.text and "Tiền Giang (tỉnh cũ) 2023: 39,69" in before.text

    path = workbook(tmp_path / "papi-2025-GIA-kiem-thu.xlsx", scores_2025)
    assert await run_import(tmp_path, path) == 0
    printed = capsys.readouterr().out
    assert "PAPI 2025, bản đồ 34 tỉnh" in printed and "32 tỉnh có điểm" in printed
    assert "Không có điểm (2 tỉnh): Cao Bằng, Lai Châu." in printed  # the two missing provinces, listed
    assert "32 có điểm nội dung thành phần" in printed

    # the same core, no restart: the next question reads the new edition
    card = await ask(core, "điểm PAPI Đồng Tháp 2025")
    mine = scores_2025["Đồng Tháp"]
    assert "Điểm PAPI 2025 của Đồng Tháp (không trọng số, bản đồ 34 tỉnh, thành phố từ 1/7/2025)" in card.text
    assert f"Tổng điểm: {sum(mine.values()):.2f}".replace(".", ",") + "/80" in card.text
    assert "/32 tỉnh có điểm" in card.text and "So với 2024" not in card.text
    assert "Trước sắp xếp 2025 (các tỉnh cũ nay thuộc Đồng Tháp" in card.text
    assert "• Đồng Tháp (tỉnh cũ) 2024: 43,84/80" in card.text and "• Tiền Giang (tỉnh cũ) 2023: 39,69/80" in card.text
    assert "Tính trên bản đồ 34 tỉnh, thành phố từ 1/7/2025." in card.text
    assert "nhập từ tệp «papi-2025-GIA-kiem-thu.xlsx» ngày 20/04/2026 (phiên bản 1" in card.text
    assert "Dữ liệu PAPI cấp tỉnh 2011–2024" in card.text  # the former provinces' scores cite the bundled file
    assert "/diem Tiền Giang 2023" in [c.value for c in card.choices]

    former = await ask(core, "điểm PAPI Tiền Giang 2025")
    assert former.text.startswith("Từ 1/7/2025, Tiền Giang thuộc Đồng Tháp; điểm PAPI 2025 là của Đồng Tháp.")
    hue = await ask(core, "điểm PAPI Huế")  # renamed, not merged: its latest edition, compared with 2024
    assert "Điểm PAPI 2025 của Huế" in hue.text and "So với 2024" in hue.text
    still = await ask(core, "điểm PAPI Đồng Tháp 2024")  # the former province, on the former map
    assert "Tổng điểm: 43,84/80" in still.text and "Tính trên bản đồ 63 tỉnh trước sắp xếp 2025." in still.text

    pair = await ask(core, "so sánh Đồng Tháp và Khánh Hòa 2025")
    khanh_hoa = scores_2025["Khánh Hòa"]
    assert "So sánh PAPI 2025: Đồng Tháp và Khánh Hòa" in pair.text
    assert f"{khanh_hoa[4]:.2f}".replace(".", ",") in pair.text
    assert "bản đồ 34 tỉnh" in pair.text and "papi-2025-GIA-kiem-thu.xlsx" in pair.text

    top = await ask(core, "5 tỉnh cao nhất PAPI 2025")
    best = max(scores_2025, key=lambda n: sum(scores_2025[n].values()))
    assert "(trong 32 tỉnh có điểm, bản đồ 34 tỉnh, thành phố từ 1/7/2025)" in top.text
    assert f"1. {best}:" in top.text and "papi-2025-GIA-kiem-thu.xlsx" in top.text
    old = await ask(core, "5 tỉnh cao nhất PAPI 2024")
    assert "bản đồ 63 tỉnh trước sắp xếp 2025" in old.text

    count = await ask(core, "PAPI 2025 có bao nhiêu tỉnh được chấm điểm")
    assert "32 tỉnh, thành phố có tổng điểm" in count.text and "không có: Cao Bằng, Lai Châu." in count.text

    subs = await ask(core, "điểm nội dung thành phần Đồng Tháp 2025")
    assert "1.1 Tri thức công dân" in subs.text  # the curated names of the bundled editions
    assert "papi-2025-GIA-kiem-thu.xlsx" in subs.text


async def test_the_trend_across_the_break_has_a_line_per_province(
        core: Core, tmp_path: Path, scores_2025: dict[str, dict[int, float]]) -> None:
    assert await run_import(tmp_path, workbook(tmp_path / "papi-2025.xlsx", scores_2025)) == 0
    trend = await ask(core, "Đồng Tháp qua các năm")
    assert trend.image is not None and trend.image.startswith(b"\x89PNG")
    new_total = f"{sum(scores_2025['Đồng Tháp'].values()):.2f}".replace(".", ",")
    assert f"Đồng Tháp (tỉnh mới, từ 2025): 2025: {new_total}" in trend.text
    assert "Đồng Tháp (tỉnh cũ, đến 2024): 2019: 46,72" in trend.text and "2024: 43,84" in trend.text  # 2018: no total
    assert "Tiền Giang (tỉnh cũ, đến 2024): 2018:" in trend.text and "2023: 39,69" in trend.text
    assert len(trend.text) <= 1024  # a photo's caption on Telegram

    chart = core.scores.answer("Đồng Tháp qua các năm")  # the same answer before drawing: what the chart holds
    assert chart.render is not None
    _, years, series, _, _ = chart.render.args
    labels = [s.label for s in series]
    assert labels == ["Đồng Tháp (tỉnh mới, từ 2025)", "Đồng Tháp (tỉnh cũ, đến 2024)",
                      "Tiền Giang (tỉnh cũ, đến 2024)",
                      "Trung vị 63 tỉnh cũ (tự tính)", "Trung vị 34 tỉnh mới (tự tính)",
                      "Mục tiêu tổng điểm 2024 (KH 172/KH-UBND)"]  # the bundled plan of the former Đồng Tháp
    by_label = {s.label: dict(zip(years, s.values, strict=True)) for s in series}
    # never summed or averaged: each line is one province's own figure, on its own map only
    assert by_label["Đồng Tháp (tỉnh mới, từ 2025)"][2025] == pytest.approx(sum(scores_2025["Đồng Tháp"].values()))
    assert all(v is None for y, v in by_label["Đồng Tháp (tỉnh mới, từ 2025)"].items() if y < 2025)
    assert by_label["Tiền Giang (tỉnh cũ, đến 2024)"][2023] == pytest.approx(39.69, abs=0.005)
    assert by_label["Tiền Giang (tỉnh cũ, đến 2024)"][2025] is None

    unchanged = core.scores.answer("Hà Tĩnh qua các năm")  # one province on both maps: one line on
    assert unchanged.render is not None and "2025:" in unchanged.text


async def test_a_plan_for_2025_waits_for_the_edition_then_is_judged(
        core: Core, kb: KnowledgeBase, tmp_path: Path, scores_2025: dict[str, dict[int, float]]) -> None:
    seed = kb.plan("dong-thap-2024")
    assert seed is not None
    plan = seed.model_copy(update={"id": "dong-thap-2025-kiem-thu", "papi_year": 2025, "targets": [
        Target(year=2025, value=35.0, min_increase=0.5,
               text="Phấn đấu PAPI 2025 đạt từ 35 điểm trở lên, tăng 0,5 điểm (mục tiêu giả để kiểm thử)."),
        Target(year=2025, dimension=4, value=9.5, text="Kiểm soát tham nhũng đạt từ 9,5 điểm (giả)."),
    ]})
    path = tmp_path / "ke-hoach-2025.xlsx"
    template.write(path, plan)
    await importer.save(core.db, await importer.read(core.db, path), path.name, True, IMPORTED)

    waiting = await ask(core, "Đồng Tháp có đạt mục tiêu PAPI 2025 không")
    assert "Kết quả PAPI 2025 chưa được công bố hoặc chưa được nhập vào Trợ lý" in waiting.text
    assert "• Phấn đấu PAPI 2025 đạt từ 35 điểm" in waiting.text

    assert await run_import(tmp_path, workbook(tmp_path / "papi-2025.xlsx", scores_2025)) == 0
    judged = await ask(core, "Đồng Tháp có đạt mục tiêu PAPI 2025 không")
    mine = scores_2025["Đồng Tháp"]
    assert "so với kết quả PAPI 2025" in judged.text
    assert f"{sum(mine.values()):.2f}".replace(".", ",") + " ≥ mục tiêu 35,00" in judged.text
    # the rise from 2024 is not judged across the break: 2024 is the former Đồng Tháp alone
    assert ("không tính được mức tăng so với 2024 (mục tiêu tăng 0,50): năm 2024 là điểm riêng của từng tỉnh cũ"
            in judged.text)
    assert "❌ Chỉ số 4" in judged.text and f"{mine[4]:.2f}".replace(".", ",") + " < mục tiêu 9,50" in judged.text
    assert "Kết quả: đạt" in judged.text and "tính theo 34 tỉnh, thành phố mới" in judged.text
    assert "papi-2025.xlsx" in judged.text


async def test_a_dimension_out_of_range_is_told_by_row_and_nothing_is_saved(
        core: Core, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [(name, fake_dims(i)) for i, name in enumerate(new_map())]
    rows[4] = (rows[4][0], {**rows[4][1], 3: 11.2})
    path = csv_file(tmp_path / "sai.csv", rows)
    assert await run_import(tmp_path, path) == 2
    err = capsys.readouterr().err
    assert "Tệp sai.csv KHÔNG hợp lệ, chưa lưu gì" in err
    assert f"Dòng 6, cột H: chỉ số nội dung 3 của {rows[4][0]} = 11,2000, ngoài thang 1,00–10,00." in err
    assert f"Dòng 6, cột N: tổng điểm của {rows[4][0]}" not in err  # the total matches the sum as written
    assert await editions.listing(core.db) == []
    assert "chưa được công bố" in (await ask(core, "điểm PAPI Hà Tĩnh 2025")).text


async def test_names_as_people_type_them_are_accepted_and_former_ones_refused(
        core: Core, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [(strip_diacritics(name), fake_dims(i)) for i, name in enumerate(new_map())]  # "dong thap", "hue"…
    rows[0] = ("TP. Ha Noi", rows[0][1])
    assert await run_import(tmp_path, csv_file(tmp_path / "khong-dau.csv", rows), dry_run=True) == 0
    out = capsys.readouterr().out
    assert "34 tỉnh có điểm" in out and "Chạy thử: chưa lưu gì" in out
    assert await editions.listing(core.db) == []

    rows[5] = ("Tiền Giang", rows[5][1])
    rows.append(("Dong Thap", fake_dims(99)))
    assert await run_import(tmp_path, csv_file(tmp_path / "tinh-cu.csv", rows)) == 2
    err = capsys.readouterr().err
    assert ("Dòng 7: «Tiền Giang» là tỉnh trước sắp xếp 7/2025, nay thuộc Đồng Tháp; PAPI 2025 chấm theo 34 tỉnh"
            in err)
    assert "Dòng 36: Đồng Tháp có hai lần trong bảng (lần đầu: Dòng" in err


async def test_the_same_file_twice_changes_nothing(
        core: Core, tmp_path: Path, scores_2025: dict[str, dict[int, float]],
        capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(tmp_path / "papi-2025.xlsx", scores_2025)
    assert await run_import(tmp_path, path) == 0
    mark = await editions.signature(core.db)
    capsys.readouterr()
    assert await run_import(tmp_path, path) == 0
    assert "Không có gì thay đổi: tệp này đã nhập (PAPI 2025 phiên bản 1, ngày 20/04/2026" in capsys.readouterr().out
    assert await editions.signature(core.db) == mark and len(await editions.listing(core.db)) == 1


async def test_one_file_for_two_years_and_an_earlier_file_again_are_new_versions(
        core: Core, tmp_path: Path, scores_2025: dict[str, dict[int, float]]) -> None:
    """Only the year's newest version is compared: the same multi-year file gives each of its years, and a
    correction rolled back (v1, v2, then v1's file again) is the year's next version."""
    names = list(scores_2025)
    both = tmp_path / "hai-nam.csv"
    with both.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["province_vi", "year", *[f"D{d}" for d in range(1, 9)], "total_papi"])
        for year, province in itertools.product((2025, 2026), names):
            dims = scores_2025[province]
            writer.writerow([province, year, *[dims[d] for d in range(1, 9)], round(sum(dims.values()), 4)])
    assert await run_import(tmp_path, both, 2025) == 0 and await run_import(tmp_path, both, 2026) == 0
    assert [(e.year, e.version) for e in await editions.listing(core.db)] == [(2025, 1), (2026, 1)]
    first = workbook(tmp_path / "v1.xlsx", scores_2025)
    corrected = dict(scores_2025, **{names[0]: fake_dims(77)})
    for path in (first, workbook(tmp_path / "v2.xlsx", corrected), first):
        assert await run_import(tmp_path, path) == 0
    newest = await editions.newest(core.db, 2025)
    assert newest is not None and (newest.version, newest.source_name) == (4, "v1.xlsx")


async def test_a_total_the_file_does_not_give_is_cited_as_summed(
        core: Core, tmp_path: Path, scores_2025: dict[str, dict[int, float]]) -> None:
    """PAPI's total is the sum of its dimensions; where a file leaves it out the answer says the bot added them."""
    path = tmp_path / "khong-tong.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["province_vi", "year", *[f"D{d}" for d in range(1, 9)]])
        for province, dims in scores_2025.items():
            writer.writerow([province, 2025, *[dims[d] for d in range(1, 9)]])
    assert await run_import(tmp_path, path) == 0
    reply = await ask(core, "điểm PAPI Hà Nội 2025")
    assert "tệp không ghi tổng điểm của 32 tỉnh, Trợ lý cộng các chỉ số nội dung" in reply.text


async def test_the_bundled_csv_reimports_to_the_bundled_scores(core: Core, kb: KnowledgeBase, tmp_path: Path) -> None:
    """The shared/data files in their own layouts: 2023 with sub-dimensions from the long file."""
    long_file = Path(__file__).parents[1] / "content" / "data" / "scores" / "papi_subdimensions_2022_2023.csv"
    assert await run_import(tmp_path, long_file, 2023) == 0
    card = await ask(core, "điểm nội dung thành phần Kon Tum 2023")
    assert "nhập từ tệp «papi_subdimensions_2022_2023.csv»" in card.text
    bundled = kb.scores.get("Kon Tum", 2023)
    assert bundled is not None and core.scores.table.get("Kon Tum", 2023) is not None
    assert core.scores.table.get("Kon Tum", 2023).subs == bundled.subs  # type: ignore[union-attr]


async def test_scales_totals_and_unknown_names_in_the_long_layout(
        core: Core, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The long layout of shared/data/papi_subdimensions_2022_2023.csv (year, province, code, score)."""
    rows = [["year", "province", "code", "name_vi", "name_en", "score"]]
    for i, name in enumerate(new_map()):
        dims = fake_dims(i)
        rows.append(["2025", name, "total", "", "", str(round(sum(dims.values()), 4))])
        rows += [["2025", name, f"D{d}", "", "", str(v)] for d, v in dims.items()]
    rows[2][5] = "9,5"  # Hà Nội D1 with a decimal comma: the total no longer adds up
    rows.append(["2025", "Hà Nội", "1.1", "Tri thức công dân", "Civic Knowledge", "2,9"])  # over 2,5
    rows.append(["2025", "Phú Quốc", "D1", "", "", "5"])
    rows.append(["2025", "Huế", "1.2", "", "", "không rõ"])
    path = tmp_path / "dai.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    assert await run_import(tmp_path, path) == 2
    err = capsys.readouterr().err
    assert "Dòng 2: tổng điểm của Hà Nội là" in err and "8 chỉ số nội dung cộng lại" in err
    assert "Dòng 308: nội dung thành phần 1.1 của Hà Nội = 2,9000, ngoài thang 0,25–2,50." in err
    assert "Dòng 309: không có tỉnh «Phú Quốc» trên bản đồ 34 tỉnh của năm 2025." in err
    assert "Dòng 310: «không rõ» không phải là số (nội dung thành phần 1.2 của Huế)." in err
    assert await editions.listing(core.db) == []


def test_the_command_line_reads_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m bot scores import FILE --year 2025 --dry-run` and `scores list`, as an operator types them."""
    from bot.cli import main

    rows = [(name, fake_dims(i)) for i, name in enumerate(new_map())]
    path = csv_file(tmp_path / "papi-2025.csv", rows)
    database = str(tmp_path / "cli.sqlite3")
    assert main(["scores", "import", str(path), "--year", "2025", "--dry-run", "--db", database]) == 0
    assert "Chạy thử: chưa lưu gì" in capsys.readouterr().out
    assert main(["scores", "import", str(path), "--year", "2031", "--db", database]) == 2
    assert "không phải một kỳ PAPI" in capsys.readouterr().err
    assert main(["scores", "list", "--db", database]) == 0
    assert "Chưa nhập kỳ PAPI nào" in capsys.readouterr().out
