"""Score questions answered from the data files: "điểm PAPI của Kon Tum năm 2023", "so sánh Đồng Tháp và
Khánh Hòa", "Đồng Tháp có đạt mục tiêu PAPI 2024 không", "biểu đồ radar Kon Tum 2023".

Every figure comes from the score table; ranks, groups and medians are computed and say so. Choices under
an answer are `/diem …` commands, so they route back here from any channel, in groups too.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from content.loader import KnowledgeBase
from content.models import Plan, ProvinceMerger, Target
from content.normalize import normalize, strip_diacritics
from content.scores import (
    GROUPS,
    SOURCE_SUB,
    SOURCE_YEAR,
    Check,
    ProvinceYear,
    TargetResult,
    assess,
    parse_group,
)
from handlers import charts, render
from handlers.charts import SHORT
from handlers.documents import choice
from handlers.messages import Choice, Reply

_YEAR = re.compile(r"\b(20[0-9]{2})\b")
_DIM = re.compile(r"\b(?:chi so|noi dung|linh vuc)(?: noi dung| thanh phan)?(?: so)? ([1-8])\b|\bd([1-8])\b")
# A verdict on a plan: "có đạt", "đạt chưa", "so với mục tiêu"… ("đặt mục tiêu", to set one, is excluded
# before normalising, since both lose their diacritics to "dat").
_VERDICT = re.compile(
    r"\b(?:co|da|khong|chua) dat\b|\bdat (?:chua|khong|duoc|muc tieu|chi tieu|ke hoach)\b"
    r"|\b(?:so voi|hoan thanh|vuot) (?:muc tieu|chi tieu|ke hoach)\b|\bdoi chieu\b|\bket qua papi\b"
)
SCORE_WORDS = ("diem", "xep hang", "thu hang", "ket qua papi", "nhom", "dung thu", "hang may")
PLAN_WORDS = ("ke hoach", "muc tieu", "chi tieu", "nhiem vu", "muon", "phan dau")
# Questions about reporting on or acting upon results, not about the results: they belong to search even with a
# province and a year ("Đồng Tháp báo cáo PAPI 2024 gửi ai", "Kon Tum làm gì để tăng điểm").
OTHER_WORDS = ("bao cao", "tuyen truyen", "gui ai", "han nao", "truoc ngay", "ve dau", "lam gi", "lam the nao",
               "giai phap", "cai thien")
RADAR_WORDS = ("radar", "bieu do", "mang nhen")
TREND_WORDS = ("qua cac nam", "cac nam", "theo nam", "xu huong", "nhieu nam", "tung nam")
MEDIAN_WORDS = ("trung vi", "ca nuoc", "toan quoc", "trung binh chung", "so voi trung binh", "cac tinh khac")
STRENGTH_WORDS = ("manh nhat", "yeu nhat", "diem manh", "diem yeu", "manh yeu", "kem nhat", "chi so nao")
SUB_WORDS = ("thanh phan", "chi tiet")
COMPARE_WORDS = ("so sanh",)
MERGER_WORDS = ("sap nhap", "sap xep", "hop nhat", "tinh moi", "thanh pho moi")
TRIGGERS = SCORE_WORDS + RADAR_WORDS + TREND_WORDS + MEDIAN_WORDS + STRENGTH_WORDS + MERGER_WORDS + COMPARE_WORDS
COMPUTED = (
    "Thứ hạng và nhóm do Trợ lý PAPI tự tính từ tổng điểm các tỉnh có điểm năm đó "
    "(PAPI công bố nhóm, không công bố thứ hạng)."
)
COMPUTED_ALL = (
    "Vị trí, nhóm và trung vị do Trợ lý PAPI tự tính từ các tỉnh có điểm năm đó, theo quy tắc tứ phân vị PAPI "
    "công bố (PAPI công bố nhóm, không công bố thứ hạng); tỉnh sát ranh giới nhóm nên xem là chưa chắc chắn."
)
REFORM = (
    "Điểm PAPI đến năm 2024 tính theo 63 tỉnh trước sắp xếp. Từ 1/7/2025 cả nước còn 34 tỉnh, thành phố; "
    "chưa có điểm PAPI nào tính theo tỉnh mới."
)
MARK = {True: "✅", False: "❌", None: "ℹ️"}


@dataclass(frozen=True)
class Question:
    norm: str
    provinces: tuple[str, ...]
    year: int | None
    dimension: int | None

    def has(self, words: tuple[str, ...]) -> bool:
        padded = f" {self.norm} "
        return any(f" {w} " in padded for w in words)


def signed(value: float) -> str:
    return ("+" if value >= 0 else "") + render.number(value)


def gap(diff: float) -> str:
    """'vượt 0,43' / 'thiếu 0,02'; three decimals when two would show a miss as 0,00."""
    digits = 2 if abs(diff) >= 0.005 or diff == 0 else 3
    return f"{'vượt' if diff >= 0 else 'thiếu'} {render.number(abs(diff), digits)}"


def slug(*parts: object) -> str:
    return "-".join(re.sub(r"[^a-z0-9]+", "-", strip_diacritics(str(p))).strip("-") for p in parts)


def _words(kb: KnowledgeBase) -> frozenset[str]:
    """Every word the knowledge base uses, to tell a misspelt province name from ordinary words. (Marks are
    dropped in one pass over all the text: strip_diacritics goes letter by letter, too slow for this much.)"""
    dumps = [kb.papi.model_dump_json(), kb.disclosure.model_dump_json()]
    dumps += [p.model_dump_json() for p in kb.plans] + [f.model_dump_json() for f in kb.faq]
    text = unicodedata.normalize("NFD", " ".join(dumps).lower().replace("đ", "d"))
    return frozenset(re.findall(r"[a-z0-9]+", text.encode("ascii", "ignore").decode()))


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
        self._long_keys = [k for k in self._keys if len(k) >= 5]  # "hn", "hue": too short to guess from a typo
        self._vocab = _words(kb)
        self._mergers: dict[str, ProvinceMerger] = {
            normalize(f): m for m in kb.papi.mergers for f in (m.new_name, *m.former)
        }
        self._launched = {e.year: e.launched for e in kb.papi.editions}

    # --- understanding the question -------------------------------------------------------------

    def provinces(self, text: str) -> list[str]:
        """Every province named, in the order written: exact (normalised) names and aliases, longest first
        so "Thừa Thiên Huế" is not also read as "Huế"; a close match only when nothing matched exactly."""
        norm = f" {normalize(text)} "
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, str]] = []
        for key in self._keys:
            start = 0
            while (i := norm.find(f" {key} ", start)) >= 0:
                span = (i + 1, i + 1 + len(key))
                if not any(a < span[1] and span[0] < b for a, b in taken):
                    taken.append(span)
                    found.append((i, self._names[key]))
                start = i + 1
        if not found:
            close = self._close(norm.split())
            return [close] if close else []
        return list(dict.fromkeys(name for _, name in sorted(found)))

    def _close(self, words: list[str]) -> str | None:
        """A misspelt name ("dong thapp", "dongthap"): whole words of the text, one more or fewer than the
        name has, compared with the whole name. Comparing within words instead would read "tiếp cận
        thông tin" as Cần Thơ. Short names need a closer match, since one letter changes more of them."""
        best: tuple[float, str] | None = None
        for size in range(1, 5):
            for i in range(len(words) - size + 1):
                if all(w in self._vocab for w in words[i : i + size]):
                    continue  # real words, not a typo: "sao bảng" is not Cao Bằng, "làm đường" not Lâm Đồng
                window = " ".join(words[i : i + size])
                hit = process.extractOne(window, self._long_keys, scorer=fuzz.ratio, score_cutoff=85, processor=None)
                if hit is None or abs(hit[0].count(" ") + 1 - size) > 1:
                    continue
                if (hit[1] >= 90 or len(hit[0]) >= 8) and (best is None or hit[1] > best[0]):
                    best = (hit[1], hit[0])
        return self._names[best[1]] if best else None

    def province(self, text: str) -> str | None:
        found = self.provinces(text)
        return found[0] if found else None

    def parse(self, text: str) -> Question:
        # "địa điểm" (a place) is not "điểm" (a score): "địa điểm tiếp dân ở Kon Tum" belongs to search
        norm = normalize(text).replace("dia diem", "dia_diem")
        year = _YEAR.search(norm)
        dim = _DIM.search(norm)
        return Question(
            norm,
            tuple(self.provinces(text)),
            int(year.group(1)) if year else None,
            int(dim.group(1) or dim.group(2)) if dim else None,
        )

    @staticmethod
    def asks_verdict(text: str) -> bool:
        lowered = unicodedata.normalize("NFC", text).lower().replace("đặt", "thiết lập")
        return _VERDICT.search(normalize(lowered)) is not None

    def wants(self, text: str) -> bool:
        """Score questions with a province; plan questions only when they ask whether targets were met,
        so "kế hoạch của Đồng Tháp" still goes to search."""
        q = self.parse(text)
        if not q.provinces:
            return False
        if q.has(PLAN_WORDS):
            return self.asks_verdict(text)
        if q.has(OTHER_WORDS) and not q.has(RADAR_WORDS):
            return False
        return q.has(TRIGGERS) or q.year is not None or self._new_name(q)

    def _new_name(self, q: Question) -> bool:
        """'Đồng Tháp mới': the province formed in 2025, not the former one of the same name."""
        return any(f"{normalize(p)} moi" in q.norm and "moi nhat" not in q.norm for p in q.provinces)

    # --- answering --------------------------------------------------------------------------------

    async def respond(self, text: str) -> Reply:
        """`answer` off the event loop: a chart takes about 0.2 s to draw (0.7 s the first time), which
        would hold up every other conversation."""
        return await asyncio.to_thread(self.answer, text)

    def answer(self, text: str) -> Reply:
        q = self.parse(text)
        if not q.provinces:
            return self.ask()
        province = q.provinces[0]
        last = self.table.years[-1]
        if q.has(PLAN_WORDS):
            return self.targets(province, q.year)
        if q.has(MERGER_WORDS) or self._new_name(q) or (q.year is not None and q.year > last):
            return self.merger(province, q.year)
        if q.has(RADAR_WORDS) and not q.has(TREND_WORDS):
            return self.radar(province, q.year)
        if q.has(TREND_WORDS):
            return self.trend(province)
        if len(q.provinces) > 1:
            return self.pair(q.provinces[0], q.provinces[1], q.year)
        if q.has(MEDIAN_WORDS) or q.has(STRENGTH_WORDS) or q.has(COMPARE_WORDS):
            return self.versus_median(province, q.year)
        if q.has(SUB_WORDS) or q.dimension is not None:
            return self.subs(province, q.year, q.dimension)
        return self.card(province, q.year)

    def ask(self) -> Reply:
        latest = self.table.years[-1]
        sample = ("Đồng Tháp", "Hà Tĩnh", "Khánh Hòa", "Trà Vinh", "Kon Tum")
        return Reply(
            f"Bạn muốn xem điểm PAPI của tỉnh nào, năm nào? Ví dụ: \"điểm PAPI Kon Tum 2023\", \"so sánh Đồng Tháp "
            f"và Khánh Hòa 2023\", \"Đồng Tháp có đạt mục tiêu PAPI 2024 không\", \"biểu đồ radar Kon Tum 2023\". "
            f"Dữ liệu có từ {self.table.years[0]} đến {latest}.",
            tuple(Choice(f"{p} {latest}", f"/diem {p} {latest}") for p in sample),
        )

    def _latest(self, province: str, need_subs: bool = False) -> int | None:
        years = self.table.years_of(province)
        if need_subs:
            years = [y for y in years if (row := self.table.get(province, y)) is not None and row.subs]
        return years[-1] if years else None

    def _row(self, province: str, year: int | None) -> tuple[ProvinceYear | None, int | None]:
        year = year or self._latest(province)
        row = self.table.get(province, year) if year else None
        return (row if row is not None and row.dims else None), year

    def _missing(self, province: str, year: int | None) -> Reply:
        latest = self._latest(province)
        span = f"{self.table.years[0]}–{self.table.years[-1]}"
        if year is not None and self.table.years[0] <= year <= self.table.years[-1]:
            text = f"{province} năm {year} không có điểm trong dữ liệu PAPI."
        else:
            text = f"{province} năm {year} ngoài các năm có dữ liệu ({span})."
        text += "\n\n" + render.REFORM + self._reform(province) + f"\n{render.SOURCE}{SOURCE_YEAR}"
        return Reply(text, (Choice(f"{province} {latest}", f"/diem {province} {latest}"),) if latest else ())

    def _names_of(self) -> dict[int, str]:
        return {d.number: d.name_vi for d in self.kb.papi.dimensions}

    def _plans(self, province: str) -> list[Plan]:
        """Provincial plans of the province with targets: PAPI scores provinces, so a district's or a
        commune's own targets cannot be checked against them."""
        return [p for p in self.kb.plans if p.level == "province" and p.province == province and p.targets]

    def choices(self, province: str, year: int) -> tuple[Choice, ...]:
        row = self.table.get(province, year)
        out = [
            Choice("Tổng điểm qua các năm", f"/diem {province} qua các năm"),
            Choice("So với trung vị cả nước", f"/diem {province} {year} trung vị"),
        ]
        if row is not None and len(row.dims) == (8 if year >= 2018 else 6):  # a radar needs every axis
            out.insert(0, Choice(f"Biểu đồ radar {len(row.dims)} chỉ số", f"/diem {province} {year} radar"))
        if row is not None and row.subs:
            out.append(Choice("Nội dung thành phần", f"/diem {province} {year} thành phần"))
        for plan in self._plans(province):
            target_year = plan.targets[0].year
            out.append(Choice(f"Đối chiếu mục tiêu PAPI {target_year}", f"/diem {province} {target_year} mục tiêu"))
        return tuple(out)

    def card(self, province: str, year: int | None = None) -> Reply:
        row, year = self._row(province, year)
        if row is None or year is None:
            return self._missing(province, year)
        t = self.table
        lines = [f"Điểm PAPI {year} của {province} (không trọng số):"]
        prev = t.get(province, year - 1)
        if row.total is not None:
            scale = 80 if len(row.dims) == 8 else 60
            lines.append(f"Tổng điểm: {render.number(row.total)}/{scale}")
            if prev and prev.total is not None and len(prev.dims) == len(row.dims):
                lines.append(f"So với {year - 1}: {signed(row.total - prev.total)} điểm")
            elif prev and prev.total_6dim is not None and row.total_6dim is not None:
                change = signed(row.total_6dim - prev.total_6dim)
                lines.append(f"So với {year - 1} (tính trên 6 chỉ số chung): {change} điểm")
            rank, group = t.rank(province, year), t.group(province, year)
            if rank and group:
                lines.append(f"Vị trí (tự tính): {rank[0]}/{rank[1]} tỉnh có điểm; nhóm (tự tính): {group}")
        else:
            lines.append("Năm này dữ liệu thiếu một số chỉ số nên không có tổng điểm.")
        names = self._names_of()
        lines.append("")
        for number, value in sorted(row.dims.items()):
            before = prev.dims.get(number) if prev else None
            change = f" ({signed(value - before)})" if before is not None else ""
            lines.append(f"{number}. {names.get(number, '')}: {render.number(value)}{change}")
        notes = [render.CAUTION + COMPUTED, render.REFORM + self._reform(province)]
        sources = SOURCE_YEAR + (f"; {SOURCE_SUB}" if row.subs else "")
        if len(row.dims) == 6:
            notes.insert(0, "Trước 2018 PAPI có 6 chỉ số nội dung (thang 6–60), không so trực tiếp với từ 2018.")
        text = "\n".join(lines) + "\n\n" + "\n".join(notes) + f"\n{render.SOURCE}{sources}"
        return Reply(text, self.choices(province, year))

    def _reform(self, province: str) -> str:
        merger = self._mergers.get(normalize(province))
        if merger is None:
            return REFORM
        note = f" Theo sắp xếp 2025: {merger.new_name} gồm {', '.join(merger.former)}."
        return REFORM + note + (f" ({merger.caution})" if merger.caution else "")

    # --- comparisons ----------------------------------------------------------------------------

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
        notes = render.CAUTION + COMPUTED_ALL + f"\n{render.SOURCE}{SOURCE_YEAR}"
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
        notes = render.CAUTION + COMPUTED_ALL + f"\n{render.SOURCE}{SOURCE_YEAR}"
        choices = (
            Choice(f"Điểm {first} {year}", f"/diem {first} {year}"),
            Choice(f"Điểm {second} {year}", f"/diem {second} {year}"),
        )
        return Reply("\n".join(lines) + "\n\n" + notes, choices)

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
            lines.append("Dữ liệu chỉ có điểm nội dung thành phần cho 2022 và 2023.")
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
        sources = SOURCE_SUB if row.subs else SOURCE_YEAR
        notes = render.CAUTION + COMPUTED_ALL + f"\n{render.SOURCE}{sources}"
        return Reply("\n".join(lines) + "\n\n" + notes, self.choices(province, year))

    def merger(self, province: str, year: int | None) -> Reply:
        """The 2025 merger: the province people name may be gone, or a new one PAPI has not scored yet."""
        m = self._mergers.get(normalize(province))
        when = f" năm {year}" if year else ""
        if m is None:
            text = (f"PAPI chưa có điểm{when} cho {province} sau sắp xếp 2025. "
                    f"Dữ liệu có từ {self.table.years[0]} đến {self.table.years[-1]}.")
            text += "\n\n" + render.REFORM + REFORM + f"\n{render.SOURCE}{SOURCE_YEAR}"
            latest = self._latest(province)
            return Reply(text, (Choice(f"{province} {latest}", f"/diem {province} {latest}"),) if latest else ())
        others = [f for f in m.former if f != m.new_name]
        if province == m.new_name:
            head = (f"Từ 1/7/2025, tỉnh {m.new_name} mới gồm {', '.join(m.former)}. PAPI chưa có điểm{when} cho "
                    f"tỉnh mới: điểm đến 2024 vẫn tính riêng cho từng tỉnh cũ.")
        else:
            head = (f"Từ 1/7/2025, {province} không còn là tỉnh riêng: {', '.join(m.former)} hợp thành tỉnh "
                    f"{m.new_name}. PAPI chưa có điểm{when} cho tỉnh mới.")
        lines = [head, "", "Điểm gần nhất của các tỉnh cũ:"]
        choices: list[Choice] = []
        for former in m.former:
            latest = self._latest(former)
            row = self.table.get(former, latest) if latest else None
            if row is None or latest is None or row.total is None:
                continue
            group = self.table.group(former, latest)
            lines.append(f"• {former} {latest}: {render.number(row.total)} điểm, nhóm (tự tính) {group}")
            choices.append(Choice(f"{former} {latest}", f"/diem {former} {latest}"))
        if len(m.former) == 2:
            choices.append(Choice(f"So sánh {m.former[0]} và {m.former[1]}", f"/diem {m.former[0]} {m.former[1]}"))
        notes = [render.CAUTION + (m.caution or "") + (f" {COMPUTED}" if others else ""), render.REFORM + REFORM]
        sources = "; ".join([*m.sources, SOURCE_YEAR])
        text = "\n".join(lines) + "\n\n" + "\n".join(notes) + f"\n{render.SOURCE}{sources}"
        return Reply(text, tuple(choices))

    # --- plan targets against results ----------------------------------------------------------

    def targets(self, province: str, year: int | None) -> Reply:
        plans = self._plans(province)
        chosen = [p for p in plans if year is None or any(t.year == year for t in p.targets)]
        if not chosen:
            return self._no_targets(province, year, plans)
        plan = chosen[-1]
        target_year = year or max(t.year for t in plan.targets)
        results = [assess(self.table, province, t) for t in plan.targets if t.year == target_year]
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
        return Reply(text, tuple(choices))

    def _target_text(self, plan: Plan, province: str, year: int, results: list[TargetResult]) -> str:
        launched = self._launched.get(year)
        published = f", công bố {launched:%d/%m/%Y}" if launched else ""
        label = f"{plan.number or '(không ghi số)'} của {plan.issuer}"
        lines = [f"Mục tiêu PAPI {year} trong Kế hoạch {label} so với kết quả PAPI {year}{published}:"]
        row = self.table.get(province, year)
        if row is None or not row.dims:
            lines.append(f"Chưa có kết quả PAPI {year} cho {province} trong dữ liệu, nên chưa đối chiếu được.")
            lines += [f"• {r.target.text}" for r in results]
        else:
            lines += ["", *(self._target_line(province, r) for r in results)]
            judged = [r.met for r in results if r.met is not None]
            if judged:
                lines += ["", f"Kết quả: đạt {sum(judged)}/{len(judged)} mục tiêu có thể đối chiếu."]
        caution = COMPUTED_ALL
        if any(c.kind in ("value", "increase") for r in results for c in r.checks):
            caution += " Mục tiêu ghi 2 chữ số thập phân; Trợ lý so với điểm chưa làm tròn."
        reform = f"Kết quả PAPI {year} vẫn tính theo 63 tỉnh cũ." if year <= 2024 else REFORM
        notes = [render.CAUTION + caution, render.REFORM + reform]
        sources = f"{plan.sources[0]}; {SOURCE_YEAR}"
        return "\n".join(lines) + "\n\n" + "\n".join(notes) + f"\n{render.SOURCE}{sources}"

    def _target_line(self, province: str, result: TargetResult) -> str:
        target = result.target
        dim = target.dimension
        label = "Tổng điểm" if dim is None else f"Chỉ số {dim} – {SHORT[dim]}"
        if result.checks and result.checks[0].kind == "count":
            label = "Số chỉ số nội dung theo nhóm"
        parts = [self._check_text(c, province, target) for c in result.checks]
        if dim is None and any(c.kind in ("value", "group", "change") for c in result.checks):
            now, before = self.table.rank(province, target.year), self.table.rank(province, target.year - 1)
            if now:
                parts.append(f"vị trí (tự tính) {now[0]}/{now[1]}" + (f", năm trước {before[0]}/{before[1]}"
                                                                     if before else ""))
        return f"{MARK[result.met]} {label}: " + "; ".join(parts)

    def _check_text(self, check: Check, province: str, target: Target) -> str:
        year = target.year
        if check.actual is None and check.kind != "change":
            return f"chưa có dữ liệu để đối chiếu (mục tiêu {check.wanted})"
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
        row, prev = self.table.get(province, year), self.table.get(province, year - 1)
        head = "kế hoạch không nêu con số nên Trợ lý không chấm đạt hay chưa đạt"
        if row is None or prev is None or row.total is None or prev.total is None:
            return head + f"; chưa đủ điểm {year - 1} và {year} để tham khảo"
        up = sum(1 for d, v in row.dims.items() if d in prev.dims and v > prev.dims[d])
        return (f"{head}. Tham khảo: tổng điểm {render.number(row.total)} ({signed(row.total - prev.total)} so với "
                f"{year - 1}); {up}/{len(row.dims)} chỉ số nội dung tăng điểm")

    # --- charts -----------------------------------------------------------------------------------

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
        png = charts.province_radar(self.table, row, plans)
        with_plan = "".join(f" và chỉ tiêu của Kế hoạch {p.number or ''} ({p.issuer})".replace("  ", " ")
                            for p in plans)
        lines = [f"Biểu đồ radar PAPI {year} của {province}: điểm {len(row.dims)} chỉ số nội dung so với trung vị "
                 f"cả nước (tự tính){with_plan}."]
        lines += [f"{d}. {SHORT[d]}: {render.number(v)}" for d, v in sorted(row.dims.items())]
        text = "\n".join(lines) + f"\n{render.SOURCE}{SOURCE_YEAR}"
        choices = (Choice("Tổng điểm qua các năm", f"/diem {province} qua các năm"),
                   Choice(f"Điểm {province} {year}", f"/diem {province} {year}"))
        return Reply(text, choices, image=png, image_name=f"radar-{slug(province, year)}.png")

    def trend(self, province: str) -> Reply:
        t = self.table
        rows = {y: r for y in t.years if (r := t.get(province, y)) is not None and r.dims}
        if not rows:
            return self._missing(province, None)
        png = charts.province_trend(t, province, self._plans(province))
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
        return Reply(text, choices, image=png, image_name=f"xu-huong-{slug(province)}.png")
