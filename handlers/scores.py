"""Score questions answered from the data files: "điểm PAPI của Kon Tum năm 2023"."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from content.loader import KnowledgeBase
from content.normalize import normalize
from content.scores import SOURCE_SUB, SOURCE_YEAR
from handlers import render
from handlers.messages import Choice, Reply

_YEAR = re.compile(r"\b(20[0-9]{2})\b")
SCORE_WORDS = ("diem", "xep hang", "thu hang", "ket qua papi", "nhom", "dung thu", "hang may")
PLAN_WORDS = ("ke hoach", "muc tieu", "chi tieu", "nhiem vu")
COMPUTED = (
    "Thứ hạng và nhóm do Trợ lý PAPI tự tính từ tổng điểm các tỉnh có điểm năm đó "
    "(PAPI công bố nhóm, không công bố thứ hạng)."
)
REFORM = (
    "Điểm PAPI đến năm 2024 tính theo 63 tỉnh trước sắp xếp. Từ 1/7/2025 cả nước còn 34 tỉnh, thành phố; "
    "chưa có điểm PAPI nào tính theo tỉnh mới."
)


class Scores:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.table = kb.scores
        names: dict[str, str] = {normalize(p): p for p in self.table.provinces}
        for alias in kb.provinces:
            for a in alias.aliases:
                names.setdefault(normalize(a), alias.name)
        self._names = names
        self._keys = sorted(names, key=len, reverse=True)
        self._mergers = {
            normalize(f): m for m in kb.papi.mergers for f in (m.new_name, *m.former)
        }

    def province(self, text: str) -> str | None:
        """The province named in the text: an exact (normalised) name or alias first, then a close one."""
        norm = f" {normalize(text)} "
        for key in self._keys:
            if f" {key} " in norm:
                return self._names[key]
        found = process.extractOne(
            norm, self._keys, scorer=fuzz.partial_ratio, score_cutoff=90, processor=None
        )
        return self._names[found[0]] if found and len(found[0]) >= 5 else None

    def wants(self, text: str) -> bool:
        norm = normalize(text)
        if any(w in norm for w in PLAN_WORDS):
            return False
        return self.province(text) is not None and (
            any(w in norm for w in SCORE_WORDS) or _YEAR.search(norm) is not None
        )

    def answer(self, text: str) -> Reply:
        province = self.province(text)
        if province is None:
            return self.ask()
        match = _YEAR.search(normalize(text))
        latest = max(y for (p, y), r in self.table.rows.items() if p == province and r.dims)
        year = int(match.group(1)) if match else latest
        row = self.table.get(province, year)
        if row is None or not row.dims:
            years = f"{self.table.years[0]}–{self.table.years[-1]}"
            reason = "không có điểm trong dữ liệu PAPI" if row is not None else f"ngoài các năm có dữ liệu ({years})"
            text_out = f"{province} năm {year} {reason}."
            if year > self.table.years[-1]:
                text_out += "\n\n" + render.REFORM + REFORM
            return Reply(text_out + f"\n\n{render.SOURCE}{SOURCE_YEAR}", (self._choice(province, latest),))
        return Reply(self._card(province, year))

    def ask(self) -> Reply:
        latest = self.table.years[-1]
        sample = ("Đồng Tháp", "Hà Tĩnh", "Khánh Hòa", "Trà Vinh", "Kon Tum")
        return Reply(
            f"Bạn muốn xem điểm PAPI của tỉnh nào, năm nào? Ví dụ: \"điểm PAPI Kon Tum 2023\". Dữ liệu có từ "
            f"{self.table.years[0]} đến {latest}.",
            tuple(self._choice(p, latest) for p in sample),
        )

    @staticmethod
    def _choice(province: str, year: int) -> Choice:
        return Choice(f"{province} {year}", f"điểm PAPI {province} {year}")

    def _card(self, province: str, year: int) -> str:
        t = self.table
        row = t.get(province, year)
        assert row is not None
        lines = [f"Điểm PAPI {year} của {province} (không trọng số):"]
        if row.total is not None:
            scale = 80 if len(row.dims) == 8 else 60
            lines.append(f"Tổng điểm: {render.number(row.total)}/{scale}")
            prev = t.get(province, year - 1)
            if prev and prev.total is not None and len(prev.dims) == len(row.dims):
                delta = row.total - prev.total
                lines.append(f"So với {year - 1}: {'+' if delta >= 0 else ''}{render.number(delta)} điểm")
            rank, group = t.rank(province, year), t.group(province, year)
            if rank and group:
                lines.append(f"Vị trí (tự tính): {rank[0]}/{rank[1]} tỉnh có điểm; nhóm (tự tính): {group}")
        else:
            lines.append("Năm này dữ liệu thiếu một số chỉ số nên không có tổng điểm.")
        names = {d.number: d.name_vi for d in self.kb.papi.dimensions}
        lines.append("")
        for number, value in sorted(row.dims.items()):
            lines.append(f"{number}. {names.get(number, '')}: {render.number(value)}")
        notes = [render.CAUTION + COMPUTED, render.REFORM + self._reform(province)]
        sources = SOURCE_YEAR + (f"; {SOURCE_SUB}" if row.subs else "")
        if len(row.dims) == 6:
            notes.insert(0, "Trước 2018 PAPI có 6 chỉ số nội dung (thang 6–60), không so trực tiếp với từ 2018.")
        return "\n".join(lines) + "\n\n" + "\n".join(notes) + f"\n{render.SOURCE}{sources}"

    def _reform(self, province: str) -> str:
        merger = self._mergers.get(normalize(province))
        if merger is None:
            return REFORM
        note = f" Theo sắp xếp 2025: {merger.new_name} gồm {', '.join(merger.former)}."
        return REFORM + note + (f" ({merger.caution})" if merger.caution else "")
