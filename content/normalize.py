"""Vietnamese text normalisation for search: people type without diacritics, with đ as d, in any case, and
with the abbreviations of local government ("ubnd", "tthc", "hđnd")."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Abbreviations expanded to the words they stand for, after diacritics are removed.
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tthc": "thu tuc hanh chinh",
    "mttq": "mat tran to quoc",
    "bhyt": "bao hiem y te",
    "nsnn": "ngan sach nha nuoc",
    "ktxh": "kinh te xa hoi",
    "qsdd": "quyen su dung dat",
    "gcn": "giay chung nhan",
    "cchc": "cai cach hanh chinh",
    "pvhcc": "phuc vu hanh chinh cong",
    "ttnd": "thanh tra nhan dan",
    "tdp": "to dan pho",
    "snv": "so noi vu",
    "cb": "can bo",
    "cc": "cong chuc",
    "cbcc": "can bo cong chuc",
    "tp": "thanh pho",
    "tx": "thi xa",
    "hcm": "ho chi minh",
    "k": "khong",
    "ko": "khong",
    "kg": "khong",
    "khg": "khong",
    "dc": "duoc",
    "ntn": "nhu the nao",
    "bn": "bao nhieu",
    "j": "gi",
    "ji": "gi",
    "z": "gi",
    "vs": "voi",
    "cntt": "cong nghe thong tin",
    "papi2023": "papi 2023",
}

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")


def strip_diacritics(text: str) -> str:
    """'Đắk Plô' -> 'dak plo' (lower case; đ is not a combining mark, so it is mapped by hand)."""
    text = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Diacritic-free, lower-case, abbreviations expanded, punctuation folded to single spaces."""
    plain = strip_diacritics(text)
    words: list[str] = []
    for token in _TOKEN.findall(plain):
        words.append(ABBREVIATIONS.get(token, token))
    return " ".join(words)


def tokens(text: str) -> list[str]:
    return normalize(text).split()
