"""Search over the knowledge base: built once at start-up, immutable afterwards.

Everything works on normalised text (no diacritics, abbreviations expanded), with each question word in one
form ("mấy" = "bao nhiêu", "bao giờ" = "khi nào") and a question's chat courtesy ("cho mình hỏi", "… giúp mình
với") left out. A query syllable not in the vocabulary is first corrected: split when it is two syllables typed
together, else the known syllable one slip away (a swap first: "gaim" = giam), else the closest (rapidfuzz). Then:
1. Recall: BM25 over the ways an entry is asked (its phrasings, title and keywords), on syllables and
   syllable pairs (Vietnamese words are mostly two syllables, so pairs such as "ho ngheo" carry meaning),
   summed with numpy so it stays fast at 20× the real size.
2. Ranking: the best candidates are scored on five signals: how much of the query's weight their phrasings
   cover, rapidfuzz similarity to the closest phrasing (word order does not matter), the BM25 score, a
   BM25 over the answer text itself, which finds "trụ sở hay nhà văn hóa" in an answer that no phrasing
   words that way, and how much of the closest phrasing the question names ("SIPAS là chỉ số gì" is not asked
   by "PAPI là chỉ số gì"). An entry asked about the same aspect as the question ("bao lâu", "ở đâu":
   content/aspects.py; an aspect asked with a question word before one named by a noun) moves up a little, one
   asked only about others moves down, and one whose answer holds no fact of the kind asked (no duration for
   "bao lâu") moves down too. The first four weights were set on tests/data/questions.yaml; the asked-for,
   aspect and fact weights and the gate (`Gate`) on the tuning sets of tests/data/eval only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from content.aspects import ASKED_WITH_A_QUESTION_WORD, COMMAND, FACTS, answerable, aspects
from content.normalize import normalize

RECALL = 40
MIN_TYPO_LEN = 3
_VOWELS = frozenset("aeiouy")
_DOUBLED = re.compile(r"([a-z])\1")
# asked_for: 0.1 and 0.2 gave the same right answers on the tuning sets (370 of 404), 0.1 one wrong answer fewer;
# 0.35 two right fewer.
WEIGHTS = {"coverage": 0.5, "similarity": 0.45, "phrasing_bm25": 0.2, "answer_bm25": 0.5, "asked_for": 0.1}
# An entry asked about the same aspect as the question ("bao lâu", "ở đâu", "ai") moves up by this much, one
# asked about other aspects only moves down. On the tuning sets 0.04 to 0.16 did about equally (±2 of 147).
ASPECT_WEIGHT = 0.04
# An entry whose answer holds no fact of the kind asked (no duration for "bao lâu", no article for "điều nào")
# moves down by this much. 0 to 0.16 gave the same right answers on the tuning sets; 0.04 declined one more
# out-of-KB question ("thủ tục làm sổ đỏ mất bao lâu" is not answered by what PAPI asks about it).
FACT_WEIGHT = 0.04
# An entry about one plan (every way of asking it names Khánh Hòa, or plan 172) moves down by this much when the
# question names neither: "tổ chức nào đi khảo sát PAPI" asks about PAPI, not about Khánh Hòa's survey support.
# 0.04 to 0.12 did the same on the tuning sets; even 0.12 leaves "ai thực hiện khảo sát PAPI" with Khánh Hòa's
# entry, whose answer text shares more of its words.
PLACE_WEIGHT = 0.04


# Question words said several ways, read as one in questions, phrasings and answers alike, so that "mấy ngày"
# meets "bao nhiêu ngày" and "bao giờ" meets "khi nào". Only search reads them so: aspects and the score router
# see the words as typed.
_SAME = tuple((re.compile(rf"\b(?:{'|'.join(ways)})\b"), one) for ways, one in (
    (("bao nhieu",), "may"), (("bao gio", "luc nao"), "khi nao"), (("cho nao", "noi nao", "tai dau"), "o dau"),
    (("nhu the nao", "ra sao"), "the nao"), (("vi sao",), "tai sao"),
))
# Chat courtesy around a question ("cho mình hỏi …", "… giúp mình với", "… vậy ạ"): no entry is asked with it,
# and its words would count as much of the question as the words that say what is asked.
_LEADING = ("cho minh hoi", "cho em hoi", "cho toi hoi", "cho tui hoi", "cho hoi", "xin hoi", "ad oi", "admin oi",
            "bot oi", "ban oi", "anh oi", "chi oi", "em oi", "bac oi", "cho bac hoi", "cho chau hoi", "cho chi hoi",
            "cho anh hoi", "bac hoi chut", "chau hoi chut", "chi hoi chut", "anh hoi chut", "em hoi chut",
            "minh hoi chut", "toi hoi chut", "hoi chut", "chut", "minh muon hoi", "em muon hoi", "toi muon hoi",
            "minh muon biet", "em muon biet", "toi muon biet", "cho minh biet", "cho em biet", "cho toi biet")
_TRAILING = ("a", "ad", "admin", "oi", "nhe", "nha", "nhi", "vay", "v", "voi", "ha", "nua", "giup minh", "giup em",
             "giup toi", "giup", "dum minh", "dum em", "dum", "cam on", "thanks", "ban oi", "ad oi")


def canonical(text: str) -> str:
    """Normalised text with each question word in one form."""
    for pattern, one in _SAME:
        text = pattern.sub(one, text)
    return text


def uncourteous(text: str) -> str:
    """Normalised text without the courtesy before and after the question; never empty if the text was not."""
    changed = True
    while changed:
        changed = False
        for lead in _LEADING:
            if text.startswith(lead + " "):
                text, changed = text[len(lead) + 1:], True
        for trail in _TRAILING:
            if text.endswith(" " + trail):
                text, changed = text[: -len(trail) - 1], True
    return text


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    phrasings: tuple[str, ...]
    keywords: tuple[str, ...] = ()  # help recall only: a short keyword would match too many questions fully
    body: str = ""  # the answer text
    boost: float = 0.0  # a small edge on ties, e.g. for answers built from structured data
    places: tuple[str, ...] = ()  # normalised names of the one plan the entry is about ("khanh hoa", "172")


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
            texts = [canonical(normalize(t)) for t in (doc.title, *doc.phrasings)]
            self._phrasings.append([t for t in dict.fromkeys(texts) if t])
            asked.append(_bag(texts + [canonical(normalize(k)) for k in doc.keywords]))
        self._asked = Bm25(asked)
        self._answers = Bm25([_bag([canonical(normalize(d.body))]) for d in self.docs])
        self._doc_terms = [frozenset(c) for c in asked]
        self._place_terms = [frozenset(t for n in d.places for t in _terms(n.split())) for d in self.docs]
        self._aspects = [frozenset(a for t in (d.title, *d.phrasings) for a in aspects(t)) for d in self.docs]
        self._answerable = [answerable(d.body) for d in self.docs]
        self._offsets = np.cumsum([0, *(len(p) for p in self._phrasings)])  # doc i's phrasings in the flat list
        self._flat = [p for phrasings in self._phrasings for p in phrasings]
        # each phrasing's terms with their weight, to see how much of what an entry is asked about a question names
        self._weighed = [[(terms, sum(self._asked.idf[t] for t in terms))
                          for terms in (frozenset(_terms(p.split())) for p in ps)] for ps in self._phrasings]
        vocab = set(self._asked.idf) | set(self._answers.idf)
        # sorted: ties in typo correction then break the same way in every process (a set follows the hash seed)
        self._vocab = sorted(t for t in vocab if "_" not in t)

    def __len__(self) -> int:
        return len(self.docs)

    def _known(self, word: str) -> bool:
        return word in self._asked.idf or word in self._answers.idf

    def _correct(self, word: str) -> list[str]:
        """A known syllable as it is; two syllables typed together ("thutuc") split where both halves are
        syllables, preferring a split that forms a known word pair; else the known syllable one slip away
        (a swap, a letter too many, too few or wrong: "gaim" = giam, "thaoi" = thoai), the commonest first;
        else the closest known syllable."""
        if self._known(word) or len(word) < MIN_TYPO_LEN or word.isdigit():
            return [word]
        splits = [(word[:i], word[i:]) for i in range(1, len(word)) if self._splits(word[:i], word[i:])]
        if splits:
            a, b = max(splits, key=lambda s: (f"{s[0]}_{s[1]}" in self._asked.idf, min(len(s[0]), len(s[1]))))
            return [a, b]
        slips = process.extract(word, self._vocab, scorer=OSA.distance, score_cutoff=1, limit=None)
        if _SPELLABLE.match(word):  # a word of its own ("bánh", "đau"), not one of ours mistyped, unless two letters
            # are swapped ("khia" = khai), one is doubled ("chuu" = chu) or one left out ("sac" = sach)
            slips = [s for s in slips if Levenshtein.distance(word, s[0]) == 2 or _DOUBLED.sub(r"\1", word) == s[0]
                     or len(s[0]) > len(word)]
            if not slips:
                return [word]
        if slips:  # a swap first ("gaim"), then the closest ("sac" is sach before cac), then the commonest
            return [max(slips, key=lambda s: (Levenshtein.distance(word, s[0]) == 2, fuzz.ratio(word, s[0]),
                                              -self._rarity(s[0])))[0]]
        found = process.extractOne(word, self._vocab, scorer=fuzz.ratio, score_cutoff=74)
        return [found[0] if found else word]

    def _splits(self, a: str, b: str) -> bool:
        """Whether "ab" is two syllables typed together: both known, and both syllables ("hc", "a" are not:
        "hoahc", "khia" are slips) unless together they are a known word ("ykien" = y kien)."""
        if not (self._known(a) and self._known(b)):
            return False
        return (_syllable(a) and _syllable(b)) or f"{a}_{b}" in self._asked.idf

    def _rarity(self, word: str) -> float:
        return min(self._asked.idf.get(word, self._asked.max_idf), self._answers.idf.get(word, self._answers.max_idf))

    def _asked_for(self, i: int, terms: frozenset[str]) -> float:
        """How much of its closest phrasing the question names, 0–1: "SIPAS là chỉ số gì" is not asked by
        "PAPI là chỉ số gì", though the question covers every other word of it."""
        idf = self._asked.idf
        return max((sum(idf[t] for t in phrased & terms) / total for phrased, total in self._weighed[i] if total),
                   default=0.0)

    def _beyond(self, weights: dict[str, float], i: int) -> float:
        """Coverage of the question's words other than the place both name."""
        rest = {t: w for t, w in weights.items() if t not in self._place_terms[i]}
        total = sum(rest.values())
        return sum(w for t, w in rest.items() if t in self._doc_terms[i]) / total if total else 0.0

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

    def foreign(self, text: str) -> int:
        """How many words of the text are Vietnamese words the knowledge base never uses ("xanh", "mầm", "thầu"):
        a message with two or more is about something else, whatever domain words it shares."""
        return sum(1 for w in normalize(text).split() if self._correct(w) == [w] and not self._known(w)
                   and _SPELLABLE.match(w))

    def corrected(self, text: str) -> str:
        """The normalised text with each unknown syllable corrected as the search reads it ("dug dau" = dung dau)."""
        return " ".join(w for t in normalize(text).split() for w in self._correct(t))

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        typed = uncourteous(normalize(query)).split()
        words = canonical(self.corrected(" ".join(typed))).split()
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
        named_aspects = frozenset(aspects(query))
        asks = (named_aspects & ASKED_WITH_A_QUESTION_WORD) or named_aspects
        named = frozenset(terms)
        padded = f" {' '.join(typed)} "
        hits: list[Hit] = []
        for i in candidates:
            signals = {
                "coverage": sum(w for t, w in weights.items() if t in self._doc_terms[i]) / total,
                "similarity": similar[i],
                "phrasing_bm25": float(asked[i]) / top_asked,
                "answer_bm25": float(answers[i]) / top_answer,
                "asked_for": self._asked_for(i, named),
            }
            score = sum(WEIGHTS[name] * value for name, value in signals.items()) / scale
            if asks and self._aspects[i]:
                score += ASPECT_WEIGHT if asks & self._aspects[i] else -ASPECT_WEIGHT
            if any(a in FACTS and a not in self._answerable[i] for a in named_aspects):
                score -= FACT_WEIGHT
            if COMMAND in asks and not self._aspects[i]:  # those with aspects lost ASPECT_WEIGHT above
                score -= ASPECT_WEIGHT  # "lệnh nào…", "bấm gì…": an entry on using the bot, not on the subject
            places = self.docs[i].places
            coverage = signals["coverage"]
            if places and not any(f" {n} " in padded for n in places):
                score -= PLACE_WEIGHT
            elif places:  # named: the place alone is no sign the entry answers ("mai ở Hà Tĩnh có mưa không")
                coverage = self._beyond(weights, i)
            confidence = (coverage + signals["similarity"]) / 2
            hits.append(Hit(self.docs[i], score + self.docs[i].boost, confidence))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


