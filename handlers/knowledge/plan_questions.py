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
from handlers.core.messages import Reply
from handlers.knowledge import brief
from handlers.knowledge.documents import Documents, choice

PLAN_CUES = ("ke hoach", "theo kh")
_NUMBER = re.compile(r"\b(?:ke hoach|kh|so)\s*(\d{1,4})\b")
_STOP = {"ai", "chu", "tri", "phoi", "hop", "nhiem", "vu", "ke", "hoach", "theo", "cua", "la", "gi", "nao", "viec",
         "thuc", "hien", "giao", "cho", "don", "vi", "co", "quan", "va", "cac", "nhung", "trong", "papi", "tinh", "xa"}


def _places(p: Plan) -> list[str]:
    """A plan's places as people name them: 'duyen hai', 'dak plo', 'dong thap' (without 'xã', 'thị xã')."""
    out = []
    for place in (p.commune, p.district, p.province):
        if place:
            words = normalize(place).split()
            while words and words[0] in ("xa", "huyen", "thi", "tinh", "thanh", "pho", "phuong"):
                words = words[1:]
            out.append(" ".join(words))
    return out


class PlanQuestions:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.plans = kb.plans

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
        local = [p for p in self.plans if (p.district or p.commune) and f" {_places(p)[0]} " in padded]
        provincial = [p for p in self.plans if f" {_places(p)[-1]} " in padded]
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
        if "report" not in asked and ("who" in asked or ("tasks" in asked and "target" not in asked)):
            return self._tasks(plan, norm, brief.dimension(text))
        if any(a in asked for a in ("target", "report", "issued")) or (cued and "result" in asked):
            return documents.render(f"plan:{plan.id}", text)
        return None

    def _tasks(self, plan: Plan, norm: str, dimension: int | None) -> Reply | None:
        """The tasks the question points at (by dimension, else by shared words) with who leads them."""
        words = {w for w in norm.split() if w not in _STOP and len(w) > 1}

        def overlap(t: Task) -> int:
            return len(words & set(normalize(f"{t.title} {t.detail}").split()))
        pool = [t for t in plan.tasks if dimension is None or dimension in t.dimensions]
        ranked = sorted(pool, key=overlap, reverse=True)  # stable: the plan's order among equals
        tasks = [t for t in ranked if overlap(t) >= (1 if dimension else 2)][:3] or ranked[:3] if dimension else []
        tasks = tasks or [t for t in ranked if overlap(t) >= 2][:3]
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
        more = (choice("Xem các nhiệm vụ", f"plan-tasks:{plan.id}"), choice("Về kế hoạch", f"plan:{plan.id}"))
        return Reply(text, more)
