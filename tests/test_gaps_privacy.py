"""Unanswered questions are kept for curators without what could identify the asker: contact details and
ID or account numbers typed into a question are replaced by markers before anything is stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handlers.core.router import NOT_FOUND, NOTICE, Core
from storage import gaps
from storage.db import connect
from tests.test_core import ask

NOW = dt.datetime(2024, 6, 1, 9, 41, 27, tzinfo=dt.UTC)

SCRUBBED = [
    ("gọi 0912345678 nhé", "gọi [số điện thoại] nhé"),
    ("sđt 0912 345 678", "sđt [số điện thoại]"),
    ("sđt 0912.345.678.", "sđt [số điện thoại]."),
    ("sđt 091-234-5678", "sđt [số điện thoại]"),
    ("số +84 912 345 678 ạ", "số [số điện thoại] ạ"),
    ("số 84912345678", "số [số điện thoại]"),
    ("số (+84) 912345678", "số [số điện thoại]"),
    ("bàn (024) 3825 1234", "bàn [số điện thoại]"),
    ("mail lan.nguyen+papi@xa-dakplo.gov.vn hỏi", "mail [email] hỏi"),
    ("CCCD 001203004567 mất", "CCCD [số giấy tờ] mất"),
    ("CCCD 001 203 004 567", "CCCD [số giấy tờ]"),
    ("CMND 123456789", "CMND [số giấy tờ]"),
    ("chuyển vào tài khoản 19036543210012 được không", "chuyển vào tài khoản [số tài khoản] được không"),
    ("stk 12345678", "stk [số tài khoản]"),
]

KEPT = [
    "điểm PAPI năm 2023 của Kon Tum",
    "so sánh 2021 2022 2023",
    "chỉ số nội dung 5.2 là gì",
    "xã có 1.234 hộ, 12.000.000 đồng",
    "điểm 0.52 là cao hay thấp",
    "hỗ trợ 123.456.789 đồng theo Quyết định 1234/QĐ-UBND",
]


@pytest.mark.parametrize(("typed", "kept"), SCRUBBED)
def test_scrub_replaces_contact_and_id_numbers(typed: str, kept: str) -> None:
    assert gaps.scrub(typed) == kept


@pytest.mark.parametrize("typed", KEPT)
def test_scrub_leaves_ordinary_numbers(typed: str) -> None:
    assert gaps.scrub(typed) == typed


async def test_stored_question_and_normalized_text_are_scrubbed(tmp_path: Path) -> None:
    db = await connect(tmp_path / "g.sqlite3")
    typed = "Tôi tên Lan, sđt 0912 345 678, email lan@gmail.com, CCCD 001203004567, hỏi về hộ nghèo"
    await gaps.record(db, typed, NOW)
    row = dict((await db.fetchall("SELECT question, normalized FROM question_gaps"))[0])
    assert row["question"] == (
        "Tôi tên Lan, sđt [số điện thoại], email [email], CCCD [số giấy tờ], hỏi về hộ nghèo"
    )
    assert "[số điện thoại]" in row["question"]
    for secret in ("0912", "345", "678", "lan@gmail", "gmail", "001203004567"):
        assert secret not in str(row), secret
    assert "so dien thoai" in row["normalized"] and "so giay to" in row["normalized"]
    await db.close()


async def test_questions_that_differ_only_in_a_phone_number_are_one_gap(tmp_path: Path) -> None:
    db = await connect(tmp_path / "h.sqlite3")
    await gaps.record(db, "gọi lại cho tôi số 0912345678", NOW)
    await gaps.record(db, "goi lai cho toi so 0987 654 321", NOW)
    rows = await gaps.most_asked(db)
    assert len(rows) == 1 and rows[0].count == 2
    await db.close()


async def test_a_long_question_is_scrubbed_in_time(tmp_path: Path) -> None:
    """A long run of letters must not make the e-mail pattern backtrack over every start position."""
    db = await connect(tmp_path / "i.sqlite3")
    await gaps.record(db, "0912345678 " + "a" * 20_000, NOW)
    stored = await db.scalar("SELECT question FROM question_gaps")
    assert stored.startswith("[số điện thoại] aaa") and len(stored) == gaps.MAX_QUESTION
    await db.close()


async def test_a_question_with_a_phone_number_reaches_the_table_scrubbed(core: Core) -> None:
    text = await ask(core, "con mèo nhà tôi tên gì, báo tôi qua 0912 345 678", user="citizen-7")
    assert text == f"{NOTICE}\n\n{NOT_FOUND}"  # citizen-7's first message: the notice comes first
    rows = [dict(r) for r in await core.db.fetchall("SELECT * FROM question_gaps")]
    assert len(rows) == 1 and rows[0]["question"] == "con mèo nhà tôi tên gì, báo tôi qua [số điện thoại]"
    assert "0912" not in str(rows) and "citizen-7" not in str(rows)
