"""Score questions answered from the data files: "điểm PAPI của Kon Tum năm 2023", "so sánh Đồng Tháp và
Khánh Hòa", "Đồng Tháp có đạt mục tiêu PAPI 2024 không", "biểu đồ radar Kon Tum 2023".

Every figure comes from the score table; ranks, groups and medians are computed and say so. Choices under
an answer are `/diem …` commands, so they route back here from any channel, in groups too.

This module reads the question and routes it; each kind of answer is in its own module: score_card (a
province's scores and sub-dimensions), score_comparisons (against the median, two provinces), score_targets
(plan against results), positions (places moved, a place within a region), score_merger (the 2025 mergers),
score_charts (radar and totals over the years),
all over score_lookup. Province names are matched in province_names, question words in score_questions.

The scores answered from are the bundled ones merged with the editions imported into the database (`python -m
bot scores import`, in another process); each question first asks the database whether that changed.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from content.loader import KnowledgeBase
from content.normalize import normalize
from content.scores import Edition, edition_rows
from handlers.core.context import VIETNAM
from handlers.core.messages import Choice, Reply
from handlers.plans.active import LoadedPlans
from handlers.scores import questions as score_questions
from handlers.scores.charts import ScoreCharts
from handlers.scores.comparisons import Comparisons
from handlers.scores.merger import Mergers
from handlers.scores.national import National, asks_count, asks_launch, asks_national
from handlers.scores.positions import Positions
from handlers.scores.province_names import names_for
from handlers.scores.questions import (
    COMPARE_WORDS,
    GROUP_WORDS,
    MEDIAN_WORDS,
    MERGER_WORDS,
    NEED_WORDS,
    PLAN_WORDS,
    RADAR_WORDS,
    STRENGTH_WORDS,
    SUB_WORDS,
    TREND_WORDS,
    Question,
    asks_move,
    asks_region,
)
from handlers.scores.rankings import Rankings, asks_ranking
from handlers.scores.targets import PlanResults
from storage import editions
from storage.db import Database


class Scores(Comparisons, PlanResults, Mergers, Positions, ScoreCharts, Rankings, National):
    def __init__(self, kb: KnowledgeBase, db: Database | None = None, zone: ZoneInfo = VIETNAM,
                 loaded: LoadedPlans | None = None) -> None:
        super().__init__(kb)
        self.db = db
        self.zone = zone
        self.loaded = loaded or LoadedPlans(kb)
        self._seen: tuple[object, ...] | None = None  # the editions' signature the table was built from
        self.names = names_for(kb)
        # sub-dimensions by name, longest first: "điểm tri thức công dân Hà Tĩnh 2023" asks for 1.1
        self._sub_names = [(normalize(s.name_vi), s.code) for d in kb.papi.dimensions for s in d.subdimensions]

    # --- understanding the question -------------------------------------------------------------

    def provinces(self, text: str) -> list[str]:
        return self.names.find(text)

    def province(self, text: str) -> str | None:
        found = self.provinces(text)
        return found[0] if found else None

    def parse(self, text: str) -> Question:
        return score_questions.parse(text, self.provinces)

    asks_verdict = staticmethod(score_questions.asks_verdict)

    def wants(self, text: str) -> bool:
        q = self.parse(text)
        return score_questions.wants(q, text) or (not q.provinces and _national(q) is not None)

    # --- answering --------------------------------------------------------------------------------

    async def respond(self, text: str) -> Reply:
        """The answer (a few milliseconds); a chart in it is drawn by the router's worker process."""
        await self.refresh()
        return self.answer(text)

    async def refresh(self) -> None:
        """Take up editions imported since the last question, and the plans loaded or published since.

        Checked on every score question rather than on a timer: the check is one aggregate over a table of a
        few rows (tens of microseconds on SQLite, one round trip on PostgreSQL), small beside the answer
        itself, and an operator who imports a file and asks at once gets the new edition, never one a minute
        old. The table is rebuilt only when the signature changed, i.e. once per import."""
        if self.db is None:
            return
        mark = await editions.signature(self.db)
        if mark != self._seen:
            stored = await editions.current(self.db)
            loaded = [Edition(s.year, s.version, s.source_name, s.source_sha256,
                              s.created_at.astimezone(self.zone).date(), *edition_rows(s.year, s.body))
                      for s in stored]
            self.table = self.kb.scores.with_editions(loaded)
            self._seen = mark
        self.plans = (await self.loaded.every(self.db)).plans

    def answer(self, text: str) -> Reply:
        q = self.parse(text)
        if not q.provinces:
            kind = _national(q)
            if kind == "launch" and q.year is not None:
                return self.launch(q.year)
            if kind == "count":
                return self.scored_count(q.year)
            if kind == "ranking":
                return self.ranking(q.norm, q.year, q.dimension)
            return self.national_median(q.year, q.dimension) if kind == "median" else self.ask()
        province = q.provinces[0]
        last = self.table.years[-1]
        if q.has(PLAN_WORDS) or q.has(NEED_WORDS):
            one = q.has(NEED_WORDS) and not self.asks_verdict(text)
            return self.targets(province, q.year, q.dimension, one)
        if q.has(MERGER_WORDS) or score_questions.new_name(q) or (q.year is not None and q.year > last):
            return self.merger(province, q.year)
        provinces = [self._on_map(p, q.year) for p in q.provinces]
        province = provinces[0]
        if asks_region(q.norm):
            return self.in_region(province, q.year)
        if asks_move(q.norm):
            return self.moved(province, q.year)
        if q.has(RADAR_WORDS) and not q.has(TREND_WORDS):
            return self.radar(province, q.year)
        if q.has(TREND_WORDS):
            return self.trend(province)
        if len(provinces) > 1 and provinces[0] != provinces[1]:
            return self.pair(provinces[0], provinces[1], q.year)
        if q.has(MEDIAN_WORDS) or q.has(STRENGTH_WORDS) or q.has(COMPARE_WORDS):
            return self.versus_median(province, q.year)
        if q.has(GROUP_WORDS):
            return self.group_of(province, q.year)
        named = self._sub_named(q.norm)
        if named is not None:
            return self.subs(province, q.year, int(named.split(".")[0]))
        if q.has(SUB_WORDS) or q.dimension is not None:
            return self.subs(province, q.year, q.dimension)
        if province != q.provinces[0] and q.year in self.table.new_map_years:
            return self.merger(q.provinces[0], q.year)  # 'Tiền Giang 2025': the new province, saying so
        return self.card(province, q.year)

    def _on_map(self, province: str, year: int | None) -> str:
        """The province as named on the map of the year asked: 'Tiền Giang 2025' is Đồng Tháp, 'Huế 2025' is
        Huế. Without a year, a province that continues on the new map (unchanged or renamed) is taken on it,
        so its latest edition answers; a merged-away one (Tiền Giang) keeps its own scores."""
        if year is not None:
            return self.table.on_map(province, year)
        new = self._new(province)
        if self.table.new_map_years and new is not None and not new.merged:
            return new.name
        return province

    def _sub_named(self, norm: str) -> str | None:
        """The sub-dimension a question names, by its code, its whole name or its first three words or more
        ("tiếp cận và sử dụng internet" for 8.2 "Tiếp cận và sử dụng Internet tại địa phương")."""
        padded = f" {norm} "
        coded = _SUB_CODE.search(norm)  # "điểm 8.3 Hà Tĩnh"; also a code of earlier editions (5.2, building permits)
        if coded is not None:
            return coded.group()
        found: list[tuple[int, str]] = []
        for name, code in self._sub_names:
            words = name.split()
            size = next((n for n in range(len(words), min(3, len(words)) - 1, -1)
                         if f" {' '.join(words[:n])} " in padded), 0)
            if size:
                found.append((size, code))
        return max(found)[1] if found else None

    def ask(self) -> Reply:
        latest = self.table.years[-1]
        sample = ("Đồng Tháp", "Hà Tĩnh", "Khánh Hòa", "Trà Vinh", "Kon Tum")
        return Reply(
            f"Bạn muốn xem điểm PAPI của tỉnh nào, năm nào? Ví dụ: \"điểm PAPI Kon Tum 2023\", \"so sánh Đồng Tháp "
            f"và Khánh Hòa 2023\", \"Đồng Tháp có đạt mục tiêu PAPI 2024 không\", \"biểu đồ radar Kon Tum 2023\". "
            f"Dữ liệu có từ {self.table.years[0]} đến {latest}.",
            tuple(Choice(f"{p} {latest}", f"/diem {p} {latest}") for p in sample),
            kind="clarify",
        )


_SUB_CODE = re.compile(r"(?<![\d.,])[1-8]\.[1-9](?![\d.,])")


def _national(q: Question) -> str | None:
    """A question about the whole country: provinces by position ('tỉnh nào đứng đầu PAPI 2024'), the
    national median ('trung vị cả nước 2023'), or an edition's publication date ('PAPI 2023 công bố khi nào')."""
    about_papi = q.has(("tinh", "tinh thanh", "dia phuong", "papi", "diem"))
    if asks_launch(q) and q.has(("papi", "bao cao", "ket qua")):
        return "launch"
    if asks_count(q):
        return "count"
    if asks_ranking(q.norm) and about_papi:
        return "ranking"
    # a score word is needed: "cả nước còn bao nhiêu tỉnh" asks the 2025 arrangement
    if asks_national(q) and q.has(("papi", "diem", "trung vi", "trung binh", "chi so")):
        return "median"
    return None
