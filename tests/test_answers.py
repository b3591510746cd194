"""First replies people can act on: short, the asked part first, the right kind of answer for questions the
data answers (rankings, a plan's target or lead unit), a clear "not held" for what it does not, and typing as
people type (Telex and VNI leftovers, misspelt provinces). The wording is the bot's; the facts are the data's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from content.normalize import normalize
from content.search import Doc
from handlers.core.messages import Incoming, Reply, as_text, units
from handlers.core.router import Core
from handlers.knowledge import unheld
from handlers.knowledge.coverage import uncovered
from handlers.plans.active import PlanSet
from handlers.scores.lookup import signed


async def first(core: Core, text: str, user: str = "asker") -> Reply:
    await core.handle(Incoming(channel="console", user_id=user, text="/help"))  # past the first-contact notice
    return (await core.handle(Incoming(channel="console", user_id=user, text=text)))[0]


@pytest.mark.parametrize(("typed", "meant"), [
    ("xax phair cong khai gif", "xa phai cong khai gi"),
    ("dduwowcj bao nhieu dieemr", "duoc bao nhieu diem"),
    ("co6ng khai nga6n sa1ch xa4", "cong khai ngan sach xa"),
    ("papi2024 d5 2.3", "papi2024 d5 2.3"),  # years, codes and numbers are kept
])
def test_telex_and_vni_leftovers_are_read_as_the_words_meant(typed: str, meant: str) -> None:
    assert normalize(typed) == meant


@pytest.mark.parametrize(("question", "province", "total"), [
    ("diem papi kon tom 2023", "Kon Tum", "39,96"),
    ("ha tihn papi 2024 dc bao nhieu diem", "Hà Tĩnh", "45,55"),
    ("ddaf nawngx papi 2022", "Đà Nẵng", "42,57"),
])
async def test_misspelt_provinces_get_their_scores(core: Core, question: str, province: str, total: str) -> None:
    reply = await first(core, question)
    assert reply.kind == "answer" and province in reply.text and total in reply.text


async def test_rankings_top_bottom_and_by_dimension(core: Core) -> None:
    top = await first(core, "tỉnh nào đứng đầu papi 2024")
    assert top.kind == "answer" and "1. Quảng Ninh: 47,82 (vị trí 1/61)" in top.text and "tự tính" in top.text
    misspelt = await first(core, "tỉnh nào đứg đầu papi 2024 z")  # the search's typo correction, read as a score
    assert misspelt.text == top.text
    bottom = await first(core, "5 tinh thap nhat papi 2022")
    assert "1. Cao Bằng: 38,80 (vị trí 61/61)" in bottom.text and "2. Tây Ninh: 39,42 (vị trí 60/61)" in bottom.text
    dimension = await first(core, "nam 2023 tinh nao co diem cong khai minh bach cao nhat ca nuoc")
    assert "chỉ số nội dung 2" in dimension.text and "1. Khánh Hòa: 5,88" in dimension.text
    later = await first(core, "papi 2025 tinh nao dung dau")
    assert later.kind == "decline" and "chưa có kết quả PAPI 2025" in later.text


async def test_national_median_and_publication_dates(core: Core) -> None:
    median = await first(core, "trung vi ca nuoc papi 2023 la bao nhieu")
    assert "Trung vị tổng điểm PAPI 2023 của 61 tỉnh có điểm: 42,33" in median.text and "tự tính" in median.text
    launched = await first(core, "papi 2023 cong bo ngay nao")
    assert "công bố ngày 02/04/2024" in launched.text and "Nguồn:" in launched.text
    unknown = await first(core, "bao cao papi 2025 cong bo khi nao")
    assert unknown.kind == "decline" and "chưa có ngày công bố" in unknown.text


async def test_a_sub_dimension_code_opening_a_question(core: Core) -> None:
    reply = await first(core, "2.3 trong papi la gi")
    assert reply.text.startswith("Nội dung thành phần 2.3")


async def test_other_indices_and_commune_scores_are_declined(core: Core) -> None:
    pci = await first(core, "chi so PCI khanh hoa nam 2023 bao nhieu diem")
    assert pci.kind == "decline" and "chỉ có số liệu PAPI" in pci.text and "44,94" not in pci.text
    commune = await first(core, "xã tôi được bao nhiêu điểm papi")
    assert commune.kind == "decline" and "chỉ có điểm cấp tỉnh" in commune.text
    named = await first(core, "điểm PAPI 2023 của xã Hòa Bình, huyện Tân Lạc")  # a commune named like a province
    assert named.kind == "decline" and "chỉ có điểm cấp tỉnh" in named.text
    merged = await first(core, "diem papi cua tinh vinh long moi sau sap nhap nam 2024")
    assert merged.kind == "decline" and "chưa có điểm" in merged.text


@pytest.mark.parametrize(("question", "said"), [
    ("diem papi co trong so cua ha tinh 2023", "không có điểm có trọng số"),
    ("khoang tin cay tong diem papi cua nghe an 2023", "không có khoảng tin cậy"),
    ("nam 2023 nghe an co bao nhieu nguoi duoc phong van papi", "không có số người trả lời"),
    ("diem papi kon tum 2024 chia theo dan toc", "không có điểm chia theo giới tính, dân tộc"),
    ("xep hang papi cac huyen cua khanh hoa 2023", "chỉ có điểm cấp tỉnh"),
])
async def test_a_provinces_measure_the_data_lack_gets_no_score_card(core: Core, question: str, said: str) -> None:
    reply = await first(core, question)
    assert reply.kind == "decline" and said in reply.text and "Tổng điểm" not in reply.text


async def test_a_sub_dimension_asked_by_its_code(core: Core) -> None:
    held = await first(core, "diem 2.2 ha tinh 2023")
    assert "2.2 Công khai danh sách hộ nghèo" in held.text
    later = await first(core, "diem 8.3 cua ha tinh nam 2024")
    assert later.kind == "decline" and "chỉ có điểm nội dung thành phần cho 2022 và 2023" in later.text
    unweighted = await first(core, "diem papi khong trong so ha tinh 2023")  # what the data hold
    assert unweighted.kind == "answer" and "45,43" in unweighted.text


async def test_a_plans_lead_unit_target_and_report_deadline(core: Core) -> None:
    lead = await first(core, "theo kh 72 viec phong chong tham nhung ai chu tri")
    assert "Kế hoạch 72/KH-UBND" in lead.text and "Chủ trì: Cơ quan Kiểm tra - Thanh tra" in lead.text
    target = await first(core, "dong thap muc tieu chi so tham gia cua nguoi dan nam 2024")
    assert "4,16" in target.text and "Nguồn: Kế hoạch 172/KH-UBND" in target.text
    assert "7,04" not in target.text, "the target of the dimension asked for, not every target"
    report = await first(core, "duyen hai bao cao nam vao ngay nao")
    assert "28/11" in report.text and len(report.text) <= 1400
    deadline = await first(core, "khanh hoa huong dan chuyen mon phai xong truoc ngay nao")
    assert "Hướng dẫn chuyên môn" in deadline.text and "30/06/2023" in deadline.text
    unit = await first(core, "kế hoạch của đắk plô giao cho công chức văn hóa thông tin việc gì")
    assert unit.text.count("Chủ trì: Công chức Văn hóa Thông tin") >= 2
    count = await first(core, "kh 221 ha tinh co bao nhieu nhiem vu")
    assert "có 33 nhiệm vụ" in count.text
    issued = await first(core, "kế hoạch 172 ban hành ngày nào")
    assert "ngày 20 tháng 5 năm 2024" in issued.text


async def test_first_replies_are_short_with_the_whole_entry_behind_a_choice(core: Core) -> None:
    how_long = core.documents.render("ck:ho-ngheo", "danh sách hộ nghèo niêm yết mấy ngày")
    where = core.documents.render("ck:ho-ngheo", "danh sách hộ nghèo niêm yết ở đâu")
    assert how_long is not None and where is not None
    def before(text: str, a: str, b: str) -> bool:  # a is shown, and b after it or not at all
        return a in text and (b not in text or text.index(a) < text.index(b))
    assert before(how_long.text, "Thời hạn", "Hình thức"), "the asked part comes first"
    assert before(where.text, "Hình thức", "Thời hạn")
    assert len(how_long.text) <= 1300 and "03 ngày làm việc" in how_long.text
    assert "chưa kiểm chứng" in how_long.text, "a shortened reply still says that something is unverified"
    more = how_long.choices[-1]
    assert more.label == "Chi tiết và nguồn đầy đủ"
    whole = (await core.handle(Incoming(channel="console", user_id="asker", choice=more.value)))[0]
    assert len(whole.text) > len(how_long.text) and "Căn cứ pháp lý" in whole.text


def test_a_shortened_reply_keeps_the_caution_the_question_may_be_about(core: Core) -> None:
    reply = core.documents.render("dim:5", "chỉ số 5 sao không có 5.2")
    assert reply is not None and reply.choices[-1].label == "Chi tiết và nguồn đầy đủ", "it is shortened"
    assert "cấp phép xây dựng" in reply.text and len(reply.text) <= 1300


def test_how_long_brings_the_timing_and_a_list_of_forms_says_to_whom(core: Core) -> None:
    how_long = core.documents.render("ck:ngan-sach-xa", "dự thảo dự toán ngân sách xã công khai trong bao lâu")
    to_whom = core.documents.render("ck:ngan-sach-xa", "quyết toán ngân sách xã gửi thông báo cho ai")
    assert how_long is not None and to_whom is not None
    assert "Thời hạn" in how_long.text and "05 ngày làm việc" in how_long.text
    assert "Đảng ủy" in to_whom.text and "Hình thức" in to_whom.text
    who = core.documents.render("ck:ngan-sach-xa", "ai phải công khai ngân sách xã")
    assert who is not None and who.text.split("\n\n")[1].startswith("UBND xã"), "who does it: the summary says"


def test_a_question_about_the_2025_reforms_gets_the_change_first(core: Core) -> None:
    reply = core.documents.render("ck:dat-dai-du-an", "từ 1/7/2025 xã có phải lập quy hoạch sử dụng đất không")
    assert reply is not None
    body = reply.text.split("\n\n", 1)[1]
    assert body.startswith("🔄 Thay đổi từ 2025") and "151/2025" in body
    assert reply.text.count("🔄") == 1, "said once, not again in the footer"


def test_the_legal_duty_behind_a_sub_dimension_is_answered_by_its_disclosure_item(core: Core) -> None:
    when = core.documents.render("sub:2.3", "thu chi ngân sách xã theo quý bao giờ phải công khai")
    what = core.documents.render("sub:2.3", "công khai thu chi ngân sách xã được PAPI chấm thế nào")
    assert when is not None and what is not None
    assert when.text.startswith("Dự toán, quyết toán và thu chi ngân sách xã") and "15 ngày" in when.text
    assert what.text.startswith("Nội dung thành phần 2.3"), "what the survey asks stays the sub-dimension's"


def test_a_change_that_rounds_to_zero_has_no_sign() -> None:
    assert [signed(-0.001), signed(0.004), signed(0.43), signed(-0.02)] == ["0,00", "0,00", "+0,43", "-0,02"]


def test_chat_json_prints_one_object_per_reply_with_its_kind(tmp_path: Path) -> None:
    lines = ("xa phai cong khai nhung gi\n{\"choice\": \"doc:ck:ho-ngheo\"}\ngiá vàng hôm nay\n"
             "con mèo nhà tôi tên gì\nxin chào\n")
    out = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--json", "--db", str(tmp_path / "c.sqlite3")],
        input=lines, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    replies = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["kind"] for r in replies] == ["answer", "answer", "decline", "not_found", "greeting"]
    assert "Danh sách hộ nghèo" in replies[1]["text"]
    assert replies[0]["choices"][0]["value"] == "doc:ck:ke-hoach-kinh-te-xa-hoi"
    assert all(set(r) == {"text", "choices", "image", "document", "kind"} for r in replies)


def test_plans_in_force_are_listed_first(core: Core) -> None:
    plans = core.kb.plans
    dak_plo = next(p for p in plans if p.id == "dak-plo-2024")
    text = core.documents.plan_list(PlanSet((dak_plo,))).text
    current, older = text.split("Kế hoạch mẫu đã hết hiệu lực")
    assert current.startswith("Đang có hiệu lực:\n• Kế hoạch (chưa ghi số) của Ủy ban nhân dân xã Đắk Plô")
    listed = older.split("Nguồn:")[0]
    assert "172/KH-UBND" in listed and "Đắk Plô" not in listed
    assert "chưa có kế hoạch nào được nạp" in core.documents.plan_list(PlanSet(())).text


async def test_a_year_the_entry_found_does_not_name_is_said_first(core: Core) -> None:
    """The entry on respondents lists its years: asked for one it does not name, the reply says so before what it
    holds, as a decline, so no other year's figure is taken for it; asked for one it names, a plain answer."""
    missing = await first(core, "papi 2016 khao sat bao nhieu nguoi", "a")
    assert missing.kind == "decline" and missing.text.startswith("Mục này không nêu riêng năm 2016"), missing.text
    held = await first(core, "papi 2023 khao sat bao nhieu nguoi", "b")
    assert held.kind == "answer" and "19.536" in held.text and "không nêu riêng" not in held.text, held.text


