"""PNG charts drawn in memory with matplotlib: a radar of a province's dimensions, a line of its totals, and for
admins the share of tasks each commune has reported for the current period.

`radar`, `line` and `completion` draw; `province_radar` and `province_trend` choose what to draw from the score
table and the plans' targets (the completion figures are counted in handlers.officials).

Only the object API (Figure + Agg canvas) is used, never pyplot: no global list of open figures to leak
from or to close. matplotlib is imported when a chart is drawn, not
at start-up, because importing it costs about half a second and most conversations draw no chart.
DejaVu Sans, shipped inside matplotlib, has every Vietnamese letter; it is named explicitly so that a
machine's own matplotlibrc cannot switch to a font without them.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from content.models import Plan
from content.scores import ProvinceYear, ScoreTable, group_threshold, parse_group

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes

# rc_context changes matplotlib's global settings for the time of a drawing: should two threads of one process
# ever draw at once (the worker process draws one at a time), they would see each other's settings.
_LOCK = threading.Lock()
FONT = "DejaVu Sans"
SIZE = (7.5, 7.5)  # inches; at DPI this is 750 × 750 px, sharp on a phone without a heavy file
DPI = 100
NOTE_STRIP = 0.3  # inches
COLORS = ("#1f5fa8", "#d9822b", "#2e8b57", "#b03a2e", "#7f7f7f", "#6a4c93")
SHORT = {  # the dimensions' names short enough for an axis label and a chat line
    1: "Tham gia của người dân",
    2: "Công khai, minh bạch",
    3: "Trách nhiệm giải trình",
    4: "Kiểm soát tham nhũng",
    5: "Thủ tục hành chính công",
    6: "Cung ứng dịch vụ công",
    7: "Quản trị môi trường",
    8: "Quản trị điện tử",
}


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per axis (radar) or per year (line); None: no data
    color: str
    style: str = "-"  # matplotlib line style; "none" for markers alone
    fill: bool = False
    marker: str = "o"
    size: float = 5  # marker size


def _figure(side: float, size: tuple[float, float] = SIZE) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=DPI)
    fig.set_layout_engine("constrained", w_pad=side)
    return fig


def _png(fig: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


def _rc() -> dict[str, object]:
    return {"font.family": FONT, "font.size": 10, "axes.unicode_minus": True}


def _split(note: str, side: float = 0.04, size: tuple[float, float] = SIZE) -> tuple[Figure, Figure]:
    """The chart's area and a thin strip under it for the note, so the layout keeps legend and note apart.
    `side` (inches) is room left and right: the layout does not count a polar chart's axis labels. The strip
    keeps one height (0.3 inch, 1/25 of the square charts) whatever the figure's height."""
    fig = _figure(side, size)
    chart, strip = cast(Sequence[Any], fig.subfigures(2, 1, height_ratios=(size[1] - NOTE_STRIP, NOTE_STRIP)))
    if note:
        strip.text(0.5, 0.5, note, fontsize=7.5, color="#555555", ha="center", va="center")
    return fig, chart


def radar(title: str, axes: Sequence[str], series: Sequence[Series], note: str = "", top: float = 10.0) -> bytes:
    """One closed polygon per series over `axes` (e.g. the 8 dimensions), radius from 1 (the scale's floor)."""
    import matplotlib

    with _LOCK, matplotlib.rc_context(cast(Any, _rc())):
        fig, chart = _split(note, side=0.45)
        ax = cast("PolarAxes", chart.add_subplot(projection="polar"))
        angles = [2 * math.pi * i / len(axes) for i in range(len(axes))]
        ax.set_theta_offset(math.pi / 2)  # first dimension at the top, then clockwise as people read
        ax.set_theta_direction(-1)
        ax.set_xticks(angles, [textwrap.fill(a, 15) for a in axes], fontsize=9)
        ax.set_ylim(1, top)
        ax.set_yticks(range(2, int(top) + 1, 2))
        ax.set_rlabel_position(180 / len(axes))  # radius numbers between the first two axes, off the lines
        ax.tick_params(axis="x", pad=10)
        for label, angle in zip(ax.get_xticklabels(), angles, strict=True):
            side = math.sin(angle)  # clockwise from the top: > 0 on the right half
            label.set_horizontalalignment("left" if side > 0.1 else "right" if side < -0.1 else "center")
        ax.tick_params(axis="y", labelsize=8, labelcolor="#666666")
        for s in series:
            values = [math.nan if v is None else v for v in s.values]
            closed_a, closed_v = [*angles, angles[0]], [*values, values[0]]
            ax.plot(closed_a, closed_v, ls=s.style, color=s.color, marker=s.marker, ms=s.size, lw=2, label=s.label)
            if s.fill:
                ax.fill(closed_a, closed_v, color=s.color, alpha=0.15)
        ax.set_title(title, fontsize=13, fontweight="bold", pad=24)
        chart.legend(loc="outside lower center", ncols=1, fontsize=9, frameon=False)
        return _png(fig)


