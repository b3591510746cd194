"""Issue 11, in chat: a Sở's admin sends the plan file to the bot, sees the preview with «Công bố / Hủy», and on
«Công bố» the province's officials see the new tasks at once. The files are those the end-to-end test writes
(the template filled as a Sở would, the same plan as a Word table); the file download is the channel's, faked
only at the network edge: in the core tests a fetcher serving the file's bytes, then the real PTB Application
downloading it from a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pydantic import SecretStr

from bot.runner import Runner
from bot.settings import Settings
from content.loader import KnowledgeBase
from handlers.core.messages import Attachment
from handlers.core.router import Core
from handlers.invitations import flow as invite_flow
from handlers.org import official
from handlers.org.load import load_map
from handlers.org.template import load_template
from handlers.plans import former, template
from storage import plans as stored_plans
from tests.fake_telegram import FakeBotApi
from tests.speakers import Person
from tests.test_plan_import import fill
from tests.test_province_end_to_end import PLAN_INFO, TASKS, TODAY, VAN_PHONG, plan_docx, plan_xlsx

FILES: dict[str, bytes] = {}


async def fetch(file_id: str | None, url: str | None) -> bytes:
    return FILES[str(file_id)]


def document(path: Path) -> Attachment:
    FILES[path.name] = path.read_bytes()
    return Attachment("document", path.name, name=path.name, size=len(FILES[path.name]))


async def invite(core: Core, commune: str | None, unit: str | None, role: str = "official",
                 province: str | None = None) -> str:
    """A code issued on the day the test talks (the real clock on Telegram, which stamps no time)."""
    at = TODAY if core.fetchers.get("console") else core.clock()
    code, _ = await invite_flow.from_command_line(core.db, core.kb, commune, unit, role, province, False, 7, at)
    return code


async def someone(core: Core, user: str, code: str) -> Person:
    person = Person(core, user)
    person.at = TODAY
    assert "Đăng ký thành công" in (await person.say(f"/dangky {code}")).text
    return person


@pytest.fixture
async def lai_chau(core: Core) -> tuple[Person, Person]:
    """Lai Châu's map loaded, its admin and an official of the first commune's Văn phòng registered."""
    await load_map(core.db, load_template(), official.province("Lai Châu"))
    core.fetchers["console"] = fetch
    first = str(await core.db.scalar("SELECT name FROM communes WHERE province = 'Lai Châu' ORDER BY code LIMIT 1"))
    admin = await someone(core, "dung", await invite(core, None, None, role="admin", province="Lai Châu"))
    an = await someone(core, "an", await invite(core, first, VAN_PHONG, province="Lai Châu"))
    return admin, an


async def plans_saved(core: Core) -> list[tuple[str, int, str]]:
    return [(p.id, p.version, p.state) for p in await stored_plans.listing(core.db)]


async def test_an_admin_sends_the_plan_previews_it_and_publishes_it(core: Core, lai_chau: tuple[Person, Person],
                                                                     tmp_path: Path) -> None:
    admin, an = lai_chau
    assert "chưa có nhiệm vụ nào" in (await an.say("/nhiemvu")).text
    template.write(tmp_path / "mau.xlsx")
    xlsx = plan_xlsx(tmp_path / "mau.xlsx", tmp_path / "ke-hoach-2026.xlsx")

    shown = await admin.say(attachment=document(xlsx))
    assert shown.text.startswith("Xem trước tệp ke-hoach-2026.xlsx (chưa lưu gì):")
    assert f"Kế hoạch: {PLAN_INFO['Tên kế hoạch']}" in shown.text
    assert "3 nhiệm vụ" in shown.text and "đến 38 xã" in shown.text
    assert [c.label for c in shown.choices] == ["Công bố", "Hủy"]
    assert await plans_saved(core) == [], "a preview saves nothing"
    assert "Đã hủy nhập kế hoạch. Không có gì được lưu." in (await admin.say("Hủy")).text
    assert await plans_saved(core) == []

    # the same plan as a Word table, published: Lò Văn An sees its tasks on his next message
    shown = await admin.say(attachment=document(plan_docx(tmp_path / "45-KH-UBND.docx")))
    assert "Xem trước tệp 45-KH-UBND.docx" in shown.text and "Số: 45/KH-UBND" not in shown.text
    done = (await admin.say("Công bố")).text
    assert done.startswith("✅ Đã công bố kế hoạch lai-chau-2026 phiên bản 1 (45/KH-UBND), hiệu lực 16/03/2026 – "
                           "31/12/2027: 3 nhiệm vụ, đến 38 xã.")
    assert await plans_saved(core) == [("lai-chau-2026", 1, "active")]
    assert await core.db.scalar("SELECT source_name FROM plans") == "45-KH-UBND.docx"
    tasks = (await an.say("/nhiemvu")).text
    assert TASKS[0][1] in tasks and TASKS[1][1] in tasks

    # a new version in the template supersedes it; reports stay with (plan, task), the tasks change at once
    book = plan_xlsx(tmp_path / "mau.xlsx", tmp_path / "ke-hoach-2026-sua.xlsx")
    wb = load_workbook(book)
    wb["Nhiệm vụ"]["B2"] = "Tổ chức đối thoại trực tuyến với người dân"
    wb.save(book)
    assert "Xem trước" in (await admin.say(attachment=document(book))).text
    assert "phiên bản 2" in (await admin.say("1")).text, "«1» picks the first choice, «Công bố»"
    assert await plans_saved(core) == [("lai-chau-2026", 1, "superseded"), ("lai-chau-2026", 2, "active")]
    assert "Tổ chức đối thoại trực tuyến với người dân" in (await an.say("/nhiemvu")).text

    # the same file once more: the preview says so, and «Công bố» changes nothing
    assert "Tệp này đã được nhập: kế hoạch lai-chau-2026 phiên bản 2." in (
        await admin.say(attachment=document(book))).text
    assert "Không có gì thay đổi" in (await admin.say("Công bố")).text
    assert len(await plans_saved(core)) == 2


async def test_a_bad_file_is_answered_row_by_row_and_nothing_is_saved(core: Core, lai_chau: tuple[Person, Person],
                                                                      tmp_path: Path) -> None:
    admin, _ = lai_chau
    bad = fill(tmp_path / "sai.xlsx", {"Tên kế hoạch": "Kế hoạch PAPI 2026", "Tỉnh": "Lai Châu", "Năm PAPI": "2026",
                                       "Cơ quan ban hành": "UBND tỉnh Lai Châu"}, [
        [1, "Việc đúng", "", "2", "", "UBND xã", "", "quý III", "tất cả các xã", "", ""],
        [2, "Việc sai hạn", "", "2", "", "UBND xã", "", "cuối quý sau", "tất cả các xã", "", ""],
        [3, "Việc sai chỉ số", "", "9", "", "UBND xã", "", "thường xuyên", "tất cả các xã", "", ""],
    ])
    told = (await admin.say(attachment=document(bad))).text
    assert told.startswith("⚠️ Tệp sai.xlsx chưa nhập được, chưa có gì được lưu (2 lỗi):\n"
                           "• Trang «Nhiệm vụ», dòng 3, cột «Thời hạn»: không hiểu «cuối quý sau»; ví dụ hợp lệ:")
    assert "• Trang «Nhiệm vụ», dòng 4, cột «Chỉ số»: «9» không phải chỉ số nội dung PAPI" in told
    assert "Bạn sửa các chỗ trên rồi gửi lại tệp nhé." in told and "Gửi tệp kế hoạch vào đây" in told
    macro = tmp_path / "ke-hoach.xlsm"
    macro.write_bytes(b"PK")
    assert "Tệp ke-hoach.xlsm không nhận được: Tệp có macro không được nhận" in (
        await admin.say(attachment=document(macro))).text
    assert "cần gửi tệp" in (await admin.say("xin chào")).text, "the flow waits for a file"
    assert await plans_saved(core) == []
    # the corrected file, sent at once, is previewed
    template.write(tmp_path / "mau.xlsx")
    assert "Xem trước" in (await admin.say(attachment=document(plan_xlsx(tmp_path / "mau.xlsx",
                                                                         tmp_path / "dung.xlsx")))).text
    assert "Đã hủy" in (await admin.say("/huy")).text
    assert await plans_saved(core) == []


async def test_only_an_admin_of_the_plan_s_province_can_load_it(core: Core, lai_chau: tuple[Person, Person],
                                                               tmp_path: Path) -> None:
    _, an = lai_chau
    template.write(tmp_path / "mau.xlsx")
    xlsx = plan_xlsx(tmp_path / "mau.xlsx", tmp_path / "ke-hoach-2026.xlsx")
    assert "chỉ đọc được tin nhắn chữ" in (await an.say(attachment=document(xlsx))).text, "an official's file"
    assert "chỉ dành cho cán bộ Sở Nội vụ" in (await an.say("/nhapkehoach")).text
    elsewhere = await someone(core, "kon-tum", await invite(core, None, None, role="admin", province="Kon Tum"))
    assert "Gửi tệp kế hoạch vào đây" in (await elsewhere.say("/nhapkehoach")).text
    refused = (await elsewhere.say(attachment=document(xlsx))).text
    assert "là của tỉnh Lai Châu; bạn quản trị tỉnh Kon Tum" in refused
    assert await plans_saved(core) == []


async def test_a_plan_sent_on_telegram_is_downloaded_previewed_and_published(
    core: Core, lai_chau: tuple[Person, Person], tmp_path: Path
) -> None:
    """The real runner and PTB Application: a Bot API `document` message, getFile and the download through the
    fetcher the runner gave the core, the preview's buttons."""
    user = 5151
    code = await invite(core, None, None, role="admin", province="Lai Châu")
    template.write(tmp_path / "mau.xlsx")
    content = plan_xlsx(tmp_path / "mau.xlsx", tmp_path / "ke-hoach-2026.xlsx").read_bytes()
    with FakeBotApi() as api:
        settings = Settings(_env_file=None, telegram_bot_token=SecretStr("123:ABC"),  # type: ignore[call-arg]
                            telegram_base_url=api.base_url, database=tmp_path / "bot.sqlite3", sweep_seconds=3600)
        runner = Runner(settings, core=core)
        await runner.start()
        try:
            assert "telegram" in core.fetchers
            api.send_text(user, f"/dangky {code}")
            await asyncio.to_thread(api.wait_for, "sendMessage", 1)
            api.send_document(user, "tep-ke-hoach", "ke-hoach-2026.xlsx", content)
            shown = (await asyncio.to_thread(api.wait_for, "sendMessage", 2))[-1]
            assert "Xem trước tệp ke-hoach-2026.xlsx" in shown["text"] and "3 nhiệm vụ" in shown["text"]
            assert "Công bố" in str(shown["reply_markup"])
            api.press(user, "=publish")
            done = (await asyncio.to_thread(api.wait_for, "sendMessage", 3))[-1]
            assert "Đã công bố kế hoạch lai-chau-2026 phiên bản 1" in done["text"]
        finally:
            await runner.stop()
    assert await plans_saved(core) == [("lai-chau-2026", 1, "active")]


