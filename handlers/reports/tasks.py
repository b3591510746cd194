"""/nhiemvu: the official's unit's tasks from the plans, nearest report deadline first: each with its own deadline
(a date, the next occurrence of its cadence, or "thường xuyên", beside the plan's words) and this period's report
status."""

from __future__ import annotations

from handlers.core import render
from handlers.core.context import Ctx
from handlers.core.messages import Choice, Reply
from handlers.plans.active import active_plans
from handlers.plans.deadlines import described
from handlers.reminders import planner
from handlers.reports.assignments import Assignment, due_first
from storage import event_dates, org, reports
from storage.reports import STATUSES


async def unit_tasks(ctx: Ctx) -> tuple[org.Unit | None, list[Assignment]]:
    """The person's current unit and its tasks in the plans in force today, nearest deadline first."""
    unit = await org.get_unit(ctx.db, ctx.person.unit_id) if ctx.person.unit_id else None
    if unit is None:
        return None, []
    return unit, due_first(await active_plans(ctx.db, ctx.kb, ctx.today), unit, ctx.today)


async def my_tasks(ctx: Ctx) -> Reply:
    unit, items = await unit_tasks(ctx)
    if unit is None:
        return Reply("Không tìm thấy đơn vị của bạn. Hãy liên hệ người quản trị.")
    if not items:
        return Reply(f"{unit.label}: chưa có nhiệm vụ nào trong các kế hoạch đang theo dõi.")
    day = ctx.today
    current = await reports.current(ctx.db, [unit.id])
    recorded = await event_dates.recorded(ctx.db)
    blocks = []
    for n, a in enumerate(items, start=1):
        period = a.period(day)
        report = current.get((a.plan.id, a.task.id, unit.id, period.key))
        if report:
            status = f"{STATUSES[report.status]} {report.percent}%"
        else:
            status = "Quá hạn, chưa báo cáo" if period.due < day else "Chưa báo cáo"
        units = ", ".join(a.task.lead) + (f"; phối hợp: {', '.join(a.task.coordinate)}" if a.task.coordinate else "")
        # the task's own deadline (the plan's words and what they mean today), then the report this period asks
        deadline = described(a.plan, a.task.deadline, day, planner.events(ctx.kb, a.plan, recorded))
        blocks.append(
            f"{n}. {a.task.title}\n   Thời hạn: {deadline}\n"
            f"   Báo cáo kỳ {period.label} (hạn {period.due:%d/%m/%Y}): {status}\n"
            f"   Chỉ số nội dung: {', '.join(map(str, a.task.dimensions))}; chủ trì: {units}\n"
            f"   Theo: {render.plan_label(a.plan)}"
        )
    return Reply(f"Nhiệm vụ của {unit.label} (hạn báo cáo gần nhất trước):\n\n" + "\n\n".join(blocks),
                 (Choice("Báo cáo tiến độ", "/baocao"),))
