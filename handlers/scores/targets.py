"""Plan against results: each target of a provincial plan beside that year's PAPI result, met or missed and by
how much; group targets judged on the computed group, targets without a figure shown but not judged."""

from __future__ import annotations

from content.models import Plan, Target
from content.scores import GROUPS, Check, TargetResult, assess, map_size, parse_group
from handlers.core import render
from handlers.core.messages import Choice, Reply
from handlers.files.charts import SHORT
from handlers.knowledge.documents import choice
from handlers.scores.lookup import COMPUTED_ALL, NOT_YET, ScoreLookup, gap, signed

MARK = {True: "✅", False: "❌", None: "ℹ️"}


LINES_ROOM = 1000  # characters of target lines that still leave the answer one Zalo message


class PlanResults(ScoreLookup):
    def targets(self, province: str, year: int | None, dimension: int | None = None, one: bool = False) -> Reply:
        """Each target of the plan's year beside the result; only the named dimension's target when the plan
        sets one, and with `one` (a figure asked, not a verdict) only the total's when no dimension is named:
        "Đồng Tháp cần tăng chỉ số 1 ít nhất bao nhiêu", "… cần đạt bao nhiêu điểm" ask one fact of the plan."""
        plans = self._plans(province)
        chosen = [p for p in plans if year is None or any(t.year == year for t in p.targets)]
        if not chosen:
            return self._no_targets(province, year, plans)
        plan = chosen[-1]
        target_year = year or max(t.year for t in plan.targets)
        of_year = [t for t in plan.targets if t.year == target_year]
        named = [t for t in of_year if (one or dimension is not None) and t.dimension == dimension]
        results = [assess(self.table, province, t) for t in named or of_year]
        radar = "Biểu đồ radar kèm mục tiêu" if any(r.target.dimension for r in results) else "Biểu đồ radar"
        return Reply(self._target_text(plan, province, target_year, results), (
            Choice(radar, f"/diem {province} {target_year} radar"),
            choice("Xem kế hoạch", f"plan:{plan.id}"),
            Choice(f"Điểm {province} {target_year}", f"/diem {province} {target_year}"),
        ))

    def _no_targets(self, province: str, year: int | None, plans: list[Plan]) -> Reply:
        if plans:
            years = ", ".join(sorted({str(t.year) for p in plans for t in p.targets}))
            text = (f"Trợ lý chỉ có mục tiêu PAPI {years} trong kế hoạch của {province}, "
                    f"không có mục tiêu cho PAPI {year}.")
        else:
            text = f"Trợ lý chưa có kế hoạch cấp tỉnh nào của {province} nêu mục tiêu PAPI để đối chiếu với kết quả."
        choices = [choice(f"Kế hoạch: {p.issuer}", f"plan:{p.id}") for p in self.kb.plans if p.province == province]
        for p in plans:
            first = p.targets[0].year
            choices.append(Choice(f"Đối chiếu mục tiêu PAPI {first}", f"/diem {province} {first} mục tiêu"))
        latest = self._latest(province)
        if latest:
            choices.append(Choice(f"Điểm {province} {latest}", f"/diem {province} {latest}"))
        return Reply(text, tuple(choices), kind="decline")

    def _target_text(self, plan: Plan, province: str, year: int, results: list[TargetResult]) -> str:
        launched = self._launched.get(year)
        published = f", công bố {launched:%d/%m/%Y}" if launched else ""
        label = f"{plan.number or '(không ghi số)'} của {plan.issuer}"
        lines = [f"Mục tiêu PAPI {year} trong Kế hoạch {label} so với kết quả PAPI {year}{published}:"]
        if len(results) == 1:  # one target asked for: the plan's own words first, then the result beside it
            lines.append(f"Kế hoạch đặt: {results[0].target.text}")
        row = self.table.get(province, year)
        if year > self.table.years[-1]:
            lines.append(f"Kết quả PAPI {year} {NOT_YET}, nên chưa đối chiếu được. Trợ lý đối chiếu ngay khi "
                         "kết quả được nhập.")
            lines += [f"• {r.target.text}" for r in results]
        elif row is None or not row.dims:
            lines.append(f"Chưa có kết quả PAPI {year} cho {province} trong dữ liệu, nên chưa đối chiếu được.")
            lines += [f"• {r.target.text}" for r in results]
        else:
            lines += ["", *self._target_lines(province, results)]
            judged = [r.met for r in results if r.met is not None]
            if judged:
                lines += ["", f"Kết quả: đạt {sum(judged)}/{len(judged)} mục tiêu có thể đối chiếu."]
        caution = self._computed(year, COMPUTED_ALL)
        if any(c.kind in ("value", "increase") for r in results for c in r.checks):
            caution += " Mục tiêu ghi 2 chữ số thập phân; Trợ lý so với điểm chưa làm tròn."
        if map_size(year) == 63:
            reform = f"Kết quả PAPI {year} vẫn tính theo 63 tỉnh cũ."
        elif year in self.table.years:
            reform = f"Kết quả PAPI {year} tính theo 34 tỉnh, thành phố mới."
        else:
            reform = self._reform_head()
        notes = [render.CAUTION + caution, render.REFORM + reform]
        sources = "; ".join([*plan.sources[:1], self.table.source(year)])
        return "\n".join(lines) + "\n\n" + "\n".join(notes) + f"\n{render.SOURCE}{sources}"

    def _target_lines(self, province: str, results: list[TargetResult]) -> list[str]:
        """A line per target; when they would not fit one message, the dimension targets met share one line
        (the chart and the plan hold the detail)."""
        every = [self._target_line(province, r) for r in results]
        met = [r for r in results if r.met and r.target.dimension is not None]
        if sum(len(line) for line in every) <= LINES_ROOM or len(met) < 2:
            return every
        rest = [line for line, r in zip(every, results, strict=True) if r not in met]
        numbers = ", ".join(str(r.target.dimension) for r in met)
        return [*rest, f"✅ Các chỉ số nội dung đạt mục tiêu: {numbers}"]

    def _target_line(self, province: str, result: TargetResult) -> str:
        target = result.target
        dim = target.dimension
        label = "Tổng điểm" if dim is None else f"Chỉ số {dim} – {SHORT[dim]}"
        if result.checks and result.checks[0].kind == "count":
            label = "Số chỉ số nội dung theo nhóm"
        parts = [self._check_text(c, province, target) for c in result.checks]
        if dim is None and any(c.kind in ("value", "group", "change") for c in result.checks):
            now = self.table.rank(province, target.year)
            prev = self.table.previous(province, target.year)
            before = self.table.rank(prev.province, target.year - 1) if prev is not None else None
            if now:
                parts.append(f"vị trí (tự tính) {now[0]}/{now[1]}" + (f", năm trước {before[0]}/{before[1]}"
                                                                     if before else ""))
        return f"{MARK[result.met]} {label}: " + "; ".join(parts)

    def _check_text(self, check: Check, province: str, target: Target) -> str:
        year = target.year
        if check.kind == "increase" and isinstance(check.wanted, float) and check.actual is None \
                and self.table.get(province, year) is not None and map_size(year - 1) != map_size(year):
            return (f"không tính được mức tăng so với {year - 1} (mục tiêu tăng {render.number(check.wanted)}): "
                    f"năm {year - 1} là điểm riêng của từng tỉnh cũ")
        if check.actual is None and check.kind != "change":
            wanted = render.number(check.wanted) if isinstance(check.wanted, float) else check.wanted
            return f"chưa có dữ liệu để đối chiếu (mục tiêu {wanted})"
        if check.kind == "value":
            assert isinstance(check.actual, float) and isinstance(check.wanted, float)
            sign = "≥" if check.met else "<"
            return (f"{render.number(check.actual)} {sign} mục tiêu {render.number(check.wanted)} "
                    f"({gap(check.actual - check.wanted)})")
        if check.kind == "increase":
            assert isinstance(check.actual, float) and isinstance(check.wanted, float)
            return (f"so với {year - 1}: {signed(check.actual)}, mục tiêu tăng ít nhất "
                    f"{render.number(check.wanted)} ({gap(check.actual - check.wanted)})")
        if check.kind == "group":
            verdict = "đạt" if check.met else "chưa đạt"
            wanted = f"nhóm {check.wanted}" + ("" if check.wanted == GROUPS[0] else " trở lên")
            return f"nhóm (tự tính) {check.actual}, mục tiêu {wanted}: {verdict}"
        if check.kind == "count":
            group = parse_group(target.group or "") or ""
            dims = ", ".join(check.detail) or "không có"
            return (f"{check.actual} chỉ số thuộc nhóm {group} (tự tính: chỉ số {dims}), "
                    f"mục tiêu ít nhất {check.wanted}")
        return self._change_text(province, year)

    def _change_text(self, province: str, year: int) -> str:
        """A target without a figure ("tăng điểm số, tăng thứ hạng") is not judged; the change from the
        year before is shown so people can judge it themselves."""
        row, prev = self.table.get(province, year), self.table.previous(province, year)
        head = "kế hoạch không nêu con số nên Trợ lý không chấm đạt hay chưa đạt"
        if row is None or prev is None or row.total is None or prev.total is None:
            return head + f"; chưa đủ điểm {year - 1} và {year} để tham khảo"
        up = sum(1 for d, v in row.dims.items() if d in prev.dims and v > prev.dims[d])
        return (f"{head}. Tham khảo: tổng điểm {render.number(row.total)} ({signed(row.total - prev.total)} so với "
                f"{year - 1}); {up}/{len(row.dims)} chỉ số nội dung tăng điểm")
