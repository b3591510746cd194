"""Search over the knowledge base: built once at start-up, immutable afterwards.

Everything works on normalised text (no diacritics, abbreviations expanded). A query syllable not in the
vocabulary is first corrected to the closest one (rapidfuzz), which absorbs typos. Then:
1. Recall: BM25 over the ways an entry is asked (its phrasings, title and keywords), on syllables and
   syllable pairs (Vietnamese words are mostly two syllables, so pairs such as "ho ngheo" carry meaning),
   summed with numpy so it stays fast at 20× the real size.
2. Ranking: the best candidates are scored on four signals: how much of the query's weight their phrasings
   cover, rapidfuzz similarity to the closest phrasing (word order does not matter), the BM25 score, and a
   BM25 over the answer text itself, which finds "trụ sở hay nhà văn hóa" in an answer that no phrasing
   words that way. An entry asked about the same aspect as the question ("bao lâu", "ở đâu": content/aspects.py)
   moves up a little, one asked only about others moves down. The weights were set on the question set in
   tests/data/questions.yaml; the gate (`Gate`) on the tuning sets of tests/data/eval.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process

from content.aspects import aspects
from content.normalize import normalize

RECALL = 40
MIN_TYPO_LEN = 3
WEIGHTS = {"coverage": 0.5, "similarity": 0.45, "phrasing_bm25": 0.2, "answer_bm25": 0.5}
# An entry asked about the same aspect as the question ("bao lâu", "ở đâu", "ai") moves up by this much, one
# asked about other aspects only moves down. On the tuning sets 0.04 to 0.16 did about equally (±2 of 147).
ASPECT_WEIGHT = 0.04


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    phrasings: tuple[str, ...]
    keywords: tuple[str, ...] = ()  # help recall only: a short keyword would match too many questions fully
    body: str = ""  # the answer text
    boost: float = 0.0  # a small edge on ties, e.g. for answers built from structured data


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float  # for ranking: relative BM25 signals make the best candidate look good whatever the query
    confidence: float  # absolute: how much of the query the best phrasing covers and how alike they are


class Verdict(Enum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    NONE = "none"


def _terms(words: list[str]) -> list[str]:
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


class Bm25:
    """Okapi BM25 over bags of terms, with postings as numpy arrays so a query is a few vector adds."""

    def __init__(self, bags: list[Counter[str]], k1: float = 1.2, b: float = 0.6) -> None:
        n = len(bags)
        lengths = np.array([sum(c.values()) for c in bags], dtype=np.float32)
        avg = float(lengths.mean()) if n else 1.0
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, bag in enumerate(bags):
            norm = k1 * (1 - b + b * lengths[i] / avg)
            for term, tf in bag.items():
                ids, weights = postings.setdefault(term, ([], []))
                ids.append(i)
                weights.append(tf * (k1 + 1) / (tf + norm))
        self.size = n
        self.idf: dict[str, float] = {}
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (ids, weights) in postings.items():
            idf = math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
            self.idf[term] = idf
            self.postings[term] = (np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32) * idf)
        self.max_idf = math.log(1 + (n + 0.5) / 0.5) if n else 1.0

    def scores(self, terms: list[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        for term in terms:
            posting = self.postings.get(term)
            if posting is not None:
                out[posting[0]] += posting[1]
        return out


def _bag(texts: list[str]) -> Counter[str]:
    return Counter(term for t in texts for term in _terms(t.split()))


class SearchIndex:
    def __init__(self, docs: list[Doc]) -> None:
        self.docs = tuple(docs)
        self._phrasings: list[list[str]] = []
        asked: list[Counter[str]] = []
        for doc in self.docs:
            texts = [normalize(t) for t in (doc.title, *doc.phrasings)]
            self._phrasings.append([t for t in dict.fromkeys(texts) if t])
            asked.append(_bag(texts + [normalize(k) for k in doc.keywords]))
        self._asked = Bm25(asked)
        self._answers = Bm25([_bag([normalize(d.body)]) for d in self.docs])
        self._doc_terms = [frozenset(c) for c in asked]
        self._aspects = [frozenset(a for t in (d.title, *d.phrasings) for a in aspects(t)) for d in self.docs]
        self._offsets = np.cumsum([0, *(len(p) for p in self._phrasings)])  # doc i's phrasings in the flat list
        self._flat = [p for phrasings in self._phrasings for p in phrasings]
        vocab = set(self._asked.idf) | set(self._answers.idf)
        # sorted: ties in typo correction then break the same way in every process (a set follows the hash seed)
        self._vocab = sorted(t for t in vocab if "_" not in t)

    def __len__(self) -> int:
        return len(self.docs)

    def _known(self, word: str) -> bool:
        return word in self._asked.idf or word in self._answers.idf

    def _correct(self, word: str) -> list[str]:
        """A known syllable as it is; two syllables typed together ("thutuc") split where both halves are
        known, preferring a split that forms a known word pair; otherwise the closest known syllable."""
        if self._known(word) or len(word) < MIN_TYPO_LEN or word.isdigit():
            return [word]
        splits = [(word[:i], word[i:]) for i in range(1, len(word)) if self._known(word[:i]) and self._known(word[i:])]
        if splits:
            a, b = max(splits, key=lambda s: (f"{s[0]}_{s[1]}" in self._asked.idf, min(len(s[0]), len(s[1]))))
            return [a, b]
        found = process.extractOne(word, self._vocab, scorer=fuzz.ratio, score_cutoff=74)
        return [found[0] if found else word]

    def _similarities(self, query: str, docs: list[int]) -> dict[int, float]:
        """Each doc's best phrasing similarity to the query, 0–1."""
        spans = [(self._offsets[i], self._offsets[i + 1]) for i in docs]
        scores = _similarity(query, [p for a, b in spans for p in self._flat[a:b]])
        out, at = {}, 0
        for i, (a, b) in zip(docs, spans, strict=True):
            n = int(b - a)
            out[i] = float(scores[at:at + n].max()) / 100 if n else 0.0
            at += n
        return out

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        words = [w for typed in normalize(query).split() for w in self._correct(typed)]
        if not words or not self.docs:
            return []
        terms = list(dict.fromkeys(_terms(words)))
        asked = self._asked.scores(terms)
        if not asked.any():
            return []
        answers = self._answers.scores(terms)
        top_asked, top_answer = float(asked.max()), float(answers.max()) or 1.0
        k = min(RECALL, len(self.docs))
        candidates = [int(i) for i in np.argpartition(-asked, k - 1)[:k] if asked[i] > 0]
        weights = {t: self._asked.idf.get(t, self._asked.max_idf) for t in terms}
        total = sum(weights.values())
        scale = sum(WEIGHTS.values())
        similar = self._similarities(" ".join(words), candidates)
        asks = frozenset(aspects(query))
        hits: list[Hit] = []
        for i in candidates:
            signals = {
                "coverage": sum(w for t, w in weights.items() if t in self._doc_terms[i]) / total,
                "similarity": similar[i],
                "phrasing_bm25": float(asked[i]) / top_asked,
                "answer_bm25": float(answers[i]) / top_answer,
            }
            score = sum(WEIGHTS[name] * value for name, value in signals.items()) / scale
            if asks and self._aspects[i]:
                score += ASPECT_WEIGHT if asks & self._aspects[i] else -ASPECT_WEIGHT
            confidence = (signals["coverage"] + signals["similarity"]) / 2
            hits.append(Hit(self.docs[i], score + self.docs[i].boost, confidence))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


