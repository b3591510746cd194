"""The score answers that carry a chart: the radar of a province's dimensions for a year (with the national
median and any plan targets) and its totals over the years. Drawing itself is in handlers/files/charts.py, done
in the worker process (handlers/files/pool.py)."""

from __future__ import annotations

from content.scores import SOURCE_YEAR
from handlers.core import render
from handlers.core.messages import Choice, Render, Reply
from handlers.files import charts
from handlers.files.charts import SHORT
from handlers.scores.lookup import ScoreLookup, slug


class ScoreCharts(ScoreLookup):
    def radar(self, province: str, year: int | None = None) -> Reply:
        row, year = self._row(province, year)
        if row is None or year is None:
            return self._missing(province, year)
        expected = 8 if year >= 2018 else 6
        if len(row.dims) < expected:
            missing = ", ".join(str(d) for d in range(1, expected + 1) if d not in row.dims)
            text = f"{province} năm {year} thiếu điểm chỉ số {missing}, nên không vẽ được biểu đồ radar."
            return Reply(text + f"\n{render.SOURCE}{SOURCE_YEAR}", self.choices(province, year))
        plans = [p for p in self._plans(province) if any(t.year == year and t.dimension for t in p.targets)]
        png = Render(charts.province_radar, (self.table, row, plans))
        with_plan = "".join(f" và chỉ tiêu của Kế hoạch {p.number or ''} ({p.issuer})".replace("  ", " ")
                            for p in plans)
        lines = [f"Biểu đồ radar PAPI {year} của {province}: điểm {len(row.dims)} chỉ số nội dung so với trung vị "
                 f"cả nước (tự tính){with_plan}."]
        lines += [f"{d}. {SHORT[d]}: {render.number(v)}" for d, v in sorted(row.dims.items())]
        text = "\n".join(lines) + f"\n{render.SOURCE}{SOURCE_YEAR}"
        choices = (Choice("Tổng điểm qua các năm", f"/diem {province} qua các năm"),
                   Choice(f"Điểm {province} {year}", f"/diem {province} {year}"))
        return Reply(text, choices, render=png, image_name=f"radar-{slug(province, year)}.png")

    def trend(self, province: str) -> Reply:
        t = self.table
        rows = {y: r for y in t.years if (r := t.get(province, y)) is not None and r.dims}
        if not rows:
            return self._missing(province, None)
        png = Render(charts.province_trend, (t, province, self._plans(province)))
        six = " · ".join(f"{y}: {render.number(r.total_6dim)}" for y, r in rows.items() if r.total_6dim is not None)
        eight = " · ".join(f"{y}: {render.number(r.total)}" for y, r in rows.items()
                           if r.total is not None and len(r.dims) == 8)
        missing = [str(y) for y in t.years if y not in rows or rows[y].total_6dim is None]
        lines = [f"Tổng điểm PAPI của {province} qua các năm.", f"Tổng 6 chỉ số (so sánh được cả giai đoạn): {six}",
                 f"Tổng 8 chỉ số (từ 2018): {eight}"]
        if missing:
            lines.append(f"Không có tổng điểm: {', '.join(missing)}.")
        text = "\n".join(lines) + f"\n{render.SOURCE}{SOURCE_YEAR}"
        latest = max(rows)
        choices = (Choice(f"Điểm {province} {latest}", f"/diem {province} {latest}"),)
        return Reply(text, choices, render=png, image_name=f"xu-huong-{slug(province)}.png")