async def published_in_chat(admin: Person, tmp_path: Path) -> None:
    template.write(tmp_path / "mau.xlsx")
    assert "Xem trước" in (await admin.say(attachment=document(plan_xlsx(tmp_path / "mau.xlsx",
                                                                         tmp_path / "ke-hoach-2026.xlsx")))).text
    assert "Đã công bố" in (await admin.say("Công bố")).text


async def test_questions_and_plan_cards_read_the_plan_the_province_loaded(
    core: Core, lai_chau: tuple[Person, Person], tmp_path: Path
) -> None:
    admin, an = lai_chau
    question = "kế hoạch năm 2026 của tỉnh giao xã làm gì về công khai"
    before = await an.say(question)
    assert "45/KH-UBND" not in before.text
    await published_in_chat(admin, tmp_path)

    # "của tỉnh": the asker's own province's plan of that year, cited by its number and date
    answer = await an.say(question)
    assert answer.text.startswith("Theo Kế hoạch 45/KH-UBND của UBND tỉnh Lai Châu ngày 16/03/2026:\n"
                                  "• Niêm yết công khai dự toán ngân sách xã năm 2027\n  Chủ trì: UBND xã.")
    assert "Nguồn" in answer.text and "45/KH-UBND" in answer.text.split("Nguồn")[-1]
    assert "45/KH-UBND" not in (await an.say("kế hoạch năm 2025 của tỉnh giao xã làm gì về công khai")).text, \
        "another year's question is not answered from the 2026 plan"
    citizen = Person(core, "nguoi-dan")
    citizen.at = TODAY
    assert "45/KH-UBND" not in (await citizen.say(question)).text, "a citizen's province is not known"
    # by its number, or its province's name, as the bundled plans are found
    assert "có 3 nhiệm vụ" in (await citizen.say("kế hoạch 45 có bao nhiêu nhiệm vụ")).text
    target = (await citizen.say("kế hoạch PAPI Lai Châu năm 2026 ban hành ngày nào")).text
    assert "Số: 45/KH-UBND; 16/3/2026" in target

    # /kehoach: the plan in force first, its card and its tasks one choice away
    listing = await an.say("/kehoach")
    assert listing.text.startswith("Đang có hiệu lực:\n• Kế hoạch 45/KH-UBND của UBND tỉnh Lai Châu, 16/3/2026: "
                                   "3 nhiệm vụ")
    assert listing.choices[0].label == "UBND tỉnh Lai Châu (2026)"
    card = await an.say("1")
    assert card.text.startswith(PLAN_INFO["Tên kế hoạch"]) and "Số: 45/KH-UBND; 16/3/2026" in card.text
    tasks = await an.say("Xem các nhiệm vụ")
    assert all(t[1] in tasks.text for t in TASKS) and "Hạn: trước ngày 31/3/2027 (hạn: 31/03/2027)" in tasks.text
    # the same list from the menu and from a question search answers with it
    assert "Kế hoạch và mục tiêu" in [c.label for c in (await an.say("/start")).choices]
    assert (await an.say("Kế hoạch và mục tiêu")).text == listing.text
    assert (await an.say("danh sách kế hoạch PAPI")).text == listing.text


