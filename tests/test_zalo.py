"""End to end: the bot (runner, Zalo channel, core, SQLite) against a fake Zalo Bot API on 127.0.0.1.

Polling and webhook both; conversations are played as a Zalo user would type them, numbers included.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import config
from bot.channels.base import Blocked, RetryLater
from bot.channels.plain import split_text
from bot.channels.zalo import ZaloChannel, ZaloClient, ZaloError
from bot.channels.zalo.api import Retryable, Unauthorized
from bot.channels.zalo.channel import UNSUPPORTED, to_incoming
from bot.channels.zalo.models import Update
from bot.runner import Runner
from bot.settings import Settings
from handlers.broadcasts import audience as broadcasts
from handlers.core.messages import Choice, Reply, units
from handlers.core.router import GROUP_WELCOME, NOTICE, Core
from handlers.invitations import flow as invite_flow
from storage import people
from tests.fake_zalo import FakeZalo

USER = "e4ea2cd5189df1c3a88c"
SECRET = "bi-mat-zalo-2025"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def zalo_settings(api: FakeZalo, tmp_path: Path, token: str | None = None, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]  # a developer's .env must not leak into tests
        zalo_bot_token=SecretStr(token or api.token),
        zalo_base_url=api.base_url,
        database=tmp_path / "bot.sqlite3",
        **extra,
    )


def webhook_settings(api: FakeZalo, tmp_path: Path, port: int, **extra: Any) -> Settings:
    return zalo_settings(
        api, tmp_path, webhook_listen="127.0.0.1", webhook_port=port,
        zalo_webhook_url=f"http://127.0.0.1:{port}/zalo", zalo_webhook_secret=SecretStr(SECRET), **extra,
    )


class Bot:
    """A running bot and its fake Zalo, with what a test does as a user."""

    def __init__(self, api: FakeZalo, runner: Runner) -> None:
        self.api = api
        self.runner = runner

    @property
    def zalo(self) -> ZaloChannel:
        channel = self.runner.channels["zalo"]
        assert isinstance(channel, ZaloChannel)
        return channel

    async def settle(self) -> None:
        """Until the fake has handed out every update and the bot has handled all it got."""
        for _ in range(100):
            if self.api.pending() == 0:
                break
            await asyncio.sleep(0.05)
        await self.zalo.idle()

    async def say(self, text: str, user: str = USER) -> str:
        before = len(self.api.sent())
        self.api.send_text(user, text)
        await asyncio.to_thread(self.api.wait_for, "sendMessage", before + 1)
        await self.settle()
        return "\n".join(m["text"] for m in self.api.sent()[before:])


@pytest.fixture
async def polling(core: Core, tmp_path: Path) -> AsyncIterator[Bot]:
    with FakeZalo() as api:
        runner = Runner(zalo_settings(api, tmp_path), core=core)
        await runner.start()
        try:
            yield Bot(api, runner)
        finally:
            await runner.stop()


@pytest.fixture
async def webhook(core: Core, tmp_path: Path) -> AsyncIterator[Bot]:
    with FakeZalo() as api:
        runner = Runner(webhook_settings(api, tmp_path, free_port()), core=core)
        await runner.start()
        try:
            yield Bot(api, runner)
        finally:
            await runner.stop()


async def play_choices_and_question(bot: Bot) -> None:
    welcome = await bot.say("/start")
    assert "Trợ lý PAPI" in welcome and "\n  [1] " in welcome, "choices are numbered lines on Zalo"

    dimensions = await bot.say("/chiso")
    assert "  [2] 2. Công khai, minh bạch" in dimensions
    dimension = await bot.say("2")  # the number picks the second choice offered
    assert "Chỉ số nội dung 2" in dimension and "  [2] 2.2 " in dimension
    sub = await bot.say("2.2")
    assert "Nội dung thành phần 2.2" in sub and "hộ nghèo" in sub

    answer = await bot.say("xa phai cong khai nhung gi")  # a free question, typed without diacritics
    assert "Luật Thực hiện dân chủ ở cơ sở" in answer and "Nguồn" in answer


async def test_polling_plays_a_numbered_choice_flow_and_a_question(polling: Bot, caplog) -> None:
    # Everything at DEBUG, httpx included (not silenced as setup_logging does): URLs hold the token.
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.NOTSET)
    assert polling.api.sent("deleteWebhook"), "polling needs the webhook removed first"
    await play_choices_and_question(polling)
    assert {m["chat_id"] for m in polling.api.sent()} == {USER}
    assert polling.api.sent("sendChatAction")[0] == {"chat_id": USER, "action": "typing"}
    assert all(units(m["text"]) <= 2000 for m in polling.api.sent())
    assert "HTTP Request: POST" in caplog.text, "httpx did log each request"
    assert polling.api.token not in caplog.text and "fake-zalo-token" not in caplog.text


async def test_choices_survive_a_restart(core: Core, tmp_path: Path) -> None:
    with FakeZalo() as api:
        first = Runner(zalo_settings(api, tmp_path), core=core)
        await first.start()
        await Bot(api, first).say("/chiso")
        await first.stop()
        second = Runner(zalo_settings(api, tmp_path), core=core)
        await second.start()
        try:
            assert "Chỉ số nội dung 5" in await Bot(api, second).say("5")
        finally:
            await second.stop()


async def test_redelivered_poll_event_is_handled_once(polling: Bot, core: Core) -> None:
    api = polling.api
    update = api.send_text(USER, "/congkhai", message_id="16f6366b3f02645a3d15")
    api.deliver(update)  # Zalo hands out the same event again
    await asyncio.to_thread(api.wait_for, "sendMessage", 1)
    await polling.settle()
    assert len(api.sent("sendChatAction")) == 1, "the conversation step ran once"
    rows = await core.db.fetchall("SELECT channel, event_id FROM processed_events")
    assert [tuple(r) for r in rows] == [("zalo", "16f6366b3f02645a3d15")]


async def test_malformed_and_unknown_events_do_not_stop_polling(polling: Bot, caplog) -> None:
    caplog.set_level(logging.INFO)
    polling.api.deliver({"event_name": "message.text.received", "message": {"chat": "không phải đối tượng"}})
    polling.api.deliver({"event_name": "user.followed", "message": polling.api.message(USER, "x")["message"]})
    assert "Chỉ số nội dung 7" in await polling.say("/chiso 7")
    assert "không đúng dạng" in caplog.text and "user.followed" in caplog.text


async def test_unsupported_message_gets_a_polite_pointer_to_the_commune(polling: Bot) -> None:
    polling.api.send_unsupported(USER)
    reply = (await asyncio.to_thread(polling.api.wait_for, "sendMessage", 1))[0]
    assert reply == {"chat_id": USER, "text": UNSUPPORTED}
    assert "không đọc được" in reply["text"] and "một cửa" in reply["text"]


async def test_image_and_sticker_are_answered(polling: Bot) -> None:
    api = polling.api
    api.send_image(USER, "https://photo.example/anh.jpg", caption="diem papi kon tum 2023")
    await asyncio.to_thread(api.wait_for, "sendMessage", 1)
    await polling.settle()
    assert "Kon Tum" in api.sent()[-1]["text"], "an image's caption is read as the question"
    api.send_sticker(USER)
    await asyncio.to_thread(api.wait_for, "sendMessage", len(api.sent()) + 1)
    assert "chữ" in api.sent()[-1]["text"]


async def test_long_reply_is_split_under_2000_characters(polling: Bot, core: Core) -> None:
    # first replies are short (handlers/knowledge/brief.py); a whole entry behind «Chi tiết» can be long
    replies = [r for r in (core.documents.render(f"full:{d.id}") for d in core.documents.docs()) if r is not None]
    longest = max(replies, key=lambda r: len(r.text))
    assert len(longest.text) > 2000, "the knowledge base should hold a reply longer than one Zalo message"
    await polling.zalo.send(USER, longest)
    parts = [m["text"] for m in polling.api.sent()]
    assert len(parts) > 1 and all(units(p) <= 2000 for p in parts)
    squash = "".join(longest.text.split())
    assert "".join("".join(parts).split()).startswith(squash), "nothing is lost at the cuts"


def test_split_prefers_sentence_and_line_boundaries() -> None:
    text = "Câu thứ nhất khá dài. " * 60 + "\n" + "Dòng cuối 🔄 có biểu tượng. " * 40
    parts = split_text(text, 500)
    assert all(units(p) <= 500 for p in parts)
    assert all(p.endswith(".") for p in parts[:-1]), parts
    emoji = split_text("🔄" * 300, 100)
    assert all(units(p) <= 100 for p in emoji) and "".join(emoji) == "🔄" * 300


async def test_image_without_public_url_sends_the_text_and_logs_once(polling: Bot, caplog) -> None:
    reply = Reply("Biểu đồ điểm PAPI", image=PNG, image_name="bieu-do.png")
    await polling.zalo.send(USER, reply)
    await polling.zalo.send(USER, reply)
    assert [m["text"] for m in polling.api.sent()] == ["Biểu đồ điểm PAPI"] * 2
    assert polling.api.sent("sendPhoto") == []
    assert caplog.text.count("PUBLIC_URL") == 1


async def test_image_with_public_url_is_served_to_zalo(core: Core, tmp_path: Path) -> None:
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    with FakeZalo(fetch_photos=True) as api:
        runner = Runner(zalo_settings(api, tmp_path, webhook_port=port, public_url=public), core=core)
        await runner.start()
        try:
            zalo = runner.channels["zalo"]
            assert isinstance(zalo, ZaloChannel)
            reply = Reply("Biểu đồ điểm", (Choice("Xem tiếp", "x"),), image=PNG, image_name="bieu-do.png")
            await zalo.send(USER, reply)
            api.send_text(USER, "biểu đồ PAPI Kon Tum 2023")  # a chart the core draws
            await asyncio.to_thread(api.wait_for, "sendPhoto", 2)
            await zalo.idle()
        finally:
            await runner.stop()
    photo, chart = api.sent("sendPhoto")
    assert photo["photo"].startswith(f"{public}/images/") and photo["caption"] == "Biểu đồ điểm\n  [1] Xem tiếp"
    assert api.photos[0] == (200, PNG, "image/png"), "Zalo fetched the image from our web server"
    assert "Kon Tum" in chart.get("caption", "") + "".join(m["text"] for m in api.sent())
    status, body, ctype = api.photos[1]
    assert status == 200 and body.startswith(b"\x89PNG") and ctype == "image/png"


async def test_webhook_plays_the_same_flows(webhook: Bot) -> None:
    url = f"http://127.0.0.1:{webhook.runner.port}/zalo"
    assert webhook.api.webhook == {"url": url, "secret_token": SECRET}
    await play_choices_and_question(webhook)
    assert set(webhook.api.deliveries) == {200}


async def test_webhook_with_a_wrong_secret_is_refused_and_changes_nothing(webhook: Bot, core: Core) -> None:
    async def counts() -> list[int]:
        found = []
        for table in ("people", "identities", "sessions", "processed_events", "question_gaps"):
            found.append(await core.db.scalar(f"SELECT COUNT(*) FROM {table}"))
        return found

    before = await counts()
    url = f"http://127.0.0.1:{webhook.runner.port}/zalo"
    update = webhook.api.message(USER, "message.text.received", text="lịch cúp điện")
    body = json.dumps({"ok": True, "result": update}).encode()
    for secret in ("bi-mat-sai-2025", None, SECRET + "x", SECRET[:-1]):
        assert await asyncio.to_thread(FakeZalo.post, url, body, secret) == 403
    await webhook.zalo.idle()
    assert await counts() == before
    assert webhook.api.sent() == [] and webhook.api.sent("sendChatAction") == []
    # the same body with the right secret is taken: the refusal was about the secret only
    assert await asyncio.to_thread(FakeZalo.post, url, body, SECRET) == 200


async def test_redelivered_webhook_is_handled_once(webhook: Bot, core: Core) -> None:
    api = webhook.api
    update = api.message(USER, "message.text.received", message_id="82599fa32f56d00e8941", text="/chiso")
    api.deliver(update)
    api.deliver(update)  # Zalo retries, e.g. after a slow answer: both deliveries race
    assert await asyncio.to_thread(api.wait_deliveries, 2) == [200, 200]
    await asyncio.to_thread(api.wait_for, "sendMessage", 1)
    await webhook.zalo.idle()
    assert len(api.sent("sendChatAction")) == 1 and len(api.sent()) == 1


async def test_refused_token_stops_the_channel_with_a_clear_log(core: Core, tmp_path: Path, caplog) -> None:
    with FakeZalo() as api:
        runner = Runner(zalo_settings(api, tmp_path, token="1459232241454765289:reset-token"), core=core)
        await runner.start()
        try:
            assert runner.health() == {"zalo": "failed"}
            assert "ZALO_BOT_TOKEN" in caplog.text and "Đã dừng kênh Zalo" in caplog.text
            assert await runner.wait(asyncio.Event(), check_every=0.05) == 1, "no channel left: the process ends"
        finally:
            await runner.stop()
    assert "reset-token" not in caplog.text


async def test_token_refused_while_polling_stops_the_channel(polling: Bot, caplog) -> None:
    polling.api.fail("getUpdates", 401, http_status=401)
    await asyncio.wait_for(polling.zalo.failed.wait(), 5)
    assert polling.zalo.state == "failed" and "ZALO_BOT_TOKEN" in caplog.text


async def test_client_checks_the_envelope_and_retries_quota_and_network_errors() -> None:
    with FakeZalo() as api:
        client = ZaloClient(api.token, api.base_url, backoff=0.01)
        try:
            assert (await client.get_me()).id == "1459232241454765289"
            api.fail("sendMessage", 429, times=2, http_status=429)
            await client.send_message(USER, "xin chào")
            assert len(api.sent()) == 3, "two 429s, then delivered"
            api.fail("sendMessage", 429, times=1)  # ok:false inside an HTTP 200
            await client.send_message(USER, "xin chào")
            assert len(api.sent()) == 5
            api.fail("sendMessage", 400)
            with pytest.raises(ZaloError) as bad:
                await client.send_message(USER, "xin chào")
            assert bad.value.code == 400 and len(api.sent()) == 6, "a bad request is not retried"
            api.fail("getMe", 401)  # HTTP 200, ok false, 401: still a refused token
            with pytest.raises(Unauthorized):
                await client.get_me()
            assert await client.get_updates(timeout=1) == [], "an empty long poll (408) is not an error"
            info = await client.set_webhook("https://bot.example.vn/zalo", SECRET)
            assert info.url == "https://bot.example.vn/zalo"
            assert (await client.get_webhook_info()).url == "https://bot.example.vn/zalo"
            assert (await client.delete_webhook()).url == ""
        finally:
            await client.aclose()
    offline = ZaloClient("1:x", f"http://127.0.0.1:{free_port()}/bot", attempts=3, backoff=0.01)
    with pytest.raises(Retryable) as down:
        await offline.get_me()
    assert "lỗi mạng" in str(down.value) and "1:x" not in str(down.value)
    await offline.aclose()


def test_run_command_serves_zalo_until_sigterm(tmp_path: Path) -> None:
    """`python -m bot run` as an operator starts it: a real process, settings from the environment."""
    with FakeZalo() as api:
        env = {**os.environ, "ZALO_BOT_TOKEN": api.token, "ZALO_BASE_URL": api.base_url,
               "DATABASE": str(tmp_path / "bot.sqlite3"), "PYTHONPATH": str(Path(__file__).parents[1])}
        env.pop("TELEGRAM_BOT_TOKEN", None)
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            api.send_text(USER, "/help")
            deadline = time.monotonic() + 60
            while not api.sent() and bot.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            assert bot.poll() is None, bot.communicate()[1]
            assert "/chiso" in api.wait_for("sendMessage", 1)[0]["text"]
            bot.send_signal(signal.SIGTERM)
            _, err = bot.communicate(timeout=20)
        finally:
            if bot.poll() is None:
                bot.kill()
    assert bot.returncode == 0, err
    assert "Kênh Zalo" in err and "long polling" in err
    assert api.token not in err and "fake-zalo-token" not in err


def test_run_command_refuses_a_webhook_without_its_secret(tmp_path: Path) -> None:
    env = {**os.environ, "ZALO_BOT_TOKEN": "1:x", "ZALO_WEBHOOK_URL": "https://bot.example.vn/zalo",
           "PYTHONPATH": str(Path(__file__).parents[1])}
    env.pop("ZALO_WEBHOOK_SECRET", None)
    out = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2 and "ZALO_WEBHOOK_SECRET" in out.stderr


async def test_the_name_zalo_shows_reaches_the_people_list_and_the_export(polling: Bot, core: Core) -> None:
    code, _ = await invite_flow.from_command_line(core.db, core.kb, "Đắk Plô", "UBND xã", "official", None, False, 7,
                                                  core.clock())
    assert "thành công" in await polling.say(f"/dangky {code}")  # the fake's sender is called "Lan"
    person = await people.identify(core.db, "zalo", USER, core.clock())
    assert (await people.member(core.db, person.id, None)).name == "Lan"  # type: ignore[union-attr]
    assert (await people.display_names(core.db))[person.id] == "Lan"


async def test_a_404_from_delete_webhook_does_not_stop_polling(core: Core, tmp_path: Path) -> None:
    with FakeZalo() as api:
        api.fail("deleteWebhook", 404, http_status=404)  # a bot that never had a webhook (seen by other clients)
        runner = Runner(zalo_settings(api, tmp_path), core=core)
        await runner.start()
        try:
            assert runner.health() == {"zalo": "running"}
            assert "Chỉ số nội dung 2" in await Bot(api, runner).say("/chiso 2")
        finally:
            await runner.stop()


async def test_replayed_and_too_old_updates_are_not_answered(polling: Bot, core: Core) -> None:
    api = polling.api
    update = api.send_text(USER, "/chiso 3", message_id="aa00000000000000000a")
    for _ in range(5):  # consumed updates coming back on every poll, as a live client reported
        api.deliver(update)
    week_ago = int((time.time() - 8 * 86400) * 1000)  # older than the ids kept in the database
    api.deliver(api.message(USER, "message.text.received", "bb00000000000000000b", text="/chiso 4", date=week_ago))
    await asyncio.to_thread(api.wait_for, "sendMessage", 1)
    await polling.settle()
    answers = [m["text"] for m in api.sent()]
    assert sum("Chỉ số nội dung 3" in t for t in answers) == 1, "handled once"
    assert not any("Chỉ số nội dung 4" in t for t in answers), "a message too old to be de-duplicated is dropped"


@pytest.mark.parametrize(("code", "outcome"), [(403, Blocked), (404, Blocked), (408, RetryLater), (429, RetryLater),
                                              (500, RetryLater), (502, RetryLater)])
async def test_send_errors_map_onto_the_shared_outcomes(core: Core, code: int, outcome: type[Exception]) -> None:
    with FakeZalo() as api:
        channel = ZaloChannel(ZaloClient(api.token, api.base_url, backoff=0.01), core)
        try:
            api.fail("sendMessage", code, times=10, http_status=code)
            with pytest.raises(outcome):
                await channel.sender()(USER, "Nhắc việc: báo cáo quý")
            if outcome is Blocked:
                assert len(api.sent()) == 1, "a refused recipient is not retried"
        finally:
            await channel.stop()


async def test_other_send_errors_are_failures_of_this_attempt(core: Core) -> None:
    with FakeZalo() as api:
        channel = ZaloChannel(ZaloClient(api.token, api.base_url, backoff=0.01), core)
        try:
            api.fail("sendMessage", 400, http_status=400)
            with pytest.raises(ZaloError) as bad:
                await channel.sender()(USER, "Nhắc việc")
            assert not isinstance(bad.value, Blocked | RetryLater) and len(api.sent()) == 1
        finally:
            await channel.stop()
    offline = ZaloChannel(ZaloClient("1:x", f"http://127.0.0.1:{free_port()}/bot", attempts=2, backoff=0.01), core)
    with pytest.raises(RetryLater):  # nobody answers: a network error, tried again later
        await offline.sender()(USER, "Nhắc việc")
    await offline.stop()


async def test_broadcast_to_someone_who_blocked_the_bot_is_sent_once_and_marks_them(
    core: Core, tmp_path: Path
) -> None:
    blocked = "5b3c0a8e9d1f2e4a6c7b"
    with FakeZalo() as api:
        settings = zalo_settings(api, tmp_path, sweep_seconds=1, quiet_hours="off")
        core.config = config(settings)  # as the composition root builds it: quiet hours off
        runner = Runner(settings, core=core)
        await runner.start()
        try:
            author = await people.identify(core.db, "zalo", USER, core.clock())
            person = await people.identify(core.db, "zalo", blocked, core.clock())
            api.block(blocked)
            await broadcasts.create(core.db, author.id, "Họp giao ban sáng thứ Hai", broadcasts.Audience("all"),
                                    [person.id], core.clock(), core.clock())
            # the sweep tries the recipient, then tells the author how it went
            await asyncio.to_thread(api.wait_for, "sendMessage", 2)
            report = [m["text"] for m in api.sent() if m["chat_id"] == USER]
            assert report and "bị chặn 1" in report[0], report
            assert len([m for m in api.sent() if m["chat_id"] == blocked]) == 1, "one attempt"
            row = await core.db.fetchone("SELECT status, next_try FROM outbox WHERE person_id = ?",
                                         (person.id,))
            assert row is not None and row["status"] == "blocked" and row["next_try"] is None, "never tried again"
            active = "SELECT active FROM identities WHERE channel = 'zalo' AND external_id = ?"
            assert await core.db.scalar(active, (blocked,)) == 0, "marked inactive"
            api.unblock(blocked)  # they come back and write to the bot: reachable again
            assert "/chiso" in await Bot(api, runner).say("/help", user=blocked)
            assert await core.db.scalar(active, (blocked,)) == 1
        finally:
            await runner.stop()


GROUP = "9a1b2c3d4e5f60718293"


def group_update(text: str, chat_type: str = "GROUP") -> Update:
    return Update.model_validate({"event_name": "message.text.received", "message": {
        "from": {"id": USER, "display_name": "Lan"}, "chat": {"id": GROUP, "chat_type": chat_type},
        "text": text, "message_id": "2d758cb5e222177a4e35", "date": 1750316131602}})


@pytest.mark.parametrize(("typed", "core_gets"), [
    ("@Bot PAPI Xã An Bình /baocao", "/baocao"),  # the display name, unknown to the bot: a command follows
    ("@Trợ lý PAPI /diem Kon Tum 2023", "/diem Kon Tum 2023"),
    ("@bot.PapiTest hỏi gì đó", "hỏi gì đó"),  # the account name getMe gives
    ("@BOT.papitest, xã phải công khai gì", "xã phải công khai gì"),
    ("/chiso 5 @bot.PapiTest", "/chiso 5"),
    ("/chiso 5", "/chiso 5"),
    ("@bot.PapiTestKhac /chiso", "/chiso"),  # another name that begins the same: only the command rule applies
    ("@Bot PAPI cho hỏi", "@Bot PAPI cho hỏi"),  # no command and an unknown name: left (groups get commands only)
])
def test_the_mention_is_stripped_from_group_messages(typed: str, core_gets: str) -> None:
    incoming = to_incoming(group_update(typed), names=("bot.PapiTest",))
    assert incoming is not None and incoming.group and incoming.text == core_gets
    assert incoming.user_id == USER, "the sender, not the group, is the person"


def test_private_messages_are_passed_as_typed() -> None:
    incoming = to_incoming(group_update("@bot.PapiTest /chiso", chat_type="PRIVATE"), names=("bot.PapiTest",))
    assert incoming is not None and not incoming.group and incoming.text == "@bot.PapiTest /chiso"


async def test_a_command_after_the_mention_is_answered_in_the_group(polling: Bot) -> None:
    api = polling.api
    api.send_group_text(GROUP, USER, "@Bot PAPI Xã An Bình /chiso 5")
    sent = await asyncio.to_thread(api.wait_for, "sendMessage", 1)
    assert sent[0]["chat_id"] == GROUP and "Chỉ số nội dung 5" in sent[0]["text"]
    api.send_group_text(GROUP, USER, "@bot.PapiTest /start")
    sent = await asyncio.to_thread(api.wait_for, "sendMessage", 2)
    assert sent[1]["chat_id"] == GROUP and sent[1]["text"].endswith(GROUP_WELCOME)


async def test_the_first_reply_to_a_new_zalo_user_says_it_is_automated(polling: Bot) -> None:
    first = await polling.say("/chiso 5")
    assert first.startswith(NOTICE) and "Chỉ số nội dung 5" in first
    assert NOTICE not in await polling.say("/chiso 5"), "once"
    assert (await polling.say("/help", user="0f1e2d3c4b5a69788796")).startswith(NOTICE), "each new person"
