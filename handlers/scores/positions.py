"""A province's position asked two ways the score card does not answer first: how many places it moved from the
year before ("Khánh Hòa 2023 tăng bao nhiêu bậc"), computed from the score table, and its place within a region
("xếp thứ mấy trong khu vực ĐBSCL"). The bot holds no list of provinces by region, so a regional place is only
quoted where a plan of the province states it, labelled as the plan's figure; otherwise the reply says so."""

from __future__ import annotations

from content.models import Plan, QuotedScore
from content.normalize import normalize
from handlers.core import render
from handlers.core.messages import Choice, Kind, Reply
from handlers.scores.card import ScoreCard
from handlers.scores.lookup import change


class Positions(ScoreCard):
    def moved(self, province: str, year: int | None) -> Reply:
        """Places moved since the year before, from the computed positions of both years."""
        row, year = self._row(province, year)
        if row is None or year is None:
            return self._missing(province, year)
        now = self.table.rank(province, year)
        prev = self.table.previous(province, year)
        before = self.table.rank(prev.province, year - 1) if prev is not None else None
        if now is None or before is None or prev is None:
            return self._not_placed(province, year)
        places = before[0] - now[0]
        verdict = "giữ nguyên vị trí" if places == 0 else f"{'tăng' if places > 0 else 'giảm'} {abs(places)} bậc"
        lines = [f"PAPI {year}: {province} ở vị trí (tự tính) {now[0]}/{now[1]} tỉnh có điểm; năm {year - 1}: "
                 f"{before[0]}/{before[1]}. So với {year - 1}: {verdict}."]
        if row.total is not None and prev.total is not None and len(prev.dims) == len(row.dims):
            lines.append(f"Tổng điểm {render.number(row.total)} ({change(row.total - prev.total)} điểm so với "
                         f"{year - 1}).")
        if now[1] != before[1]:
            lines.append(f"Số tỉnh có điểm khác nhau giữa hai năm ({before[1]} và {now[1]}), nên số bậc chỉ để "
                         "tham khảo.")
        quotes = self._quoted(province, year, "bac", "hang")
        return self._placed(province, year, lines + [""] * bool(quotes) + _quote_lines(quotes), quotes)

    def in_region(self, province: str, year: int | None) -> Reply:
        """A regional place only as a plan of the province quotes it; the national place beside it."""
        row, year = self._row(province, year)
        if row is None or year is None:
            return self._missing(province, year)
        quotes = self._quoted(province, year, "khu vuc", "vung")
        held = "Trợ lý không có danh sách các tỉnh theo vùng, nên không tự tính thứ hạng trong vùng."
        now = self.table.rank(province, year)
        national = f" Vị trí cả nước (tự tính): {now[0]}/{now[1]} tỉnh có điểm." if now else ""
        if not quotes:
            return self._placed(province, year, [held + national], [], kind="decline")
        lines = [f"Thứ hạng PAPI {year} của {province} trong vùng, theo kế hoạch của tỉnh:", *_quote_lines(quotes),
                 "", held + national]
        return self._placed(province, year, lines, quotes)

    def _quoted(self, province: str, year: int, *words: str) -> list[tuple[QuotedScore, Plan]]:
        """The PAPI results of that year a plan of the province quotes in words naming one of `words`."""
        return [(s, p) for p in self.plans if p.province == province for s in p.scores_quoted
                if s.index == "PAPI" and s.year == year and any(f" {w} " in f" {normalize(s.text)} " for w in words)]

    def _placed(self, province: str, year: int, lines: list[str], quotes: list[tuple[QuotedScore, Plan]],
                kind: Kind = "answer") -> Reply:
        sources = [*dict.fromkeys(p.sources[0] for _, p in quotes), self.table.source(year)]
        text = ("\n".join(lines) + f"\n\n{render.CAUTION}{self._computed(year)}\n{render.SOURCE}"
                + "; ".join(sources))
        choices = (Choice(f"Điểm {province} {year}", f"/diem {province} {year}"),
                   Choice("Tổng điểm qua các năm", f"/diem {province} qua các năm"))
        return Reply(text, choices, kind=kind)

    def _not_placed(self, province: str, year: int) -> Reply:
        text = (f"Không tính được {province} tăng hay giảm bao nhiêu bậc năm {year}: thiếu tổng điểm năm {year} "
                f"hoặc năm {year - 1} (hoặc hai năm tính trên hai bản đồ tỉnh khác nhau).\n\n{render.REFORM}"
                f"{self._reform(province)}\n{render.SOURCE}{self.table.source(year)}")
        return Reply(text, (Choice(f"Điểm {province} {year}", f"/diem {province} {year}"),), kind="decline")


def _quote_lines(quotes: list[tuple[QuotedScore, Plan]]) -> list[str]:
    return [f"• Theo {render.plan_label(plan)}: {' '.join(quote.text.split())}" for quote, plan in quotes]
