"""Reminders, overdue notices and broadcasts: planned into the outbox, sent once, on a real SQLite file.

The sender is a function recording what it was asked to send: the network edge, and nothing else, is fake.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.delivery import Blocked, RetryLater, Sweeper
from content.loader import KnowledgeBase
from content.models import ReminderPolicy
from handlers.broadcasts import audience as broadcasts
from handlers.core.messages import Incoming
from handlers.core.router import Core
from handlers.invitations import flow as invite_flow
from handlers.reminders import planner as reminders
from storage.db import connect
from storage.outbox import Item

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


class Phone:
    """What the channel was asked to deliver, per external id; it can be told to fail."""

    def __init__(self) -> None:
        self.inbox: dict[str, list[str]] = {}
        self.fail: dict[str, Exception] = {}

    async def send(self, external_id: str, text: str) -> None:
        if external_id in self.fail:
            raise self.fail[external_id]
        self.inbox.setdefault(external_id, []).append(text)


async def register(core: Core, user: str, commune: str, unit: str, role: str = "official", **where: str) -> None:
    code, _ = await invite_flow.from_command_line(
        core.db, core.kb, commune, unit, role, where.get("province"), "province" in where, 7,
        at("2021-06-01 08:00"), where.get("district"),
    )
    await core.handle(Incoming("console", user, text=f"/dangky {code}", at=at("2021-06-01 08:00")))


@pytest.fixture
async def duyen_hai(core: Core) -> Core:
    """A commune of the former thị xã Duyên Hải: an official of its UBND and a leader in another unit."""
    await register(core, "vien-chuc", "Phường 1", "UBND xã", province="Trà Vinh", district="thị xã Duyên Hải")
    await register(core, "chu-tich", "Phường 1", "Văn phòng HĐND-UBND", role="leader", province="Trà Vinh")
    return core


def plan_of(core: Core, start: str, days: int) -> Coroutine[Any, Any, list[Item]]:
    since = at(start)
    return reminders.plan(core.db, core.kb, since, VN, until=since + dt.timedelta(days=days), since=since)


async def test_duyen_hai_preview_lists_quarter_half_year_and_year_on_their_dates(duyen_hai: Core) -> None:
    items = await plan_of(duyen_hai, "2022-01-01 00:00", 365)
    due_days = {(i.key.split(":")[2], i.due) for i in items if i.kind == "reminder"}
    rules = {rule for rule, _ in due_days}
    assert rules == {"bao-cao-quy", "bao-cao-6-thang", "bao-cao-nam"}
    assert {d for r, d in due_days if r == "bao-cao-quy"} == {dt.date(2022, m, 3) for m in (3, 6, 9, 12)}
    assert {d for r, d in due_days if r == "bao-cao-6-thang"} == {dt.date(2022, 6, 3)}  # no invented H2 date
    assert {d for r, d in due_days if r == "bao-cao-nam"} == {dt.date(2022, 11, 28)}
    q1 = sorted(i.not_before.astimezone(VN) for i in items if ":2022-Q1:" in i.key and i.kind == "reminder")
    assert {m.strftime("%d/%m %H:%M") for m in q1} == {"24/02 08:00", "28/02 08:00", "02/03 08:00", "03/03 08:00"}


async def test_overdue_notice_on_next_working_day_with_a_copy_to_the_leader(duyen_hai: Core) -> None:
    items = await plan_of(duyen_hai, "2021-09-04 00:00", 3)
    overdue = [i for i in items if i.kind == "overdue"]
    copies = [i for i in items if i.kind == "overdue_copy"]
    # Q3 2021 was due Friday 3/9; 2–3/9 were the National Day holiday, so the next working day is Monday 6/9
    assert {i.not_before.astimezone(VN) for i in overdue} == {at("2021-09-06 08:00")}
    assert len(copies) == 1 and copies[0].text.startswith("📋 Bản sao gửi lãnh đạo xã")


async def test_a_unit_that_reported_is_not_reminded(duyen_hai: Core) -> None:
    steps = ["/baocao", "1", "Đang thực hiện", "60", "Đã niêm yết đầy đủ", "bỏ qua", "không", "Xác nhận"]
    for text in steps:
        await duyen_hai.handle(Incoming("console", "vien-chuc", text=text, at=at("2021-08-20 09:00")))
    items = await plan_of(duyen_hai, "2021-08-25 00:00", 20)
    assert not [i for i in items if ":2021-Q3:" in i.key]
    assert [i for i in items if ":2021-Q4:" in i.key or ":2021:" in i.key] == []  # those are further away
    later = await plan_of(duyen_hai, "2021-11-20 00:00", 10)
    assert any(":2021:" in i.key for i in later), "the next period is reminded again"


async def test_sweep_sends_once_and_survives_replanning(duyen_hai: Core) -> None:
    phone = Phone()
    now = at("2021-09-02 08:00")
    sweeper = Sweeper(duyen_hai.db, duyen_hai.kb, VN, {"console": phone.send}, clock=lambda: now)
    await sweeper.start()
    first = await sweeper.sweep()
    assert first["sent"] >= 1
    sweeper.replan()  # plan again, as after a restart
    again = await sweeper.sweep()
    assert again["sent"] == 0
    texts = phone.inbox["vien-chuc"]
    assert len(texts) == len(set(texts)), "nothing delivered twice"
    assert any("còn 1 ngày" in t for t in texts)
    assert not any("còn 7 ngày" in t for t in texts), "a reminder whose moment passed while down is not sent late"


async def test_blocked_recipient_is_marked_and_skipped(duyen_hai: Core) -> None:
    phone = Phone()
    phone.fail["vien-chuc"] = Blocked()
    now = at("2021-09-03 08:00")
    sweeper = Sweeper(duyen_hai.db, duyen_hai.kb, VN, {"console": phone.send}, clock=lambda: now)
    stats = await sweeper.sweep()
    assert stats["blocked"] >= 1
    assert await duyen_hai.db.scalar("SELECT active FROM identities WHERE external_id = 'vien-chuc'") == 0


async def test_retry_after_keeps_the_message(duyen_hai: Core) -> None:
    phone = Phone()
    phone.fail["vien-chuc"] = RetryLater(30, counts=False)
    now = at("2021-09-03 08:00")
    sweeper = Sweeper(duyen_hai.db, duyen_hai.kb, VN, {"console": phone.send}, clock=lambda: now)
    assert (await sweeper.sweep())["retry"] >= 1
    del phone.fail["vien-chuc"]
    now += dt.timedelta(minutes=1)
    assert (await sweeper.sweep())["sent"] >= 1
    assert any("hôm nay là hạn" in t for t in phone.inbox["vien-chuc"])


async def test_quiet_hours_hold_messages_until_morning(duyen_hai: Core) -> None:
    late = at("2021-09-01 22:30")  # queued for a time inside the quiet hours
    assert await broadcasts.create(duyen_hai.db, None, "Họp khẩn", broadcasts.Audience("all"), [1], late, late)
    phone = Phone()
    clock = [at("2021-09-01 22:31")]
    sweeper = Sweeper(duyen_hai.db, duyen_hai.kb, VN, {"console": phone.send}, clock=lambda: clock[0])
    sweeper.planning = False  # only what is queued here
    assert (await sweeper.sweep())["sent"] == 0
    clock[0] = at("2021-09-02 07:00")
    assert (await sweeper.sweep())["sent"] == 1
    assert phone.inbox["vien-chuc"] == ["📢 Thông báo:\nHọp khẩn"]


async def test_broadcast_flow_and_delivery_report(duyen_hai: Core) -> None:
    now = at("2021-09-10 09:00")
    code, _ = await invite_flow.from_command_line(duyen_hai.db, duyen_hai.kb, None, None, "admin", "Trà Vinh", False, 7,
                                                  now)
    for text in (f"/dangky {code}", "/thongbao", "Mời dự hội nghị PAPI", "Theo vai trò", "Cán bộ, công chức"):
        reply = (await duyen_hai.handle(Incoming("console", "so-noi-vu", text=text, at=now)))[-1]
    assert "1 người" in reply.text
    reply = (await duyen_hai.handle(Incoming("console", "so-noi-vu", text="Gửi ngay", at=now)))[-1]
    assert "sẽ được gửi ngay tới 1 người" in reply.text
    phone = Phone()
    sweeper = Sweeper(duyen_hai.db, duyen_hai.kb, VN, {"console": phone.send}, clock=lambda: now)
    sweeper.planning = False  # only what is queued here
    await sweeper.sweep()
    await sweeper.sweep()  # the report to the author goes out on the next pass
    assert phone.inbox["vien-chuc"] == ["📢 Thông báo:\nMời dự hội nghị PAPI"]
    assert any("đã gửi 1, lỗi 0, bị chặn 0" in t for t in phone.inbox["so-noi-vu"])


async def test_mute_and_list_my_reminders(duyen_hai: Core) -> None:
    now = at("2021-08-30 09:00")
    listing = (await duyen_hai.handle(Incoming("console", "vien-chuc", text="/nhacnho", at=now)))[-1]
    assert "Nhắc việc sắp tới" in listing.text and "03/09" in listing.text
    await duyen_hai.handle(Incoming("console", "vien-chuc", text="/nhacnho tắt", at=now))
    items = await plan_of(duyen_hai, "2021-08-30 00:00", 10)
    person = {i.person_id for i in items}
    assert len(person) == 1, "only the leader is still reminded"


def test_preview_command_lists_recipients(kb: KnowledgeBase, tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite3")
    run = [sys.executable, "-m", "bot"]
    code = subprocess.run([*run, "invite", "--db", db, "--commune", "Phường 1", "--province", "Trà Vinh", "--district",
                           "thị xã Duyên Hải", "--unit", "UBND xã", "--create"], capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()[-1]
    subprocess.run([*run, "chat", "--db", db, "--user", "a"], input=f"/dangky {code}\n", capture_output=True,
                   text=True, check=True)
    out = subprocess.run([*run, "reminders", "preview", "--db", db, "--at", "2022-06-03 08:00"], capture_output=True,
                         text=True, check=True).stdout
    assert "03/06/2022 08:00" in out and "hôm nay là hạn" in out and "6 tháng" in out and "quý 2/2022" in out


async def test_nothing_is_lost_across_a_reopened_database(kb: KnowledgeBase, tmp_path: Path) -> None:
    """Rows left 'sending' by a crash are sent again after the restart."""
    path = tmp_path / "crash.sqlite3"
    db = await connect(path)
    await db.execute("INSERT INTO people (id, created_at) VALUES (1, 'x')")
    await db.execute("INSERT INTO identities VALUES ('console', 'u', 1, 1, 'x')")
    await broadcasts.create(db, None, "Một", broadcasts.Audience("all"), [1], at("2024-06-03 09:00"),
                            at("2024-06-03 09:00"))
    await db.execute("UPDATE outbox SET status = 'sending'")  # the process died during the network call
    await db.close()
    db = await connect(path)
    phone = Phone()
    sweeper = Sweeper(db, kb, VN, {"console": phone.send}, clock=lambda: at("2024-06-03 09:01"))
    sweeper.planning = False  # only what is queued here
    await sweeper.start()
    await sweeper.sweep()
    assert phone.inbox == {"u": ["📢 Thông báo:\nMột"]}
    await db.close()


async def test_writing_again_after_blocking_reactivates_the_channel(duyen_hai: Core) -> None:
    await duyen_hai.db.execute("UPDATE identities SET active = 0 WHERE external_id = 'vien-chuc'")
    await duyen_hai.handle(Incoming("console", "vien-chuc", text="/help", at=at("2021-09-03 09:00")))
    assert await duyen_hai.db.scalar("SELECT active FROM identities WHERE external_id = 'vien-chuc'") == 1


async def test_abandoned_report_expires_with_a_message_and_keeps_the_draft(duyen_hai: Core) -> None:
    start = at("2021-08-10 09:00")
    for text in ("/baocao", "1", "Đang thực hiện"):
        await duyen_hai.handle(Incoming("console", "vien-chuc", text=text, at=start))
    phone = Phone()
    clock = [start + dt.timedelta(hours=23)]
    sweeper = Sweeper(duyen_hai.db, duyen_hai.kb, VN, {"console": phone.send}, clock=lambda: clock[0])
    sweeper.planning = False  # only what is queued here
    await sweeper.sweep()
    assert "vien-chuc" not in phone.inbox, "not before 24 hours"
    clock[0] = start + dt.timedelta(hours=24, minutes=1)
    await sweeper.sweep()
    assert phone.inbox["vien-chuc"] == [
        "Phiên báo cáo tiến độ trước đã hết hạn vì quá 24 giờ không có trả lời. "
        "Bản nháp được giữ lại: gõ /baocao để làm tiếp."
    ]
    resumed = await duyen_hai.handle(Incoming("console", "vien-chuc", text="/baocao", at=clock[0]))
    assert "Tiếp tục bản nháp" in resumed[0].text and "Bước 3/7" in resumed[-1].text


async def test_not_reported_audience_follows_the_reports(duyen_hai: Core) -> None:
    day = dt.date(2021, 8, 20)
    audience = broadcasts.Audience("not_reported")
    official = await duyen_hai.db.scalar("SELECT person_id FROM identities WHERE external_id = 'vien-chuc'")
    assert await broadcasts.recipients(duyen_hai.db, duyen_hai.kb, audience, None, day) == [official]
    for text in ["/baocao", "1", "Đã hoàn thành", "Đã niêm yết", "bỏ qua", "không", "Xác nhận"]:
        await duyen_hai.handle(Incoming("console", "vien-chuc", text=text, at=at("2021-08-20 09:00")))
    assert await broadcasts.recipients(duyen_hai.db, duyen_hai.kb, audience, None, day) == []


def test_quiet_hours_off_keeps_a_late_reminder_time() -> None:
    late = ReminderPolicy(before_days=[0], at=dt.time(22, 30), overdue_notices=0)
    day = dt.date(2024, 6, 3)
    held = reminders.moments(late, day, VN)
    assert held[0].at == dt.datetime(2024, 6, 4, 7, 0, tzinfo=VN), "the default window holds it until morning"
    kept = reminders.moments(late, day, VN, quiet=None)
    assert kept[0].at == dt.datetime(2024, 6, 3, 22, 30, tzinfo=VN)


async def test_the_sweep_plans_only_when_its_inputs_change(duyen_hai: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dt.datetime] = []
    real = reminders.plan

    async def counted(*args: Any, **kwargs: Any) -> list[Item]:
        calls.append(args[2])
        return await real(*args, **kwargs)

    monkeypatch.setattr(reminders, "plan", counted)
    clock = [at("2021-09-02 08:00")]
    sweeper = Sweeper(duyen_hai.db, duyen_hai.kb, VN, {"console": Phone().send}, clock=lambda: clock[0])
    await sweeper.sweep()
    clock[0] += dt.timedelta(minutes=1)
    await sweeper.sweep()
    assert len(calls) == 1, "nothing changed: no second planning"
    code, _ = await invite_flow.from_command_line(duyen_hai.db, duyen_hai.kb, "Phường 1", "UBND xã", "official",
                                                  "Trà Vinh", False, 7, clock[0])
    await duyen_hai.handle(Incoming("console", "moi-den", text=f"/dangky {code}", at=clock[0]))
    await sweeper.sweep()
    assert len(calls) == 2, "a new official: planned again"
    clock[0] += dt.timedelta(days=1)
    await sweeper.sweep()
    assert len(calls) == 3, "a new day moves the window"
