"""Search quality on the independent question set (tests/data/questions.yaml), kept apart from FAQ phrasings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from content.aspects import answerable
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
    ("dan gaim sat chinh quyen xa the nao", "dân giám sát chính quyền xã thế nào"),  # two letters swapped
    ("cong bo quy hoahc su dung datt o dau", "công bố quy hoạch sử dụng đất ở đâu"),  # not "hoa hc", "da tt"
    ("xa co phai doi thaoi voi dan khong", "xã có phải đối thoại với dân không"),  # not "thao i"
    ("ds ho ngheo niem yet o dau", "danh sách hộ nghèo niêm yết ở đâu"),
])
def test_typos_and_abbreviations_find_the_same_entry(index: SearchIndex, typed: str, clean: str) -> None:
    assert top1(index, typed) == top1(index, clean)


def test_typo_correction_reads_a_slip_as_the_syllable_meant(index: SearchIndex) -> None:
    assert index._correct("gaim") == ["giam"] and index._correct("khia") == ["khai"]
    assert index._correct("sac") == ["sach"], "a letter left out comes before a letter changed"
    assert index._correct("thutuc") == ["thu", "tuc"] and index._correct("ykien") == ["y", "kien"]
    assert index._correct("chuu") == ["chu"], "a letter doubled"
    assert index._correct("banh") == ["banh"], "a Vietnamese word the knowledge base does not use is no slip"


@pytest.mark.parametrize(("a", "b"), [
    ("thời gian niêm yết tối thiểu là bao nhiêu ngày", "thời gian niêm yết tối thiểu là mấy ngày"),
    ("bao giờ xã phải công khai dự toán ngân sách", "khi nào xã phải công khai dự toán ngân sách"),
    ("danh sách hộ nghèo dán chỗ nào", "danh sách hộ nghèo dán ở đâu"),
])
def test_question_words_said_two_ways_are_one(index: SearchIndex, a: str, b: str) -> None:
    def ranked(q: str) -> list[tuple[str, float]]:
        return [(h.doc.id, round(h.score, 6)) for h in index.search(q)]
    assert ranked(a) == ranked(b)


def test_chat_courtesy_around_a_question_changes_nothing(index: SearchIndex) -> None:
    plain = index.search("danh sách hộ nghèo niêm yết bao lâu")
    for courteous in ("cho mình hỏi danh sách hộ nghèo niêm yết bao lâu vậy ạ",
                      "ad ơi danh sách hộ nghèo niêm yết bao lâu giúp mình với"):
        assert [h.doc.id for h in index.search(courteous)] == [h.doc.id for h in plain]
        assert index.search(courteous)[0].confidence == pytest.approx(plain[0].confidence)


def test_an_entry_about_another_thing_is_not_first_because_the_rest_of_its_words_match(index: SearchIndex) -> None:
    """"SIPAS là chỉ số gì" shares every word with "PAPI là chỉ số gì" but the one that says what is asked."""
    assert top1(index, "PAPI là chỉ số gì thế") == "faq:papi-la-gi"


def test_an_answer_without_the_kind_of_fact_asked_moves_down() -> None:
    assert answerable("Niêm yết ít nhất 30 ngày liên tục") >= {"how_long"}
    assert "how_long" not in answerable("Năm 2025 các thủ tục được công bố lại (Quyết định 967)")
    assert "basis" in answerable("theo Điều 13 khoản 2") and "when" in answerable("chậm nhất 15 ngày sau khi hết quý")


def test_clauses_are_the_runs_of_a_messages_parts_longest_first() -> None:
    from content.search import clauses

    parts = clauses("Con tôi học lớp 10, cô giáo bảo tìm hiểu PAPI đo những lĩnh vực gì, bot kể giúp được không?")
    assert parts[0] == "Con tôi học lớp 10, cô giáo bảo tìm hiểu PAPI đo những lĩnh vực gì"
    assert "cô giáo bảo tìm hiểu PAPI đo những lĩnh vực gì" in parts
    assert all(len(p.split()) >= 3 for p in parts) and len(clauses("papi là gì")) == 0


def test_words_the_knowledge_base_never_uses_are_counted(index: SearchIndex) -> None:
    assert index.foreign("cay dau xanh nay mam") == 2  # «xanh», «mầm»: words, not slips
    assert index.foreign("xax phair cong khai ngaan sachs") == 0  # slips of ours