async def test_a_document_number_the_entry_never_gives_is_said_first(core: Core) -> None:
    """Asked which decree governs something, an entry that names no decree is replied as a decline saying so; one
    that names it answers plainly."""
    reply = await first(core, "nghi dinh nao quy dinh cong khai o vung dong bao dan toc thieu so", "d")
    assert reply.kind == "decline" and reply.text.startswith("Mục này không nêu riêng số nghị định"), reply.text
    held = await first(core, "luat thuc hien dan chu o co so duoc huong dan boi nghi dinh nao", "e")
    assert held.kind == "answer" and "59/2023" in held.text, held.text


async def test_an_entry_about_one_plan_does_not_take_a_general_question(core: Core) -> None:
    """Every way of asking the Khánh Hòa survey-support entry names Khánh Hòa: a question naming no plan goes to
    PAPI in general, one naming Khánh Hòa still finds it, and a place alone is no match for an unrelated question."""
    docs = {d.id: d for d in core.documents.docs()}
    assert "khanh hoa" in docs["faq:kehoach-khanh-hoa-ho-tro-khao-sat"].places
    assert docs["faq:papi-ai-thuc-hien"].places == ()
    general = await first(core, "to chuc nao di khao sat cham diem papi vay", "g")
    assert "UNDP" in general.text and "Khánh Hòa phân công" not in general.text, general.text
    named = await first(core, "kh khanh hoa giao ai ho tro doan khao sat papi", "h")
    assert named.kind == "answer" and "hỗ trợ đoàn khảo sát" in named.text, named.text
    weather = await first(core, "mai o ha tinh co mua khong", "i")
    assert weather.kind != "answer", weather.text