# --- old plans on the new map (vietnamadminunits' table, real pairs from its data) ------------------------------

@pytest.mark.parametrize(("old", "province", "communes", "split"), [
    (("Trà Vinh", "thị xã Duyên Hải", "Phường 1"), "Vĩnh Long", ("Phường Duyên Hải",), False),
    (("Kon Tum", "huyện Đắk Glei", "xã Đắk Plô"), "Quảng Ngãi", ("Xã Đăk Plô",), False),  # a spelling of Đắk Blô
    (("Cần Thơ", "huyện Thới Lai", "xã Tân Thạnh"), "Cần Thơ", ("Xã Tân Thạnh", "Xã Trường Thành"), True),
    (("Kon Tum", "huyện Đắk Glei", "Xã Không Có"), None, (), False),
    (("Tỉnh Không Có", "huyện Đắk Glei", "xã Đắk Plô"), None, (), False),
])
def test_an_old_commune_is_found_on_the_new_map_or_said_unknown(
    old: tuple[str, str, str], province: str | None, communes: tuple[str, ...], split: bool
) -> None:
    now = former.commune(*old)
    assert (now.province, now.communes, now.split) == (province, communes, split)
    assert now.known == (province is not None)


def test_old_districts_and_provinces_on_the_new_map() -> None:
    duyen_hai = former.district("Trà Vinh", "thị xã Duyên Hải")
    assert duyen_hai.province == "Vĩnh Long"
    assert duyen_hai.communes == ("Phường Duyên Hải", "Phường Trường Long Hòa", "Xã Long Hữu")
    assert former.province("Hà Giang").province == "Tuyên Quang"
    assert former.province("Đồng Tháp").merged == ("Tiền Giang", "Đồng Tháp")


