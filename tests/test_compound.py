"""The asking parts of a message that asks more than one thing (handlers/knowledge/compound.py)."""

from __future__ import annotations

from handlers.knowledge.compound import asked, carried


def test_parts_that_ask_are_found_at_commas_and_at_va_con() -> None:
    assert asked("PAPI 2024 công bố ngày nào, tỉnh nào đứng cuối vậy") == ["PAPI 2024 công bố ngày nào",
                                                                        "tỉnh nào đứng cuối vậy"]
    assert asked("tinh nao cao nhat va tinh nao thap nhat") == ["tinh nao cao nhat", "tinh nao thap nhat"]
    assert asked("ho ngheo dan o dau con ngan sach dan bao lau") == ["ho ngheo dan o dau", "ngan sach dan bao lau"]
    assert asked("PAPI là gì. Ai tổ chức khảo sát PAPI?") == ["PAPI là gì", "Ai tổ chức khảo sát PAPI"]
    assert asked("PAPI 2.2 là gì, 1.7.2025 đổi gì") == ["PAPI 2.2 là gì", "1.7.2025 đổi gì"]  # no full stop in codes


def test_context_and_a_single_question_are_not_parts() -> None:
    assert asked("Tôi bán tạp hóa ở chợ, xã phải công khai những gì") == []
    assert asked("danh sách hộ nghèo dán ở đâu") == []
    assert asked("Tôi không có máy tính, nộp hồ sơ trực tuyến ở đâu") == []  # «máy», not «mấy»
    assert asked("Tôi hỏi mãi không ai trả lời, xã phải công khai những gì") == []  # «không ai» denies
    assert asked("hộ nghèo có con đi học được hỗ trợ gì") == []  # with diacritics «con» is a child, not «còn»
    assert asked("PAPI 2023 tỉnh nào cao nhất, 2024 thì sao") == []  # «2024 thì sao» asks nothing on its own
    # a list of worries: the main question answers it
    assert asked("viec nay ai lam, han la khi nao, dan o dau vay, dan bao lau vay") == []


def test_a_part_carries_the_years_and_places_named_once() -> None:
    assert carried("tỉnh nào đứng cuối", "PAPI 2024 công bố ngày nào, tỉnh nào đứng cuối", []) == \
        "tỉnh nào đứng cuối PAPI 2024"
    assert carried("xếp thứ mấy", "Hà Tĩnh 2022 được bao nhiêu điểm, xếp thứ mấy", ["Hà Tĩnh"]) == \
        "xếp thứ mấy Hà Tĩnh 2022"
    # a part naming its own province and year keeps them: no mirrored comparison
    assert carried("Nghệ An 2023 bao nhiêu điểm", "Hà Tĩnh 2022 bao nhiêu, Nghệ An 2023 bao nhiêu điểm",
                   ["Hà Tĩnh", "Nghệ An"]) == "Nghệ An 2023 bao nhiêu điểm"
