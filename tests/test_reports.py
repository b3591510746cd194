"""Officials: invitations, scoped tasks, and the guided progress report, through the core on a real SQLite file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from content.loader import KnowledgeBase
from content.search import SearchIndex
from handlers.core.messages import Attachment, Incoming, Reply
from handlers.core.router import Core
from handlers.invitations import flow as invite_flow
from storage.db import connect
from tests.speakers import NOW, VAN_PHONG, Person, invite


async def test_invitation_names_are_matched_as_typed(core: Core) -> None:
    _, where = await invite_flow.from_command_line(core.db, core.kb, "Đắk Plô", "văn phòng HĐND UBND xã", "official",
                                                   None, False, 7, NOW)
    assert where == f"{VAN_PHONG} – Đắk Plô"
    with pytest.raises(Exception, match="Các đơn vị đã biết"):
        await invite(core, "Đắk Plô", "phòng không có")


async def test_code_works_once_and_expires(core: Core) -> None:
    code = await invite(core, "Đắk Plô", VAN_PHONG)
    assert "thành công" in (await Person(core, "a").say(f"/start {code}")).text  # deep link form
    assert "đã được dùng" in (await Person(core, "b").say(f"/dangky {code}")).text
    assert "không đúng" in (await Person(core, "c").say("/dangky SAIMA12345")).text
    old = await invite(core, "Đắk Plô", VAN_PHONG, days=1)
    late = Person(core, "d")
    late.at = NOW + dt.timedelta(days=2)
    assert "hết hạn" in (await late.say(f"/dangky {old}")).text
    assert "/baocao" not in (await late.texts("/help")), "a failed code changes nothing"


async def test_full_report_flow(official: Person, core: Core) -> None:
    tasks = await official.say("/nhiemvu")
    assert "Rà soát thủ tục hành chính" in tasks.text and "Chưa báo cáo" in tasks.text
    first = await official.say("/baocao")
    assert first.choices and "Bước 1/7" in first.text
    task_label = next(c.label for c in first.choices if "Rà soát thủ tục" in c.label)
    assert "Bước 2/7" in (await official.say(task_label)).text
    assert "Bước 3/7" in (await official.say("Đang thực hiện")).text
    for bad, expected in (("150%", "từ 0 đến 100"), ("-5", "từ 0 đến 100"), ("nửa chừng", "Hãy gõ một số"),
                          ("", "Hãy gõ một số"), ("/diem", "/huy để thoát")):
        assert expected in (await official.say(bad)).text, bad
    assert "Bước 4/7" in (await official.say("50 %")).text
    assert "gõ chữ" in (await official.say(attachment=Attachment("photo", "p0"))).text
    assert "dài" in (await official.say("x" * 20_000)).text
    assert "mô tả bằng chữ" in (await official.say("🙂🙂🙂")).text
    assert "Bước 5/7" in (await official.say("Đã cập nhật 12 tin bài lên trang")).text
    assert "nhãn dán" in (await official.say(attachment=Attachment("sticker", "s1"))).text
    assert "Đã nhận 1" in (await official.say(attachment=Attachment("photo", "p1", size=2048))).text
    assert "Đã nhận 2" in (await official.say("https://dakplo.example/tin-bai")).text
    assert "Bước 6/7" in (await official.say("tiếp tục")).text
    summary = await official.say("Thiếu người biên tập")
    assert "Bước 7/7" in summary.text and "Đang thực hiện – 50%" in summary.text and "Minh chứng: 2" in summary.text
    saved = await official.say("Xác nhận")
    assert "BC-" in saved.text and "08:00 ngày 01/06/2024" in saved.text
    tap = Incoming("console", "lan", choice="=confirm", at=NOW)  # the «Xác nhận» button pressed a second time
    assert "đã được lưu rồi" in (await core.handle(tap))[0].text
    assert await core.db.scalar("SELECT COUNT(*) FROM reports") == 1
    assert "Đang thực hiện 50%" in (await official.say("/nhiemvu")).text


async def test_edit_from_summary_and_supersede(official: Person, core: Core) -> None:
    async def report(status: str, text: str) -> Reply:
        first = await official.say("/baocao")
        await official.say(next(c.label for c in first.choices if "Rà soát thủ tục" in c.label))
        await official.say(status)
        await official.say(text)
        await official.say("bỏ qua")
        return await official.say("không")

    summary = await report("Đã hoàn thành", "Xong việc")
    assert "Đã hoàn thành – 100%" in summary.text
    await official.say("Sửa")
    await official.say("Tình trạng")
    assert "Bước 3/7" in (await official.say("Gặp vướng mắc")).text  # a status needing a percentage asks it
    assert "Gặp vướng mắc – 30%" in (await official.say("30")).text
    await official.say("Xác nhận")
    await report("Đã hoàn thành", "Bản sửa lại")
    second = await official.say("Xác nhận")
    assert "thay cho báo cáo trước" in second.text
    rows = await core.db.fetchall("SELECT status, superseded_at IS NOT NULL FROM reports ORDER BY id")
    assert [tuple(r) for r in rows] == [("vuong", 1), ("xong", 0)]  # history kept


async def test_cancel_saves_nothing_and_expiry_keeps_the_draft(official: Person, core: Core) -> None:
    first = await official.say("/baocao")
    await official.say(first.choices[0].label)
    assert "Không có gì được lưu" in (await official.say("/huy")).text
    first = await official.say("/baocao")
    await official.say(first.choices[0].label)
    await official.say("Chưa thực hiện")
    official.at = NOW + dt.timedelta(hours=25)
    expired = await official.texts("điểm PAPI Kon Tum 2023")
    assert "hết hạn" in expired and "Bản nháp được giữ lại" in expired and "39,96" in expired
    resumed = await official.texts("/baocao")
    assert "Tiếp tục bản nháp" in resumed and "Bước 4/7" in resumed
    assert await core.db.scalar("SELECT COUNT(*) FROM reports") == 0


async def test_access_is_scoped(core: Core, official: Person) -> None:
    citizen = Person(core, "dan")
    assert "Chỉ cán bộ" in (await citizen.say("/baocao")).text
    assert "chỉ dành cho" in (await citizen.say("/tiendo")).text
    assert "chỉ dành cho" in (await official.say("/tiendo")).text
    assert "chỉ dành cho" in (await official.say("/xuat")).text
    other_code = await invite(core, "Tân Hòa", "UBND xã", province="Đồng Tháp", create=True)
    other = Person(core, "binh")
    await other.say(f"/dangky {other_code}")
    other_tasks = (await other.say("/nhiemvu")).text
    assert "Đắk Plô" not in other_tasks and "Tân Hòa" in other_tasks
    admin_code = await invite(core, None, None, role="admin", province="Kon Tum")
    admin = Person(core, "so-noi-vu")
    await admin.say(f"/dangky {admin_code}")
    progress = (await admin.say("/tiendo")).text
    assert "Đắk Plô" in progress and "Tân Hòa" not in progress
    people = (await admin.say("/nguoidung")).text
    assert "Đắk Plô" in people and "Tân Hòa" not in people
    binh = await core.db.scalar("SELECT person_id FROM identities WHERE external_id = 'binh'")
    assert "Không tìm thấy" in (await admin.say(f"/thuhoi {binh}")).text  # binh belongs to Đồng Tháp


async def test_group_chat_refuses_personal_commands(official: Person, core: Core) -> None:
    replies = await core.handle(Incoming("console", "lan", text="/baocao", group=True, at=NOW))
    assert "nhắn tin riêng" in replies[0].text


async def test_restart_between_steps_resumes(kb: KnowledgeBase, index: SearchIndex, tmp_path: Path) -> None:
    path = tmp_path / "restart.sqlite3"
    db = await connect(path)
    core = Core(kb, db, index=index)
    code = await invite(core, "Đắk Plô", VAN_PHONG)
    lan = Person(core, "lan")
    await lan.say(f"/dangky {code}")
    first = await lan.say("/baocao")
    await lan.say(first.choices[0].label)
    await db.close()
    db = await connect(path)  # a new process would see exactly this file
    lan.core = Core(kb, db, index=index)
    assert "Bước 3/7" in (await lan.say("Đang thực hiện")).text
    await db.close()


async def test_people_list_is_paged(core: Core) -> None:
    admin_code = await invite(core, None, None, role="admin", province="Kon Tum")
    admin = Person(core, "so-noi-vu")
    await admin.say(f"/dangky {admin_code}")
    for n in range(45):
        code = await invite(core, "Đắk Plô", VAN_PHONG)
        await Person(core, f"cb-{n}").say(f"/dangky {code}")
    first = await admin.say("/nguoidung")
    assert "46 người, trang 1/2" in first.text and first.text.count("\n#") == 30
    assert [c.value for c in first.choices] == ["/nguoidung 2"]
    second = await admin.say("/nguoidung 2")
    assert "trang 2/2" in second.text and second.text.count("#") >= 16 and not second.choices
    assert "Cán bộ cb-0" in first.text + second.text, "the name the channel shows is listed"
