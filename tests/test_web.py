"""The one web server: Telegram (the real PTB Application, fed updates) and Zalo on one port, /healthz,
secret headers, body cap. Real HTTP on 127.0.0.1 against fake Bot API servers."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.channels.zalo import ZaloChannel
from bot.runner import Runner, problems
from bot.settings import Settings
from bot.web import MAX_BODY, ImageStore
from handlers.core.router import Core
from tests.fake_telegram import FakeBotApi
from tests.fake_zalo import FakeZalo
from tests.test_zalo import SECRET as ZALO_SECRET
from tests.test_zalo import USER as ZALO_USER
from tests.test_zalo import Bot, free_port

TELEGRAM_SECRET = "telegram_secret-42"
TELEGRAM_USER = 4242


def telegram_update(update_id: int, text: str, user: int = TELEGRAM_USER) -> dict[str, Any]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "entities": entities,
        "from": {"id": user, "is_bot": False, "first_name": "Lan"}, "chat": {"id": user, "type": "private"},
    }}


class Both:
    def __init__(self, telegram: FakeBotApi, zalo: FakeZalo, runner: Runner, http: httpx.AsyncClient) -> None:
        self.telegram = telegram
        self.zalo = zalo
        self.runner = runner
        self.http = http

    async def post(self, path: str, payload: Any, header: str | None, secret: str | None) -> int:
        headers = {header: secret} if header and secret is not None else {}
        return (await self.http.post(path, json=payload, headers=headers)).status_code

    async def telegram_post(self, update: dict[str, Any], secret: str | None = TELEGRAM_SECRET) -> int:
        return await self.post("/telegram", update, "X-Telegram-Bot-Api-Secret-Token", secret)


@pytest.fixture
async def both(core: Core, tmp_path: Path) -> AsyncIterator[Both]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with FakeBotApi() as tg, FakeZalo() as zl:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=SecretStr("123:ABC"), telegram_base_url=tg.base_url,
            webhook_url=f"{base}/telegram", webhook_secret=SecretStr(TELEGRAM_SECRET),
            zalo_bot_token=SecretStr(zl.token), zalo_base_url=zl.base_url,
            zalo_webhook_url=f"{base}/zalo", zalo_webhook_secret=SecretStr(ZALO_SECRET),
            webhook_listen="127.0.0.1", webhook_port=port, database=tmp_path / "bot.sqlite3",
        )
        runner = Runner(settings, core=core)
        await runner.start()
        try:
            async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                yield Both(tg, zl, runner, http)
        finally:
            await runner.stop()


async def test_one_server_serves_both_webhooks(both: Both) -> None:
    hook = both.telegram.sent("setWebhook")[0]
    assert hook["url"].endswith("/telegram") and hook["secret_token"] == TELEGRAM_SECRET
    assert both.zalo.webhook is not None and both.zalo.webhook["url"].endswith("/zalo")

    assert await both.telegram_post(telegram_update(1, "/chiso")) == 200
    listing = (await asyncio.to_thread(both.telegram.wait_for, "sendMessage", 1))[0]
    assert listing["chat_id"] == str(TELEGRAM_USER) and "inline_keyboard" in listing["reply_markup"]

    zalo = Bot(both.zalo, both.runner)
    assert "Chỉ số nội dung 5" in await zalo.say("/chiso 5")

    health = await both.http.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "channels": {"telegram": "running", "zalo": "running"}}


async def test_each_path_takes_only_its_own_secret(both: Both) -> None:
    update = telegram_update(7, "/start")
    assert await both.telegram_post(update, secret=ZALO_SECRET) == 403
    assert await both.telegram_post(update, secret=None) == 403
    zalo_update = both.zalo.message(ZALO_USER, "message.text.received", text="/start")
    assert await both.post("/zalo", zalo_update, "X-Bot-Api-Secret-Token", TELEGRAM_SECRET) == 403
    assert await both.post("/zalo", zalo_update, "X-Telegram-Bot-Api-Secret-Token", ZALO_SECRET) == 403
    await asyncio.sleep(0.3)
    assert both.telegram.sent() == [] and both.zalo.sent() == []


async def test_redelivered_telegram_update_is_handled_once(both: Both) -> None:
    update = telegram_update(9, "/help")
    assert await both.telegram_post(update) == 200
    assert await both.telegram_post(update) == 200  # Telegram retries after a slow answer
    await asyncio.to_thread(both.telegram.wait_for, "sendMessage", 1)
    await asyncio.sleep(0.3)
    assert len(both.telegram.sent()) == 1


async def test_malformed_oversized_and_stray_requests(both: Both) -> None:
    headers = {"X-Bot-Api-Secret-Token": ZALO_SECRET}
    assert (await both.http.post("/zalo", content=b"{not json", headers=headers)).status_code == 400
    assert (await both.http.post("/zalo", content=b"[1, 2]", headers=headers)).status_code == 400
    # a valid update that would be answered, were it not over the cap
    update = both.zalo.message(ZALO_USER, "message.text.received", text="/start " + "a" * MAX_BODY)
    huge = json.dumps(update).encode()
    too_big = await both.http.post("/zalo", content=huge, headers=headers)
    assert too_big.status_code == 413, "refused before any handler, with an answer the sender can read"
    assert (await both.http.get("/zalo")).status_code == 405
    assert (await both.http.get("/somewhere")).status_code == 404
    assert (await both.http.get("/images/abc.png")).status_code == 404, "no PUBLIC_URL: no image route"
    await asyncio.sleep(0.3)
    assert both.zalo.sent() == []


async def test_health_reports_a_stopped_channel(both: Both) -> None:
    both.zalo.fail("sendChatAction", 401, http_status=401)  # the token is reset while the bot runs
    both.zalo.send_text(ZALO_USER, "xin chào")
    zalo = both.runner.channels["zalo"]
    assert isinstance(zalo, ZaloChannel)
    await asyncio.wait_for(zalo.failed.wait(), 5)
    health = await both.http.get("/healthz")
    assert health.status_code == 503
    assert health.json()["channels"] == {"telegram": "running", "zalo": "failed"}
    stale = both.zalo.message(ZALO_USER, "message.text.received", text="/start")
    assert await both.post("/zalo", stale, "X-Bot-Api-Secret-Token", ZALO_SECRET) == 503


def test_webhooks_need_their_secrets() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr("123:ABC"), webhook_url="https://bot.example.vn/telegram",
        zalo_bot_token=SecretStr("1:x"), zalo_webhook_url="https://bot.example.vn/zalo",
    )
    found = problems(settings)
    assert len(found) == 2 and any(p.startswith("WEBHOOK_URL cần WEBHOOK_SECRET") for p in found)
    assert any(p.startswith("ZALO_WEBHOOK_URL cần ZALO_WEBHOOK_SECRET") for p in found)
    with pytest.raises(ValueError, match="ZALO_WEBHOOK_SECRET"):
        Settings(_env_file=None, zalo_webhook_secret=SecretStr("ngắn"))  # type: ignore[call-arg]


def test_image_store_forgets_old_images() -> None:
    store = ImageStore("https://bot.example.vn/", ttl=0.05, limit=2)
    first = store.put(b"1", "a.png").rsplit("/", 1)[1]
    assert first.endswith(".png") and store.get(first) == (b"1", "image/png")
    store.put(b"2")
    store.put(b"3")
    assert store.get(first) is None, "over the limit: the oldest goes"
    third = store.put(b"4", "c.jpg").rsplit("/", 1)[1]
    time.sleep(0.06)
    assert store.get(third) is None, "past its time"


async def test_both_channels_long_poll_without_a_web_server(core: Core, tmp_path: Path) -> None:
    with FakeBotApi() as tg, FakeZalo() as zl:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=SecretStr("123:ABC"), telegram_base_url=tg.base_url,
            zalo_bot_token=SecretStr(zl.token), zalo_base_url=zl.base_url, database=tmp_path / "bot.sqlite3",
        )
        runner = Runner(settings, core=core)
        await runner.start()
        try:
            assert runner.web is None and runner.health() == {"telegram": "running", "zalo": "running"}
            tg.send_text(TELEGRAM_USER, "/chiso")
            assert "inline_keyboard" in (await asyncio.to_thread(tg.wait_for, "sendMessage", 1))[0]["reply_markup"]
            assert "Chỉ số nội dung 2" in await Bot(zl, runner).say("/chiso 2")
        finally:
            await runner.stop()
