"""Reminders before deadlines and overdue notices, planned as outbox rows.

For every unit with registered officials and every dated reporting rule of the plans that assign it tasks,
each period due around now yields reminders 7, 3 and 1 days before and on the due day at 08:00, then an
overdue notice on the next working day and weekly after it (copied to the commune's leaders), but only
while the unit has not reported for that period. The plan is a pure function of the database and the clock,
so planning again is harmless (keys) and `reminders preview` shows exactly what the sweep would send.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from content.loader import KnowledgeBase
from content.models import Plan, ReminderPolicy, ReportingRule, Task
from content.normalize import normalize
from content.periods import Period, due_in, events_of, report_key
from handlers.core import render
from handlers.core.context import DEFAULT_QUIET, Ctx, QuietHours
from handlers.core.messages import Choice, Reply
from handlers.plans.active import PlanSet, active_plans
from handlers.plans.active import period as in_period
from handlers.reminders.quiet import hold
from handlers.reports.assignments import tasks_for
from storage import event_dates, org, outbox, people, reports
from storage.db import Database
from storage.outbox import Item

LOOKBACK = dt.timedelta(days=36)  # far enough back to cover the last weekly overdue notice of the default policy
STALE = dt.timedelta(days=6)  # an overdue notice older than this is superseded by the next (weekly) one


@lru_cache(maxsize=8)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=[year, year + 1])


def next_working_day(day: dt.date) -> dt.date:
    """The first day after `day` that is neither a weekend nor a Vietnamese public holiday."""
    nxt = day + dt.timedelta(days=1)
    while nxt.weekday() >= 5 or nxt in _holidays(nxt.year):
        nxt += dt.timedelta(days=1)
    return nxt


@dataclass(frozen=True)
class Moment:
    kind: str  # reminder, overdue
    label: str  # "-7" … "-0", "+1" …
    at: dt.datetime  # local time
    days_left: int


def moments(policy: ReminderPolicy, due: dt.date, zone: ZoneInfo, quiet: QuietHours = DEFAULT_QUIET) -> list[Moment]:
    def at(day: dt.date) -> dt.datetime:
        return hold(dt.datetime.combine(day, policy.at, zone), quiet)

    out = [Moment("reminder", f"-{n}", at(due - dt.timedelta(days=n)), n)
           for n in sorted(set(policy.before_days), reverse=True)]
    first = next_working_day(due)
    for k in range(policy.overdue_notices):
        day = first + dt.timedelta(days=k * policy.overdue_every_days)
        out.append(Moment("overdue", f"+{k + 1}", at(day), (due - day).days))
    return out


def events(kb: KnowledgeBase, plan: Plan, recorded: dict[tuple[str, int], dt.date]) -> dict[str, dt.date]:
    """Dates deadlines count from: the plan's issue, and the publication of the PAPI report the plan targets
    (the content's edition launch date, unless an admin recorded one)."""
    out = events_of(plan)
    launched = next((e.launched for e in kb.papi.editions if e.year == plan.papi_year and e.launched), None)
    published = recorded.get(("papi_published", plan.papi_year), launched)
    if published:
        out["papi_published"] = published
    return out


def text(m: Moment, plan: Plan, rule: ReportingRule, period: Period, unit: org.Unit, missing: list[Task]) -> str:
    what = f"«{rule.title}» kỳ {period.label} (hạn {period.due:%d/%m/%Y})"
    if m.kind == "reminder":
        head = f"⏰ Nhắc việc: hôm nay là hạn {what}." if m.days_left == 0 else (
            f"⏰ Nhắc việc: còn {m.days_left} ngày đến hạn {what}.")
    else:  # no day count: a notice held back by a restart must not state a wrong one
        head = f"⚠️ Đã quá hạn {what}."
    more = f" và {len(missing) - 3} nhiệm vụ khác" if len(missing) > 3 else ""
    titles = "; ".join(t.title for t in missing[:3]) + more
    return (f"{head}\nĐơn vị: {unit.label}. Chưa báo cáo {len(missing)} nhiệm vụ: {titles}.\n"
            f"Theo {render.plan_label(plan)}, gửi {rule.to}.\n"
            "Gõ /baocao để báo cáo; /nhacnho để xem hoặc tắt nhắc việc.")


@dataclass(frozen=True)
class Inputs:
    """What the planner reads from the database, read once per planning and then used off the event loop."""

    by_unit: dict[int, list[people.Official]]  # every official of a unit, muted or not
    units: dict[int, org.Unit]  # commune units with officials
    leaders: dict[int, list[people.Official]]  # per commune id, the leaders not muted
    done: dict[tuple[str, str, int, str], reports.Report]
    recorded: dict[tuple[str, int], dt.date]
    plans: PlanSet  # the plans in force on the day planned for (bundled and loaded: handlers/plans/active.py)


@dataclass(frozen=True)
class Window:
    since: dt.datetime
    until: dt.datetime
    zone: ZoneInfo
    quiet: QuietHours
    now: dt.datetime

    def wanted(self, m: Moment) -> bool:
        """In the window, and still sendable at `now` by the rules of `irrelevant`: a reminder counts the
        days left, so one of a day gone by is never sent; an overdue notice older than STALE is superseded."""
        if not self.since <= m.at <= self.until:
            return False
        if m.kind == "reminder":
            return m.at.date() >= self.now.astimezone(self.zone).date()
        return self.now - m.at <= STALE


async def gather(db: Database, kb: KnowledgeBase, day: dt.date, unit_ids: set[int] | None = None,
                 plans: PlanSet | None = None) -> Inputs:
    staff = await people.officials(db)
    by_unit: dict[int, list[people.Official]] = defaultdict(list)
    for o in staff:
        by_unit[o.unit_id].append(o)
    units = {u.id: u for u in await org.units(db)
             if u.id in by_unit and u.commune and (unit_ids is None or u.id in unit_ids)}
    leaders: dict[int, list[people.Official]] = defaultdict(list)
    for o in staff:  # a muted official still leaves the unit on the list: its leaders' overdue copies go on
        if o.role == "leader" and not o.muted and o.unit_id in units:
            leaders[units[o.unit_id].commune_id or 0].append(o)
    done = await reports.current(db, list(units))
    in_force = plans if plans is not None else await active_plans(db, kb, day)
    return Inputs(by_unit, units, leaders, done, await event_dates.recorded(db), in_force)


async def plan(
    db: Database, kb: KnowledgeBase, now: dt.datetime, zone: ZoneInfo,
    until: dt.datetime | None = None, since: dt.datetime | None = None, unit_ids: set[int] | None = None,
    quiet: QuietHours = DEFAULT_QUIET, plans: PlanSet | None = None,
) -> list[Item]:
    """Every reminder and overdue notice with a moment in [since, until] for units that have not reported
    (only `unit_ids` when given), from the plans in force at `now` (or only `plans`: a plan's preview). The
    database is read on the event loop; the planning itself (a second at national scale) runs in a thread, so
    conversations go on meanwhile."""
    window = Window((since or now - LOOKBACK).astimezone(zone), (until or now + dt.timedelta(days=8)).astimezone(zone),
                    zone, quiet, now)
    inputs = await gather(db, kb, now.astimezone(zone).date(), unit_ids, plans)
    return await asyncio.to_thread(compute, kb, inputs, window)


Due = tuple[ReportingRule, Period, str, list[Moment]]  # a rule's period, its report key and wanted moments


def compute(kb: KnowledgeBase, inputs: Inputs, window: Window) -> list[Item]:
    items: list[Item] = []
    schedules: dict[str, list[Due]] = {}  # per plan: the same for every unit, so worked out once
    for unit in inputs.units.values():
        by_plan: dict[str, list[Task]] = defaultdict(list)
        plans = {}
        for a in tasks_for(inputs.plans, unit):
            by_plan[a.plan.id].append(a.task)
            plans[a.plan.id] = a.plan
        for plan_id, tasks in by_plan.items():
            p = plans[plan_id]
            if plan_id not in schedules:
                schedules[plan_id] = _schedule(kb, p, inputs, window)
            for rule, period, key, wanted in schedules[plan_id]:
                missing = [t for t in tasks if (p.id, t.id, unit.id, key) not in inputs.done]
                if missing:
                    for m in wanted:
                        items += _for_moment(m, p, rule, period, key, unit, missing, inputs)
    return items


def _schedule(kb: KnowledgeBase, p: Plan, inputs: Inputs, window: Window) -> list[Due]:
    dates = events(kb, p, inputs.recorded)
    policy = p.reminders
    # periods whose reminders (up to 7 days before) or overdue notices (weeks after) reach the window
    first_due = window.since.date() - dt.timedelta(days=policy.overdue_every_days * policy.overdue_notices + 7)
    last_due = window.until.date() + dt.timedelta(days=max(policy.before_days, default=0))
    last_due = min(last_due, in_period(p)[1])  # nothing is due after the plan's period ends
    out: list[Due] = []
    for rule in (r for r in p.reports if r.communes):
        for period in due_in(p, rule.deadline, first_due, last_due, dates):
            wanted = [m for m in moments(policy, period.due, window.zone, window.quiet) if window.wanted(m)]
            if wanted:
                out.append((rule, period, report_key(p, period.due), wanted))
    return out


def _for_moment(m: Moment, p: Plan, rule: ReportingRule, period: Period, key: str, unit: org.Unit,
                missing: list[Task], inputs: Inputs) -> list[Item]:
    body = text(m, p, rule, period, unit, missing)
    base = f"{p.id}:{rule.id}:{period.key}:{unit.id}:{m.label}"

    def item(kind: str, person_id: int, message: str) -> Item:
        return Item(f"{kind}:{base}:{person_id}", kind, person_id, message, m.at, plan_id=p.id, unit_id=unit.id,
                    period=key, due=period.due)

    out = [item(m.kind, o.id, body) for o in inputs.by_unit[unit.id] if not o.muted]
    if m.kind == "overdue" and p.reminders.copy_leader:
        out += [item("overdue_copy", lead.id, "📋 Bản sao gửi lãnh đạo xã.\n" + body)
                for lead in inputs.leaders[unit.commune_id or 0] if lead.unit_id != unit.id]
    return out


REMINDER_KINDS = ("reminder", "overdue", "overdue_copy")


async def irrelevant(db: Database, kb: KnowledgeBase, rows: list[outbox.Row], now: dt.datetime, zone: ZoneInfo
                     ) -> dict[int, str]:
    """Why queued reminders should not go out any more, by row id (the others are sent); a batch is checked
    with three queries, not three per row."""
    reminders = [r for r in rows if r.item.kind in REMINDER_KINDS and r.item.unit_id is not None]
    if not reminders:
        return {}
    muted = await people.muted_among(db, {r.item.person_id for r in reminders})
    units = await org.units_by_id(db, {r.item.unit_id for r in reminders if r.item.unit_id is not None})
    done = await reports.current(db, list(units))
    in_force = await active_plans(db, kb, now.astimezone(zone).date())
    owed: dict[tuple[int, str], list[Task]] = {}
    out = {}
    for row in reminders:
        item = row.item
        if item.kind == "reminder" and now.astimezone(zone).date() != item.not_before.astimezone(zone).date():
            out[row.id] = "nhắc việc của ngày đã qua (nó đếm số ngày còn lại), lượt nhắc sau sẽ thay"
        elif item.kind != "reminder" and now - item.not_before > STALE:
            out[row.id] = "thông báo quá hạn đã cũ, đã có thông báo mới hơn"
        elif item.person_id in muted:
            out[row.id] = "người nhận đã tắt nhắc việc"
        elif (unit := units.get(item.unit_id or 0)) is None or in_force.plan(item.plan_id or "") is None:
            out[row.id] = "đơn vị hoặc kế hoạch không còn"
        else:
            key = (unit.id, item.plan_id or "")
            if key not in owed:
                owed[key] = [a.task for a in tasks_for(in_force, unit) if a.plan.id == item.plan_id]
            if all((item.plan_id, t.id, unit.id, item.period) in done for t in owed[key]):
                out[row.id] = "đơn vị đã báo cáo"
    return out


async def mine(ctx: Ctx, arg: str) -> Reply:
    """/nhacnho: the person's reminders in the next 30 days; "/nhacnho tắt" mutes them, "/nhacnho bật" again."""
    assert ctx.person.unit_id is not None  # the router lets officials with a unit only
    wish = normalize(arg)
    if wish in ("tat", "off"):
        await people.mute(ctx.db, ctx.person.id, True)
        return Reply("Đã tắt nhắc việc. Gõ /nhacnho bật để bật lại.", (Choice("Bật lại", "/nhacnho bật"),))
    if wish in ("bat", "on"):
        await people.mute(ctx.db, ctx.person.id, False)
    muted = await people.is_muted(ctx.db, ctx.person.id)
    if muted:
        return Reply("Nhắc việc đang tắt.", (Choice("Bật lại", "/nhacnho bật"),))
    items = await plan(ctx.db, ctx.kb, ctx.now, ctx.zone, until=ctx.now + dt.timedelta(days=30), since=ctx.now,
                       unit_ids={ctx.person.unit_id}, quiet=ctx.config.quiet_hours)
    mine_ = sorted((i for i in items if i.person_id == ctx.person.id), key=lambda i: i.not_before)
    toggle = (Choice("Tắt nhắc việc", "/nhacnho tắt"),)
    if not mine_:
        return Reply("Trong 30 ngày tới không có nhắc việc nào cho bạn (đơn vị đã báo cáo đủ hoặc chưa đến hạn).",
                     toggle)
    lines = [f"• {i.not_before.astimezone(ctx.zone):%H:%M %d/%m}: {i.text.splitlines()[0]}" for i in mine_[:10]]
    return Reply("Nhắc việc sắp tới của bạn:\n" + "\n".join(lines), toggle)
