"""Which plans feed tasks, reports, reminders and /tiendo on a given day.

Two sources combine: the plans a province loaded into the database (only their active version, and only within
its period), and the plans bundled in content/data/plans/ (examples with their real dates, shown by /kehoach and
in answers always, but assigning tasks only within their own period). A database plan with a bundled plan's id
takes its place. A plan's period is the one it states, else from its issue date (or 1 January of its year) to
31 December of the PAPI year it targets, or of its issue year when that is later (a plan issued in 2021 to
repair the 2020 results runs through 2021).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from content.loader import KnowledgeBase
from content.models import Plan
from content.periods import plan_year
from storage import plans as stored_plans
from storage.db import Db


def period(plan: Plan) -> tuple[dt.date, dt.date]:
    start = plan.valid_from or plan.issued or dt.date(plan_year(plan), 1, 1)
    end = plan.valid_until or dt.date(max(plan.papi_year, plan_year(plan)), 12, 31)
    return start, end


def in_force(plan: Plan, day: dt.date) -> bool:
    start, end = period(plan)
    return start <= day <= end


@dataclass(frozen=True)
class PlanSet:
    """The plans in force: what `tasks_for` and the reminder planner read (a KnowledgeBase reads the same way)."""

    plans: tuple[Plan, ...]

    def plan(self, plan_id: str) -> Plan | None:
        return next((p for p in self.plans if p.id == plan_id), None)


@lru_cache(maxsize=256)
def _parsed(body: str) -> Plan:
    return Plan.model_validate_json(body)


def combine(bundled: Sequence[Plan], loaded: Sequence[Plan], day: dt.date) -> PlanSet:
    ids = {p.id for p in loaded}
    return PlanSet(tuple(loaded) + tuple(p for p in bundled if p.id not in ids and in_force(p, day)))


async def active_plans(db: Db, kb: KnowledgeBase, day: dt.date) -> PlanSet:
    """The database's active plans in force on the day, and the bundled plans whose period includes it."""
    loaded = [_parsed(row.body) for row in await stored_plans.active(db, day)]
    return combine(kb.plans, loaded, day)


class LoadedPlans:
    """`every_plan` for questions, read again only when the plans table changed (`storage.plans.signature`, one
    aggregate over a few rows): plan and score questions ask on every message, and the plans' bodies are tens of
    kilobytes of JSON each. One per core, shared by the plan questions and the score answers."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._seen: tuple[object, ...] | None = None
        self._set = PlanSet(kb.plans)

    async def every(self, db: Db) -> PlanSet:
        mark = await stored_plans.signature(db)
        if mark != self._seen:  # a change between the two reads is caught by the next question's signature
            self._set, self._seen = await every_plan(db, self.kb), mark
        return self._set


def clamp(plan: Plan, day: dt.date) -> dt.date:
    """The day, or the nearest day of the plan's period: the period a report of an ended plan counted for."""
    start, end = period(plan)
    return min(max(day, start), end)


async def every_plan(db: Db, kb: KnowledgeBase) -> PlanSet:
    """Every active database plan and every bundled one, whatever the day: for exports, which show history."""
    loaded = [_parsed(row.body) for row in await stored_plans.active_any_day(db)]
    ids = {p.id for p in loaded}
    return PlanSet(tuple(loaded) + tuple(p for p in kb.plans if p.id not in ids))
