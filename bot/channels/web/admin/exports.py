"""The Excel export of the progress picture, made in the background (`bot/channels/web/jobs.py`): the form on
the progress page starts it (a period, and the page's commune and unit filters), the status page shows its
progress (admin.js polls the JSON; without scripts the page reloads itself) and offers the file when it is done.
The rows are /xuat's (`handlers/progress/export.py`); the file is written in the worker process."""

from __future__ import annotations

import re
from collections.abc import Callable

from tornado.web import HTTPError

from bot.channels.web.admin.pages import ProgressBase
from bot.channels.web.jobs import Busy, Job
from content.normalize import normalize
from handlers.core.messages import Render
from handlers.progress import export
from storage import org

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD = re.compile(r"^\d{4}(?:-(?:Q[1-4]|H[12]|M(?:0[1-9]|1[0-2])))?$")


def keeper(commune: str, unit: str, own_commune: str | None) -> Callable[[export.Row], bool]:
    """Which rows the file keeps: a leader's commune only, and those matching the page's filters."""
    place, name = normalize(commune), normalize(unit)

    def keeps(row: export.Row) -> bool:
        here, who = str(row.values[export.COMMUNE]), str(row.values[export.UNIT])
        return ((own_commune is None or here == own_commune) and place in normalize(here)
                and name in normalize(who))

    return keeps


class ExportStart(ProgressBase):
    async def post(self) -> None:
        core, v = self.web.core, self.viewer
        period = self.get_body_argument("ky", "").strip().upper() or None
        if period is not None and not PERIOD.match(period):
            self.set_status(400)
            return self.page("admin_message.html", title="Kỳ báo cáo không đúng",
                             text="Hãy ghi kỳ như 2024, 2024-Q2, 2024-H1 hoặc 2024-M06, hoặc để trống (mọi kỳ).")
        today = self.today()
        keeps = keeper(self.get_body_argument("xa", ""), self.get_body_argument("dv", ""), v.commune)
        total = sum(1 for u in await org.units(core.db, v.province) if u.commune)

        async def work(step: Callable[[int], None]) -> bytes:
            rows = await export.rows(core.db, core.kb, v.province, period, today, core.config.zone, step)
            return await core.renderer.run(Render(export.xlsx, ([r for r in rows if keeps(r)],), "document"))

        name = f"tien-do-papi-{period or 'tat-ca'}-{today:%Y%m%d}.xlsx"
        try:
            job = self.web.jobs.start(v.person.id, name, total, work)
        except Busy:
            self.set_status(429)
            return self.page("admin_message.html", title="Đang xuất",
                             text="Bạn đang có hai tệp đang được xuất. Hãy đợi chúng xong rồi xuất tiếp.")
        self.redirect(f"/admin/xuat/{job.id}", status=303)


class JobPage(ProgressBase):
    def job(self, job_id: str) -> Job:
        job = self.web.jobs.get(job_id, self.viewer.person.id)
        if job is None:  # another person's, ended long ago, or never: the same answer
            raise HTTPError(404)
        return job


class ExportStatus(JobPage):
    def get(self, job_id: str, json: str) -> None:
        job = self.job(job_id)
        if json:
            self.finish(job.view())
            return
        self.page("export.html", job=job)


class ExportFile(JobPage):
    def get(self, job_id: str) -> None:
        job = self.job(job_id)
        if job.data is None:
            raise HTTPError(404)
        self.set_header("Content-Type", XLSX)
        self.set_header("Content-Disposition", f'attachment; filename="{job.name}"')
        self.finish(job.data)
