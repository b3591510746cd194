"""What registered officials and admins do outside guided flows: register with a code, see their tasks, see
who has reported (a list, or a bar chart by commune), list and revoke people, export. Every query is scoped to
the person's unit or province."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from dataclasses import dataclass

import aiosqlite

from content.loader import KnowledgeBase
from content.normalize import normalize
from handlers import charts, export, render
from handlers.assignments import due_first, tasks_for
from handlers.flow import Ctx
from handlers.messages import Choice, Reply
from storage import invitations, org, people, reports
from storage.org import Unit
from storage.reports import STATUSES

ROLE_NAMES = {"official": "cán bộ, công chức", "leader": "lãnh đạo xã", "admin": "quản trị (Sở/Phòng Nội vụ)"}
NOT_ADMIN = "Chức năng này chỉ dành cho cán bộ Sở Nội vụ, Phòng Nội vụ đã được cấp quyền."
REDEEM_ERRORS = {
    "unknown": "Mã mời không đúng. Bạn kiểm tra lại mã (10 ký tự) hoặc xin mã mới từ người quản trị.",
    "used": "Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; hãy xin mã mới.",
    "expired": "Mã mời đã hết hạn. Hãy xin người quản trị cấp mã mới.",
    "revoked": "Mã mời đã bị thu hồi. Hãy liên hệ người quản trị.",
}
REPORTED, PENDING, OVERDUE = "đã báo cáo", "chưa báo cáo", "quá hạn"  # as /tiendo writes them
CHART_WORDS = ("bieu do", "do thi", "chart")  # "/tiendo biểu đồ", typed with or without diacritics
# 40 bars make a 750 × 1560 px image; a taller one is shrunk in the chat preview until its bars can no longer be
# told apart. The chart then keeps the communes that report least; the /tiendo list still has every commune.
MAX_BARS = 40


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
    items = due_first(ctx.kb, unit, day)
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


@dataclass(frozen=True)
class UnitProgress:
    unit: Unit
    counts: Counter[str]  # REPORTED, PENDING, OVERDUE -> number of the unit's tasks

    @property
    def complete(self) -> bool:
        return self.counts[REPORTED] == sum(self.counts.values())


async def count_progress(ctx: Ctx) -> list[UnitProgress]:
    """The admin's province (every province for a bootstrap admin), as of today."""
    return await unit_progress(ctx.db, ctx.kb, ctx.person.province, today(ctx))


async def unit_progress(
    db: aiosqlite.Connection, kb: KnowledgeBase, province: str | None, day: dt.date
) -> list[UnitProgress]:
    """Each commune unit with its tasks counted for the current period of each task: reported, not reported,
    or overdue once the period's due date has passed. The /tiendo list, its chart and the "not reported"
    broadcast audience all read this, so they can never disagree. Units without tasks are left out."""
    units = [u for u in await org.units(db, province) if u.commune]
    current = await reports.current(db, [u.id for u in units])
    out = []
    for unit in units:
        counts = Counter[str]()
        for a in tasks_for(kb, unit):
            period = a.period(day)
            if (a.plan.id, a.task.id, unit.id, period.key) in current:
                counts[REPORTED] += 1
            else:
                counts[OVERDUE if period.due < day else PENDING] += 1
        if counts:
            out.append(UnitProgress(unit, counts))
    return out


async def progress(ctx: Ctx, arg: str = "") -> Reply:
    """Reported / not reported / overdue per commune and unit, for the current period of each task; with
    "biểu đồ", the same figures as a bar chart by commune."""
    if not ctx.person.is_admin:
        return Reply(NOT_ADMIN)
    counted = await count_progress(ctx)
    if not counted:
        return Reply("Chưa có đơn vị nào có cán bộ đăng ký trong phạm vi của bạn.")
    if any(w in normalize(arg) for w in CHART_WORDS):
        return await _progress_chart(ctx, counted)
    lines, totals = [], Counter[str]()
    for item in counted:
        totals.update(item.counts)
        lines.append(f"• {item.unit.label}: " + ", ".join(f"{k} {v}" for k, v in sorted(item.counts.items())))
    head = ", ".join(f"{k} {v}" for k, v in sorted(totals.items()))
    scope = ctx.person.province or "tất cả các tỉnh"
    return Reply(f"Tình hình báo cáo kỳ hiện tại ({scope}) – tổng: {head}\n\n" + "\n".join(lines),
                 (Choice("Biểu đồ", "/tiendo biểu đồ"), Choice("Xuất Excel", "/xuat")))


def by_commune(counted: list[UnitProgress], with_province: bool) -> list[charts.Completion]:
    """The units' counts added up per commune, least reported first (most overdue first among equals):
    the communes an admin has to chase come first, and are the ones kept when the chart is capped."""
    sums: dict[int | None, Counter[str]] = {}
    labels: dict[int | None, str] = {}
    for item in counted:
        unit = item.unit
        sums.setdefault(unit.commune_id, Counter[str]()).update(item.counts)
        # a bootstrap admin sees every province, where two communes may share a name
        labels[unit.commune_id] = f"{unit.commune} ({unit.province})" if with_province else unit.commune or ""
    bars = [charts.Completion(labels[k], c[REPORTED], c[PENDING], c[OVERDUE]) for k, c in sums.items()]
    return sorted(bars, key=lambda b: (b.reported / b.total, -b.overdue, normalize(b.label)))


async def _progress_chart(ctx: Ctx, counted: list[UnitProgress]) -> Reply:
    day = today(ctx)
    scope = ctx.person.province or "tất cả các tỉnh"
    bars = by_commune(counted, ctx.person.province is None)
    shown = bars[:MAX_BARS]
    title = f"Báo cáo kỳ hiện tại theo xã – {scope}\nngày {day:%d/%m/%Y}"
    if len(shown) < len(bars):
        title += f", {len(shown)} trong {len(bars)} xã có tỷ lệ báo cáo thấp nhất"
    note = ("Mỗi xã: các nhiệm vụ giao cho các đơn vị của xã, theo kỳ báo cáo hiện tại của từng nhiệm vụ. "
            "Nguồn: báo cáo tiến độ gửi qua Trợ lý PAPI.")
    # drawn off the event loop, as the score charts are: about 0.2 s that would hold up every conversation
    png = await asyncio.to_thread(charts.completion, title, shown, note)
    totals = sum((item.counts for item in counted), Counter[str]())
    whole = charts.Completion("", totals[REPORTED], totals[PENDING], totals[OVERDUE])
    text = (f"Biểu đồ tình hình báo cáo kỳ hiện tại theo xã ({scope}), ngày {day:%d/%m/%Y}: {len(bars)} xã, "
            f"đã báo cáo {whole.reported}/{whole.total} nhiệm vụ ({whole.percent}%), quá hạn {whole.overdue}, "
            f"chưa đến hạn {whole.pending}.")
    if len(shown) < len(bars):
        text += f"\nBiểu đồ chỉ vẽ {len(shown)} xã có tỷ lệ báo cáo thấp nhất; danh sách đủ: /tiendo."
    return Reply(text, (Choice("Xem danh sách", "/tiendo"), Choice("Xuất Excel", "/xuat")),
                 image=png, image_name=f"tien-do-theo-xa-{day:%Y%m%d}.png")


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