async def test_old_plans_say_where_their_area_is_now_and_new_ones_say_nothing(core: Core, kb: KnowledgeBase,
                                                                             tmp_path: Path) -> None:
    lines = {p.id: former.line(p) for p in kb.plans}
    assert lines["ha-tinh-2023"] is None, "Hà Tĩnh merged with no other province"
    assert lines["dak-plo-2024"] == ("🗺️ Bản đồ mới (từ 01/7/2025): xã Đắk Plô, huyện Đắk Glei, tỉnh Kon Tum nay là "
                                     "Xã Đăk Plô, tỉnh Quảng Ngãi (theo bảng chuyển đổi của gói vietnamadminunits "
                                     "1.0.4).")
    assert "tỉnh Khánh Hòa nay thuộc tỉnh Khánh Hòa (hợp nhất các tỉnh Khánh Hòa, Ninh Thuận cũ)" in str(
        lines["khanh-hoa-2023"])
    unknown = kb.plans[0].model_copy(update={"level": "commune", "commune": "xã Không Có", "issued": None,
                                             "papi_year": 2024})
    assert "tôi chưa biết xã Không Có" in str(former.line(unknown)) and "nay thuộc xã, phường nào" in str(
        former.line(unknown))

    # in chat: the cards of the bundled plans, their task lists and the answers about them
    reader = Person(core, "doc-gia")
    listing = await reader.say("/kehoach")
    dak_plo = next(n for n, c in enumerate(listing.choices, 1) if c.value == "doc:plan:dak-plo-2024")
    assert "nay là Xã Đăk Plô, tỉnh Quảng Ngãi" in (await reader.say(str(dak_plo))).text
    assert "nay thuộc Phường Duyên Hải, Phường Trường Long Hòa, Xã Long Hữu, tỉnh Vĩnh Long" in (
        await reader.say("Duyên Hải có bao nhiêu nhiệm vụ")).text
    tasks = (await reader.say("Xem các nhiệm vụ")).text
    assert tasks.startswith("Nhiệm vụ của") and "tỉnh Vĩnh Long" in tasks
    # a plan of the new map (the one Lai Châu publishes) says nothing of it
    await load_map(core.db, load_template(), official.province("Lai Châu"))
    core.fetchers["console"] = fetch
    admin = await someone(core, "dung", await invite(core, None, None, role="admin", province="Lai Châu"))
    await published_in_chat(admin, tmp_path)
    assert "Bản đồ mới" not in (await reader.say("kế hoạch 45 có bao nhiêu nhiệm vụ")).text
