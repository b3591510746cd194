"""A unit's page (its tasks for the current period, each with the current report, its review status and its
evidence), a commune's page (its units' tasks and reports) and an evidence file itself. A unit, commune or file
outside the viewer's scope is 404, exactly like one that does not exist."""

from __future__ import annotations

import asyncio
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from tornado.web import HTTPError

from bot.channels.web.admin.session import AdminPage
from bot.channels.web.admin.viewer import Viewer
from handlers.core import render
from handlers.plans.active import active_plans
from handlers.reports.assignments import Assignment, due_first
from storage import evidence, org, reports, reviews
from storage.org import Unit
from storage.reports import STATUSES

# Shown in the browser; anything else (an SVG, HTML, a script) is downloaded: inline it would run on this origin
INLINE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})


@dataclass(frozen=True)
class TaskLine:
    assignment: Assignment
    period: str
    due: str
    overdue: bool
    report: reports.Report | None
    files: list[evidence.Stored]


def sees(viewer: Viewer, unit: Unit) -> bool:
    if viewer.commune_id is not None:
        return unit.commune_id == viewer.commune_id
    return viewer.province is None or org.same_place(unit.province, viewer.province)


class TaskPage(AdminPage):
    """What the unit and commune pages share: each unit's tasks in force (as the progress page counts them)
    with the current period's report, its evidence and the latest review decisions."""

    async def lines(self, units: list[Unit]) -> tuple[dict[int, list[TaskLine]], dict[int, reviews.Review]]:
        core = self.web.core
        today = self.web.now().astimezone(core.config.zone).date()
        plans = await active_plans(core.db, core.kb, today)
        current = await reports.current(core.db, [u.id for u in units])
        found: dict[int, list[tuple[Assignment, reports.Report | None]]] = {}
        for unit in units:
            found[unit.id] = [(a, current.get((a.plan.id, a.task.id, unit.id, a.period(today).key)))
                              for a in due_first(plans, unit, today)]
        filed = [r.id for pairs in found.values() for _, r in pairs if r is not None]
        files = await evidence.of_reports(core.db, filed)
        out = {}
        for unit_id, pairs in found.items():
            out[unit_id] = [TaskLine(a, (p := a.period(today)).key, f"{p.due:%d/%m/%Y}", p.due < today, r,
                                     files.get(r.id, []) if r else []) for a, r in pairs]
        return out, await reviews.latest(core.db, filed)

    def show(self, template: str, lines: dict[int, list[TaskLine]], found: dict[int, reviews.Review],
             **values: object) -> None:
        self.page(template, lines=lines, found=found, statuses=STATUSES, labels=reviews.LABELS,
                  state=reviews.status, plan_label=render.plan_label, zone=self.web.core.config.zone, **values)


class UnitPage(TaskPage):
    async def get(self, unit_id: str) -> None:
        unit = await org.get_unit(self.web.core.db, int(unit_id))
        if unit is None or not sees(self.viewer, unit):
            raise HTTPError(404)
        lines, found = await self.lines([unit])
        self.show("unit.html", lines, found, unit=unit, tasks=lines[unit.id])


class CommunePage(TaskPage):
    async def get(self, commune_id: str) -> None:
        units = [u for u in await org.units(self.web.core.db, self.viewer.province)
                 if u.commune_id == int(commune_id) and sees(self.viewer, u)]
        if not units:  # no such commune, or not the viewer's: the same answer
            raise HTTPError(404)
        lines, found = await self.lines(units)
        self.show("commune.html", lines, found, units=[u for u in units if lines[u.id]], commune=units[0])


class EvidenceFile(AdminPage):
    async def get(self, evidence_id: str) -> None:
        item = await evidence.get(self.web.core.db, int(evidence_id))
        unit = await org.get_unit(self.web.core.db, item.unit_id) if item is not None else None
        if item is None or unit is None or not sees(self.viewer, unit):
            raise HTTPError(404)
        path = self._on_disk(item)
        if path is None:
            raise HTTPError(404)
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.set_header("Content-Type", ctype)
        self.set_header("Content-Disposition", f'{"inline" if ctype in INLINE else "attachment"}; '
                        f'filename="{path.name}"')
        self.set_header("Content-Security-Policy", "sandbox")  # a file of the public's: no scripts, ever
        self.finish(await asyncio.to_thread(path.read_bytes))  # a big file on a slow disk: not on the event loop

    def _on_disk(self, item: evidence.Stored) -> Path | None:
        """The file, only from inside EVIDENCE_DIR (a stored path is never trusted to point elsewhere)."""
        folder = self.web.evidence_dir
        if item.local_path is None or folder is None:
            return None
        path = Path(item.local_path).resolve()
        return path if path.is_relative_to(folder.resolve()) and path.is_file() else None
