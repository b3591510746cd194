"""A report's page: its text, status, percent, evidence, review status and history, and the versions it
superseded; for an admin of its province, the review form (approve, or return with a comment: the decision and
the message are `handlers/review/`). Another province's report is 404, as if it did not exist."""

from __future__ import annotations

from tornado.web import HTTPError

from bot.channels.web.admin.reports import sees
from bot.channels.web.admin.session import AdminPage
from handlers.core import render
from handlers.core.flow import Invalid
from handlers.plans.active import every_plan
from handlers.reports.assignments import find
from handlers.review.decide import MAX_COMMENT, decide
from storage import evidence, org, people, reports, reviews
from storage.org import Unit
from storage.reports import STATUSES


class ReportPage(AdminPage):
    async def _report(self, report_id: str) -> tuple[reports.Report, Unit]:
        db = self.web.core.db
        report = await reports.get(db, int(report_id))
        unit = await org.get_unit(db, report.unit_id) if report is not None else None
        if report is None or unit is None or not sees(self.viewer, unit):
            raise HTTPError(404)
        return report, unit

    async def get(self, report_id: str) -> None:
        await self.show(*await self._report(report_id))

    async def post(self, report_id: str) -> None:
        if self.viewer.person.role != "admin":  # a leader sees the status, an admin decides
            raise HTTPError(404)
        report, unit = await self._report(report_id)
        core = self.web.core
        action = self.get_body_argument("action", "")
        if action not in ("approve", "return"):
            raise HTTPError(400)
        try:
            await decide(core.db, await every_plan(core.db, core.kb), report, action == "approve",
                         self.get_body_argument("comment", ""), self.viewer.person.id, self.web.now())
        except Invalid as bad:
            self.set_status(400)
            return await self.show(report, unit, str(bad), self.get_body_argument("comment", ""))
        self.redirect(f"/admin/bao-cao/{report.id}", status=303)

    async def show(self, report: reports.Report, unit: Unit, error: str | None = None, comment: str = "") -> None:
        db, core = self.web.core.db, self.web.core
        versions = await reports.versions(db, report)
        newest = (await reports.current(db, [report.unit_id])).get(
            (report.plan_id, report.task_id, report.unit_id, report.period), report)  # as the decision checks it
        decisions = await reviews.history(db, [v.id for v in versions])
        who = [report.reporter_id, *(d.reviewer_id for d in decisions if d.reviewer_id is not None)]
        found = await reviews.latest(db, [v.id for v in versions])
        files = await evidence.of_reports(db, [report.id])
        assignment = find(await every_plan(db, core.kb), f"{report.plan_id}/{report.task_id}")
        self.page("report.html", report=report, unit=unit, assignment=assignment, versions=versions,
                  current=newest.id == report.id, newest=newest, decisions=decisions, found=found,
                  files=files.get(report.id, []),
                  names=await people.display_names_of(db, who), statuses=STATUSES, labels=reviews.LABELS,
                  state=reviews.status, plan_label=render.plan_label, zone=core.config.zone, error=error,
                  comment=comment, max_comment=MAX_COMMENT)
