"""The admin pages themselves: the progress picture of the viewer's province or commune, and its Excel file.
Both read what the chat commands read (`handlers/progress/`), so the page, /tiendo and /xuat agree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.channels.web.admin.session import AdminPage
from content.normalize import normalize
from handlers.core.messages import Render
from handlers.progress import export
from handlers.progress.progress import OVERDUE, PENDING, REPORTED, UnitProgress, unit_progress

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOW: dict[str, Callable[[UnitProgress], bool]] = {  # the filter's choices (?chi=…)
    "": lambda u: True,
    "chua": lambda u: not u.complete,
    "qua-han": lambda u: u.counts[OVERDUE] > 0,
}


@dataclass
class CommuneRow:
    name: str
    units: list[UnitProgress] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def complete(self) -> bool:
        return all(u.complete for u in self.units)


def by_commune(counted: list[UnitProgress], with_province: bool) -> list[CommuneRow]:
    """Communes with their units, those with something overdue first, then the least reported."""
    rows: dict[int | None, CommuneRow] = {}
    for item in counted:
        unit = item.unit
        label = f"{unit.commune} ({unit.province})" if with_province else unit.commune or ""
        row = rows.setdefault(unit.commune_id, CommuneRow(label))
        row.units.append(item)
        row.counts.update(item.counts)
    def order(r: CommuneRow) -> tuple[int, float, str]:
        return (-r.counts[OVERDUE], r.counts[REPORTED] / max(1, sum(r.counts.values())), r.name)
    return sorted(rows.values(), key=order)


class Progress(AdminPage):
    async def get(self) -> None:
        core, v = self.web.core, self.viewer
        today = self.web.now().astimezone(core.config.zone).date()
        counted = await unit_progress(core.db, core.kb, v.province, today)
        if v.commune_id is not None:
            counted = [c for c in counted if c.unit.commune_id == v.commune_id]
        totals = sum((c.counts for c in counted), Counter[str]())
        show, place = self.get_argument("chi", ""), normalize(self.get_argument("xa", ""))
        shown = [c for c in counted if SHOW.get(show, SHOW[""])(c) and place in normalize(c.unit.commune or "")]
        self.page("progress.html", communes=by_commune(shown, v.province is None), totals=totals, today=today,
                  show=show if show in SHOW else "", place=self.get_argument("xa", ""),
                  REPORTED=REPORTED, PENDING=PENDING, OVERDUE=OVERDUE)


class Export(AdminPage):
    async def get(self) -> None:
        core, v = self.web.core, self.viewer
        period = self.get_argument("ky", "").strip().upper() or None
        today = self.web.now().astimezone(core.config.zone).date()
        rows = await export.rows(core.db, core.kb, v.province, period, today, core.config.zone)
        if v.commune is not None:  # a leader: their commune's rows (column Xã), in their province
            rows = [r for r in rows if r.values[3] == v.commune]
        # written in the worker process, as /xuat's file is: seconds of openpyxl would stop every conversation
        data = await core.renderer.run(Render(export.xlsx, (rows,), "document"))
        self.set_header("Content-Type", XLSX)
        name = f"tien-do-papi-{period or 'tat-ca'}-{today:%Y%m%d}.xlsx"
        self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        self.finish(data)
