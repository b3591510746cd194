"""The channel-agnostic core, with the real knowledge base and a real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

from bot.channels import console
from handlers.core.context import Config
from handlers.core.messages import APOLOGY, Attachment, Incoming
from handlers.core.router import NOT_FOUND, NOTICE, Core


def msg(text: str | None = None, user: str = "u1", **kw) -> Incoming:
    return Incoming(channel="console", user_id=user, text=text, **kw)


async def ask(core: Core, text: str, user: str = "u1") -> str:
    replies = await core.handle(msg(text, user))
    return "\n".join(r.text for r in replies)


async def test_score_question_is_answered_from_data(core: Core) -> None:
    text = await ask(core, "điểm PAPI của Kon Tum năm 2023")
    # figures taken by hand from papi_province_year_2011_2024.csv (Kon Tum, 2023 and 2022)
    assert "Tổng điểm: 39,96/80" in text
    assert "So với 2022: giảm 0,01 điểm" in text
    assert "56/61" in text and "(tự tính)" in text
    assert "Nguồn" in text and "34 tỉnh" in text


async def test_score_question_without_diacritics_and_group_rule(core: Core) -> None:
    text = await ask(core, "diem papi dong thap 2023")
    assert "Tổng điểm: 41,32/80" in text
    assert "42/61" in text and "thuộc nhóm Trung bình thấp (tự tính)" in text


async def test_province_without_scores_says_so(core: Core) -> None:
    text = await ask(core, "điểm PAPI Quảng Ninh 2023")
    assert "không có điểm" in text


async def test_dimension_question_lists_its_subdimensions(core: Core) -> None:
    text = await ask(core, "chỉ số nội dung 5 gồm những gì")
    assert "Thủ tục hành chính công" in text
    for code in ("5.1", "5.3", "5.4"):
        assert code in text
    assert not any(line.startswith("5.2") for line in text.splitlines())  # dropped from the structure


async def test_subdimension_by_code(core: Core) -> None:
    text = await ask(core, "noi dung thanh phan 2.2")
    assert "hộ nghèo" in text and "Xã có thể làm" in text and "Nguồn" in text


async def test_disclosure_list_is_short_with_the_details_behind_a_choice(core: Core) -> None:
    await core.handle(msg("/help"))  # not a first contact, whose reply opens with NOTICE: the list as usually seen
    first = (await core.handle(msg("xa phai cong khai nhung gi")))[0]
    assert len(first.text) <= 1300 and "16 nhóm" in first.text
    assert "Nguồn: Luật Thực hiện dân chủ ở cơ sở" in first.text and "Luật 97/2025" in first.text
    assert first.choices[-1].value == "doc:full:ck:all"
    details = (await core.handle(msg(choice="doc:full:ck:all")))[0].text
    assert details.count("Căn cứ:") >= 10


async def test_poor_household_posting_duration(core: Core) -> None:
    text = await ask(core, "xã phải niêm yết danh sách hộ nghèo bao lâu")
    assert "hộ nghèo" in text and "30 ngày" in text and "Nguồn" in text


async def test_choice_picked_by_number_and_by_label(core: Core) -> None:
    replies = await core.handle(msg("/chiso"))
    assert len(replies[0].choices) == 8
    by_number = await ask(core, "2")
    assert "2.2" in by_number and "Công khai danh sách hộ nghèo" in by_number
    again = await core.handle(msg("/chiso"))
    label = again[0].choices[4].label
    assert "5.3" in await ask(core, label.upper())


async def test_choices_are_per_person(core: Core) -> None:
    offered = await core.handle(msg("/congkhai", user="a"))
    twelfth = offered[0].choices[11].label
    assert twelfth in (await ask(core, "12", user="a")).split("\n")[0]
    assert twelfth not in await ask(core, "12", user="b")  # b was offered nothing: "12" is just a question


async def test_unknown_question_is_recorded_without_the_person(core: Core) -> None:
    text = await ask(core, "con mèo nhà tôi tên gì", user="citizen-42")
    assert text == f"{NOTICE}\n\n{NOT_FOUND}", "the first reply to citizen-42: the notice, then the answer"
    rows = [dict(r) for r in await core.db.fetchall("SELECT * FROM question_gaps")]
    assert len(rows) == 1 and rows[0]["question"] == "con mèo nhà tôi tên gì"
    assert "citizen-42" not in str(rows)


async def test_bad_input_is_answered_politely(core: Core) -> None:
    assert "dài quá" in await ask(core, "a" * 20_000)
    assert "chữ" in "\n".join(r.text for r in await core.handle(msg(attachment=Attachment("photo", "f1"))))
    assert "/help" in await ask(core, "/khonglenhnay")
    assert await ask(core, "🙂🙂🙂")  # only emoji: still a polite reply, never an exception


async def test_group_messages_answer_commands_only(core: Core) -> None:
    assert await core.handle(msg("xin chào", group=True)) == []
    assert "nhắn tin trực tiếp" in "\n".join(r.text for r in await core.handle(msg("/start", group=True)))


async def test_every_document_renders_with_a_source(core: Core) -> None:
    for doc in core.index.docs:
        reply = core.documents.render(doc.id)
        assert reply is not None, doc.id
        assert "Nguồn" in reply.text, doc.id


async def test_bootstrap_admin_gets_the_admin_menu(core: Core) -> None:
    core.config = Config(admins=frozenset({"console:boss"}))
    replies = await core.handle(msg("/start", user="boss"))
    assert any("Kế hoạch" in c.label for c in replies[0].choices)
    citizen = await core.handle(msg("/start", user="someone"))
    assert not any("Kế hoạch" in c.label for c in citizen[0].choices)


async def test_channels_handling_messages_at_once_share_the_database_safely(core: Core) -> None:
    """Telegram and Zalo workers call the core concurrently; new people open write transactions."""
    messages = [Incoming(ch, f"{ch}-{n}", text="/start") for n in range(15) for ch in ("telegram", "zalo")]
    replies = await asyncio.gather(*(core.handle(m) for m in messages))
    assert all("Trợ lý PAPI" in r[0].text for r in replies)


async def test_a_slow_answer_does_not_hold_up_other_people(core: Core) -> None:
    chart = asyncio.create_task(core.handle(msg("biểu đồ radar Kon Tum 2023", user="journalist")))
    await asyncio.sleep(0)  # the chart's conversation has begun
    quick = await asyncio.wait_for(core.handle(msg("xa phai cong khai nhung gi", user="citizen")), 5)
    assert quick and not chart.done(), "the question was answered while the chart was still being drawn"
    assert (await chart)[0].image is not None


async def test_deep_links_have_namespaces(core: Core) -> None:
    assert "hộ nghèo" in (await ask(core, "/start ck-ho-ngheo")).lower()
    assert "Chỉ số nội dung 5" in await ask(core, "/start dim-5")
    assert "2.2" in await ask(core, "/start sub-2_2")
    welcome = await ask(core, "/start bang-tin-xa")  # an unknown payload: the welcome, not "wrong code"
    assert "Xin chào" in welcome and "Mã mời" not in welcome


async def test_the_console_answers_an_internal_error_and_goes_on(core: Core, monkeypatch) -> None:
    real = core._handle

    async def failing(msg: Incoming, confirms: bool) -> list:
        if msg.text == "boom":
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return await real(msg, confirms)

    monkeypatch.setattr(core, "_handle", failing)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        await console.run(core, "u1", stdin=io.StringIO("boom\n/chiso 5\n"), out_dir=Path("/tmp"))
    assert APOLOGY in out.getvalue() and "Chỉ số nội dung 5" in out.getvalue()


async def test_a_new_persons_first_reply_says_once_that_it_is_automated(core: Core) -> None:
    assert "\n" not in NOTICE and "tự động" in NOTICE and "Một cửa" in NOTICE, "one line: automated, who to ask"
    first = await core.handle(msg("xa phai cong khai nhung gi", user="moi-den"))
    assert first[0].text.startswith(NOTICE + "\n\n") and "16 nhóm" in first[0].text
    assert NOTICE not in await ask(core, "xa phai cong khai nhung gi", user="moi-den"), "once per person"
    assert (await ask(core, "/help", user="nguoi-khac")).startswith(NOTICE)
