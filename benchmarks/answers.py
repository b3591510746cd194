"""Judging what a person receives: each question of a set is sent to the real core as a new person on the
console, and only the first reply counts. Right = an answer (or a decline that is the answer) with every
must-group's facts, in one Zalo-sized message. The same questions go to two peers on the same knowledge base.

Sets live in tests/data/eval/. TUNING sets may be read while improving the bot; the others are held out and only
their figures are looked at (never their failures), so that the figures say what people who ask new questions get.
"""

from __future__ import annotations

import asyncio
import tempfile
import unicodedata
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from content.loader import load
from content.normalize import normalize
from handlers.core.messages import Incoming, Reply
from handlers.core.router import Core
from handlers.knowledge.documents import Documents

SETS = Path(__file__).parent.parent / "tests" / "data" / "eval"
TUNING = ("set_a", "set_d", "set_e", "set_g", "set_i", "set_k", "set_o", "set_p", "set_r", "set_u",
          "set_ac", "set_ad", "set_ae", "set_af")
MAX_REPLY = 2000  # one Zalo message


class Question(BaseModel):
    id: str
    q: str
    kind: str  # in_scope | off_topic | out_of_kb
    style: str = "diacritics"
    must: list[list[str]] = Field(default_factory=list)
    note: str = ""


def questions(name: str) -> list[Question]:
    data = yaml.safe_load((SETS / f"{name}.yaml").read_text(encoding="utf-8"))
    return [Question.model_validate(q) for q in data["questions"]]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def has_facts(text: str, must: list[list[str]]) -> bool:
    folded = _fold(text)
    return all(any(_fold(option) in folded for option in group) for group in must)


def judge(q: Question, reply: Reply) -> str:
    """One of: right, wrong, too_long, suggested, not_found, clarify (in scope); declined, answered (others)."""
    answered = reply.kind == "answer"
    if q.kind != "in_scope":
        return "answered" if answered else "declined"
    if reply.kind in ("answer", "decline") and has_facts(reply.text, q.must):
        return "right" if len(reply.text) <= MAX_REPLY else "too_long"
    if reply.kind in ("answer", "decline"):
        return "wrong"
    return {"suggestions": "suggested", "clarify": "clarify"}.get(reply.kind, "not_found")


@dataclass
class Outcome:
    question: Question
    verdict: str
    reply: Reply


@asynccontextmanager
async def scratch_core() -> AsyncIterator[Core]:
    """The real core, as `make chat` builds it, on a database that is thrown away afterwards."""
    from bot.app import build_core
    from bot.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        core = await build_core(Settings(), Path(tmp) / "eval.db")
        try:
            yield core
        finally:
            await core.close()


async def play_bot(items: list[Question]) -> list[Outcome]:
    async with scratch_core() as core:
        out = []
        for q in items:
            replies = await core.handle(Incoming(channel="console", user_id=f"eval-{q.id}", text=q.q))
            first = replies[0] if replies else Reply("", kind="not_found")
            out.append(Outcome(q, judge(q, first), first))
        return out


Peer = Callable[[str], Reply]


def peers() -> dict[str, Peer]:
    """Two simple systems on the same documents: rapidfuzz token_set over the phrasings with a threshold, and
    BM25 (bm25s) over phrasings and answer text, which always answers with its first hit."""
    import bm25s
    from rapidfuzz import fuzz, process

    documents = Documents(load())
    docs = documents.docs()
    phrasings = [(normalize(p), d.id) for d in docs for p in d.phrasings]
    keys = [p for p, _ in phrasings]

    def reply(doc_id: str | None) -> Reply:
        found = documents.render(doc_id) if doc_id else None
        return found or Reply("", kind="not_found")

    def fuzzy(text: str) -> Reply:
        best = process.extractOne(normalize(text), keys, scorer=fuzz.token_set_ratio, score_cutoff=75)
        return reply(phrasings[best[2]][1] if best else None)

    corpus = [normalize(" ".join((*d.phrasings, d.body))) for d in docs]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(corpus, stopwords=None, show_progress=False), show_progress=False)

    def bm25(text: str) -> Reply:
        tokens = bm25s.tokenize([normalize(text)], stopwords=None, show_progress=False)
        if not tokens.vocab:
            return reply(None)
        found, _ = retriever.retrieve(tokens, k=1, show_progress=False)
        return reply(docs[int(found[0][0])].id)

    return {"rapidfuzz": fuzzy, "bm25s": bm25}


def play_peer(peer: Peer, items: list[Question]) -> list[Outcome]:
    out = []
    for q in items:
        first = peer(q.q)
        out.append(Outcome(q, judge(q, first), first))
    return out


@dataclass
class Summary:
    in_scope: int
    right: int
    plain: tuple[int, int]  # right, of those typed without diacritics
    typos: tuple[int, int]  # right, of those with typos or chat abbreviations
    counts: Counter[str]
    off_topic: tuple[int, int]  # answered, of off-topic questions
    out_of_kb: tuple[int, int]  # answered, of out-of-KB questions

    @property
    def share(self) -> float:
        return self.right / self.in_scope if self.in_scope else 0.0


def summarise(outcomes: list[Outcome]) -> Summary:
    scoped = [o for o in outcomes if o.question.kind == "in_scope"]

    def tally(keep: Callable[[Outcome], bool]) -> tuple[int, int]:
        chosen = [o for o in scoped if keep(o)]
        return sum(o.verdict == "right" for o in chosen), len(chosen)

    def answered(kind: str) -> tuple[int, int]:
        chosen = [o for o in outcomes if o.question.kind == kind]
        return sum(o.verdict == "answered" for o in chosen), len(chosen)

    return Summary(
        in_scope=len(scoped),
        right=sum(o.verdict == "right" for o in scoped),
        plain=tally(lambda o: o.question.style == "no_diacritics"),
        typos=tally(lambda o: o.question.style in ("typo", "abbreviations")),
        counts=Counter(o.verdict for o in scoped),
        off_topic=answered("off_topic"),
        out_of_kb=answered("out_of_kb"),
    )


def run(name: str) -> tuple[list[Outcome], dict[str, list[Outcome]]]:
    items = questions(name)
    return asyncio.run(play_bot(items)), {label: play_peer(p, items) for label, p in peers().items()}