def line(title: str, years: Sequence[int], series: Sequence[Series], ylabel: str, note: str = "") -> bytes:
    """One line per series over the years; a None breaks the line, so a year without data shows as a gap."""
    import matplotlib

    with _LOCK, matplotlib.rc_context(cast(Any, _rc())):
        fig, chart = _split(note)
        ax = chart.add_subplot()
        for s in series:
            values = [math.nan if v is None else v for v in s.values]
            ax.plot(years, values, ls=s.style, color=s.color, marker=s.marker, ms=s.size, lw=2, label=s.label)
        ax.set_xticks(list(years), [str(y) for y in years], rotation=45)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.set_title(title, fontsize=13, fontweight="bold")
        chart.legend(loc="outside lower center", ncols=1, fontsize=9, frameon=False)
        return _png(fig)


@dataclass(frozen=True)
class Completion:
    """One commune's tasks for the current period: reported, not reported before the due date, overdue."""

    label: str
    reported: int
    pending: int
    overdue: int

    @property
    def total(self) -> int:
        return self.reported + self.pending + self.overdue

    @property
    def percent(self) -> int:
        """Share reported, rounded half up: Python's round() would show 62.5 % as 62 but 37.5 % as 38."""
        return (200 * self.reported + self.total) // (2 * self.total) if self.total else 0


# (field of Completion, legend label, colour): green for done, orange for not yet due, red for overdue
PARTS = (
    ("reported", "Đã báo cáo", COLORS[2]),
    ("pending", "Chưa báo cáo, chưa đến hạn", COLORS[1]),
    ("overdue", "Quá hạn, chưa báo cáo", COLORS[3]),
)