async def test_a_plan_of_a_province_the_bot_holds_none_of_is_declined(core: Core) -> None:
    reply = await first(core, "ke hoach cai thien papi cua tinh nghe an ban hanh ngay nao", "l")
    assert reply.kind == "decline" and reply.text.startswith("Trợ lý chưa có kế hoạch PAPI nào của Nghệ An"), reply.text
    assert "Hà Tĩnh (PAPI 2023)" in reply.text
    merged = await first(core, "ke hoach papi quang ngai co gi", "q")  # Kon Tum (xã Đắk Plô) is now in Quảng Ngãi
    assert merged.kind == "decline" and "xã Đắk Plô (tỉnh Kon Tum cũ, PAPI 2024)" in merged.text, merged.text
    other = await first(core, "ke hoach phat trien kinh te xa hoi cua xa o nghe an phai cong khai o dau", "m")
    assert other.kind == "answer" and "Nghệ An" not in other.text, other.text


@pytest.mark.parametrize(("question", "kind", "fact"), [
    # the respondents entry names 2019 only to say it has no figure for it
    ("papi 2019 khao sat bao nhieu nguoi", "decline", "Mục này không nêu riêng năm 2019"),
    # an entry whose answer is that the bot holds no such thing (declines: true)
    ("da co ket qua papi 2025 chua", "decline", "chưa có điểm PAPI 2025"),
    # a long, chatty question whose first hit is far ahead of the next (Gate.clear_margin)
    ("bac hoi chut, loa xa phai doc tin ho tro ho ngheo may ngay lien vay", "answer", "03 ngày liên tục"),
    # asking for a command prefers the entries on using the bot
    ("co lenh nao de xem danh sach xa phai cong khai khong", "answer", "/congkhai"),
    # two close entries that give the same duration (the year-end meeting and village meetings): no doubt
    ("hop cuoi nam cua thon thi giay trieu tap gui truoc may ngay", "answer", "05 ngày"),
    # "quyết định gì" is "decide what", not "which decision"; a law's number names no year the entry speaks of
    ("dan duoc ban va quyet dinh gi", "answer", "quyết định"),
    ("nam 2024 ai chiu trach nhiem cong khai thong tin o xa", "answer", "UBND xã"),
    # a line naming a year and, further on, "không có dữ liệu" still names that year
    ("papi 2018 tinh nao khong co diem", "answer", "2018"),
])
async def test_the_first_reply_is_of_its_kind_with_the_fact(core: Core, question: str, kind: str, fact: str) -> None:
    reply = await first(core, question, "p")
    assert reply.kind == kind and fact in reply.text, reply.text


