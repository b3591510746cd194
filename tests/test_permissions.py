"""Rights are checked in the router before a command runs and again at every step of a guided conversation:
a right revoked mid-conversation stops it at the next message, with nothing saved or sent."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from handlers.core.context import Config
from handlers.core.messages import Incoming
from handlers.core.router import NOTICE, Core
from storage import outbox, people
from tests.speakers import NOW, Person, invite


async def _admin(core: Core, user: str, province: str = "Kon Tum") -> Person:
    code = await invite(core, None, None, role="admin", province=province)
    admin = Person(core, user)
    assert "Đăng ký thành công" in (await admin.say(f"/dangky {code}")).text
    return admin


async def _revoke(core: Core, user: str) -> None:
    person = await people.identify(core.db, "console", user, NOW)
    await people.set_role(core.db, person.id, "citizen")


async def _count(core: Core, sql: str) -> int:
    return int(await core.db.scalar(sql) or 0)


async def test_admin_revoked_during_invitation_gets_no_code(core: Core) -> None:
    admin = await _admin(core, "so-noi-vu")
    await admin.say("/moi")
    await admin.say("Đắk Plô")
    await admin.say("UBND xã")
    await _revoke(core, "so-noi-vu")
    before = await _count(core, "SELECT COUNT(*) FROM invitations")
    stopped = await admin.say("1")
    assert "Đã dừng cấp mã mời" in stopped.text and "chỉ dành cho" in stopped.text
    assert await _count(core, "SELECT COUNT(*) FROM invitations") == before
    assert "Tôi là Trợ lý PAPI" in (await admin.say("/start")).text, "the next message works"


async def test_admin_moved_to_another_province_gets_no_code_for_the_old_one(core: Core) -> None:
    admin = await _admin(core, "so-noi-vu")
    await admin.say("/moi")
    await admin.say("Đắk Plô")
    person = await people.identify(core.db, "console", "so-noi-vu", NOW)
    await people.set_role(core.db, person.id, "admin", None, "Trà Vinh")
    stopped = await admin.say("UBND xã")
    assert "Đã dừng" in stopped.text and "ngoài phạm vi" in stopped.text


async def test_admin_revoked_during_broadcast_queues_nothing(core: Core) -> None:
    admin = await _admin(core, "so-noi-vu")
    await admin.say("/thongbao")
    await admin.say("Họp giao ban sáng thứ Hai")
    await admin.say("Mọi người dùng")
    await _revoke(core, "so-noi-vu")
    stopped = await admin.say("Gửi ngay")
    assert "Đã dừng soạn thông báo" in stopped.text
    assert await _count(core, "SELECT COUNT(*) FROM outbox WHERE kind = 'broadcast'") == 0
    assert await _count(core, "SELECT COUNT(*) FROM broadcasts") == 0
    assert "chỉ dành cho" in (await admin.say("/thongbao")).text


async def test_official_revoked_during_report_saves_nothing(core: Core, official: Person) -> None:
    first = await official.say("/baocao")
    await official.say(first.choices[0].label)
    await official.say("Đã hoàn thành")
    await official.say("Đã rà soát 12 thủ tục")
    await official.say("bỏ qua")
    summary = await official.say("Không có")
    assert "Xác nhận" in [c.label for c in summary.choices]
    await _revoke(core, official.user)
    stopped = await official.say("Xác nhận")
    assert "Đã dừng báo cáo tiến độ" in stopped.text
    assert await _count(core, "SELECT COUNT(*) FROM reports") == 0
    assert "/baocao" not in (await official.texts("/help")), "the next message works, without the right"


async def test_removed_from_admin_ids_is_demoted(core: Core) -> None:
    core.config = Config(admins=frozenset({"console:boss"}))
    boss = Person(core, "boss")
    assert "chỉ dành cho" not in (await boss.say("/tiendo")).text
    core.config = Config()
    assert "chỉ dành cho" in (await boss.say("/tiendo")).text
    who = await people.identify(core.db, "console", "boss", NOW)
    assert who.role == "citizen", "an admin without a province is not left acting everywhere"


async def test_bootstrap_admin_keeps_rights_on_a_linked_channel(core: Core) -> None:
    core.config = Config(admins=frozenset({"console:boss"}))
    boss = Person(core, "boss")
    first = (await boss.say("/lienket")).text  # boss's first message: its reply opens with the notice
    code = first.removeprefix(NOTICE + "\n\n").split("\n")[1]
    zalo = await core.handle(Incoming("zalo", "z-boss", text=f"/lienket {code}", at=NOW))
    assert "Đã liên kết" in zalo[-1].text
    again = await core.handle(Incoming("zalo", "z-boss", text="/nguoidung", at=NOW + dt.timedelta(minutes=1)))
    assert "chỉ dành cho" not in again[-1].text


async def test_quiet_hours_off_sends_a_broadcast_at_night(core: Core) -> None:
    core.config = Config(quiet_hours=None)
    admin = await _admin(core, "so-noi-vu")
    admin.at = dt.datetime(2024, 6, 1, 16, 0, tzinfo=dt.UTC)  # 23:00 in Vietnam
    await admin.say("/thongbao")
    await admin.say("Khẩn: họp lúc 7 giờ")
    await admin.say("Mọi người dùng")
    done = await admin.say("Gửi ngay")
    assert "sẽ được gửi ngay" in done.text
    rows = await outbox.due(core.db, admin.at, 10)
    assert rows and all(r.item.not_before == admin.at for r in rows)


async def test_kept_draft_of_a_unit_left_is_not_filed_under_the_new_one(core: Core, official: Person) -> None:
    first = await official.say("/baocao")
    await official.say(first.choices[0].label)
    await official.say("Đang thực hiện")
    official.at = NOW + dt.timedelta(hours=25)  # the conversation expires; the draft is kept
    assert "hết hạn" in (await official.texts("xin chào"))
    code = await invite(core, "Phường 1", "UBND xã", province="Trà Vinh", create=True)
    assert "Đăng ký thành công" in (await official.say(f"/dangky {code}")).text
    again = await official.texts("/baocao")
    assert "không còn thuộc đơn vị" in again and "Tiếp tục bản nháp" not in again


async def test_timezone_setting_reaches_the_conversation(core: Core, official: Person) -> None:
    core.config = Config(zone=ZoneInfo("UTC"))
    first = await official.say("/baocao")
    await official.say(first.choices[0].label)
    await official.say("Đã hoàn thành")
    await official.say("Đã rà soát 12 thủ tục")
    await official.say("bỏ qua")
    await official.say("Không có")
    saved = await official.say("Xác nhận")
    assert "lúc 01:00 ngày 01/06/2024" in saved.text  # NOW is 08:00 in Vietnam, 01:00 UTC
