"""/tiendo: who has reported, per commune and unit, for the current period of each task (a list, or a bar
chart by commune), within the admin's province."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from content.loader import KnowledgeBase
from content.normalize import normalize
from handlers.core.context import Ctx
from handlers.core.messages import Choice, Render, Reply
from handlers.files import charts
from handlers.plans.active import active_plans
from handlers.reports.assignments import tasks_for
from storage import org, reports, reviews
from storage.db import Db
from storage.org import Unit

REPORTED, PENDING, OVERDUE = "đã báo cáo", "chưa báo cáo", "quá hạn"  # as /tiendo writes them
CHART_WORDS = ("bieu do", "do thi", "chart")  # "/tiendo biểu đồ", typed with or without diacritics
# 40 bars make a 750 × 1560 px image; a taller one is shrunk in the chat preview until its bars can no longer be
# told apart. The chart then keeps the communes that report least; the /tiendo list still has every commune.
MAX_BARS = 40


@dataclass(frozen=True)
class UnitProgress:
    unit: Unit
    counts: Counter[str]  # REPORTED, PENDING, OVERDUE -> number of the unit's tasks
    reviews: Counter[str] = field(default_factory=Counter)  # the reported ones by review status (storage/reviews)

    @property
    def complete(self) -> bool:
        return self.counts[REPORTED] == sum(self.counts.values())


async def count_progress(ctx: Ctx) -> list[UnitProgress]:
    """The admin's province (every province for a bootstrap admin), as of today."""
    return await unit_progress(ctx.db, ctx.kb, ctx.person.province, ctx.today)


async def unit_progress(
    db: Db, kb: KnowledgeBase, province: str | None, day: dt.date
) -> list[UnitProgress]:
    """Each commune unit with its tasks counted for the current period of each task: reported, not reported,
    or overdue once the period's due date has passed. The /tiendo list, its chart and the "not reported"
    broadcast audience all read this, so they can never disagree. Units without tasks are left out."""
    units = [u for u in await org.units(db, province) if u.commune]
    current = await reports.current(db, [u.id for u in units])
    in_force = await active_plans(db, kb, day)
    out = []
    filed: dict[int, list[int]] = {}  # unit -> its counted reports
    for unit in units:
        counts = Counter[str]()
        for a in tasks_for(in_force, unit):
            period = a.period(day)
            report = current.get((a.plan.id, a.task.id, unit.id, period.key))
            if report is not None:
                counts[REPORTED] += 1
                filed.setdefault(unit.id, []).append(report.id)
            else:
                counts[OVERDUE if period.due < day else PENDING] += 1
        if counts:
            out.append(UnitProgress(unit, counts))
    decided = await reviews.latest(db, [i for ids in filed.values() for i in ids])
    for item in out:
        item.reviews.update(reviews.status(decided, i) for i in filed.get(item.unit.id, []))
    return out


async def progress(ctx: Ctx, arg: str = "") -> Reply:
    """Reported / not reported / overdue per commune and unit, for the current period of each task; with
    "biểu đồ", the same figures as a bar chart by commune."""
    counted = await count_progress(ctx)
    if not counted:
        return Reply("Chưa có đơn vị nào có cán bộ đăng ký trong phạm vi của bạn.")
    if any(w in normalize(arg) for w in CHART_WORDS):
        return await _progress_chart(ctx, counted)
    lines, totals = [], Counter[str]()
    for item in counted:
        totals.update(item.counts)
        lines.append(f"• {item.unit.label}: " + ", ".join(f"{k} {v}" for k, v in sorted(item.counts.items())))
    head = ", ".join(f"{k} {v}" for k, v in sorted(totals.items()))
    scope = ctx.person.province or "tất cả các tỉnh"
    return Reply(f"Tình hình báo cáo kỳ hiện tại ({scope}) – tổng: {head}\n\n" + "\n".join(lines),
                 (Choice("Biểu đồ", "/tiendo biểu đồ"), Choice("Xuất Excel", "/xuat")))


def by_commune(counted: list[UnitProgress], with_province: bool) -> list[charts.Completion]:
    """The units' counts added up per commune, least reported first (most overdue first among equals):
    the communes an admin has to chase come first, and are the ones kept when the chart is capped."""
    sums: dict[int | None, Counter[str]] = {}
    labels: dict[int | None, str] = {}
    for item in counted:
        unit = item.unit
        sums.setdefault(unit.commune_id, Counter[str]()).update(item.counts)
        # a bootstrap admin sees every province, where two communes may share a name
        labels[unit.commune_id] = f"{unit.commune} ({unit.province})" if with_province else unit.commune or ""
    bars = [charts.Completion(labels[k], c[REPORTED], c[PENDING], c[OVERDUE]) for k, c in sums.items()]
    return sorted(bars, key=lambda b: (b.reported / b.total, -b.overdue, normalize(b.label)))


def chart(counted: list[UnitProgress], scope: str, day: dt.date, with_province: bool
          ) -> tuple[Render, list[charts.Completion], int]:
    """The bar chart by commune (drawn later, in the worker), the bars of every commune, and how many are drawn:
    /tiendo biểu đồ and the admin page's chart are this one."""
    bars = by_commune(counted, with_province)
    shown = bars[:MAX_BARS]
    title = f"Báo cáo kỳ hiện tại theo xã – {scope}\nngày {day:%d/%m/%Y}"
    if len(shown) < len(bars):
        title += f", {len(shown)} trong {len(bars)} xã có tỷ lệ báo cáo thấp nhất"
    note = ("Mỗi xã: các nhiệm vụ giao cho các đơn vị của xã, theo kỳ báo cáo hiện tại của từng nhiệm vụ. "
            "Nguồn: báo cáo tiến độ gửi qua Trợ lý PAPI.")
    # drawn in the worker process, as the score charts are: 0.2–0.8 s that would hold up every conversation
    return Render(charts.completion, (title, shown, note)), bars, len(shown)


async def _progress_chart(ctx: Ctx, counted: list[UnitProgress]) -> Reply:
    day = ctx.today
    scope = ctx.person.province or "tất cả các tỉnh"
    png, bars, drawn = chart(counted, scope, day, ctx.person.province is None)
    totals = sum((item.counts for item in counted), Counter[str]())
    whole = charts.Completion("", totals[REPORTED], totals[PENDING], totals[OVERDUE])
    text = (f"Biểu đồ tình hình báo cáo kỳ hiện tại theo xã ({scope}), ngày {day:%d/%m/%Y}: {len(bars)} xã, "
            f"đã báo cáo {whole.reported}/{whole.total} nhiệm vụ ({whole.percent}%), quá hạn {whole.overdue}, "
            f"chưa đến hạn {whole.pending}.")
    if drawn < len(bars):
        text += f"\nBiểu đồ chỉ vẽ {drawn} xã có tỷ lệ báo cáo thấp nhất; danh sách đủ: /tiendo."
    return Reply(text, (Choice("Xem danh sách", "/tiendo"), Choice("Xuất Excel", "/xuat")),
                 render=png, image_name=f"tien-do-theo-xa-{day:%Y%m%d}.png")
