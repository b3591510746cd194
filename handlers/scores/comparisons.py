"""Comparisons: a province against the national median (with its strongest and weakest dimensions by place),
and two provinces side by side."""

from __future__ import annotations

from handlers.core import render
from handlers.core.messages import Choice, Reply
from handlers.files.charts import SHORT
from handlers.scores.lookup import COMPUTED_ALL, ScoreLookup, signed


class Comparisons(ScoreLookup):
    def versus_median(self, province: str, year: int | None = None) -> Reply:
        """Each score beside the national median, with the province's place; strongest and weakest by place,
        since dimensions sit on different levels (dimension 8 is low everywhere)."""
        row, year = self._row(province, year)
        if row is None or year is None:
            return self._missing(province, year)
        t = self.table
        lines = [f"{province} so với trung vị cả nước, PAPI {year}:"]
        for dim in (None, *sorted(row.dims)):
            value, median = row.value(dim), t.median(year, dim)
            rank, group = t.rank(province, year, dim), t.group(province, year, dim)
            if value is None or median is None or rank is None:
                continue
            label = "Tổng điểm" if dim is None else f"{dim}. {SHORT[dim]}"
            lines.append(
                f"{label}: {render.number(value)}, trung vị {render.number(median)} ({signed(value - median)}); "
                f"vị trí {rank[0]}/{rank[1]}" + (f", nhóm {group}" if group else "")
            )
        placed = sorted(
            ((r[0] / r[1], d) for d in row.dims if (r := t.rank(province, year, d)) is not None),
        )
        if len(placed) >= 4:
            best = ", ".join(f"{d}. {SHORT[d]}" for _, d in placed[:2])
            worst = ", ".join(f"{d}. {SHORT[d]}" for _, d in placed[-2:][::-1])
            lines += ["", f"Mạnh nhất so với các tỉnh: {best}.", f"Yếu nhất so với các tỉnh: {worst}."]
            lines.append("(Xét theo vị trí giữa các tỉnh, vì mặt bằng điểm mỗi chỉ số khác nhau.)")
        notes = render.CAUTION + self._computed(year, COMPUTED_ALL) + f"\n{render.SOURCE}{t.source(year)}"
        return Reply("\n".join(lines) + "\n\n" + notes, self.choices(province, year))

    def pair(self, first: str, second: str, year: int | None = None) -> Reply:
        if year is None:
            common = set(self.table.years_of(first)) & set(self.table.years_of(second))
            year = max(common) if common else None
        a = self.table.get(first, year) if year else None
        b = self.table.get(second, year) if year else None
        if a is None or b is None or not a.dims or not b.dims or year is None:
            lacking = first if a is None or not a.dims else second
            return self._missing(lacking, year)
        t = self.table
        lines = [f"So sánh PAPI {year}: {first} và {second} (hiệu số = {first} − {second}):"]
        for dim in (None, *sorted(set(a.dims) | set(b.dims))):
            va, vb = a.value(dim), b.value(dim)
            label = "Tổng điểm" if dim is None else f"{dim}. {SHORT[dim]}"
            if va is None or vb is None:
                lines.append(f"{label}: không đủ dữ liệu")
                continue
            lines.append(f"{label}: {render.number(va)} và {render.number(vb)} ({signed(va - vb)})")
        ga, gb = t.group(first, year), t.group(second, year)
        if ga and gb:
            lines.append(f"Nhóm (tự tính): {first} {ga}; {second} {gb}.")
        notes = render.CAUTION + self._computed(year, COMPUTED_ALL) + f"\n{render.SOURCE}{t.source(year)}"
        choices = (
            Choice(f"Điểm {first} {year}", f"/diem {first} {year}"),
            Choice(f"Điểm {second} {year}", f"/diem {second} {year}"),
        )
        return Reply("\n".join(lines) + "\n\n" + notes, choices)