_CLAUSE_BREAK = re.compile(r"\s*[,.;!?…]+\s*")
MIN_CLAUSE_WORDS = 4  # three words ("xem ở đâu") ask with question words alone: the subject is elsewhere


def clauses(text: str) -> list[str]:
    """The runs of consecutive clauses of a message (split at , . ; ! ?), longest first, without the whole one:
    a message with its context around the question ("Con tôi học lớp 10, cô giáo bảo tìm hiểu PAPI đo những lĩnh
    vực gì, …") covers little of any phrasing, though one of its parts asks just what an entry is asked."""
    parts = [p for p in _CLAUSE_BREAK.split(text) if p]
    runs = [", ".join(parts[a:a + n]) for n in range(len(parts) - 1, 0, -1) for a in range(len(parts) - n + 1)]
    return [r for r in runs if len(r.split()) >= MIN_CLAUSE_WORDS]


# A Vietnamese syllable as typed without marks: an onset (k, gh, ngh only before e, i, y; c, g, ng never), a vowel
# group and a final. Loose (it lets "uoy" pass), but no typo of the usual kinds is one: "tihn", "dug", "vine".
_SPELLABLE = re.compile(r"^(?:(?:k|gh|ngh)(?=[eiy])|(?:c|g|ng)(?![eiy])|ch|gi|kh|nh|ph|qu|th|tr|[bdhlmnprstvx])?"
                        r"(?:uya|uye|ia|ie|ya|ye|oa|oe|oo|ua|ue|uo|uy|[aeiouy])(?:ch|nh|ng|[mnptciyou])?$")