def _similarity(query: str, phrasings: list[str]) -> np.ndarray:
    """Word order does not matter (token_set), but extra words do a little (token_sort), so a short
    phrasing that the query merely contains does not score as an exact match. Both scorers run over every
    phrasing in rapidfuzz's C loop (cdist), not once per phrasing from Python."""
    both = [process.cdist([query], phrasings, scorer=s, dtype=np.float32)[0]
            for s in (fuzz.token_set_ratio, fuzz.token_sort_ratio)]
    return 0.5 * both[0] + 0.5 * both[1]


@dataclass(frozen=True)
class Gate:
    """When the first hit is the answer. Answer when it is `confident` and `margin` ahead of the next hit, or
    `wide_margin` ahead at the `suggest` level; suggest when it is plausible. With `trust_links`, the margin
    is measured from the first hit not linked to it: an FAQ entry and the structured entry it restates answer
    the same thing, so their closeness is no doubt. Set by `python -m benchmarks.calibrate` on the tuning
    question sets only (README, "Search and answers")."""

    confident: float = 0.5
    margin: float = 0.02
    suggest: float = 0.45
    wide_margin: float = 0.05
    trust_links: bool = True


GATE = Gate()
Linked = Callable[[str, str], bool]


def verdict(hits: list[Hit], gate: Gate = GATE, linked: Linked | None = None) -> Verdict:
    if not hits or hits[0].confidence < gate.suggest:
        return Verdict.NONE
    first = hits[0]
    rivals = [h for h in hits[1:] if not (gate.trust_links and linked and linked(first.doc.id, h.doc.id))]
    ahead = first.score - rivals[0].score if rivals else 1.0
    if (first.confidence >= gate.confident and ahead >= gate.margin) or ahead >= gate.wide_margin:
        return Verdict.ANSWER
    return Verdict.SUGGEST
