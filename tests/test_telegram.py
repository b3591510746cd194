"""End to end: the real python-telegram-bot Application, long polling a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.channels import telegram
from bot.channels.plain import split_text
from bot.evidence import fetch_pending
from bot.settings import Settings
from handlers.core.router import NOTICE, Core
from handlers.invitations import flow as invite_flow
from tests.fake_telegram import FakeBotApi
from tests.plans_in_force import keep_in_force

USER = 4242


@pytest.fixture
async def running(core: Core) -> AsyncIterator[FakeBotApi]:
    with FakeBotApi() as api:
        settings = Settings(telegram_bot_token=SecretStr("123:ABC"), telegram_base_url=api.base_url)
        channel = telegram.TelegramChannel(settings, core)  # as the runner starts it
        await channel.prepare()
        await channel.start()
        try:
            yield api
        finally:
            await channel.stop()


async def wait(api: FakeBotApi, count: int, method: str = "sendMessage") -> list[dict]:
    return await asyncio.to_thread(api.wait_for, method, count)


async def test_conversation_through_buttons_and_text(running: FakeBotApi) -> None:
    api = running
    commands = api.sent("setMyCommands")[0]["commands"]
    assert {"command": "congkhai", "description": "Những gì xã phải công khai"} in commands

    api.send_text(USER, "/start")
    welcome = (await wait(api, 1))[0]
    assert "Trợ lý PAPI" in welcome["text"]
    buttons = [row[0] for row in welcome["reply_markup"]["inline_keyboard"]]
    disclosure = next(b for b in buttons if "công khai" in b["text"])

    api.press(USER, disclosure["callback_data"])
    listing = (await wait(api, 2))[-1]
    assert "Luật Thực hiện dân chủ ở cơ sở" in listing["text"]
    assert api.sent("answerCallbackQuery"), "the button's spinner must be stopped"

    api.send_text(USER, "diem papi kon tum nam 2023")
    score = (await wait(api, 3))[-1]
    assert "Kon Tum" in score["text"] and "Nguồn" in score["text"]


async def test_long_answer_is_split_under_the_limit(running: FakeBotApi) -> None:
    api = running
    api.send_text(USER, "/kehoach")
    plans = (await wait(api, 1))[0]
    biggest = max(plans["reply_markup"]["inline_keyboard"], key=lambda row: len(row[0]["callback_data"]))
    api.press(USER, biggest[0]["callback_data"])
    await wait(api, 2)
    api.press(USER, "doc:plan-tasks:dong-thap-2024")
    await asyncio.sleep(1.5)
    for message in api.sent():
        assert len(message["text"]) <= 4096


async def test_start_in_a_group_points_to_a_private_chat(running: FakeBotApi) -> None:
    api = running
    api.send_text(USER, "/start@tro_ly_papi_bot", chat_id=-100, kind="group")
    reply = (await wait(api, 1))[0]
    assert "nhắn tin trực tiếp" in reply["text"]
    assert "reply_markup" not in reply


async def test_handler_error_is_answered_with_an_apology(running: FakeBotApi, core: Core, monkeypatch) -> None:
    async def broken(msg):  # a fault inside the core, not at the network edge
        raise RuntimeError("boom")

    monkeypatch.setattr(core, "handle", broken)
    running.send_text(USER, "xin chào")
    apology = (await wait(running, 1))[0]
    assert apology["text"] == telegram.APOLOGY
    monkeypatch.undo()
    running.send_text(USER, "/help")
    assert "/chiso" in (await wait(running, 2))[-1]["text"], "the bot must keep working after an error"


def test_split_text_keeps_every_part_under_the_limit() -> None:
    text = "\n".join(f"Dòng {i}: " + "chữ " * 30 for i in range(400))
    parts = split_text(text, 4096)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


async def test_photo_evidence_is_fetched_into_the_evidence_folder(core: Core, tmp_path: Path) -> None:
    """A report with a photo through the real PTB Application; then the file is downloaded by its file id."""
    await keep_in_force(core.db)  # the real clock: Đắk Plô's 2024 plan, loaded with a period that includes today
    code, _ = await invite_flow.from_command_line(core.db, core.kb, "Đắk Plô", "Văn phòng HĐND-UBND xã", "official",
                                                  None, False, 7, core.clock())
    with FakeBotApi() as api:
        settings = Settings(telegram_bot_token=SecretStr("123:ABC"), telegram_base_url=api.base_url)
        channel = telegram.TelegramChannel(settings, core)
        app = channel.app
        await channel.prepare()
        await channel.start()
        try:
            for n, text in enumerate((f"/dangky {code}", "/baocao", "1", "Đã hoàn thành", "Đã rà soát thủ tục"), 1):
                api.send_text(USER, text)
                await wait(api, n)
            api.send_photo(USER, "anh-bien-ban", b"\xff\xd8jpeg-bytes")
            assert "Đã nhận 1 minh chứng" in (await wait(api, 6))[-1]["text"]
            for n, text in enumerate(("tiếp tục", "không", "Xác nhận"), 7):
                api.send_text(USER, text)
                await wait(api, n)
            assert "BC-" in api.sent()[-1]["text"]
            assert await fetch_pending(core.db, {"telegram": telegram.fetcher(app)}, tmp_path / "minh-chung") == 1
        finally:
            await channel.stop()
    path = await core.db.scalar("SELECT local_path FROM evidence")
    assert path.endswith(".jpg") and Path(path).read_bytes() == b"\xff\xd8jpeg-bytes"
    assert await fetch_pending(core.db, {"telegram": telegram.fetcher(app)}, tmp_path / "minh-chung") == 0


async def test_many_chats_at_once_each_in_order(running: FakeBotApi, core: Core) -> None:
    """Updates are handled concurrently (PerChat), yet one person's replies come in the order they wrote."""
    api = running
    asked = [1 + n % 8 for n in range(24)]
    for n, k in enumerate(asked):
        api.send_text(USER, f"/chiso {k}")
        api.send_text(USER + 1 + n % 3, "xã phải công khai những gì")  # other people in between
    await wait(api, len(asked) * 2)
    mine = [m["text"] for m in api.sent("sendMessage") if int(m["chat_id"]) == USER]
    expected = [core.documents.render(f"dim:{k}").text.splitlines()[0] for k in asked]  # type: ignore[union-attr]
    assert mine[0].startswith(NOTICE), "the first reply to someone new opens with the notice"
    assert [text.removeprefix(NOTICE + "\n\n").splitlines()[0] for text in mine] == expected


