"""The score answers that carry a chart: the radar of a province's dimensions for a year (with the national
median and any plan targets) and its totals over the years. Drawing itself is in handlers/files/charts.py, done
in the worker process (handlers/files/pool.py).

Across the 2025 break a province formed from several former ones has no single series: its chart has a line
for each former province up to 2024 and one for the new province from its first 34-province edition, and the
national median of each map as its own line; nothing is added up or averaged across provinces."""

from __future__ import annotations

from content.scores import NewProvince, map_size
from handlers.core import render
from handlers.core.messages import Choice, Render, Reply
from handlers.files import charts
from handlers.files.charts import COLORS, SHORT, Series, plan_label
from handlers.scores.lookup import ScoreLookup, slug

EIGHT_FROM = 2018  # the first year with 8 dimensions: totals before it are on another scale (6–60)


class ScoreCharts(ScoreLookup):
    def radar(self, province: str, year: int | None = None) -> Reply:
        row, year = self._row(province, year)
        if row is None or year is None:
            return self._missing(province, year)
        expected = 8 if year >= 2018 else 6
        if len(row.dims) < expected:
            missing = ", ".join(str(d) for d in range(1, expected + 1) if d not in row.dims)
            text = f"{province} năm {year} thiếu điểm chỉ số {missing}, nên không vẽ được biểu đồ radar."
            return Reply(text + f"\n{render.SOURCE}{self.table.source(year)}", self.choices(province, year))
        plans = [p for p in self._plans(province) if any(t.year == year and t.dimension for t in p.targets)]
        png = Render(charts.province_radar, (self.table, row, plans))
        with_plan = "".join(f" và chỉ tiêu của Kế hoạch {p.number or ''} ({p.issuer})".replace("  ", " ")
                            for p in plans)
        lines = [f"Biểu đồ radar PAPI {year} của {province}: điểm {len(row.dims)} chỉ số nội dung so với trung vị "
                 f"cả nước (tự tính){with_plan}."]
        lines += [f"{d}. {SHORT[d]}: {render.number(v)}" for d, v in sorted(row.dims.items())]
        text = "\n".join(lines) + f"\n{render.SOURCE}{self.table.source(year)}"
        choices = (Choice("Tổng điểm qua các năm", f"/diem {province} qua các năm"),
                   Choice(f"Điểm {province} {year}", f"/diem {province} {year}"))
        return Reply(text, choices, render=png, image_name=f"radar-{slug(province, year)}.png")

    def trend(self, province: str) -> Reply:
        new = self._new(province)
        if (self.table.new_map_years and new is not None and new.former != (new.name,)
                and (province == new.name or not new.merged)):
            return self._across_break(new)
        # a former province (or any, before a 34-province edition) over the years of the 63-province map
        t = self.table.old_map() if self.table.map.new(province) is None else self.table
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
        text = "\n".join(lines) + f"\n{render.SOURCE}{'; '.join(dict.fromkeys(t.source(y) for y in rows))}"
        latest = max(rows)
        choices = (Choice(f"Điểm {province} {latest}", f"/diem {province} {latest}"),)
        return Reply(text, choices, render=png, image_name=f"xu-huong-{slug(province)}.png")

    def break_series(self, new: NewProvince) -> tuple[list[int], list[Series]]:
        """The 8-dimension totals from 2018: a line per former province until 2024, one for the new province
        from 2025, the median of each map, and the plans' total targets as stars."""
        t = self.table
        years = [y for y in t.years if y >= EIGHT_FROM]
        first = t.new_map_years[0]

        def totals(province: str, size: int) -> list[float | None]:
            rows = [t.get(province, y) if map_size(y) == size else None for y in years]
            return [r.total if r is not None and len(r.dims) == 8 else None for r in rows]

        series = [Series(f"{new.name} (tỉnh mới, từ {first})", totals(new.name, 34), COLORS[0], marker="s", size=7)]
        series += [Series(f"{f} (tỉnh cũ, đến {first - 1})", totals(f, 63), COLORS[1 + i % 3], style="-.")
                   for i, f in enumerate(new.former)]
        series += [
            Series("Trung vị 63 tỉnh cũ (tự tính)", [t.median(y) if map_size(y) == 63 else None for y in years],
                   COLORS[4], style="--", marker=""),
            Series("Trung vị 34 tỉnh mới (tự tính)", [t.median(y) if map_size(y) == 34 else None for y in years],
                   COLORS[4], style=":", marker=""),
        ]
        for plan in self._plans(new.name):
            for target in plan.targets:
                if target.dimension is None and target.value is not None and target.year in years:
                    series.append(Series(f"Mục tiêu tổng điểm {target.year} ({plan_label(plan)})",
                                         [target.value if y == target.year else None for y in years], COLORS[3],
                                         style="none", marker="*", size=14))
        return years, series

    def _across_break(self, new: NewProvince) -> Reply:
        years, series = self.break_series(new)
        first = self.table.new_map_years[0]
        title = f"{new.name} – tổng điểm PAPI {years[0]}–{years[-1]}"
        note = (f"Thang 8–80. Đến {first - 1}: điểm riêng của từng tỉnh cũ (63 tỉnh); từ {first}: tỉnh mới "
                "(34 tỉnh). Không cộng, không lấy trung bình.")
        png = Render(charts.line, (title, years, series, "Điểm (không trọng số)", note))
        lines = [f"Tổng điểm PAPI (8 chỉ số) của {new.name} qua các năm, qua sắp xếp 2025: mỗi đường một tỉnh, "
                 "không cộng hay lấy trung bình các tỉnh cũ."]
        for s in series[: 1 + len(new.former)]:
            points = " · ".join(f"{y}: {render.number(v)}" for y, v in zip(years, s.values, strict=True)
                                if v is not None)
            lines.append(f"{s.label}: {points or 'không có tổng điểm'}")
        cited = dict.fromkeys([self.table.map.source, *(self.table.source(y) for y in years)])
        text = "\n".join(lines) + f"\n{render.SOURCE}{'; '.join(cited)}"
        latest = self.table.new_map_years[-1]
        choices = (Choice(f"Điểm {new.name} {latest}", f"/diem {new.name} {latest}"),
                   *(Choice(f"{f} (cũ) qua các năm", f"/diem {f} qua các năm") for f in new.former if f != new.name))
        return Reply(text, choices, render=png, image_name=f"xu-huong-{slug(new.name)}.png")
