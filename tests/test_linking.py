"""One person on Telegram and Zalo: /lienket codes, /kenh, and where the outbox then delivers, through the core
on a real SQLite file. The senders record what they are asked to send: only the network edge is fake."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.delivery import Sweeper
from handlers.broadcasts import audience as broadcasts
from handlers.core.messages import Incoming, Reply
from handlers.core.router import Core
from handlers.invitations import flow as invite_flow
from storage import outbox
from storage.outbox import Item

NOW = dt.datetime(2024, 6, 1, 1, 0, tzinfo=dt.UTC)  # 08:00 in Asia/Ho_Chi_Minh
VN = ZoneInfo("Asia/Ho_Chi_Minh")


class User:
    """Someone writing to the bot from one channel, at a time the test controls."""

    def __init__(self, core: Core, channel: str, user: str) -> None:
        self.core, self.channel, self.user, self.at = core, channel, user, NOW

    async def say(self, text: str, group: bool = False) -> Reply:
        replies = await self.core.handle(Incoming(self.channel, self.user, text=text, at=self.at, group=group,
                                                  name=f"Cán bộ {self.user}"))
        return replies[-1]

    async def code(self) -> str:
        reply = await self.say("/lienket")
        match = re.search(r"^/lienket (\w+)$", reply.text, re.M)
        assert match, reply.text
        return match.group(1)


class Phone:
    def __init__(self) -> None:
        self.inbox: dict[str, list[str]] = {}

    async def send(self, external_id: str, text: str) -> None:
        self.inbox.setdefault(external_id, []).append(text)


async def registered(core: Core, channel: str, user: str, unit: str = "Văn phòng HĐND-UBND xã") -> User:
    code, _ = await invite_flow.from_command_line(core.db, core.kb, "Đắk Plô", unit, "official", None, False, 7, NOW)
    person = User(core, channel, user)
    assert "Đăng ký thành công" in (await person.say(f"/dangky {code}")).text
    return person


async def person_of(core: Core, channel: str, user: str) -> int:
    row = await core.db.fetchone("SELECT person_id FROM identities WHERE channel = ? AND external_id = ?",
                                 (channel, user))
    assert row is not None
    return int(row[0])


async def count(core: Core, table: str) -> int:
    row = await core.db.fetchone(f"SELECT COUNT(*) FROM {table}")
    assert row is not None
    return int(row[0])


async def test_link_choose_channel_and_broadcast_goes_there(core: Core) -> None:
    lan_tg = await registered(core, "telegram", "tg-lan")
    code = await lan_tg.code()
    assert await count(core, "link_codes") == 1
    assert code not in await core.db.scalar("SELECT code_hash FROM link_codes"), "only the hash is stored"
    lan_zl = User(core, "zalo", "zl-lan")
    lan_zl.at = NOW + dt.timedelta(minutes=5)
    assert await count(core, "people") == 1
    linked = await lan_zl.say(f"/lienket {code.lower()}")  # typed on a phone: case does not matter
    assert "Đã liên kết tài khoản Zalo" in linked.text and "trên Telegram và Zalo bạn có cùng quyền" in linked.text
    assert "Zalo – đang nhận" in linked.text, "without a choice, the most recently linked channel receives"
    assert [c.value for c in linked.choices] == ["/kenh telegram", "/kenh zalo"]
    assert await person_of(core, "zalo", "zl-lan") == await person_of(core, "telegram", "tg-lan")
    assert await count(core, "people") == 1, "the fresh citizen the Zalo identity came with is gone"
    assert "Nhiệm vụ của" in (await lan_zl.say("/nhiemvu")).text, "an official on Zalo too"

    listing = await lan_zl.say("/kenh")
    assert "Zalo – đang nhận" in listing.text and len(listing.choices) == 2
    assert "gửi qua Telegram" in (await lan_zl.say("1")).text  # a number picks on Zalo
    assert "Telegram – đang nhận" in (await lan_tg.say("/kenh")).text

    tg, zl = Phone(), Phone()
    sweeper = Sweeper(core.db, core.kb, VN, {"telegram": tg.send, "zalo": zl.send}, clock=lambda: NOW,
                      quiet_hours=None)

    async def broadcast(text: str) -> None:
        ids = await broadcasts.recipients(core.db, core.kb, broadcasts.Audience("all"), None, NOW.date())
        assert ids == [await person_of(core, "telegram", "tg-lan")], "one person, one message"
        await broadcasts.create(core.db, None, text, broadcasts.Audience("all"), ids, NOW, NOW)
        assert (await sweeper.deliver(NOW))["sent"] == 1

    await broadcast("Họp giao ban")
    assert tg.inbox == {"tg-lan": ["📢 Thông báo:\nHọp giao ban"]} and zl.inbox == {}
    assert "gửi qua Zalo" in (await lan_tg.say("/kenh Zalo")).text  # typed with the name, on the other channel
    await broadcast("Nộp báo cáo quý")
    assert zl.inbox == {"zl-lan": ["📢 Thông báo:\nNộp báo cáo quý"]} and len(tg.inbox["tg-lan"]) == 1
    assert "chưa liên kết kênh «viber»" in (await lan_tg.say("/kenh viber")).text


async def test_wrong_used_replaced_and_expired_codes_change_nothing(core: Core) -> None:
    lan_tg = await registered(core, "telegram", "tg-lan")
    stranger = User(core, "zalo", "zl-x")
    assert "không đúng" in (await stranger.say("/lienket SAIMA23456")).text
    old = await lan_tg.code()
    late = User(core, "zalo", "zl-late")
    late.at = NOW + dt.timedelta(minutes=31)
    assert "hết hạn" in (await late.say(f"/lienket {old}")).text
    first, second = await lan_tg.code(), await lan_tg.code()
    assert "không còn hiệu lực" in (await stranger.say(f"/lienket {first}")).text, "a newer code replaces it"
    assert "đã là của bạn" in (await lan_tg.say(f"/lienket {second}")).text, "typed on the same identity"
    assert await count(core, "people") == 3 and "Nhiệm vụ của" not in (await stranger.say("/nhiemvu")).text
    assert "Đã liên kết" in (await User(core, "zalo", "zl-lan").say(f"/lienket {second}")).text
    assert "đã được dùng" in (await stranger.say(f"/lienket {second}")).text
    third = await lan_tg.code()
    assert "đã liên kết một tài khoản Zalo khác" in (await stranger.say(f"/lienket {third}")).text
    assert await person_of(core, "zalo", "zl-x") != await person_of(core, "telegram", "tg-lan")


async def test_two_officials_are_never_merged(core: Core) -> None:
    lan_tg = await registered(core, "telegram", "tg-lan")
    hoa_zl = await registered(core, "zalo", "zl-hoa", unit="UBND xã")
    code = await lan_tg.code()
    refused = await hoa_zl.say(f"/lienket {code}")
    assert "không thể gộp" in refused.text and "/thuhoi" in refused.text
    assert await person_of(core, "zalo", "zl-hoa") != await person_of(core, "telegram", "tg-lan")
    assert "UBND xã" in (await hoa_zl.say("/nhiemvu")).text, "the other official keeps their unit"
    assert "Đã liên kết" in (await User(core, "zalo", "zl-lan").say(f"/lienket {code}")).text, "code not spent"


async def test_a_citizen_with_history_keeps_it_when_linked(core: Core) -> None:
    lan_tg = await registered(core, "telegram", "tg-lan")
    zl = User(core, "zalo", "zl-lan")
    await zl.say("/start")
    citizen = await person_of(core, "zalo", "zl-lan")
    await outbox.enqueue(core.db, [Item("notice:1", "notice", citizen, "Thông báo cũ", NOW)], NOW)
    assert "Đã liên kết" in (await zl.say(f"/lienket {await lan_tg.code()}")).text
    assert await count(core, "people") == 2, "still referenced by the outbox, so kept (without an identity)"
    assert await person_of(core, "zalo", "zl-lan") == await person_of(core, "telegram", "tg-lan")


async def test_a_citizen_cannot_ask_for_a_code(core: Core) -> None:
    citizen = User(core, "zalo", "dan")
    assert "dành cho cán bộ" in (await citizen.say("/lienket")).text
    assert await count(core, "link_codes") == 0
    assert "/lienket" not in (await citizen.say("/help")).text
    one = await citizen.say("/kenh")
    assert "một kênh: Zalo" in one.text and "dành cho cán bộ" in one.text


async def test_one_channel_says_how_to_link_and_groups_are_refused(core: Core) -> None:
    lan_tg = await registered(core, "telegram", "tg-lan")
    one = (await lan_tg.say("/kenh")).text
    assert "một kênh: Telegram" in one and "/lienket" in one and "Zalo" in one
    assert "/lienket" in (await lan_tg.say("/help")).text and "/kenh" in (await lan_tg.say("/help")).text
    assert "nhắn tin riêng" in (await lan_tg.say("/lienket", group=True)).text
    assert await count(core, "link_codes") == 0