def test_a_decree_written_nd_counts_as_named() -> None:
    doc = Doc("x", "dân góp ý quy hoạch", ("dân góp ý quy hoạch",), body="theo NĐ 151/2025/NĐ-CP, xã lấy ý kiến")
    assert uncovered("khong con cap huyen theo nghi dinh nao", doc, Reply(doc.body)) is None
    assert uncovered("theo thong tu nao", doc, Reply(doc.body)) is not None


async def test_a_message_asking_two_things_gets_both_answered_in_one_reply(core: Core) -> None:
    both = await first(core, "PAPI 2022 công bố ngày nào, tỉnh nào đứng đầu năm đó?")
    assert both.kind == "answer" and "12/04/2023" in both.text and "1. Quảng Ninh: 47,88" in both.text
    budget = await first(core, "danh sach ho ngheo dan o dau, con du toan ngan sach xa thi cong khai bao lau")
    assert "03 ngày làm việc" in budget.text and "chậm nhất 30 ngày" in budget.text
    # long answers: with the first-contact notice, still one Zalo message (the second's sources shortened)
    for text in ("danh sách hộ nghèo niêm yết mấy ngày, còn khiếu nại thì xã trả lời trong bao lâu",
                 "PAPI là gì, ai tổ chức khảo sát cái này"):
        fresh = (await core.handle(Incoming(channel="console", user_id=f"new {text}", text=text)))[0]
        assert units(as_text(fresh)) <= 2000
    assert "CECODES" in fresh.text and "; …" in fresh.text
    single = await first(core, "danh sách hộ nghèo dán ở đâu")
    assert "Bạn hỏi thêm" not in single.text


