"""What registered officials and admins do outside guided flows: register with a code, see their tasks, see
who has reported, list and revoke people, export. Every query is scoped to the person's unit or province."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from handlers import export, render
from handlers.assignments import tasks_for
from handlers.flow import Ctx
from handlers.messages import Choice, Reply
from storage import invitations, org, people, reports
from storage.reports import STATUSES

ROLE_NAMES = {"official": "cán bộ, công chức", "leader": "lãnh đạo xã", "admin": "quản trị (Sở/Phòng Nội vụ)"}
NOT_ADMIN = "Chức năng này chỉ dành cho cán bộ Sở Nội vụ, Phòng Nội vụ đã được cấp quyền."
REDEEM_ERRORS = {
    "unknown": "Mã mời không đúng. Bạn kiểm tra lại mã (10 ký tự) hoặc xin mã mới từ người quản trị.",
    "used": "Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; hãy xin mã mới.",
    "expired": "Mã mời đã hết hạn. Hãy xin người quản trị cấp mã mới.",
    "revoked": "Mã mời đã bị thu hồi. Hãy liên hệ người quản trị.",
}


def today(ctx: Ctx) -> dt.date:
    return ctx.now.astimezone(ctx.zone).date()


async def register(ctx: Ctx, code: str, name: str | None) -> Reply:
    if not code.strip():
        return Reply("Hãy gõ /dangky kèm mã mời, ví dụ: /dangky ABCD234567")
    result = await invitations.redeem(ctx.db, code, ctx.person.id, ctx.now)
    if isinstance(result, str):
        return Reply(REDEEM_ERRORS[result])
    await people.set_role(ctx.db, ctx.person.id, result.role, result.unit_id, result.province)
    await people.set_name(ctx.db, ctx.person.id, name)
    where = ""
    if result.unit_id is not None:
        unit = await org.get_unit(ctx.db, result.unit_id)
        where = f" thuộc {unit.label}" if unit else ""
    elif result.province:
        where = f", phạm vi tỉnh {result.province}"
    follow = "Gõ /nhiemvu để xem nhiệm vụ, /baocao để báo cáo tiến độ." if result.role != "admin" else (
        "Gõ /tiendo để xem tình hình báo cáo, /moi để cấp mã mời, /xuat để xuất báo cáo.")
    return Reply(f"✅ Đăng ký thành công: {ROLE_NAMES[result.role]}{where}.\n{follow}")


async def my_tasks(ctx: Ctx) -> Reply:
    if not ctx.person.is_official or ctx.person.unit_id is None:
        return Reply("Bạn chưa đăng ký là cán bộ của đơn vị nào. Hãy gõ /dangky kèm mã mời.")
    unit = await org.get_unit(ctx.db, ctx.person.unit_id)
    assert unit is not None
    day = today(ctx)
    items = sorted(tasks_for(ctx.kb, unit), key=lambda a: (a.period(day).due, a.key))
    if not items:
        return Reply(f"{unit.label}: chưa có nhiệm vụ nào trong các kế hoạch đang theo dõi.")
    current = await reports.current(ctx.db, [unit.id])
    blocks = []
    for n, a in enumerate(items, start=1):
        period = a.period(day)
        report = current.get((a.plan.id, a.task.id, unit.id, period.key))
        if report:
            status = f"{STATUSES[report.status]} {report.percent}%"
        else:
            status = "Quá hạn, chưa báo cáo" if period.due < day else "Chưa báo cáo"
        units = ", ".join(a.task.lead) + (f"; phối hợp: {', '.join(a.task.coordinate)}" if a.task.coordinate else "")
        blocks.append(
            f"{n}. {a.task.title}\n   Hạn kỳ {period.label}: {period.due:%d/%m/%Y} – {status}\n"
            f"   Chỉ số nội dung: {', '.join(map(str, a.task.dimensions))}; chủ trì: {units}\n"
            f"   Theo: {render.plan_label(a.plan)}"
        )
    return Reply(f"Nhiệm vụ của {unit.label} (hạn gần nhất trước):\n\n" + "\n\n".join(blocks),
                 (Choice("Báo cáo tiến độ", "/baocao"),))


async def progress(ctx: Ctx) -> Reply:
    """Reported / not reported / overdue per commune and unit, for the current period of each task."""
    if not ctx.person.is_admin:
        return Reply(NOT_ADMIN)
    day = today(ctx)
    units = [u for u in await org.units(ctx.db, ctx.person.province) if u.commune]
    current = await reports.current(ctx.db, [u.id for u in units])
    lines, totals = [], Counter[str]()
    for unit in units:
        counts = Counter[str]()
        for a in tasks_for(ctx.kb, unit):
            period = a.period(day)
            if (a.plan.id, a.task.id, unit.id, period.key) in current:
                counts["đã báo cáo"] += 1
            else:
                counts["quá hạn" if period.due < day else "chưa báo cáo"] += 1
        if counts:
            totals.update(counts)
            lines.append(f"• {unit.label}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if not lines:
        return Reply("Chưa có đơn vị nào có cán bộ đăng ký trong phạm vi của bạn.")
    head = ", ".join(f"{k} {v}" for k, v in sorted(totals.items()))
    scope = ctx.person.province or "tất cả các tỉnh"
    return Reply(f"Tình hình báo cáo kỳ hiện tại ({scope}) – tổng: {head}\n\n" + "\n".join(lines),
                 (Choice("Xuất Excel", "/xuat"),))


async def members(ctx: Ctx) -> Reply:
    if not ctx.person.is_admin:
        return Reply(NOT_ADMIN)
    rows = await people.members(ctx.db, ctx.person.province)
    if not rows:
        return Reply("Chưa có ai đăng ký.")
    lines = [
        f"#{m.id} {ROLE_NAMES.get(m.role, m.role)} – {m.unit or ''}{' – ' + m.commune if m.commune else ''}"
        f" ({m.province or 'mọi tỉnh'}; {m.channels})"
        for m in rows
    ]
    return Reply("Người đã đăng ký:\n" + "\n".join(lines) + "\n\nThu hồi quyền: /thuhoi <số>, ví dụ /thuhoi 12")


async def revoke(ctx: Ctx, arg: str) -> Reply:
    if not ctx.person.is_admin:
        return Reply(NOT_ADMIN)
    target_id = int(arg.strip().lstrip("#")) if arg.strip().lstrip("#").isdigit() else None
    target = await people.get(ctx.db, target_id) if target_id else None
    in_scope = {m.id for m in await people.members(ctx.db, ctx.person.province)}
    if target is None or target.id not in in_scope:
        return Reply("Không tìm thấy người này trong phạm vi của bạn. Gõ /nguoidung để xem danh sách.")
    if target.id == ctx.person.id:
        return Reply("Bạn không thể tự thu hồi quyền của mình.")
    await people.set_role(ctx.db, target.id, "citizen")
    return Reply(f"Đã thu hồi quyền của người dùng #{target.id}. Các báo cáo họ đã gửi vẫn được giữ.")


async def export_file(ctx: Ctx, arg: str) -> Reply:
    if not ctx.person.is_admin:
        return Reply(NOT_ADMIN)
    period = arg.strip().upper() or None
    data = await export.rows(ctx.db, ctx.kb, ctx.person.province, period, today(ctx), ctx.zone)
    name = f"tien-do-papi-{period or 'tat-ca'}-{today(ctx):%Y%m%d}.xlsx"
    return Reply(f"Báo cáo tiến độ {period or 'mọi kỳ'}: {len(data)} dòng.", document=export.xlsx(data),
                 document_name=name)
