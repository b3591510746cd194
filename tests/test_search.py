"""Search quality on the independent question set (tests/data/questions.yaml), kept apart from FAQ phrasings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from content.search import SearchIndex, Verdict, verdict

QUESTIONS = yaml.safe_load((Path(__file__).parent / "data" / "questions.yaml").read_text(encoding="utf-8"))["questions"]
OFF_TOPIC = ["giá vàng hôm nay", "thoi tiet ngay mai", "cách nấu phở bò", "lịch cúp điện tuần sau", "bong da toi nay",
             "cho tôi vay tiền", "giá lúa hôm nay", "số điện thoại công an xã"]


def top1(index: SearchIndex, q: str) -> str | None:
    hits = index.search(q)
    return hits[0].doc.id if hits else None


def test_question_set_is_independent_and_half_without_diacritics() -> None:
    plain = [q for q in QUESTIONS if q["q"].isascii()]
    assert len(QUESTIONS) >= 200 and abs(len(plain) - len(QUESTIONS) / 2) <= 2


def test_top1_accuracy_at_least_90_percent(index: SearchIndex) -> None:
    right = sum(top1(index, q["q"]) in q["expect"] for q in QUESTIONS)
    assert right / len(QUESTIONS) >= 0.90, f"{right}/{len(QUESTIONS)}"


def test_typed_without_diacritics_is_nearly_as_good(index: SearchIndex) -> None:
    plain = [q for q in QUESTIONS if q["q"].isascii()]
    right = sum(top1(index, q["q"]) in q["expect"] for q in plain)
    assert right / len(plain) >= 0.85, f"{right}/{len(plain)}"


def test_right_answer_is_among_the_suggestions(index: SearchIndex) -> None:
    within = sum(any(h.doc.id in q["expect"] for h in index.search(q["q"])) for q in QUESTIONS)
    assert within / len(QUESTIONS) >= 0.95


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_are_not_answered(index: SearchIndex, question: str) -> None:
    assert verdict(index.search(question)) is Verdict.NONE


@pytest.mark.parametrize(("a", "b"), [
    ("danh sách hộ nghèo niêm yết bao lâu", "niêm yết bao lâu danh sách hộ nghèo"),
    ("thu chi ngân sách xã", "ngân sách xã thu chi"),
])
def test_word_order_does_not_matter(index: SearchIndex, a: str, b: str) -> None:
    assert top1(index, a) == top1(index, b)


@pytest.mark.parametrize(("typed", "clean"), [
    ("danh sach ho nghoe", "danh sách hộ nghèo"),
    ("cogn khai ngan sac xa", "công khai ngân sách xã"),
    ("UBND xa phai niem yet thutuc hanh chinh", "ủy ban nhân dân xã phải niêm yết thủ tục hành chính"),
])
def test_typos_and_abbreviations_find_the_same_entry(index: SearchIndex, typed: str, clean: str) -> None:
    assert top1(index, typed) == top1(index, clean)
