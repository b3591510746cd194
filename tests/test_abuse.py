"""Abuse through the core: guessing /dangky and /lienket codes is limited per person and per code, and /moi
refuses names no commune or unit has and creates nothing until the admin has answered every step."""

from __future__ import annotations

import datetime as dt
import re

from handlers.core.messages import Attachment, Incoming, Reply
from handlers.core.router import Core
from storage import sessions
from tests.speakers import NOW, Person, invite

WRONG = "SAIMA23456"  # the right length and alphabet, but no such code


class ZaloPerson(Person):
    """The same person typing on Zalo: a link code is redeemed on another channel than it was asked on."""

    async def say(self, text: str | None = None, attachment: Attachment | None = None) -> Reply:
        return (await self.core.handle(Incoming("zalo", self.user, text=text, at=self.at)))[-1]


async def _count(core: Core, table: str) -> int:
    return int(await core.db.scalar(f"SELECT COUNT(*) FROM {table}"))


async def _admin(core: Core, user: str = "so-noi-vu") -> Person:
    code = await invite(core, None, None, role="admin", province="Kon Tum")
    admin = Person(core, user)
    assert "Đăng ký thành công" in (await admin.say(f"/dangky {code}")).text
    return admin


async def test_sixth_wrong_invitation_code_waits_even_for_the_right_one(core: Core) -> None:
    code = await invite(core, "dak plo", "van phong hdnd-ubnd xa")
    guesser = Person(core, "doan-ma")
    for _ in range(5):
        assert "Mã mời không đúng" in (await guesser.say(f"/dangky {WRONG}")).text
    limited = (await guesser.say(f"/dangky {WRONG}")).text
    assert "15 phút" in limited and "không đúng" not in limited
    guesser.at = NOW + dt.timedelta(minutes=6)
    refused = (await guesser.say(f"/dangky {code}")).text
    assert "9 phút" in refused and "Đăng ký thành công" not in refused, "the right code is not even checked"
    assert await core.db.scalar("SELECT COUNT(*) FROM invitations WHERE used_at IS NOT NULL") == 0
    assert "Mã mời không đúng" in (await Person(core, "nguoi-khac").say(f"/dangky {WRONG}")).text, "per person"
    assert "Mã liên kết không đúng" in (await guesser.say(f"/lienket {WRONG}")).text, "per kind"
    guesser.at = NOW + dt.timedelta(minutes=15)
    assert "Đăng ký thành công" in (await guesser.say(f"/dangky {code}")).text
    guesser.at = NOW + dt.timedelta(hours=1)
    assert "Mã mời không đúng" in (await guesser.say(f"/dangky {WRONG}")).text
    assert await _count(core, "code_attempts") == 1, "failures older than the window are pruned"


async def test_sixth_wrong_link_code_waits_even_for_the_right_one(core: Core) -> None:
    lan = Person(core, "lan")
    assert "Đăng ký thành công" in (await lan.say(f"/dangky {await invite(core, 'dak plo', 'ubnd xa')}")).text
    found = re.search(r"^/lienket (\w+)$", (await lan.say("/lienket")).text, re.M)
    assert found
    other = ZaloPerson(core, "lan-zalo")
    for _ in range(5):
        assert "Mã liên kết không đúng" in (await other.say(f"/lienket {WRONG}")).text
    other.at = NOW + dt.timedelta(minutes=1)
    refused = (await other.say(f"/lienket {found.group(1)}")).text
    assert "14 phút" in refused and "Đã liên kết" not in refused
    other.at = NOW + dt.timedelta(minutes=15)
    assert "Đã liên kết" in (await other.say(f"/lienket {found.group(1)}")).text


async def test_a_used_code_tried_by_many_people_is_locked(core: Core) -> None:
    code = await invite(core, "dak plo", "ubnd xa")
    assert "Đăng ký thành công" in (await Person(core, "lan").say(f"/dangky {code}")).text
    for user in ("a", "b", "c"):
        assert "đã được dùng" in (await Person(core, user).say(f"/dangky {code}")).text
    locked = (await Person(core, "d").say(f"/dangky {code}")).text
    assert "nhiều người" in locked and "15 phút" in locked
    fresh = await invite(core, "dak plo", "ubnd xa")
    assert "Đăng ký thành công" in (await Person(core, "d").say(f"/dangky {fresh}")).text, "only that code"
    late = Person(core, "e")
    late.at = NOW + dt.timedelta(minutes=15)
    assert "đã được dùng" in (await late.say(f"/dangky {code}")).text


async def test_cancelled_invitation_leaves_no_commune_unit_or_code(core: Core) -> None:
    admin = await _admin(core)
    before = [await _count(core, t) for t in ("communes", "units", "invitations")]
    await admin.say("/moi")
    assert "Bước 2/3" in (await admin.say("mới: Xã Thử Nghiệm")).text
    assert "Bước 3/3" in (await admin.say("mới: Tổ công nghệ số")).text
    assert "Đã hủy" in (await admin.say("/huy")).text
    assert [await _count(core, t) for t in ("communes", "units", "invitations")] == before


async def test_overlong_and_odd_names_are_refused_at_their_step(core: Core) -> None:
    admin = await _admin(core)
    await admin.say("/moi")
    start = await sessions.load(core.db, "console", admin.user)
    long = (await admin.say("mới: " + "a" * 20_000)).text
    assert "20.000 ký tự" in long and "100 ký tự" in long and len(long) < 1000, "the name is not echoed"
    assert "ký tự điều khiển" in (await admin.say("mới: Thử\x00Nghiệm")).text
    assert "chữ cái" in (await admin.say("mới: 12345")).text
    assert await sessions.load(core.db, "console", admin.user) == start, "the draft is unchanged"
    assert "Bước 2/3" in (await admin.say("mới: Thử Nghiệm")).text
    at_unit = await sessions.load(core.db, "console", admin.user)
    too_long = (await admin.say("mới: " + "x" * 20_000)).text
    assert "150 ký tự" in too_long and "Bước 2/3" in too_long
    assert await sessions.load(core.db, "console", admin.user) == at_unit
    assert await _count(core, "communes") == 0


async def test_confirmed_invitation_creates_the_new_commune_and_unit(core: Core) -> None:
    admin = await _admin(core)
    await admin.say("/moi")
    await admin.say("mới:   Xã  Thử Nghiệm ")
    await admin.say("mới: Tổ công nghệ số")
    issued = (await admin.say("1")).text
    assert "Mã mời cho Tổ công nghệ số – Xã Thử Nghiệm" in issued
    code = issued.splitlines()[-1]
    assert await core.db.scalar("SELECT name FROM communes") == "Xã Thử Nghiệm"
    names = {r[0] for r in await core.db.fetchall("SELECT name FROM units")}
    assert names == {"UBND xã", "Tổ công nghệ số"}
    joined = (await Person(core, "moi-vao").say(f"/dangky {code}")).text
    assert "Đăng ký thành công" in joined and "Tổ công nghệ số – Xã Thử Nghiệm" in joined
