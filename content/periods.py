"""Reporting periods from deadline rules: "2024-Q2", "2024-H1", "2024-M06", "2024", each with a due date.

A plan's recurring rule ("trước ngày 03 tháng cuối quý") yields one period per quarter; a plan without one
has a single period, the plan's year, due on its first fixed date or event-relative deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from content.models import Deadline, Plan, Task

GRANULARITY = {"month": 0, "quarter": 1, "half_year": 2, "year": 3}


@dataclass(frozen=True)
class Period:
    key: str
    start: dt.date
    end: dt.date
    due: dt.date

    @property
    def label(self) -> str:
        year, _, part = self.key.partition("-")
        if not part:
            return f"năm {year}"
        names = {"Q": "quý", "H": "6 tháng", "M": "tháng"}
        if part[0] == "H":
            return f"{'6 tháng đầu' if part == 'H1' else '6 tháng cuối'} năm {year}"
        return f"{names[part[0]]} {int(part[1:])}/{year}"


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _on(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, _month_end(year, month).day))


def recurring(rule: Deadline, day: dt.date) -> Period:
    """The period of a recurring rule that contains `day`."""
    assert rule.kind == "recurring" and rule.every and rule.day
    y = day.year
    if rule.every == "month":
        return Period(f"{y}-M{day.month:02d}", dt.date(y, day.month, 1), _month_end(y, day.month),
                      _on(y, day.month, rule.day))
    if rule.every == "quarter":
        q = (day.month - 1) // 3 + 1
        last = q * 3
        return Period(f"{y}-Q{q}", dt.date(y, last - 2, 1), _month_end(y, last), _on(y, last, rule.day))
    if rule.every == "half_year":
        h = 1 if day.month <= 6 else 2
        assert rule.month is not None
        due_month = rule.month if h == 1 else min(rule.month + 6, 12)
        return Period(f"{y}-H{h}", dt.date(y, 1 if h == 1 else 7, 1), _month_end(y, 6 if h == 1 else 12),
                      _on(y, due_month, rule.day))
    assert rule.month is not None
    return Period(str(y), dt.date(y, 1, 1), dt.date(y, 12, 31), _on(y, rule.month, rule.day))


def reporting_rule(plan: Plan) -> Deadline | None:
    """The finest recurring rule of the plan's reports: the cadence at which units report progress."""
    rules = [r.deadline for r in plan.reports if r.deadline.kind == "recurring" and r.deadline.every]
    return min(rules, key=lambda r: GRANULARITY[r.every or "year"], default=None)


def _single_due(plan: Plan, task: Task, events: dict[str, dt.date]) -> dt.date:
    for rule in (task.deadline, *(r.deadline for r in plan.reports)):
        if rule.kind == "fixed" and rule.date:
            return rule.date
        if rule.kind == "relative" and rule.event and rule.days is not None and rule.event in events:
            return events[rule.event] + dt.timedelta(days=rule.days)
    if task.deadline.until:
        return task.deadline.until
    return dt.date(plan_year(plan), 12, 31)


def plan_year(plan: Plan) -> int:
    return plan.issued.year if plan.issued else plan.papi_year


def events_of(plan: Plan) -> dict[str, dt.date]:
    return {"plan_issued": plan.issued} if plan.issued else {}


def current(plan: Plan, task: Task, today: dt.date) -> Period:
    """The period a progress report made today counts for."""
    rule = reporting_rule(plan)
    if rule is not None:
        return recurring(rule, today)
    year = plan_year(plan)
    return Period(str(year), plan.issued or dt.date(year, 1, 1), dt.date(year, 12, 31),
                  _single_due(plan, task, events_of(plan)))


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def due_in(plan: Plan, rule: Deadline, start: dt.date, end: dt.date, events: dict[str, dt.date]) -> list[Period]:
    """The periods of a reporting rule whose due date falls in [start, end], from the plan's issue on."""
    if rule.kind == "recurring":
        found = {recurring(rule, day) for day in _months(start, end + dt.timedelta(days=190))}
        # "6 tháng (trước ngày 03/6)" names one half-year report a year: do not invent the other one
        periods = sorted((p for p in found if rule.every != "half_year" or p.due.month == rule.month),
                         key=lambda p: p.due)
    elif rule.kind == "fixed" and rule.date:
        year = plan_year(plan)
        periods = [Period(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), rule.date)]
    elif rule.kind == "relative" and rule.event in events and rule.days is not None:
        due = events[rule.event] + dt.timedelta(days=rule.days)
        year = plan_year(plan)
        periods = [Period(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), due)]
    else:
        return []
    first = plan.issued or dt.date(plan_year(plan), 1, 1)
    last = rule.until or dt.date.max
    return [p for p in periods if start <= p.due <= end and first <= p.due <= last]


def report_key(plan: Plan, due: dt.date) -> str:
    """The period key that progress reports carry for a deadline: the finest recurring period containing it
    (so the half-year report due 3/6 is satisfied by the second-quarter reports), or the plan's year."""
    rule = reporting_rule(plan)
    return recurring(rule, due).key if rule else str(plan_year(plan))
