"""Search over the knowledge base: built once at start-up, immutable afterwards.

Two stages, both on normalised text (no diacritics, abbreviations expanded):
1. Recall: BM25 over syllables and syllable pairs (Vietnamese words are mostly two syllables, so pairs such
   as "ho ngheo" carry the meaning), computed with numpy so it stays fast at 20× the real size. A query
   syllable not in the vocabulary is first corrected to the closest one (rapidfuzz), which absorbs typos.
2. Precision: the best candidates are re-scored by how much of the query's weight they cover and by
   rapidfuzz similarity to their closest phrasing, which makes word order irrelevant.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process

from content.normalize import normalize

K1, B = 1.2, 0.6
RECALL = 24
MIN_TYPO_LEN = 3
CONFIDENT, MARGIN, SUGGEST = 0.66, 0.06, 0.42


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    phrasings: tuple[str, ...]
    keywords: tuple[str, ...] = ()  # help recall only: a short keyword would match too many questions fully
    boost: float = 0.0  # a small edge on ties, e.g. for answers built from structured data


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float


class Verdict(Enum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    NONE = "none"


def _terms(words: list[str]) -> list[str]:
    return words + [f"{a}_{b}" for a, b in pairwise(words)]


class SearchIndex:
    def __init__(self, docs: list[Doc]) -> None:
        self.docs = tuple(docs)
        self._phrasings: list[list[str]] = []
        counts: list[Counter[str]] = []
        for doc in self.docs:
            texts = [normalize(t) for t in (doc.title, *doc.phrasings)]
            self._phrasings.append([t for t in dict.fromkeys(texts) if t])
            bag = texts + [normalize(k) for k in doc.keywords]
            counts.append(Counter(term for t in bag for term in _terms(t.split())))
        n = len(self.docs)
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        avg = float(lengths.mean()) if n else 1.0
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, c in enumerate(counts):
            norm = K1 * (1 - B + B * lengths[i] / avg)
            for term, tf in c.items():
                ids, weights = postings.setdefault(term, ([], []))
                ids.append(i)
                weights.append(tf * (K1 + 1) / (tf + norm))
        self._idf: dict[str, float] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (ids, weights) in postings.items():
            idf = math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
            self._idf[term] = idf
            self._postings[term] = (np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32) * idf)
        self._vocab = [t for t in self._idf if "_" not in t]
        self._doc_terms = [frozenset(c) for c in counts]
        self._max_idf = math.log(1 + (n + 0.5) / 0.5) if n else 1.0

    def __len__(self) -> int:
        return len(self.docs)

    def _correct(self, word: str) -> str:
        if word in self._idf or len(word) < MIN_TYPO_LEN or word.isdigit():
            return word
        found = process.extractOne(word, self._vocab, scorer=fuzz.ratio, score_cutoff=74)
        return found[0] if found else word

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        norm = normalize(query)
        words = [self._correct(w) for w in norm.split()]
        if not words or not self.docs:
            return []
        terms = list(dict.fromkeys(_terms(words)))
        scores = np.zeros(len(self.docs), dtype=np.float32)
        for term in terms:
            posting = self._postings.get(term)
            if posting is not None:
                scores[posting[0]] += posting[1]
        if not scores.any():
            return []
        k = min(RECALL, len(self.docs))
        top = np.argpartition(-scores, k - 1)[:k]
        weights = {t: self._idf.get(t, self._max_idf) for t in terms}
        total = sum(weights.values())
        corrected = " ".join(words)
        hits: list[Hit] = []
        for i in top:
            if scores[i] <= 0:
                continue
            covered = sum(w for t, w in weights.items() if t in self._doc_terms[i]) / total
            best = process.extractOne(corrected, self._phrasings[i], scorer=_similarity)
            similarity = best[1] / 100 if best else 0.0
            hits.append(Hit(self.docs[i], 0.55 * covered + 0.45 * similarity + self.docs[i].boost))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


def _similarity(a: str, b: str, **kwargs: object) -> float:
    """Word order does not matter (token_set), but extra words do a little (token_sort), so a short
    phrasing that the query merely contains does not score as an exact match."""
    return 0.5 * fuzz.token_set_ratio(a, b) + 0.5 * fuzz.token_sort_ratio(a, b)


def verdict(hits: list[Hit]) -> Verdict:
    """Answer when the best hit is good and clearly ahead; suggest when something is plausible."""
    if not hits or hits[0].score < SUGGEST:
        return Verdict.NONE
    ahead = len(hits) == 1 or hits[0].score - hits[1].score >= MARGIN
    return Verdict.ANSWER if hits[0].score >= CONFIDENT and ahead else Verdict.SUGGEST