def completion(title: str, bars: Sequence[Completion], note: str = "") -> bytes:
    """One horizontal bar per commune, first at the top, split into the shares of PARTS; the count of tasks
    inside each wide enough part, and "reported/total · %" on the right. Every bar spans 100 %, so communes
    with more tasks do not look further ahead. The height grows with the number of bars; the title's lines
    are kept as given and each wrapped on its own."""
    import matplotlib

    height = max(4.0, 2.0 + 0.34 * len(bars))
    with _LOCK, matplotlib.rc_context(cast(Any, _rc())):
        fig, chart = _split(note, side=0.1, size=(SIZE[0], height))
        ax = chart.add_subplot()
        ys = list(range(len(bars)))
        left = [0.0] * len(bars)
        for field_name, label, color in PARTS:
            counts = [getattr(b, field_name) for b in bars]
            shares = [100 * c / b.total if b.total else 0.0 for c, b in zip(counts, bars, strict=True)]
            ax.barh(ys, shares, left=left, height=0.6, color=color, label=label)
            for y, start, share, count in zip(ys, left, shares, counts, strict=True):
                if share >= 7:  # narrower parts have no room for a number
                    ax.text(start + share / 2, y, str(count), color="white", ha="center", va="center", fontsize=8)
            left = [a + b for a, b in zip(left, shares, strict=True)]
        ax.set_yticks(ys, [textwrap.fill(b.label, 24) for b in bars], fontsize=9)
        ax.set_ylim(len(bars) - 0.5, -0.5)  # first bar at the top, as the list reads
        right = ax.secondary_yaxis("right")
        right.set_yticks(ys, [f"{b.reported}/{b.total} · {b.percent}%" for b in bars], fontsize=9)
        right.tick_params(length=0)
        ax.set_xlim(0, 100)
        ax.set_xticks(range(0, 101, 25), [f"{v}%" for v in range(0, 101, 25)])
        ax.set_xlabel("Tỷ lệ nhiệm vụ của kỳ báo cáo hiện tại")
        ax.grid(True, axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        ax.set_title("\n".join(textwrap.fill(t, 60) for t in title.split("\n")), fontsize=13, fontweight="bold")
        chart.legend(loc="outside lower center", ncols=3, fontsize=9, frameon=False)
        return _png(fig)


def plan_label(plan: Plan) -> str:
    """'KH 172/KH-UBND'; a plan issued without a number is named by its province and year instead."""
    return f"KH {plan.number}" if plan.number else f"KH {plan.province} {plan.papi_year}"


def dimension_targets(table: ScoreTable, plan: Plan, year: int, dims: Sequence[int]) -> tuple[list[float | None], str]:
    """A plan's dimension targets for that year, one value per axis: the score it states or, for a group
    target ("Trung bình cao trở lên"), the lowest score in that group that year (computed); and the group."""
    by_dim = {t.dimension: t for t in plan.targets if t.year == year and t.dimension is not None}
    values: list[float | None] = []
    group = ""
    for d in dims:
        target = by_dim.get(d)
        wanted = parse_group(target.group) if target is not None and target.group else None
        if target is not None and target.value is not None:
            values.append(target.value)
        elif wanted is not None:
            group = wanted
            values.append(group_threshold(table, year, d, wanted))
        else:
            values.append(None)
    return values, group


def province_radar(table: ScoreTable, row: ProvinceYear, plans: Sequence[Plan]) -> bytes:
    """The province's dimensions, the national median and each plan's targets for that year."""
    dims = sorted(row.dims)
    medians = [table.median(row.year, d) for d in dims]
    median_label = "Trung vị cả nước (tự tính)"
    targets: list[Series] = []
    for plan in plans:
        values, group = dimension_targets(table, plan, row.year, dims)
        same = all(v is not None and m is not None and abs(v - m) < 1e-9 for v, m in zip(values, medians, strict=True))
        if group and same:
            # P50 is the median: the "Trung bình cao" threshold would hide under the median line, so say it there.
            median_label += f" = ngưỡng nhóm {group}, mục tiêu {plan_label(plan)}"
        else:
            label = f"Mục tiêu {plan_label(plan)}" + (f" (ngưỡng nhóm {group}, tự tính)" if group else "")
            targets.append(Series(label, values, COLORS[3], style=":", marker="D"))
    series = [
        Series(row.province, [row.dims[d] for d in dims], COLORS[0], fill=True),
        Series(median_label, medians, COLORS[4], style="--", marker="."),
        *targets,
    ]
    top = max(v for s in series for v in s.values if v is not None)
    return radar(
        f"{row.province} – PAPI {row.year}: {len(dims)} chỉ số nội dung",
        [f"{d}. {SHORT[d]}" for d in dims],
        series,
        note=f"Thang mỗi chỉ số 1–10. Nguồn: dữ liệu PAPI cấp tỉnh {row.year}; trung vị do Trợ lý PAPI tự tính.",
        top=min(10.0, float(math.ceil(top + 0.5))),
    )


def province_trend(table: ScoreTable, province: str, plans: Sequence[Plan]) -> bytes:
    """Totals over the years. The 6-dimension total compares across 2011–2024; the 8-dimension total
    exists from 2018 and is drawn as its own line, so neither is mistaken for the other."""
    years = list(table.years)
    rows = [table.get(province, y) for y in years]
    series = [
        Series(f"{province}: tổng 6 chỉ số (so sánh được {years[0]}–{years[-1]})",
               [r.total_6dim if r else None for r in rows], COLORS[0]),
        Series("Trung vị cả nước, 6 chỉ số (tự tính)", [table.median_6dim(y) for y in years], COLORS[0],
               style="--", marker=""),
        Series(f"{province}: tổng 8 chỉ số (từ 2018)",
               [r.total if r and len(r.dims) == 8 else None for r in rows], COLORS[1]),
        Series("Trung vị cả nước, 8 chỉ số (tự tính)", [table.median(y) if y >= 2018 else None for y in years],
               COLORS[1], style="--", marker=""),
    ]
    for plan in plans:
        for t in plan.targets:
            if t.dimension is None and t.value is not None and t.year in years:
                values = [t.value if y == t.year else None for y in years]
                series.append(Series(f"Mục tiêu tổng điểm {t.year} ({plan_label(plan)})", values, COLORS[3],
                                     style="none", marker="*", size=14))
    missing = [str(y) for y, r in zip(years, rows, strict=True) if r is None or r.total_6dim is None]
    gaps = f" Không có tổng điểm: {', '.join(missing)}." if missing else ""
    return line(
        f"{province} – tổng điểm PAPI {years[0]}–{years[-1]}",
        years,
        series,
        "Điểm (không trọng số)",
        note="Trước 2018 PAPI có 6 chỉ số (thang 6–60), từ 2018 có 8 (thang 8–80)." + gaps,
    )


def warm() -> None:
    """Import matplotlib's drawing parts and find the font: most of the time of a process's first chart."""
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401

    font_manager.findfont(FONT)
