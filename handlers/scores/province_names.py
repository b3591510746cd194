"""Province names as people type them: exact names and aliases ("tp hcm", "hue"), without diacritics, and
misspellings ("dong thapp", "kontum"), told apart from ordinary words of the knowledge base."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from content.loader import KnowledgeBase
from content.normalize import normalize


def _words(kb: KnowledgeBase, names: list[str]) -> frozenset[str]:
    """Every word the knowledge base uses outside province names, to tell a misspelt name from ordinary
    words: "tom" is a word ("tóm tắt"), "kon" only part of Kon Tum. (Marks are dropped in one pass over all
    the text: strip_diacritics goes letter by letter, too slow for this much.)"""
    dumps = [kb.papi.model_dump_json(), kb.disclosure.model_dump_json()]
    dumps += [p.model_dump_json() for p in kb.plans] + [f.model_dump_json() for f in kb.faq]
    text = unicodedata.normalize("NFD", " ".join(dumps).lower().replace("đ", "d"))
    plain = " " + " ".join(re.findall(r"[a-z0-9]+", text.encode("ascii", "ignore").decode())) + " "
    for name in names:  # longest first, so "thua thien hue" goes before "hue"
        plain = plain.replace(f" {name} ", " ")
    return frozenset(plain.split())


_BUILT: dict[int, tuple[KnowledgeBase, ProvinceNames]] = {}


def names_for(kb: KnowledgeBase) -> ProvinceNames:
    """Built once per knowledge base: reading every word of it takes ~50 ms, too much for each question."""
    kept = _BUILT.get(id(kb))
    if kept is None or kept[0] is not kb:  # the kb is kept too, so its id cannot be reused by another
        kept = _BUILT[id(kb)] = (kb, ProvinceNames(kb))
    return kept[1]


def province_in(kb: KnowledgeBase, text: str) -> str | None:
    """The first province named in the text, if any."""
    found = names_for(kb).find(text)
    return found[0] if found else None


class ProvinceNames:
    def __init__(self, kb: KnowledgeBase) -> None:
        names: dict[str, str] = {normalize(p): p for p in kb.scores.provinces}
        for alias in kb.provinces:
            for a in alias.aliases:
                names.setdefault(normalize(a), alias.name)
        self._names = names
        self._keys = sorted(names, key=len, reverse=True)
        self._long_keys = [k for k in self._keys if len(k) >= 5]  # "hn", "hue": too short to guess from a typo
        self._vocab = _words(kb, self._keys)

    def find(self, text: str) -> list[str]:
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
                hit = process.extractOne(window, self._long_keys, scorer=fuzz.ratio, score_cutoff=80, processor=None)
                if hit is None or abs(hit[0].count(" ") + 1 - size) > 1:
                    continue
                # one slip ("kon tom", "ha tihn": a letter wrong or two swapped) in any name; more in long ones
                slips = OSA.distance(window, hit[0])
                if (slips <= 1 or hit[1] >= 90 or (len(hit[0]) >= 8 and hit[1] >= 85)) and (
                        best is None or hit[1] > best[0]):
                    best = (hit[1], hit[0])
        return self._names[best[1]] if best else None
