"""A unit's page (its tasks for the current period, each with the current report and its evidence) and an
evidence file itself. A unit or file outside the viewer's scope is 404, exactly like one that does not exist."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from tornado.web import HTTPError

from bot.channels.web.admin.session import AdminPage
from bot.channels.web.admin.viewer import Viewer
from handlers.core import render
from handlers.reports.assignments import Assignment, tasks_for
from storage import evidence, org, reports
from storage.org import Unit
from storage.reports import STATUSES


@dataclass(frozen=True)
class TaskLine:
    assignment: Assignment
    period: str
    due: str
    report: reports.Report | None
    files: list[evidence.Stored]


def sees(viewer: Viewer, unit: Unit) -> bool:
    if viewer.commune_id is not None:
        return unit.commune_id == viewer.commune_id
    return viewer.province is None or org.same_place(unit.province, viewer.province)


class UnitPage(AdminPage):
    async def get(self, unit_id: str) -> None:
        core = self.web.core
        unit = await org.get_unit(core.db, int(unit_id))
        if unit is None or not sees(self.viewer, unit):
            raise HTTPError(404)
        today = self.web.now().astimezone(core.config.zone).date()
        current = await reports.current(core.db, [unit.id])
        lines = []
        for a in tasks_for(core.kb, unit):
            period = a.period(today)
            lines.append((a, period, current.get((a.plan.id, a.task.id, unit.id, period.key))))
        files = await evidence.of_reports(core.db, [r.id for _, _, r in lines if r is not None])
        tasks = [TaskLine(a, p.key, f"{p.due:%d/%m/%Y}", r, files.get(r.id, []) if r else []) for a, p, r in lines]
        self.page("unit.html", unit=unit, tasks=tasks, statuses=STATUSES, plan_label=render.plan_label,
                  zone=core.config.zone)


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
        inline = ctype.startswith("image/") or ctype == "application/pdf"
        self.set_header("Content-Disposition", f'{"inline" if inline else "attachment"}; filename="{path.name}"')
        self.finish(path.read_bytes())

    def _on_disk(self, item: evidence.Stored) -> Path | None:
        """The file, only from inside EVIDENCE_DIR (a stored path is never trusted to point elsewhere)."""
        folder = self.web.evidence_dir
        if item.local_path is None or folder is None:
            return None
        path = Path(item.local_path).resolve()
        return path if path.is_relative_to(folder.resolve()) and path.is_file() else None