async def test_an_edited_message_is_not_taken_as_an_answer(running: FakeBotApi, core: Core) -> None:
    await keep_in_force(core.db)  # the real clock: Đắk Plô's 2024 plan, loaded with a period that includes today
    code, _ = await invite_flow.from_command_line(core.db, core.kb, "Đắk Plô", "Văn phòng HĐND-UBND xã", "official",
                                                  None, False, 7, core.clock())
    api = running
    for n, text in enumerate((f"/dangky {code}", "/baocao", "1"), 1):
        api.send_text(USER, text)
        await wait(api, n)
    assert "Bước 2/7" in api.sent("sendMessage")[-1]["text"]
    api.edit(USER, 2, "Đã hoàn thành")  # not an answer to the status step
    assert "tin nhắn đã sửa" in (await wait(api, 4))[-1]["text"]
    api.send_text(USER, "Đang thực hiện")
    assert "Bước 3/7" in (await wait(api, 5))[-1]["text"], "the conversation is still at the status step"
    assert set(api.allowed_updates or ()) == {"message", "edited_message", "callback_query"}


async def test_a_step_whose_question_was_not_delivered_is_asked_again(running: FakeBotApi, core: Core) -> None:
    await keep_in_force(core.db)  # the real clock: Đắk Plô's 2024 plan, loaded with a period that includes today
    code, _ = await invite_flow.from_command_line(core.db, core.kb, "Đắk Plô", "Văn phòng HĐND-UBND xã", "official",
                                                  None, False, 7, core.clock())
    api = running
    for n, text in enumerate((f"/dangky {code}", "/baocao", "1", "Đang thực hiện"), 1):
        api.send_text(USER, text)
        await wait(api, n)
    assert "Bước 3/7" in api.sent("sendMessage")[-1]["text"]
    api.blocked = frozenset({USER})  # the next reply cannot be delivered
    api.send_text(USER, "40")
    await asyncio.sleep(1.0)
    api.blocked = frozenset()
    api.send_text(USER, "Đã rà soát 45 thủ tục")  # typed as if the lost question had been seen
    again = (await wait(api, 5))[-1]["text"]
    assert "hỏi lại" in again and "Bước 4/7" in again, "the unseen step is asked again, the text not taken"
    api.send_text(USER, "Đã rà soát 45 thủ tục")
    assert "Bước 5/7" in (await wait(api, 6))[-1]["text"]
