"""Where the search gate should stand, found on the tuning sets only: `python -m benchmarks.calibrate`.

For every tuning question that reaches search, the hits are computed once and the first hit's reply is judged
(right facts, one message). Each candidate gate is then scored: right answers, minus twice the wrong ones (a
confident wrong answer costs more than a suggestion; an answer to an out-of-KB question is a wrong one), and
it is refused outright if it answers an off-topic question. The held-out sets are never read here.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import cast

from benchmarks.answers import TUNING, Question, judge, questions, scratch_core
from content.search import Gate, Hit, SearchIndex, Verdict, verdict
from handlers.core.messages import Incoming
from handlers.knowledge.documents import Documents


@dataclass
class Case:
    question: Question
    hits: list[Hit]
    right: bool  # in scope, and the first hit's reply has the facts, in one message


def cases() -> tuple[list[Case], Documents]:
    """The tuning questions the router leaves to search, with their hits, and the documents they come from."""

    async def searched(items: list[Question]) -> tuple[list[Case], Documents]:
        async with scratch_core() as core:
            real, found = core.index, []
            for q in items:
                spy = _Spy(real)
                core.index = cast(SearchIndex, spy)  # it has the one method the router calls
                await core.handle(Incoming(channel="console", user_id=f"c-{q.id}", text=q.q))
                if spy.used:
                    hits = real.search(q.q)
                    reply = core.documents.render(hits[0].doc.id, q.q) if hits else None
                    found.append(Case(q, hits, reply is not None and judge(q, reply) == "right"))
            return found, core.documents

    return asyncio.run(searched([q for name in TUNING for q in questions(name)]))


class _Spy:
    """The core's index, noting whether a question reached it."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.used = False

    def search(self, text: str) -> list[Hit]:
        self.used = True
        return self.index.search(text)


def score(gate: Gate, found: list[Case], linked: Documents) -> tuple[int, int, int, int] | None:
    """(objective, right, wrong, suggested) of a gate, or None when it answers what it must not."""
    right = wrong = suggested = off = 0
    for c in found:
        decision = verdict(c.hits, gate, linked.linked, c.question.q)
        if decision is Verdict.ANSWER:
            if c.question.kind == "off_topic":
                off += 1
            elif c.right:
                right += 1
            else:
                wrong += 1
        elif decision is Verdict.SUGGEST and c.question.kind == "in_scope":
            suggested += 1
    if off:
        return None
    return right - 2 * wrong, right, wrong, suggested


def main() -> None:
    found, documents = cases()
    grid = itertools.product(
        (0.44, 0.46, 0.48, 0.5, 0.52), (0.0, 0.01, 0.02, 0.03), (0.4, 0.42, 0.44, 0.45), (0.05, 0.08, 0.12, 1.0),
        (False, True), (0.1, 0.15, 0.2, 1.0), (0.36, 0.38, 0.4),
    )
    results = []
    for confident, margin, low, wide, link, clear, floor in grid:
        gate = Gate(confident=confident, margin=margin, suggest=low, wide_margin=wide, trust_links=link,
                    clear_margin=clear, floor=floor)
        scored = score(gate, found, documents)
        if scored is not None:
            results.append((scored, gate))
    results.sort(key=lambda r: r[0], reverse=True)
    print(f"{len(found)} câu hỏi tới phần tìm kiếm (bộ điều chỉnh {', '.join(TUNING)}); 5 ngưỡng tốt nhất:")
    for (objective, right, wrong, suggested), gate in results[:5]:
        print(f"  {gate}: mục tiêu {objective}, đúng {right}, sai {wrong}, gợi ý {suggested}")
    current = score(Gate(), found, documents)
    print(f"  ngưỡng hiện tại {Gate()}: {current}")


if __name__ == "__main__":
    main()
