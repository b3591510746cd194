"""The asking parts of a message that asks more than one thing (handlers/knowledge/compound.py)."""

from __future__ import annotations

from handlers.knowledge.compound import asked, carried


def test_parts_that_ask_are_found_at_commas_and_at_va_con() -> None:
    assert asked("PAPI 2024 công bố ngày nào, tỉnh nào đứng cuối vậy") == ["PAPI 2024 công bố ngày nào",
                                                                        "tỉnh nào đứng cuối vậy"]
    assert asked("tinh nao cao nhat va tinh nao thap nhat") == ["tinh nao cao nhat", "tinh nao thap nhat"]
    assert asked("ho ngheo dan o dau con ngan sach dan bao lau") == ["ho ngheo dan o dau", "ngan sach dan bao lau"]


def test_context_and_a_single_question_are_not_parts() -> None:
    assert asked("Tôi bán tạp hóa ở chợ, xã phải công khai những gì") == []
    assert asked("danh sách hộ nghèo dán ở đâu") == []
    # a list of worries: the main question answers it
    assert asked("viec nay ai lam, han la khi nao, dan o dau vay, dan bao lau vay") == []


def test_a_part_carries_the_years_and_places_named_once() -> None:
    assert carried("tỉnh nào đứng cuối", "PAPI 2024 công bố ngày nào, tỉnh nào đứng cuối", []) == \
        "tỉnh nào đứng cuối PAPI 2024"
    assert carried("xếp thứ mấy", "Hà Tĩnh 2022 được bao nhiêu điểm, xếp thứ mấy", ["Hà Tĩnh"]) == \
        "xếp thứ mấy Hà Tĩnh 2022"
