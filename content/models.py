"""Pydantic models of the knowledge base files.

Every entry a user can read carries `sources` (plan number, law and article, or PAPI file), an optional
`caution` shown to users when a fact is unverified, and an optional `reform_2025` note on how the
July 2025 reforms (districts abolished, 63 → 34 provinces) change the answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
SubCode = Annotated[str, StringConstraints(pattern=r"^[1-8]\.[1-5]$")]
Audience = Literal["citizen", "official", "admin"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(Strict):
    sources: list[Text] = Field(min_length=1)
    caution: Text | None = None
    reform_2025: Text | None = None
    keywords: list[Text] = []


# --- PAPI structure (papi.yaml) ---------------------------------------------------------------


class SubDimension(Cited):
    code: SubCode
    name_vi: Text
    name_en: Text
    scale: Text
    measures: Text
    commune_actions: list[Text] = Field(min_length=1)


class Dimension(Cited):
    number: int = Field(ge=1, le=8)
    name_vi: Text
    name_en: Text
    scale: Text
    since: int
    description: Text
    subdimensions: list[SubDimension] = Field(min_length=2, max_length=4)

    @model_validator(mode="after")
    def _codes_belong(self) -> Dimension:
        for sub in self.subdimensions:
            if not sub.code.startswith(f"{self.number}."):
                raise ValueError(f"nội dung thành phần {sub.code} không thuộc chỉ số nội dung {self.number}")
        return self


class ScoreGroup(Cited):
    id: Id
    name_vi: Text
    rule: Text


class Edition(Cited):
    year: int
    launched: dt.date | None = None
    respondents: int | None = None
    provinces_scored: int | None = None
    dimensions: int | None = None
    subdimensions: int | None = None
    notes: Text | None = None


class ProvinceMerger(Cited):
    new_name: Text
    former: list[Text] = Field(min_length=1)


class Papi(Strict):
    dimensions: list[Dimension] = Field(min_length=8, max_length=8)
    score_groups: list[ScoreGroup] = Field(min_length=4, max_length=4)
    editions: list[Edition]
    mergers: list[ProvinceMerger] = []


# --- Disclosure (disclosure.yaml) ----------------------------------------------------------------


class DisclosureItem(Cited):
    id: Id
    title: Text
    summary: Text
    legal_basis: list[Text] = Field(min_length=1)
    forms: list[Text] = Field(min_length=1)
    timing: Text
    duration: Text
    papi: list[SubCode] = []


class CitizenRight(Cited):
    id: Id
    title: Text
    summary: Text
    items: list[Text] = Field(min_length=1)
    legal_basis: list[Text] = Field(min_length=1)


class Disclosure(Strict):
    items: list[DisclosureItem] = Field(min_length=1)
    rights: list[CitizenRight] = []


# --- Plans (plans/*.yaml) -----------------------------------------------------------------------


class Deadline(Strict):
    """A deadline rule as the plan states it; `text` keeps the plan's own wording.

    - fixed: `date`.
    - recurring: `every` month/quarter/half_year/year; `day` (and `month` for half_year/year): for a
      quarter, `day` is the day of the quarter's last month ("trước ngày 03 tháng cuối quý").
    - relative: `days` after `event` (plan_issued, papi_published).
    - ongoing: no date ("thường xuyên", "trong năm 2024"); `until` may bound it.
    """

    kind: Literal["fixed", "recurring", "relative", "ongoing"]
    text: Text
    date: dt.date | None = None
    every: Literal["month", "quarter", "half_year", "year"] | None = None
    day: int | None = Field(default=None, ge=1, le=31)
    month: int | None = Field(default=None, ge=1, le=12)
    event: Literal["plan_issued", "papi_published"] | None = None
    days: int | None = Field(default=None, ge=0)
    until: dt.date | None = None

    @model_validator(mode="after")
    def _complete(self) -> Deadline:
        need = {
            "fixed": ["date"],
            "recurring": ["every", "day"] + (["month"] if self.every in ("half_year", "year") else []),
            "relative": ["event", "days"],
            "ongoing": [],
        }[self.kind]
        missing = [name for name in need if getattr(self, name) is None]
        if missing:
            raise ValueError(f"hạn loại {self.kind} thiếu {', '.join(missing)}")
        return self


class QuotedScore(Strict):
    index: Literal["PAPI", "PAR Index", "SIPAS", "PCI", "DTI"]
    year: int
    value: float | None = None
    scale_max: float | None = None
    rank: int | None = None
    of: int | None = None
    group: Text | None = None
    text: Text


class Target(Strict):
    year: int
    dimension: int | None = Field(default=None, ge=1, le=8)  # None: the total PAPI score
    value: float | None = None
    min_increase: float | None = None
    group: Text | None = None
    # "ít nhất 03 chỉ số nội dung thuộc nhóm Cao": at least this many dimensions in `group` (dimension is None)
    min_dimensions: int | None = Field(default=None, ge=1, le=8)
    text: Text

    @model_validator(mode="after")
    def _count_needs_group(self) -> Target:
        if self.min_dimensions is not None and (self.group is None or self.dimension is not None):
            raise ValueError("min_dimensions cần group và không đi với dimension")
        return self


class ReportingRule(Strict):
    id: Id
    title: Text
    to: Text
    deadline: Deadline
    communes: bool = True  # communes report under this rule (False: only departments or districts do)


class ReminderPolicy(Strict):
    """When the bot reminds units that have not reported (README: "Reminders")."""

    before_days: list[int] = Field(default=[7, 3, 1, 0])
    at: dt.time = dt.time(8, 0)
    overdue_every_days: int = Field(default=7, ge=1)
    overdue_notices: int = Field(default=4, ge=0)  # the first on the next working day, then weekly
    copy_leader: bool = True


class Task(Strict):
    id: Id
    title: Text
    detail: Text
    dimensions: list[int] = Field(min_length=1)
    subdimensions: list[SubCode] = []
    lead: list[Text] = Field(min_length=1)
    coordinate: list[Text] = []
    deadline: Deadline
    every_commune: bool = False  # province-wide: each commune's matching unit carries it out
    commune_unit: Text | None = None  # that unit, e.g. "Văn phòng HĐND-UBND xã"
    communes: list[Text] = []  # or only these communes' matching unit (a plan that names them)


class Plan(Cited):
    id: Id
    title: Text
    number: Text | None  # None when the text leaves it blank
    issued: dt.date | None
    issued_text: Text
    issuer: Text
    level: Literal["province", "district", "commune"]
    province: Text
    district: Text | None = None
    commune: Text | None = None
    papi_year: int
    # the effective period, when the plan states one; otherwise from its issue to the end of its year
    # (handlers/plans/active.py, `period`)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    source_file: Text
    summary: Text
    scores_quoted: list[QuotedScore] = []
    targets: list[Target] = []
    reports: list[ReportingRule] = []
    reminders: ReminderPolicy = ReminderPolicy()
    tasks: list[Task] = Field(min_length=1)


# --- FAQ (faq/*.yaml) ---------------------------------------------------------------------------


class FaqEntry(Cited):
    id: Id
    questions: list[Text] = Field(min_length=2)
    answer: Text
    audience: list[Audience] = Field(min_length=1)
    related: list[Text] = []  # "D5", "2.2", "cong-khai:<id>", "plan:<id>", "faq:<id>"
    # The answer is that the bot holds no such thing (PAPI 2025 scores, a commune's score): it is replied as a
    # decline, so a script judging replies (`chat --json`) does not count it as an answer.
    declines: bool = False


class FaqFile(Strict):
    topic: Text
    entries: list[FaqEntry] = Field(min_length=1)


# --- Provinces (provinces.yaml) -----------------------------------------------------------------


class ProvinceAlias(Strict):
    name: Text  # as spelled in the score files
    aliases: list[Text] = []
