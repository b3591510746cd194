"""Vietnamese text normalisation for search: people type without diacritics, with đ as d, in any case, with
the abbreviations of local government ("ubnd", "tthc", "hđnd") and chat ("ko", "dc", "ntn"), with letters drawn out
("khongggg"), and with the leftovers of a Telex or VNI keyboard ("xax phair", "co6ng khai"). An abbreviation that
means two things in chat ("ng": người or ngày, "ms": mới or mời) is left as typed."""

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
    "kh": "ke hoach",
    "ds": "danh sach",
    "vb": "van ban",
    "ns": "ngan sach",
    "qd": "quyet dinh",
    "nq": "nghi quyet",
    "kq": "ket qua",
    "bc": "bao cao",
    "cq": "co quan",
    "ubmttq": "uy ban mat tran to quoc",
    "gsdtcd": "giam sat dau tu cua cong dong",
    "sdd": "su dung dat",
    "tdc": "tai dinh cu",
    "gpmb": "giai phong mat bang",
    "dvc": "dich vu cong",
    "dbscl": "dong bang song cuu long",
    "tgian": "thoi gian",
    "ktra": "kiem tra",
    "gsat": "giam sat",
    "lm": "lam",
    "mn": "moi nguoi",
    "bh": "bay gio",
    "bjo": "bay gio",
    "hok": "khong",
    "bnhiu": "bao nhieu",
    "nv": "nhiem vu",
    "nhiu": "nhieu",
    "stttt": "so thong tin va truyen thong",
    "tttt": "thong tin va truyen thong",
    "tele": "telegram",
}

YEAR = re.compile(r"\b20\d{2}\b")  # a year as a question or an entry writes it; not «1900…», a hotline
PAPI = re.compile(r"\bpapi\b")  # PAPI named, in normalised text
_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")
_TELEX_DOUBLES = re.compile(r"(aa|ee|oo|dd|aw|ow|uw)")
_TELEX_TONE = re.compile(r"(?<=[a-z])[sfrxj]$")
_VNI = re.compile(r"(?<=[aeiouy])[1-9]|(?<=d)9")
_DIGITS = re.compile(r"[0-9]{2}")
_DRAWN_OUT = re.compile(r"([a-z])\1{2,}")  # "khongggg", "nhieuuu": no Vietnamese word has a letter three times


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
        word = ABBREVIATIONS.get(token)  # before drawing in: "stttt" is no drawn-out "st"
        if word is None:
            token = _DRAWN_OUT.sub(r"\1", token)
            word = ABBREVIATIONS.get(token)
        if word is None:
            typed = untelex(token)
            word = ABBREVIATIONS.get(typed, typed)
        words.append(word)
    return " ".join(words)


def tokens(text: str) -> list[str]:
    return normalize(text).split()


def untelex(word: str) -> str:
    """A syllable typed on a Telex or VNI keyboard whose accents did not compose, without the marks: they are
    letters ("xax" = xã, "ngaan" = ngân, "phair" = phải, "dduwowcj" = được) or digits after a vowel ("co6ng" =
    công). Safe on any Vietnamese word: none ends in s, f, r, x or j, or doubles a letter or has a w; an English
    word ("index") changes the same way in the question and in the knowledge base."""
    vni = any(c.isalpha() for c in word) and not _DIGITS.search(word)  # "papi2024" is a word and a year
    plain = _VNI.sub("", word) if vni else word
    plain = _TELEX_DOUBLES.sub(lambda m: m.group(1)[0], plain)
    return _TELEX_TONE.sub("", plain) if len(plain) > 2 else plain
