"""`plan import FILE`: read, check against the database (the communes a task names must be there), and save the
plan as a new draft version, or publish it. All or nothing: a file with any problem saves nothing; the same file
again (by its sha256), or a file whose plan is the same as the plan's latest version, changes nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from content.models import Plan
from handlers.plans import reading
from handlers.plans.active import PlanSet, period
from handlers.plans.parse import Parsed, parse
from handlers.reports.assignments import tasks_for
from storage import org
from storage import plans as stored_plans
from storage.db import Db
from storage.org import same_place


class Invalid(Exception):
    def __init__(self, parsed: Parsed) -> None:
        super().__init__(f"{len(parsed.problems)} lỗi")
        self.parsed = parsed


@dataclass(frozen=True)
class Reach:
    units: int  # distinct units the plan names (lead or coordinating)
    communes: int  # communes in the database with a unit that gets at least one task
    commune_units: int  # those units


@dataclass
class Outcome:
    parsed: Parsed
    sha256: str
    reach: Reach
    stored: stored_plans.Stored | None = None  # the version saved, or the one already there
    unchanged: bool = False  # nothing was saved: this file, or this same plan, is already there
    published: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def plan(self) -> Plan:
        assert self.parsed.plan is not None
        return self.parsed.plan


def sha256_of(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        raise reading.Refused(f"Không mở được tệp {path}.") from None


async def _check_communes(db: Db, parsed: Parsed) -> None:
    """A task given to named communes names communes the database has in the plan's province."""
    plan = parsed.plan
    if plan is None:
        return
    known = {u.commune for u in await org.units(db, plan.province) if u.commune}
    for task in plan.tasks:
        for name in task.communes:
            if not any(same_place(name, k) for k in known):
                parsed.problems.append(
                    f"Nhiệm vụ {task.id} («{task.title[:40]}»), cột «Giao cho»: chưa có xã «{name}» của tỉnh "
                    f"{plan.province} trong cơ sở dữ liệu (kiểm tra tên, hoặc nạp bản đồ bằng `org load`).")


async def reach(db: Db, plan: Plan) -> Reach:
    named = {u for t in plan.tasks for u in (*t.lead, *t.coordinate)}
    units = [u for u in await org.units(db, plan.province) if u.commune]
    reached = [u for u in units if tasks_for(PlanSet((plan,)), u)]
    return Reach(len(named), len({u.commune_id for u in reached}), len(reached))


async def read(db: Db, path: Path, given: dict[str, str] | None = None,
               defaults: dict[str, str] | None = None) -> Outcome:
    """The file read and checked, nothing saved; raises Refused (the whole file) or Invalid (its rows)."""
    sha = sha256_of(path)
    # openpyxl and python-docx hold the interpreter for a while on a big file: in a thread, the event loop (other
    # people's conversations, when an admin sends a plan in chat) keeps its turns meanwhile
    parsed = parse(await asyncio.to_thread(reading.read, path), path.name, given, defaults)
    await _check_communes(db, parsed)
    if parsed.problems:
        raise Invalid(parsed)
    assert parsed.plan is not None
    return Outcome(parsed, sha, await reach(db, parsed.plan))


async def save(db: Db, outcome: Outcome, source_name: str, publish: bool, now: dt.datetime) -> Outcome:
    """A new draft version (published at once with `publish`); nothing when this file or this plan is there."""
    plan = outcome.plan
    body = plan.model_dump_json()
    same = await stored_plans.by_sha(db, outcome.sha256)
    latest = await stored_plans.get(db, plan.id)
    if same is None and latest is not None and latest.body == body:
        same = latest
    if same is not None:
        outcome.stored, outcome.unchanged = same, True
    else:
        start, end = period(plan)
        outcome.stored = await stored_plans.add(db, stored_plans.NewVersion(
            plan.id, plan.province, start, end, source_name, outcome.sha256, body), now)
    if publish and outcome.stored.state != "active":
        outcome.published = await stored_plans.publish(db, outcome.stored.id, outcome.stored.version, now)
        outcome.stored = await stored_plans.get(db, outcome.stored.id, outcome.stored.version)
    return outcome
