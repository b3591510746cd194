"""The admin pages themselves: the progress picture of the viewer's province or commune (a sortable, filtered
table of units and the completion chart by commune) and the period's report as Word; the Excel file is made in
the background (`exports.py`). They read what the chat commands read (`handlers/progress/`), so the page,
/tiendo and /xuat agree."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from tornado.web import HTTPError

from bot.channels.web.admin.session import AdminPage
from bot.channels.web.admin.table import STATES, Query, lines
from handlers.core.messages import Render
from handlers.progress import word
from handlers.progress.progress import OVERDUE, PENDING, REPORTED, UnitProgress, chart, unit_progress
from storage import reviews


class ProgressBase(AdminPage):
    async def counted(self) -> list[UnitProgress]:
        """The viewer's units with their counts, as of today (a leader: their commune's)."""
        core, v = self.web.core, self.viewer
        found = await unit_progress(core.db, core.kb, v.province, self.today())
        return [c for c in found if v.commune_id is None or c.unit.commune_id == v.commune_id]

    def today(self) -> dt.date:
        return self.web.now().astimezone(self.web.core.config.zone).date()

    def query(self) -> Query:
        return Query.read(lambda name: self.get_argument(name, ""))


class Progress(ProgressBase):
    async def get(self) -> None:
        counted, query = await self.counted(), self.query()
        shown = lines(counted, query, self.viewer.province is None)
        totals = sum((c.counts for c in counted), Counter[str]())
        self.page("progress.html", lines=shown, totals=totals, today=self.today(), query=query, states=STATES,
                  communes=len({c.unit.commune_id for c in counted}), chart=query.link("/admin/bieu-do.png"),
                  labels=reviews.LABELS, REPORTED=REPORTED, PENDING=PENDING, OVERDUE=OVERDUE)


class Chart(ProgressBase):
    """The completion chart by commune of the units the page shows (the same filters), drawn in the worker."""

    async def get(self) -> None:
        query = self.query()
        shown = [line.item for line in lines(await self.counted(), query, False)]
        if not shown:
            raise HTTPError(404)
        png, _, _ = chart(shown, self.viewer.scope, self.today(), self.viewer.province is None)
        self.set_header("Content-Type", "image/png")
        self.finish(await self.web.core.renderer.run(png))


class WordReport(ProgressBase):
    """The period's report drafted as .docx (handlers/progress/word.py), of the viewer's scope."""

    async def get(self) -> None:
        core, v = self.web.core, self.viewer
        today = self.today()
        summary = await word.gather(core.db, core.kb, v.province, v.commune_id, v.scope, today,
                                    word.issuer(v.province, v.commune))
        data = await core.renderer.run(Render(word.docx, (summary,), "document"))
        self.set_header("Content-Type", word.DOCX)
        self.set_header("Content-Disposition", f'attachment; filename="bao-cao-papi-{today:%Y%m%d}.docx"')
        self.finish(data)