async def test_an_amount_of_money_is_not_answered_by_an_entry_that_gives_none(core: Core) -> None:
    fine = await first(core, "xa khong niem yet danh sach ho ngheo thi bi phat bao nhieu tien")
    assert fine.kind == "decline" and fine.text.startswith("Mục này không nêu riêng số tiền")
    income = await first(core, "chuẩn nghèo hiện nay thu nhập bao nhiêu một tháng thì là hộ nghèo")
    assert income.kind in ("decline", "not_found")  # NĐ 07/2021's income lines are not in the knowledge base
    counted = await first(core, "mỗi năm PAPI phỏng vấn mấy nghìn người dân")  # people, not money
    assert "số tiền" not in counted.text


@pytest.mark.parametrize(("question", "said"), [
    ("ubnd xa co lam viec thu 7 khong, may gio mo cua", "giờ làm việc"),
    ("chu tich ubnd tinh khanh hoa hien nay la ai", "tên những người đang giữ chức vụ"),
    ("thon toi bao gio thi bau lai truong thon, ngay may", "lịch bầu cử"),
    ("Luat Khieu nai quy dinh thoi han giai quyet khieu nai lan dau la bao nhieu ngay", "không nêu riêng luật bạn hỏi"),
    ("khanh hoa danh bao nhieu ty dong kinh phi cho ke hoach papi 2023", "không nêu riêng số tiền"),
    ("so dien thoai bo phan mot cua xa la bao nhieu", "địa chỉ hay số điện thoại"),
    ("bảng xếp hạng bóng đá V-League mới nhất", "nằm ngoài những gì Trợ lý PAPI biết"),
    ("chi so BMI bao nhieu la beo phi", "nằm ngoài những gì Trợ lý PAPI biết"),
])
async def test_a_kind_of_fact_the_knowledge_base_never_holds_is_declined(core: Core, question: str, said: str) -> None:
    reply = await first(core, question)
    assert reply.kind == "decline" and said in reply.text


