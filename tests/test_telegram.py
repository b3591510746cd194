"""End to end: the real python-telegram-bot Application, long polling a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.channels import telegram
from bot.channels.plain import split_text
from bot.settings import Settings
from handlers.core import Core
from tests.fake_telegram import FakeBotApi

USER = 4242


@pytest.fixture
async def running(core: Core) -> AsyncIterator[FakeBotApi]:
    with FakeBotApi() as api:
        settings = Settings(telegram_bot_token=SecretStr("123:ABC"), telegram_base_url=api.base_url)
        app = telegram.build(settings, core=core)
        await app.initialize()
        await app.post_init(app)  # initialize() does not run post_init; run_polling would
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            yield api
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()


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
