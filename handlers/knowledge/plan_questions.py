"""Officials' questions about one plan, answered from its data with the plan cited: who leads a task, the
target for one dimension, when a report is due, the plan's number and date. "kh 72", "kế hoạch 172", "kh của
đồng tháp", "duyên hải" all find the plan; a question that names no plan, or asks nothing of one, is left to
search."""

from __future__ import annotations

import re

from content.aspects import aspects
from content.loader import KnowledgeBase
from content.models import Plan, Task
from content.normalize import normalize
from handlers.core import render
from handlers.core.messages import Choice, Reply
from handlers.knowledge import brief
from handlers.knowledge.documents import Documents, choice
from storage.org import place_key

PLAN_CUES = ("ke hoach",)  # "kh" is normalised to "ke hoach"
COUNT_WORDS = ("bao nhieu nhiem vu", "may nhiem vu", "so nhiem vu")
_NUMBER = re.compile(r"\b(?:ke hoach|so)\s*(\d{1,4})\b")
_STOP = {"ai", "chu", "tri", "phoi", "hop", "nhiem", "vu", "ke", "hoach", "theo", "cua", "la", "gi", "nao", "viec",
         "thuc", "hien", "giao", "cho", "don", "vi", "co", "quan", "va", "cac", "nhung", "trong", "papi", "tinh", "xa"}


def _places(p: Plan) -> list[str]:
    """A plan's places, most local first, as people name them: 'duyen hai', 'dak plo', 'dong thap'."""
    return [place_key(place) for place in (p.commune, p.district, p.province) if place]


class PlanQuestions:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.plans = kb.plans
        self._places = {p.id: _places(p) for p in self.plans}  # built once, read for every question

    def plan_named(self, norm: str) -> tuple[Plan, bool] | None:
        """The one plan a question names, and whether it was named unmistakably (by number or by a district's
        or commune's name) rather than by its province only. The PAPI year or issue year chooses between a
        place's plans."""
        padded = f" {norm} "
        number = _NUMBER.search(norm)
        if number:
            by_number = [p for p in self.plans if p.number and p.number.split("/")[0] == number.group(1)]
            if len(by_number) == 1:
                return by_number[0], True
        local = [p for p in self.plans if (p.district or p.commune) and f" {self._places[p.id][0]} " in padded]
        provincial = [p for p in self.plans if f" {self._places[p.id][-1]} " in padded]
        for found, sure in ((local, True), (provincial, False)):
            years = [p for p in found if str(p.papi_year) in norm or (p.issued and str(p.issued.year) in norm)]
            chosen = years or found
            if len(chosen) == 1:
                return chosen[0], sure
        return None

    def answer(self, text: str, documents: Documents) -> Reply | None:
        norm = normalize(text)
        named = self.plan_named(norm)
        if named is None:
            return None
        plan, sure = named
        asked = aspects(text)
        cued = sure or any(c in f" {norm} " for c in PLAN_CUES)
        wants_tasks = "who" in asked or "deadline" in asked or ("tasks" in asked and "target" not in asked)
        if "report" not in asked and wants_tasks:
            return self._tasks(plan, norm, brief.dimension(text))
        if any(a in asked for a in ("target", "report", "issued")) or (cued and "result" in asked):
            return documents.render(f"plan:{plan.id}", text)
        return None

    def _tasks(self, plan: Plan, norm: str, dimension: int | None) -> Reply | None:
        """The tasks the question points at, with who leads them: those of the unit it names ("công chức Văn
        hóa - Thông tin làm gì"), else of the dimension it names, else sharing its words."""
        if any(f" {w} " in f" {norm} " for w in COUNT_WORDS):
            return self._count(plan)
        unit = _unit_named(plan, norm)
        words = {w for w in norm.split() if w not in _STOP and len(w) > 1}

        def overlap(t: Task) -> int:
            return len(words & set(normalize(f"{t.title} {t.detail}").split()))

        pool = [t for t in plan.tasks if dimension is None or dimension in t.dimensions]
        if unit is not None:
            mine = [t for t in pool if unit in t.lead] + [t for t in pool if unit in t.coordinate]
            tasks = sorted(mine, key=overlap, reverse=True) if words - set(normalize(unit).split()) else mine
        else:
            ranked = sorted(pool, key=overlap, reverse=True)  # stable: the plan's order among equals
            enough = 1 if dimension is not None else 2
            tasks = [t for t in ranked if overlap(t) >= enough][:3] or (ranked[:3] if dimension is not None else [])
        if not tasks:
            return None
        lines = [f"Theo {render.plan_label(plan)}:"]
        for t in tasks[:4]:
            coordinate = f"; phối hợp: {', '.join(t.coordinate)}" if t.coordinate else ""
            due = render.deadline(t.deadline)
            lines.append(f"• {t.title}\n  Chủ trì: {', '.join(t.lead)}{coordinate}. Hạn: {due}")
        if len(tasks) > 4:
            lines.append(f"… và {len(tasks) - 4} nhiệm vụ khác.")
        text = "\n".join(lines) + "\n\n" + render.SOURCE + "; ".join(plan.sources)
        return Reply(text, _more(plan))

    def _count(self, plan: Plan) -> Reply:
        units = len({u for t in plan.tasks for u in t.lead})
        text = (f"{render.plan_label(plan)} có {len(plan.tasks)} nhiệm vụ, do {units} cơ quan, đơn vị chủ trì."
                f"\n\n{render.SOURCE}{'; '.join(plan.sources)}")
        return Reply(text, _more(plan))


# Words of a unit's name that do not tell one unit from another ("các cơ quan, đơn vị, địa phương").
_GENERIC = {"cac", "co", "quan", "don", "vi", "dia", "phuong", "lien", "to", "chuc", "nganh", "so", "ban", "va",
            "tinh", "huyen", "xa", "thi", "uy", "nhan", "dan", "cap", "duoc", "giao", "thuoc", "truc", "tren"}


def _unit_named(plan: Plan, norm: str) -> str | None:
    """The plan's unit a question names: its whole name ("sở nội vụ", "phòng tư pháp"), or every word of its
    name that tells it apart ("văn hóa thông tin"). The longest such name wins."""
    padded = f" {norm} "
    found = []
    for unit in {u for t in plan.tasks for u in (*t.lead, *t.coordinate)}:
        name = normalize(unit)
        telling = set(name.split()) - _GENERIC
        if not telling:
            continue
        if f" {name} " in padded or (len(telling) >= 2 and telling <= set(norm.split())):
            found.append((len(name), unit))
    return max(found)[1] if found else None


def _more(plan: Plan) -> tuple[Choice, ...]:
    return choice("Xem các nhiệm vụ", f"plan-tasks:{plan.id}"), choice("Về kế hoạch", f"plan:{plan.id}")
