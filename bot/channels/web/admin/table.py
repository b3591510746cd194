"""The progress page's table: one row per unit, filtered by commune, unit (typed with or without diacritics)
and state, and sorted by any column from the query string (`?sap=xa&chieu=giam`), so sorting needs no script
and a sorted, filtered view is a link that can be shared or bookmarked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from content.normalize import normalize
from handlers.progress.progress import OVERDUE, PENDING, REPORTED, UnitProgress
from storage.reviews import RETURNED, WAITING

Test = Callable[[UnitProgress], bool]
STATES: dict[str, tuple[str, Test]] = {  # ?chi=…: (label, which units)
    "": ("mọi đơn vị", lambda u: True),
    "chua": ("đơn vị chưa báo cáo đủ", lambda u: not u.complete),
    "qua-han": ("đơn vị có nhiệm vụ quá hạn", lambda u: u.counts[OVERDUE] > 0),
    "du": ("đơn vị đã báo cáo đủ", lambda u: u.complete),
    "cho-duyet": ("có báo cáo chờ duyệt", lambda u: u.reviews[WAITING] > 0),
    "tra-lai": ("có báo cáo bị trả lại", lambda u: u.reviews[RETURNED] > 0),
}


@dataclass(frozen=True)
class Line:
    item: UnitProgress
    commune: str  # with the province for a viewer of every province (two communes may share a name)

    @property
    def state(self) -> str:
        u = self.item
        return "Đã báo cáo đủ" if u.complete else "Quá hạn" if u.counts[OVERDUE] else "Chưa báo cáo"

    @property
    def css(self) -> str:
        u = self.item
        return "done" if u.complete else "late" if u.counts[OVERDUE] else "open"


def _share(line: Line) -> float:
    return line.item.counts[REPORTED] / max(1, sum(line.item.counts.values()))


SORTS: dict[str, Callable[[Line], tuple[object, ...]]] = {  # ?sap=…: the column's key
    "": lambda r: (-r.item.counts[OVERDUE], _share(r), normalize(r.commune), normalize(r.item.unit.name)),
    "xa": lambda r: (normalize(r.commune), normalize(r.item.unit.name)),
    "don-vi": lambda r: (normalize(r.item.unit.name), normalize(r.commune)),
    "tinh-trang": lambda r: ({"late": 0, "open": 1, "done": 2}[r.css], _share(r), normalize(r.commune)),
    "da": lambda r: (r.item.counts[REPORTED], normalize(r.commune)),
    "chua": lambda r: (r.item.counts[PENDING], normalize(r.commune)),
    "qua-han": lambda r: (r.item.counts[OVERDUE], normalize(r.commune)),
    "duyet": lambda r: (r.item.reviews[RETURNED], r.item.reviews[WAITING], normalize(r.commune)),
}


@dataclass(frozen=True)
class Query:
    """What the page was asked for, read once from the query string; unknown values fall back to the default."""

    commune: str = ""
    unit: str = ""
    state: str = ""
    sort: str = ""
    descending: bool = False

    @classmethod
    def read(cls, get: Callable[[str], str]) -> Query:
        state, sort = get("chi"), get("sap")
        return cls(get("xa").strip(), get("dv").strip(), state if state in STATES else "",
                   sort if sort in SORTS else "", get("chieu") == "giam")

    @property
    def filtered(self) -> bool:
        return bool(self.commune or self.unit or self.state)

    def params(self, **changes: str) -> dict[str, str]:
        values = {"xa": self.commune, "dv": self.unit, "chi": self.state, "sap": self.sort,
                  "chieu": "giam" if self.descending else "", **changes}
        return {k: v for k, v in values.items() if v}

    def link(self, path: str, **changes: str) -> str:
        query = urlencode(self.params(**changes))
        return f"{path}?{query}" if query else path

    def sort_link(self, column: str) -> str:
        """The column header's link: sorted by it ascending, or descending when it is already ascending."""
        again = self.sort == column and not self.descending
        return self.link("/admin", sap=column, chieu="giam" if again else "")

    def arrow(self, column: str) -> str:
        return ("▼" if self.descending else "▲") if self.sort == column else ""

    def keeps(self, item: UnitProgress) -> bool:
        return (STATES[self.state][1](item) and normalize(self.commune) in normalize(item.unit.commune or "")
                and normalize(self.unit) in normalize(item.unit.name))


def lines(counted: list[UnitProgress], query: Query, with_province: bool) -> list[Line]:
    out = [Line(u, f"{u.unit.commune} ({u.unit.province})" if with_province else u.unit.commune or "")
           for u in counted if query.keeps(u)]
    return sorted(out, key=SORTS[query.sort], reverse=query.descending)