def _syllable(part: str) -> bool:
    return len(part) >= 2 and not _VOWELS.isdisjoint(part)


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
    # A first hit far ahead of every other (`clear_margin`) is the answer even below `suggest`, down to `floor`:
    # a long, chatty question ("bác hỏi chút, loa xã đọc … mấy ngày liền") covers little of any phrasing.
    clear_margin: float = 0.2
    floor: float = 0.42


GATE = Gate()
Linked = Callable[[str, str], bool]


_DURATION = re.compile(r"\b0*(\d{1,3}) (ngay|thang|nam|gio|tuan)\b")


@lru_cache(maxsize=4096)  # an entry's answer, asked again for every question it is a hit of
def _durations(text: str) -> frozenset[tuple[str, str]]:
    return frozenset(_DURATION.findall(normalize(text)))


def agree(first: Hit, other: Hit) -> bool:
    """The two entries give the same answer to "how long": every duration the first holds, the other holds too
    ("hội nghị thôn cuối năm báo trước mấy ngày": 05 ngày in the entry on the year-end meeting and in the one on
    village meetings), so being close is no doubt about the answer."""
    mine = _durations(first.doc.body)
    return bool(mine) and mine <= _durations(other.doc.body)


def verdict(hits: list[Hit], gate: Gate = GATE, linked: Linked | None = None, question: str = "") -> Verdict:
    """`question`, when given and asking how long, lets an entry that gives the same duration as the first
    (`agree`) be no rival."""
    if not hits:
        return Verdict.NONE
    first = hits[0]
    how_long = bool(question) and "how_long" in aspects(question)
    rivals = [h for h in hits[1:] if not (gate.trust_links and linked and linked(first.doc.id, h.doc.id))
              and not (how_long and agree(first, h))]
    ahead = first.score - rivals[0].score if rivals else 1.0
    if first.confidence < gate.suggest:
        # far ahead of the next hit whatever it is: linked or agreeing hits are no sign of a clear winner here
        raw = first.score - hits[1].score if len(hits) > 1 else 0.0
        clear = raw >= gate.clear_margin and first.confidence >= gate.floor
        return Verdict.ANSWER if clear else Verdict.NONE
    if (first.confidence >= gate.confident and ahead >= gate.margin) or ahead >= gate.wide_margin:
        return Verdict.ANSWER
    return Verdict.SUGGEST
