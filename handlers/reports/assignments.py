"""Which plan tasks fall to which unit, and the communes and unit names the plans know.

A commune plan's task goes to the commune's units named as its lead; a provincial or district task marked
`every_commune` goes to the matching unit (usually UBND xã) of every commune of that province or district, and
one naming `communes` to the matching unit of those communes only. Callers pass the plans in force that day
(`handlers.plans.active.active_plans`); a KnowledgeBase reads the same way (every bundled plan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from content.models import Plan, Task
from content.periods import Period, current
from storage.org import COMMUNE_UNIT, Unit, place_key, same_place, same_unit


class PlanSource(Protocol):
    @property
    def plans(self) -> Sequence[Plan]: ...

    def plan(self, plan_id: str) -> Plan | None: ...


@dataclass(frozen=True)
class Assignment:
    plan: Plan
    task: Task
    role: str  # "chủ trì" or "phối hợp"

    @property
    def key(self) -> str:
        return f"{self.plan.id}/{self.task.id}"

    def period(self, today: dt.date) -> Period:
        return current(self.plan, self.task, today)


def _in_area(plan: Plan, unit: Unit) -> bool:
    if place_key(plan.province) != place_key(unit.province):
        return False
    if plan.level == "district":
        return same_place(plan.district, unit.district)
    if plan.level == "commune":
        return same_place(plan.commune, unit.commune)
    return True


def tasks_for(kb: PlanSource, unit: Unit) -> list[Assignment]:
    out: list[Assignment] = []
    for plan in kb.plans:
        if unit.commune is None or not _in_area(plan, unit):
            continue
        for task in plan.tasks:
            if plan.level == "commune":
                if any(same_unit(lead, unit.name) for lead in task.lead):
                    out.append(Assignment(plan, task, "chủ trì"))
                elif any(same_unit(c, unit.name) for c in task.coordinate):
                    out.append(Assignment(plan, task, "phối hợp"))
            elif task.communes and not any(same_place(c, unit.commune) for c in task.communes):
                continue
            elif (task.every_commune or task.communes) and same_unit(task.commune_unit or COMMUNE_UNIT, unit.name):
                out.append(Assignment(plan, task, "chủ trì"))
    return out


def due_first(kb: PlanSource, unit: Unit, today: dt.date) -> list[Assignment]:
    """The unit's tasks, nearest deadline of the current period first."""
    return sorted(tasks_for(kb, unit), key=lambda a: (a.period(today).due, a.key))


def find(kb: PlanSource, key: str) -> Assignment | None:
    plan_id, _, task_id = key.partition("/")
    plan = kb.plan(plan_id)
    task = next((t for t in plan.tasks if t.id == task_id), None) if plan else None
    return Assignment(plan, task, "chủ trì") if plan and task else None


@dataclass(frozen=True)
class KnownCommune:
    province: str
    district: str | None
    name: str
    units: tuple[str, ...]


def known_communes(kb: PlanSource) -> list[KnownCommune]:
    """Communes named by commune plans, with the units their tasks name (generic leads left out)."""
    out = []
    for plan in kb.plans:
        if plan.level != "commune" or plan.commune is None:
            continue
        names: dict[str, str] = {}
        for task in plan.tasks:
            for unit in (*task.lead, *task.coordinate):
                if not unit.lower().startswith(("cơ quan", "thủ trưởng")):
                    names.setdefault(place_key(unit), unit)
        name = plan.commune.removeprefix("xã ").removeprefix("phường ")
        out.append(KnownCommune(plan.province, plan.district, name, (COMMUNE_UNIT, *names.values())))
    return out
