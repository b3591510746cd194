"""Officials' questions about one plan through the real console: the part of the plan asked, or search when the
plan's data does not hold it. Expected facts are read from content/data/plans/*.yaml."""

from __future__ import annotations

from handlers.core.messages import Incoming, Reply
from handlers.core.router import Core


async def first(core: Core, text: str) -> Reply:
    await core.handle(Incoming(channel="console", user_id="official", text="/help"))  # past the first-contact notice
    return (await core.handle(Incoming(channel="console", user_id="official", text=text)))[0]


async def test_a_result_the_plan_does_not_quote_is_left_to_search(core: Core) -> None:
    # duyen-hai-2021.yaml has no scores_quoted; the FAQ entry on the plan's 2020 decreases holds −1,36
    reply = await first(core, "Theo Kế hoạch 72 của thị xã Duyên Hải, phúc đáp qua Cổng thông tin điện tử năm 2020 "
                              "giảm bao nhiêu điểm?")
    assert "1,36" in reply.text


async def test_who_leads_a_task_about_a_unit(core: Core) -> None:
    # dak-plo-2024.yaml t21: the Ban TTND and Ban GSĐTCĐ are what the task improves; the MTTQ leads it
    reply = await first(core, "o xa dak plo ai chu tri nang cao chat luong ban ttnd va ban gsdtcd")
    head = reply.text.split("\n• ")[1]
    assert "Ban Giám sát đầu tư" in head and "Chủ trì: Ủy ban Mặt trận Tổ quốc Việt Nam xã" in head


async def test_a_fact_in_a_task_is_shown_with_it(core: Core) -> None:
    # khanh-hoa-2023.yaml: the Bộ khung was issued with Quyết định 3012/QĐ-UBND (a task's detail)
    reply = await first(core, "bo khung nhiem vu cai thien papi cua khanh hoa ban hanh kem quyet dinh so may")
    assert "3012/QĐ-UBND" in reply.text and reply.kind == "answer" and len(reply.text) <= 2000


async def test_a_number_the_plan_does_not_have_is_declined(core: Core) -> None:
    reply = await first(core, "kế hoạch PAPI 2023 của Khánh Hòa số mấy")
    assert reply.kind == "decline" and "không ghi" in reply.text
    numbered = await first(core, "kế hoạch 172 ban hành ngày nào")
    assert numbered.kind == "answer" and "ngày 20 tháng 5 năm 2024" in numbered.text


async def test_a_named_dimension_puts_its_own_tasks_before_the_plans_general_ones(core: Core) -> None:
    # duyen-hai-2021.yaml: t17 and t18 (dimension 8) are led by Phòng Văn hóa và Thông tin; t19 and t20 cover all
    reply = await first(core, "theo kh 72 đơn vị nào chủ trì khắc phục hạn chế về quản trị điện tử")
    head = reply.text.split("\n• ")[1]
    assert "Chủ trì: Phòng Văn hóa và Thông tin" in head


async def test_a_report_due_after_the_results_are_published_is_a_plan_question(core: Core) -> None:
    # dong-thap-2024.yaml reports: within 15 days of the PAPI 2024 results being published (not the results)
    reply = await first(core, "kế hoạch 172 Đồng Tháp: công bố kết quả PAPI 2024 xong thì mấy ngày phải báo cáo")
    assert "15 ngày" in reply.text and "Tổng điểm" not in reply.text


async def test_another_index_of_a_province_is_what_its_plan_quotes_or_not_held(core: Core) -> None:
    # ha-tinh-2023.yaml scores_quoted: PAR Index 2022 85,95/100, 28/63; no figure for 2024
    quoted = await first(core, "chỉ số PAR Index năm 2022 của Hà Tĩnh được mấy điểm")
    assert "85,95" in quoted.text and "221/KH-UBND" in quoted.text and "chưa đối chiếu" in quoted.text
    unquoted = await first(core, "PAR Index 2024 Hà Tĩnh bao nhiêu điểm")
    assert unquoted.kind == "decline" and "85,95" not in unquoted.text
    percent = await first(core, "sipas cua kon tum nam 2022 duoc bao nhieu phan tram")  # a percentage, not a PAPI card
    assert percent.kind == "decline" and "SIPAS" in percent.text and "Tổng điểm" not in percent.text


async def test_a_plan_number_the_bot_does_not_hold_is_said_so(core: Core) -> None:
    # no bundled plan is numbered 46; Duyên Hải's is 72, and must not answer in its place
    reply = await first(core, "kế hoạch số 46 giao thị xã Duyên Hải những việc gì")
    assert reply.kind == "decline" and "Kế hoạch số 46" in reply.text and "Chủ trì" not in reply.text


async def test_a_plan_year_the_bot_does_not_hold_is_said_so(core: Core) -> None:
    # dong-thap-2024.yaml is the only Đồng Tháp plan: a 2026 plan must not be answered by it
    reply = await first(core, "kế hoạch nâng cao chỉ số PAPI năm 2026 của Đồng Tháp giao những việc gì")
    assert reply.kind == "decline" and "năm 2026 của Đồng Tháp" in reply.text and "172/KH-UBND" not in reply.text
    held = await first(core, "kế hoạch PAPI 2024 của Đồng Tháp số mấy")
    assert "172/KH-UBND" in held.text
