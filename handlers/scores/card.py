"""One province's scores for a year: the score card (total, dimensions, change from the year before, computed
place and group) and the sub-dimension scores beside their medians. A province of the July 2025 map formed from
several former ones shows, from its first 34-province edition, its own scores and then each former province's
own last scores, labelled, never added up or averaged (they are other places on another map)."""

from __future__ import annotations

from content.scores import map_size, map_words
from handlers.core import render
from handlers.core.messages import Choice, Reply
from handlers.scores.lookup import COMPUTED_ALL, ScoreLookup, change, signed


class ScoreCard(ScoreLookup):
    def card(self, province: str, year: int | None = None) -> Reply:
        row, year = self._row(province, year)
        if row is None or year is None:
            return self._missing(province, year)
        t = self.table
        where = f", {map_words(year)}" if map_size(year) == 34 else ""
        lines = [f"Điểm PAPI {year} của {province} (không trọng số{where}):"]
        cited_reason: list[str] = []
        prev = t.previous(province, year)
        if row.total is not None:
            scale = 80 if len(row.dims) == 8 else 60
            lines.append(f"Tổng điểm: {render.number(row.total)}/{scale}")
            if prev and prev.total is not None and len(prev.dims) == len(row.dims):
                lines.append(f"So với {year - 1}: {change(row.total - prev.total)} điểm")
            elif prev and prev.total_6dim is not None and row.total_6dim is not None:
                moved = change(row.total_6dim - prev.total_6dim)
                lines.append(f"So với {year - 1} (tính trên 6 chỉ số chung): {moved} điểm")
            rank, group = t.rank(province, year), t.group(province, year)
            if rank and group:
                lines.append(f"Vị trí (tự tính): {rank[0]}/{rank[1]} tỉnh có điểm; {self.group_words(province, year)}")
        else:
            lines.append("Năm này dữ liệu thiếu một số chỉ số nên không có tổng điểm.")
            reason = self._why_missing(province, year)
            if reason is not None:
                lines.append(f"Ghi chú về kỳ PAPI {year}: {reason[0]}")
                cited_reason = [reason[1]]
        names = self._names_of()
        lines.append("")
        for number, value in sorted(row.dims.items()):
            before = prev.dims.get(number) if prev else None
            moved = f" ({signed(value - before)})" if before is not None else ""
            lines.append(f"{number}. {names.get(number, '')}: {render.number(value)}{moved}")
        former_lines, former_years, former_choices = self._formers(province, year)
        lines += former_lines
        notes = [render.CAUTION + self._computed(year), render.REFORM + self._reform(province)]
        bundled_subs = row.subs and year not in t.editions
        cited = [*cited_reason, t.source(year), *(t.source(y) for y in former_years)]
        cited += [t.map.source] if former_years else []
        sources = "; ".join(dict.fromkeys(cited + ([t.source(year, subs=True)] if bundled_subs else [])))
        if len(row.dims) == 6:
            notes.insert(0, "Trước 2018 PAPI có 6 chỉ số nội dung (thang 6–60), không so trực tiếp với từ 2018.")
        text = "\n".join(lines) + "\n\n" + "\n".join(notes) + f"\n{render.SOURCE}{sources}"
        return Reply(text, (*self.choices(province, year), *former_choices))

    def _formers(self, province: str, year: int) -> tuple[list[str], list[int], list[Choice]]:
        """For a merged province scored on the 34-province map: each former province's last score before 2025,
        on its own line (the lines, the years they come from, a choice per former province)."""
        new = self.table.map.new(province)
        if map_size(year) != 34 or new is None or not new.merged:
            return [], [], []
        lines = ["", f"Trước sắp xếp 2025 (các tỉnh cũ nay thuộc {province}, mỗi tỉnh tính riêng, không cộng "
                     "hay lấy trung bình):"]
        years: list[int] = []
        choices: list[Choice] = []
        for former in new.former:
            row = self._former_latest(former)
            if row is None or row.total is None:
                lines.append(f"• {former} (tỉnh cũ): không có tổng điểm")
                continue
            scale = 80 if len(row.dims) == 8 else 60
            lines.append(f"• {former} (tỉnh cũ) {row.year}: {render.number(row.total)}/{scale}, "
                         f"nhóm (tự tính, 63 tỉnh) {self.table.group(former, row.year)}")
            years.append(row.year)
            choices.append(Choice(f"{former} (cũ) {row.year}", f"/diem {former} {row.year}"))
        lines.append(f"Không so {province} {year} với {year - 1}: năm {year - 1} là điểm riêng của từng tỉnh cũ.")
        return lines, years, choices

    def group_words(self, province: str, year: int) -> str:
        """'thuộc nhóm Cao (tự tính)', with a caution next to a group boundary."""
        group = self.table.group(province, year)
        near = self.table.near_boundary(province, year)
        edge = " (sát ranh giới nhóm: nhóm PAPI công bố có thể khác)" if near else ""
        return f"thuộc nhóm {group} (tự tính){edge}"

    def group_of(self, province: str, year: int | None) -> Reply:
        """'Hà Tĩnh 2023 thuộc nhóm nào': the group first, then the card."""
        row, year = self._row(province, year)
        if row is None or year is None or row.total is None:
            return self.card(province, year)
        card = self.card(province, year)
        head = f"PAPI {year}: {province} {self.group_words(province, year)}, tổng điểm {render.number(row.total)}."
        return Reply(f"{head}\n\n{card.text}", card.choices)

    def subs(self, province: str, year: int | None = None, dimension: int | None = None) -> Reply:
        """Sub-dimension scores (2022 and 2023 only) beside their medians; one dimension when asked."""
        year = year or self._latest(province, need_subs=True)
        row = self.table.get(province, year) if year else None
        if row is None or year is None or not row.dims:
            return self._missing(province, year)
        t = self.table
        names = self._names_of()
        lines = [f"Điểm PAPI {year} của {province} theo nội dung thành phần:"]
        if not row.subs:
            lines[0] = f"Điểm PAPI {year} của {province}:"
            held = [str(y) for y in t.years if any(r.subs for r in t.scored(y))]
            listed = " và ".join(filter(None, (", ".join(held[:-1]), held[-1]))) if held else "năm nào"
            lines.append(f"Dữ liệu chỉ có điểm nội dung thành phần cho {listed}.")
        for dim in sorted(row.dims):
            if dimension is not None and dim != dimension:
                continue
            value, median = row.dims[dim], t.median(year, dim)
            group = t.group(province, year, dim)
            extra = f"; nhóm {group}" if group else ""
            lines.append(f"\nChỉ số {dim} – {names.get(dim, '')}: {render.number(value)} (trung vị "
                         f"{render.number(median or 0)}{extra})")
            for code in sorted(c for c in row.subs if c.startswith(f"{dim}.")):
                sub_median = t.sub_median(year, code)
                lines.append(f"  {code} {t.sub_names.get(code, '')}: {render.number(row.subs[code])} "
                             f"(trung vị {render.number(sub_median or 0)})")
            if dim == 5 and row.subs:
                lines.append("  (Bảng điểm gốc không có nội dung thành phần 5.2.)")
        if dimension is not None and dimension not in row.dims:
            lines.append(f"\nNăm {year} {province} không có điểm chỉ số nội dung {dimension}.")
        source = t.source(year, subs=bool(row.subs))
        notes = render.CAUTION + self._computed(year, COMPUTED_ALL) + f"\n{render.SOURCE}{source}"
        # without sub-dimension scores that year, a question about them is answered with what there is instead
        text = "\n".join(lines) + "\n\n" + notes
        return Reply(text, self.choices(province, year), kind="answer" if row.subs else "decline")