@pytest.mark.parametrize("question", [
    "chủ tịch UBND xã chịu trách nhiệm gì về công khai", "chất lượng bầu cử là gì",
    "luat tiep can thong tin quy dinh tra loi trong bao nhieu ngay",
    "xã phải trả lời trong mấy ngày làm việc", "PAPI có xếp hạng từ 1 đến 63 không",
    "Người yêu cầu cung cấp thông tin được trả lời trong bao lâu",
    "Theo luật, xã có phải công khai dự toán ngân sách không",
    "Đồng Tháp năm 2023 điểm thì bao nhiêu",
])
async def test_a_question_near_those_kinds_is_still_answered(core: Core, question: str) -> None:
    assert (await first(core, question)).kind == "answer"


@pytest.mark.parametrize("question", [
    "Bầu trưởng thôn có phiếu kín không", "Giấy hẹn hồ sơ trễ hạn thì xã phải xin lỗi không",
    "Xã phải công khai giờ làm việc và lịch tiếp công dân không?", "Trả kết quả trong mấy giờ làm việc?",
    "Khi nào bầu trưởng thôn thì phải họp dân", "Số điện thoại đường dây nóng phải công khai là gì theo quy định",
    "Ai là chủ tịch UBND xã chịu trách nhiệm tiếp công dân", "Tên xã mới phải được công khai bao lâu",
])
def test_a_duty_or_a_rule_asked_near_a_kind_never_held_is_not_declined_by_it(question: str) -> None:
    assert unheld.declined(normalize(question)) is None


async def test_a_part_of_three_words_alone_does_not_answer_a_message(core: Core) -> None:
    """"xem ở đâu" matches "bảng giá đất xem ở đâu"; the subject asked (a power cut) is in the rest."""
    assert (await first(core, "Ngày mai khu mình có lịch cúp điện không, xem ở đâu?")).kind != "answer"


async def test_another_index_asked_with_a_year_or_as_a_second_part_is_not_read_as_papi(core: Core) -> None:
    assert "85,95" in (await first(core, "PAR Index Hà Tĩnh 2022")).text  # what Kế hoạch 221 quotes
    both = await first(core, "ha tinh nam 2022 diem PAPI bao nhieu, con chi so PAR Index thi duoc bao nhieu")
    assert "44,31" in both.text and "85,95" in both.text


async def test_local_government_as_a_subject_is_no_communes_score(core: Core) -> None:
    """"địa phương" holds "phương" (a ward) without diacritics."""
    reply = await first(core, "em lam tieu luan ve quan tri dia phuong, tu nam 2018 PAPI them 2 chi so moi la gi")
    assert "không tính điểm riêng cho từng xã" not in reply.text
    said = await first(core, "papi la gi vay, can bo xa cu noi phai nang diem papi")  # a commune, no score asked
    assert said.kind == "answer" and "không tính điểm riêng cho từng xã" not in said.text
    assert "không tính điểm riêng cho từng xã" in (await first(core, "xa minh diem papi the nao")).text


async def test_an_exam_score_is_no_papi_score(core: Core) -> None:
    assert "PAPI 2024 của Hà Nội" not in (await first(core, "Điểm chuẩn Bách khoa Hà Nội năm nay bao nhiêu?")).text


async def test_a_communes_own_merger_is_declined_not_answered_by_a_nearby_entry(core: Core) -> None:
    merged = await first(core, "xa toi nhap voi xa ben canh thi ten xa moi la gi")
    assert merged.kind == "decline" and "chưa có danh sách sắp xếp từng xã" in merged.text
    for near in ("sáp nhập tỉnh rồi thì điểm PAPI tính thế nào", "sáp nhập tỉnh rồi thì xã nào được khảo sát PAPI",
                 "sau sáp nhập, trụ sở UBND xã mới có phải niêm yết danh sách hộ nghèo không"):
        assert "chưa có danh sách sắp xếp từng xã" not in (await first(core, near)).text


async def test_a_part_does_not_answer_a_message_about_something_else(core: Core) -> None:
    """«hướng dẫn giúp mình» is asked of many entries, but this message is about a child's homework."""
    reply = await first(core, "chau lop 3 lam bai tap ve cay dau xanh nay mam, huong dan giup minh voi")
    assert reply.kind == "not_found"
