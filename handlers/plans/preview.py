"""What an import would load, before it is published: the plan, its counts, its first tasks and the reminders it
would send in the next 30 days (from the reminder planner itself, given this plan alone), as text or as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from content.loader import KnowledgeBase
from content.models import Plan, Task
from handlers.plans.active import PlanSet, period
from handlers.plans.deadlines import as_json
from handlers.plans.importer import Outcome
from handlers.reminders import planner
from storage.db import Database
from storage.outbox import Item

FIRST_TASKS = 5
DAYS = 30


async def reminders(db: Database, kb: KnowledgeBase, plan: Plan, now: dt.datetime, zone: ZoneInfo) -> list[Item]:
    items = await planner.plan(db, kb, now, zone, until=now + dt.timedelta(days=DAYS), since=now,
                               plans=PlanSet((plan,)))
    return sorted(items, key=lambda i: (i.not_before, i.key))


def _assign(task: Task) -> str:
    if task.every_commune:
        return f"tất cả các xã ({task.commune_unit})"
    if task.communes:
        return f"{', '.join(task.communes)} ({task.commune_unit})"
    return "đơn vị chủ trì"


def task_json(task: Task) -> dict[str, Any]:
    return {"id": task.id, "title": task.title, "dimensions": task.dimensions, "lead": task.lead,
            "coordinating": task.coordinate, "deadline": as_json(task.deadline), "assign": _assign(task)}


def plan_json(outcome: Outcome) -> dict[str, Any]:
    plan = outcome.plan
    start, end = period(plan)
    out: dict[str, Any] = {
        "id": plan.id, "title": plan.title, "number": plan.number, "issued": plan.issued.isoformat()
        if plan.issued else None, "issuer": plan.issuer, "province": plan.province, "level": plan.level,
        "papi_year": plan.papi_year, "valid_from": start.isoformat(), "valid_until": end.isoformat(),
        "sha256": outcome.sha256, "targets": len(plan.targets), "reports": [
            {"title": r.title, "to": r.to, "deadline": as_json(r.deadline), "communes": r.communes}
            for r in plan.reports],
        "counts": {"tasks": len(plan.tasks), "units": outcome.reach.units, "communes": outcome.reach.communes,
                   "commune_units": outcome.reach.commune_units},
    }
    if outcome.stored:
        out.update(version=outcome.stored.version, state=outcome.stored.state, unchanged=outcome.unchanged)
    return out


def as_dict(outcome: Outcome, items: list[Item], zone: ZoneInfo) -> dict[str, Any]:
    return {"plan": plan_json(outcome), "tasks": [task_json(t) for t in outcome.plan.tasks],
            "reminders": [{"at": i.not_before.astimezone(zone).isoformat(timespec="minutes"), "kind": i.kind,
                           "person": i.person_id, "text": i.text.splitlines()[0]} for i in items],
            "errors": []}


def _deadline(task: Task) -> str:
    rule = task.deadline
    if rule.kind == "fixed" and rule.date:
        return f"{rule.date:%d/%m/%Y}"
    return {"recurring": "định kỳ", "relative": "tính từ sự kiện", "ongoing": "thường xuyên"}[rule.kind] + (
        f" đến {rule.until:%d/%m/%Y}" if rule.until else "")


def as_text(outcome: Outcome, items: list[Item], zone: ZoneInfo) -> str:
    plan, r = outcome.plan, outcome.reach
    start, end = period(plan)
    lines = [f"Kế hoạch: {plan.title}", f"  Mã: {plan.id}; số: {plan.number or 'chưa ghi số'}; {plan.issued_text}",
             f"  Cơ quan ban hành: {plan.issuer}; tỉnh: {plan.province}; năm PAPI: {plan.papi_year}",
             f"  Hiệu lực: {start:%d/%m/%Y} – {end:%d/%m/%Y}",
             f"  {len(plan.tasks)} nhiệm vụ, {r.units} cơ quan, đơn vị được nêu; đến {r.communes} xã "
             f"({r.commune_units} đơn vị ở xã có trong cơ sở dữ liệu); {len(plan.targets)} chỉ tiêu; "
             f"{len(plan.reports)} lịch báo cáo"]
    if not plan.reports:
        lines.append("  Lưu ý: kế hoạch chưa có lịch báo cáo (trang «Báo cáo»): bot sẽ không nhắc hạn.")
    lines.append(f"Các nhiệm vụ đầu ({min(FIRST_TASKS, len(plan.tasks))}/{len(plan.tasks)}):")
    for task in plan.tasks[:FIRST_TASKS]:
        lines.append(f"  {task.id}. {task.title}\n      chủ trì: {'; '.join(task.lead)}; giao: {_assign(task)}; "
                     f"hạn: «{task.deadline.text}» ({_deadline(task)})")
    if items:
        lines.append(f"Nhắc việc sẽ gửi trong {DAYS} ngày tới: {len(items)} tin")
        lines += [f"  {i.not_before.astimezone(zone):%d/%m/%Y %H:%M} (người nhận #{i.person_id}): "
                  f"{i.text.splitlines()[0]}" for i in items[:10]]
    else:
        lines.append(f"Không có nhắc việc nào trong {DAYS} ngày tới (chưa có cán bộ đăng ký hoặc chưa đến hạn).")
    return "\n".join(lines)
