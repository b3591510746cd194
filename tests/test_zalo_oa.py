"""End to end: the commune's Zalo Official Account (runner, OA channel, core, SQLite, the sweep) against a fake
OA + OAuth + ZNS server on 127.0.0.1 that signs its webhooks as Zalo documents, refuses expired tokens, enforces
a reply window and a rate limit. One test runs the real `python -m bot run` process."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import config
from bot.channels.base import Blocked, Undeliverable
from bot.channels.zalo_oa import ZaloOAChannel, signature
from bot.channels.zalo_oa.api import OAClient
from bot.channels.zalo_oa.outbound import in_window
from bot.runner import Runner
from bot.settings import Settings
from handlers.broadcasts import audience as broadcasts
from handlers.core.messages import Reply
from handlers.core.router import NOTICE, Core
from handlers.invitations import flow as invite_flow
from handlers.reminders import planner as reminders
from storage import oa_followers, oa_tokens, outbox, people
from storage.db import utc_now
from storage.oa_followers import Follower
from tests.fake_zalo_oa import APP_ID, APP_SECRET, OA_ID, SECRET_KEY, FakeOA
from tests.test_reminders import VN, at
from tests.test_zalo import free_port

USER = "2512523625412515"
OTHER = "6618323416513842"


def oa_settings(api: FakeOA, tmp_path: Path, port: int, seed_access: bool = True, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]  # a developer's .env must not leak into tests
        zalo_oa_app_id=APP_ID, zalo_oa_app_secret=SecretStr(APP_SECRET), zalo_oa_secret_key=SecretStr(SECRET_KEY),
        zalo_oa_access_token=SecretStr(api.access_token) if seed_access else None,
        zalo_oa_refresh_token=SecretStr(api.refresh_token),
        zalo_oa_api_url=api.url, zalo_oa_oauth_url=api.url, zns_api_url=api.url,
        database=tmp_path / "bot.sqlite3", webhook_listen="127.0.0.1", webhook_port=port, **extra,
    )


class OA:
    """A running bot on the OA and its fake Zalo, with what a follower does."""

    def __init__(self, api: FakeOA, runner: Runner, port: int) -> None:
        self.api, self.runner = api, runner
        self.hook = f"http://127.0.0.1:{port}/zalo-oa"
        self.health = f"http://127.0.0.1:{port}/healthz"

    @property
    def channel(self) -> ZaloOAChannel:
        channel = self.runner.channels["zalo_oa"]
        assert isinstance(channel, ZaloOAChannel)
        return channel

    async def deliver(self, event: dict[str, Any], **how: Any) -> int:
        status = await asyncio.to_thread(self.api.deliver, self.hook, event, **how)
        await self.channel.idle()
        return status

    async def say(self, text: str, user: str = USER) -> str:
        before = len(self.api.texts(user))
        assert await self.deliver(self.api.text(user, text)) == 200
        return "\n".join(self.api.texts(user)[before:])


@pytest.fixture
async def oa(core: Core, tmp_path: Path) -> AsyncIterator[OA]:
    with FakeOA() as api:
        port = free_port()
        settings = oa_settings(api, tmp_path, port, sweep_seconds=1, quiet_hours="off")
        core.config = config(settings)
        runner = Runner(settings, core=core)
        await runner.start()
        try:
            yield OA(api, runner, port)
        finally:
            await runner.stop()


def healthz(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status), json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), json.loads(exc.read())


async def test_a_follower_is_welcomed_asks_and_gets_the_answer(oa: OA) -> None:
    assert await oa.deliver(oa.api.event("follow", USER, source="oa_profile")) == 200
    welcome = "\n".join(oa.api.texts(USER))
    assert NOTICE.split(".")[0] in welcome and "Trợ lý PAPI" in welcome, "follow: the welcome, automated notice first"
    answer = await oa.say("xa phai cong khai nhung gi")
    assert "Luật Thực hiện dân chủ ở cơ sở" in answer and "Nguồn" in answer
    dimensions = await oa.say("/chiso")
    assert "  [2] 2. Công khai, minh bạch" in dimensions, "choices are numbered lines"
    assert "Chỉ số nội dung 2" in await oa.say("2")
    again = oa.api.text(USER, "/help", msg_id="d1f0e5c3a2b4")
    assert await oa.deliver(again) == 200 and await oa.deliver(again) == 200
    assert sum("/chiso" in t for t in oa.api.texts(USER)[-3:]) == 1, "a redelivered event is handled once"
    assert await asyncio.to_thread(healthz, oa.health) == (200, {"status": "ok", "channels": {"zalo_oa": "running"}})


async def test_a_bad_signature_or_an_old_timestamp_is_refused_and_changes_nothing(oa: OA, core: Core) -> None:
    events = "SELECT COUNT(*) FROM processed_events"
    assert await oa.deliver(oa.api.text(OTHER, "/help"), key="not-the-oa-secret") == 403
    assert await oa.deliver(oa.api.text(OTHER, "/help"), signature="mac=" + "0" * 64) == 403
    old = oa.api.text(OTHER, "/help")
    old["timestamp"] = str(int((time.time() - 3600) * 1000))  # signed correctly, but an hour old: a replay
    assert await oa.deliver(old) == 403
    assert await oa.deliver({**oa.api.text(OTHER, "/help"), "timestamp": "soon"}) == 403
    assert oa.api.texts(OTHER) == [] and await core.db.scalar(events) == 0
    assert await core.db.scalar("SELECT COUNT(*) FROM identities") == 0
    assert await oa.deliver(oa.api.text(OTHER, "/help"), prefix="") == 200, "the signature without «mac=» too"
    assert "/chiso" in oa.api.texts(OTHER)[-1]


def test_signature_check() -> None:
    body, now = b'{"timestamp": "1750316131602"}', dt.datetime.fromtimestamp(1750316131.602, dt.UTC)
    mac = signature.sign(APP_ID, body, "1750316131602", SECRET_KEY)
    assert signature.check("mac=" + mac, APP_ID, body, SECRET_KEY, now) is None
    assert signature.check(mac.upper(), APP_ID, body, SECRET_KEY, now) is None
    assert signature.check(mac, APP_ID, body + b" ", SECRET_KEY, now) == "sai chữ ký"
    assert signature.check(None, APP_ID, body, SECRET_KEY, now) is not None
    assert "lệch" in (signature.check(mac, APP_ID, body, SECRET_KEY, now + dt.timedelta(minutes=11)) or "")


async def test_a_token_that_expires_mid_run_is_refreshed_and_stored(oa: OA, core: Core) -> None:
    assert "/chiso" in await oa.say("/help")
    oa.api.expire()  # Zalo now refuses the token the bot holds
    assert "Chỉ số nội dung 5" in await oa.say("/chiso 5"), "answered after a refresh"
    assert len(oa.api.sent("refresh")) == 1
    stored = await oa_tokens.load(core.db, APP_ID)
    assert stored is not None and (stored.access_token, stored.refresh_token) == (oa.api.access_token,
                                                                                 oa.api.refresh_token)
    assert stored.expires_at > utc_now() + dt.timedelta(hours=24)


async def test_a_restart_uses_the_stored_tokens_not_a_new_login(core: Core, tmp_path: Path) -> None:
    with FakeOA() as api:
        settings = oa_settings(api, tmp_path, free_port(), seed_access=False)
        runner = Runner(settings, core=core)
        await runner.start()  # only a refresh token given: refreshed at once, the new pair stored
        await runner.stop()
        assert len(api.sent("refresh")) == 1
        again = Runner(settings, core=core)  # the settings still name the refresh token already used
        await again.start()
        try:
            assert again.channels["zalo_oa"].state == "running" and len(api.sent("refresh")) == 1
            assert "/chiso" in await OA(api, again, settings.webhook_port).say("/help")
        finally:
            await again.stop()


async def test_a_refused_refresh_stops_the_channel_and_healthz_says_so(oa: OA, caplog: Any) -> None:
    oa.api.refresh_refused = True
    oa.api.expire()
    with caplog.at_level(logging.ERROR):
        assert await oa.deliver(oa.api.text(USER, "/help")) == 200
        for _ in range(100):
            if oa.channel.state == "failed":
                break
            await asyncio.sleep(0.02)
    lines = [r.getMessage() for r in caplog.records if "làm mới token" in r.getMessage()]
    assert len(lines) == 1 and "ZALO_OA_REFRESH_TOKEN" in lines[0], lines
    failed = {"status": "degraded", "channels": {"zalo_oa": "failed"}, "failed": {"channel:zalo_oa": "failed"}}
    assert await asyncio.to_thread(healthz, oa.health) == (503, failed)


async def registered_in_duyen_hai(oa: OA, core: Core, user: str = USER) -> int:
    code, _ = await invite_flow.from_command_line(core.db, core.kb, "Phường 1", "UBND xã", "official", "Trà Vinh",
                                                  True, 7, utc_now(), "thị xã Duyên Hải")
    assert "Đăng ký thành công" in await oa.say(f"/dangky {code}", user)
    person = await core.db.scalar("SELECT person_id FROM identities WHERE channel = 'zalo_oa' AND external_id = ?",
                                  (user,))
    return int(person)


async def outside_the_window(oa: OA, core: Core, user: str = USER) -> None:
    """Three days pass without a word from the person (on both sides: ours and Zalo's)."""
    oa.api.age(user, 3 * 86400)
    await core.db.execute("UPDATE oa_followers SET last_message_at = ? WHERE user_id = ?",
                          ((utc_now() - dt.timedelta(days=3)).isoformat(), user))


async def wait_status(core: Core, key: str, wanted: str, retry: bool = False) -> dict[str, Any]:
    """Until the outbox row has the status (and, with `retry`, a later try set)."""
    row = None
    for _ in range(300):
        row = await core.db.fetchone("SELECT status, next_try, last_error FROM outbox WHERE key = ?", (key,))
        if row is not None and row["status"] == wanted and (not retry or row["next_try"] is not None):
            return dict(row)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{key}: never {wanted}: {dict(row) if row else None}")


async def test_a_reminder_outside_the_reply_window_goes_by_zns_once_and_a_retry_reuses_the_tracking_id(
    core: Core, tmp_path: Path
) -> None:
    with FakeOA() as api:
        port = free_port()
        settings = oa_settings(api, tmp_path, port, sweep_seconds=1, quiet_hours="off",
                               zns_template_reminder="306113")
        core.config = config(settings)
        runner = Runner(settings, core=core)
        await runner.start()
        try:
            bot = OA(api, runner, port)
            person = await registered_in_duyen_hai(bot, core)
            info = api.event("user_submit_info", USER, info={"name": "Lan", "phone": "0912 345 678"})
            assert await bot.deliver(info) == 200
            await outside_the_window(bot, core)
            planned = await reminders.plan(core.db, core.kb, at("2022-01-01 00:00"), VN,
                                           until=at("2022-12-31 00:00"), since=at("2022-01-01 00:00"))
            item = next(i for i in planned if i.person_id == person and i.kind == "reminder")
            api.zns_faults.append(-100)  # Zalo's "unknown error, try again later"
            # due now (the plan's period is over, so without its unit: the sweep's relevance check is not tested here)
            item = dataclasses.replace(item, not_before=utc_now(), unit_id=None)
            await outbox.enqueue(core.db, [item], utc_now())
            await wait_status(core, item.key, "pending", retry=True)
            await core.db.execute("UPDATE outbox SET next_try = NULL WHERE key = ?", (item.key,))  # time passes
            await wait_status(core, item.key, "sent")
            assert runner.sweeper is not None
            await runner.sweeper.sweep()  # and again: nothing more goes out
            msg_id = api.zns_delivered[item.key]  # Zalo reports it on the phone
            received = api.event("user_received_message", OA_ID, message={"msg_id": msg_id})
            assert await bot.deliver(received) == 200
        finally:
            await runner.stop()
    calls = api.sent("zns")
    assert [c["tracking_id"] for c in calls] == [item.key, item.key], "the retry reuses the tracking id"
    assert len(api.zns_delivered) == 1 and calls[0]["phone"] == "84912345678" and calls[0]["template_id"] == "306113"
    assert calls[0]["template_data"] == {"don_vi": "", "ky_bao_cao": "2022-Q1", "han_nop": "03/03/2022",
                                         "ke_hoach": core.kb.plan("duyen-hai-2021").number}  # type: ignore[union-attr]
    assert item.text not in api.texts(USER), "not sent as an OA message outside the window"
    row = await core.db.fetchone("SELECT status, attempts, msg_id FROM zns_messages WHERE tracking_id = ?",
                                 (item.key,))
    assert row is not None and (row["status"], row["attempts"]) == ("received", 2) and row["msg_id"] == msg_id


async def test_a_broadcast_outside_the_window_without_zns_is_reported_undeliverable(oa: OA, core: Core) -> None:
    author = await people.identify(core.db, "zalo_oa", OTHER, core.clock())
    assert "/chiso" in await oa.say("/help", user=OTHER)  # the author wrote lately: the report reaches them
    assert "/chiso" in await oa.say("/help")
    await outside_the_window(oa, core)
    person = await people.identify(core.db, "zalo_oa", USER, core.clock())
    await broadcasts.create(core.db, author.id, "Họp giao ban sáng thứ Hai", broadcasts.Audience("all"),
                            [person.id], core.clock(), core.clock())
    key = await core.db.scalar("SELECT key FROM outbox WHERE person_id = ?", (person.id,))
    row = await wait_status(core, key, "failed")
    assert "ngoài khung trả lời" in row["last_error"] and "chưa bật ZNS" in row["last_error"]
    for _ in range(100):
        if any("lỗi 1" in t for t in oa.api.texts(OTHER)):
            break
        await asyncio.sleep(0.05)
    assert any("đã gửi 0, lỗi 1, bị chặn 0" in t for t in oa.api.texts(OTHER)), oa.api.texts(OTHER)
    assert not any("Họp giao ban" in t for t in oa.api.texts(USER))


async def test_a_proactive_message_inside_the_window_is_sent_and_counted(oa: OA, core: Core) -> None:
    assert "/chiso" in await oa.say("/help")
    await oa.channel.sender()(USER, "📢 Thông báo:\nHọp khẩn")
    assert oa.api.texts(USER)[-1] == "📢 Thông báo:\nHọp khẩn"
    follower = await oa_followers.get(core.db, USER)
    assert follower is not None and follower.sent_since == 2
    assert not in_window(dataclasses.replace(follower, sent_since=8), 1, utc_now()), "8 free replies at most"


async def test_unfollow_marks_the_person_inactive(oa: OA, core: Core) -> None:
    assert "/chiso" in await oa.say("/help")
    oa.api.unfollow(USER)
    assert await oa.deliver(oa.api.event("unfollow", USER)) == 200
    active = "SELECT active FROM identities WHERE channel = 'zalo_oa' AND external_id = ?"
    assert await core.db.scalar(active, (USER,)) == 0
    with pytest.raises(Blocked):
        await oa.channel.sender()(USER, "Nhắc việc")
    assert await oa.deliver(oa.api.event("follow", USER)) == 200  # following again: reachable again
    assert await core.db.scalar(active, (USER,)) == 1


async def test_a_stranger_outside_the_window_is_undeliverable(oa: OA) -> None:
    with pytest.raises(Undeliverable):
        await oa.channel.sender()("9999999999", "Nhắc việc")


async def test_the_rate_limit_is_retried_with_back_off() -> None:
    with FakeOA(rate=1) as api:
        api.interacted[USER] = time.time()
        client = OAClient(api.url, api.url, backoff=0.6)
        await client.send_text(api.access_token, USER, "một")
        await client.send_text(api.access_token, USER, "hai")  # -32 at first, then the next second
        await client.aclose()
    assert api.texts(USER) == ["một", "hai"]


def test_follower_window_counts_from_the_last_message() -> None:
    now = utc_now()
    fresh = Follower(USER, now - dt.timedelta(hours=47), 0, None, True)
    assert in_window(fresh, 8, now) and not in_window(fresh, 9, now)
    assert not in_window(dataclasses.replace(fresh, last_message_at=now - dt.timedelta(hours=49)), 1, now)
    assert oa_followers.normal_phone("+84 912 345 678") == oa_followers.normal_phone("0912345678") == "84912345678"


def test_run_command_serves_the_oa_until_sigterm(tmp_path: Path) -> None:
    """`python -m bot run` as an operator starts it: a real process, settings from the environment."""
    with FakeOA() as api:
        port = free_port()
        env = {**os.environ, "ZALO_OA_APP_ID": APP_ID, "ZALO_OA_APP_SECRET": APP_SECRET,
               "ZALO_OA_SECRET_KEY": SECRET_KEY, "ZALO_OA_ACCESS_TOKEN": api.access_token,
               "ZALO_OA_REFRESH_TOKEN": api.refresh_token, "ZALO_OA_API_URL": api.url, "ZALO_OA_OAUTH_URL": api.url,
               "WEBHOOK_PORT": str(port), "DATABASE": str(tmp_path / "bot.sqlite3"),
               "PYTHONPATH": str(Path(__file__).parents[1])}
        for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
            env.pop(name, None)
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            hook = f"http://127.0.0.1:{port}/zalo-oa"
            deadline = time.monotonic() + 60
            status = 0
            while status != 200 and bot.poll() is None and time.monotonic() < deadline:
                try:
                    status = api.deliver(hook, api.text(USER, "xa phai cong khai nhung gi"))
                except OSError:  # not listening yet
                    time.sleep(0.2)
            assert bot.poll() is None, bot.communicate()[1]
            answer = api.wait_for("cs", 2, timeout=30)
            assert any("Luật Thực hiện dân chủ ở cơ sở" in c["text"] for c in answer)
            bot.send_signal(signal.SIGTERM)
            _, err = bot.communicate(timeout=20)
        finally:
            if bot.poll() is None:
                bot.kill()
    assert bot.returncode == 0, err
    assert "Kênh Zalo OA" in err and api.access_token not in err and SECRET_KEY not in err


async def test_the_token_is_refreshed_before_it_expires_even_when_nobody_writes(core: Core, tmp_path: Path) -> None:
    with FakeOA(token_life=3602) as api:  # an hour and 2 seconds: due for refresh 2 seconds after it is issued
        runner = Runner(oa_settings(api, tmp_path, free_port(), seed_access=False), core=core)
        await runner.start()
        try:
            await asyncio.to_thread(api.wait_for, "refresh", 2, 15)
            for _ in range(100):
                stored = await oa_tokens.load(core.db, APP_ID)
                if stored is not None and stored.access_token == api.access_token:
                    break
                await asyncio.sleep(0.05)
            assert stored is not None and stored.refresh_token == api.refresh_token, "the new pair is stored"
            assert runner.channels["zalo_oa"].state == "running"
        finally:
            await runner.stop()


def test_settings_without_the_oa_secrets_stop_start_up() -> None:
    from bot.runner import problems

    found = problems(Settings(_env_file=None, zalo_oa_app_id=APP_ID))  # type: ignore[call-arg]
    assert found == ["ZALO_OA_APP_ID cần ZALO_OA_APP_SECRET, ZALO_OA_SECRET_KEY (xem README, «Zalo Official Account»)."]


async def test_no_tokens_at_all_stops_the_channel_with_a_clear_line(core: Core, tmp_path: Path, caplog: Any) -> None:
    with FakeOA() as api:
        settings = oa_settings(api, tmp_path, free_port()).model_copy(
            update={"zalo_oa_access_token": None, "zalo_oa_refresh_token": None})
        runner = Runner(settings, core=core)
        with caplog.at_level(logging.ERROR):
            await runner.start()
        try:
            assert runner.health() == {"zalo_oa": "failed"}
            assert any("ZALO_OA_REFRESH_TOKEN" in r.getMessage() for r in caplog.records)
        finally:
            await runner.stop()


async def test_an_image_is_read_by_its_caption_and_a_long_answer_is_split(oa: OA) -> None:
    image = {"msg_id": "a1b2c3", "text": "xa phai cong khai nhung gi", "attachments": [
        {"type": "image", "payload": {"url": "https://photo.example/1.jpg", "thumbnail": "https://photo.example/t.jpg"}}]}
    assert await oa.deliver(oa.api.event("user_send_image", USER, message=image)) == 200
    assert "Luật Thực hiện dân chủ ở cơ sở" in "\n".join(oa.api.texts(USER))
    before = len(oa.api.texts(USER))
    await oa.channel.send(USER, Reply("Một câu trả lời dài. " * 250))  # about 5,000 characters
    parts = oa.api.texts(USER)[before:]
    assert len(parts) == 3 and all(len(p) <= 2000 for p in parts) and parts[0].endswith(".")


async def test_the_name_the_oa_gives_reaches_the_people_list(oa: OA, core: Core) -> None:
    oa.api.names[USER] = "Trần Thị Lan"
    person = await registered_in_duyen_hai(oa, core)
    assert (await people.display_names(core.db))[person] == "Trần Thị Lan"
    assert "/chiso" in await oa.say("/help")
    assert len(oa.api.sent("detail")) == 1, "asked once, then stored"
    assert "/chiso" in await oa.say("/help", user=OTHER)  # Zalo does not say: answered all the same
    assert len(oa.api.sent("detail")) == 2 and "/chiso" in await oa.say("/help", user=OTHER)
    assert len(oa.api.sent("detail")) == 2, "not asked again in this run"
