"""What a question asks about an entry, by the words people use: the places, the duration, who, a plan's
target… Search prefers entries asked the same way ("niêm yết bao lâu" is not "niêm yết ở đâu"), and a first
reply puts the asked part first (handlers/knowledge/brief.py)."""

from __future__ import annotations

import re
from functools import lru_cache

from content.normalize import normalize

# Normalised: no diacritics, abbreviations expanded.
ASPECTS: dict[str, tuple[str, ...]] = {
    "where": ("o dau", "nhung dau", "noi nao", "cho nao", "dia diem", "hinh thuc", "cach nao", "kenh nao", "tai dau"),
    "how_long": ("bao lau", "may ngay", "bao nhieu ngay", "thoi han", "keo dai", "de bao lau"),
    "when": ("khi nao", "luc nao", "bao gio", "thoi diem", "cham nhat", "truoc khi", "sau khi", "bao lau phai"),
    "basis": ("can cu", "dieu nao", "dieu may", "luat nao", "nghi dinh", "van ban nao", "quy dinh tai"),
    # to whom something is sent or told ("gửi cho ai"), before who does it ("ai chịu trách nhiệm")
    "to_whom": ("cho ai", "gui ai", "bao ai", "toi ai", "den ai"),
    "who": ("ai", "co quan nao", "don vi nao", "chu tri", "phoi hop", "trach nhiem", "phu trach", "quan ly"),
    "report": ("bao cao", "gui ve", "gui ke hoach", "han gui", "han nop"),  # before "result": "báo cáo kết quả"
    "target": ("muc tieu", "chi tieu", "phan dau", "can dat", "phai dat", "dat tu"),
    "result": ("ket qua", "xep hang", "xep thu", "dat duoc", "nam truoc", "duoc bao nhieu", "dat bao nhieu",
               "bao nhieu diem", "dung thu", "thu may", "hang may", "tang bao nhieu", "giam bao nhieu"),
    "issued": ("ban hanh", "ngay nao", "so hieu", "so may", "so bao nhieu", "ky ngay", "ngay ky"),
    "tasks": ("nhiem vu", "viec gi", "lam gi", "giao cho", "giao viec"),
    "deadline": ("han chot", "xong truoc", "hoan thanh truoc", "truoc ngay nao", "phai xong", "han nao",
                 "den han", "han hoan thanh", "khi nao xong", "han cuoi"),
    # how to do something with the bot itself: "lệnh nào", "bấm gì", "gõ gì"
    "command": ("lenh", "lenh nao", "go gi", "go lenh", "bam gi", "bam nut", "nut nao", "bam vao dau"),
    # the reforms of July 2025 (two-tier local government, merged provinces): "từ 1/7/2025", "không còn huyện"
    "reform": ("1 7 2025", "01 7 2025", "7 2025", "sap nhap", "sap xep", "khong con cap huyen", "khong con huyen",
               "bo cap huyen", "chinh quyen 2 cap", "chinh quyen hai cap", "sau 2025", "tu nam 2025"),
}


# Aspects asked with a question word ("bao lâu", "ở đâu", "ai"), not named by a noun that may only be the subject
# ("kết quả bình xét", "báo cáo thu chi"): when a question has one, it says what is asked.
ASKED_WITH_A_QUESTION_WORD = frozenset({"where", "how_long", "when", "basis", "to_whom", "who", "deadline", "command"})
COMMAND = "command"


def aspects(question: str) -> list[str]:
    """The aspects a question names, in the order of ASPECTS."""
    return list(_aspects(question))


@lru_cache(maxsize=4096)  # search, the gate, first replies and plan questions each ask it of the same question
def _aspects(question: str) -> tuple[str, ...]:
    text = f" {normalize(question)} "
    return tuple(name for name, words in ASPECTS.items() if any(f" {w} " in text for w in words))


# What a reply holds when it answers an aspect, in normalised text: a duration, a moment, a legal basis, a place
# or channel. Search moves an entry down when its answer holds no such thing: "niêm yết mấy ngày" is not
# answered by an entry that says where a list goes up but never for how long.
FACTS: dict[str, re.Pattern[str]] = {
    "how_long": re.compile(r"\b\d{1,3} (?:ngay|thang|nam|gio|tuan)\b|\bthuong xuyen\b|\blien tuc\b"),  # not "2025 năm"
    "when": re.compile(r"\bcham nhat\b|\btruoc ngay\b|\b\d{1,2}/\d{1,2}\b|\bngay \d|\b(?:sau|truoc) khi\b|\bke tu\b"
                       r"|\bthang \d|\bquy [1-4i]"),  # not "hằng năm": what is done yearly, not by when
    "basis": re.compile(r"\bdieu \d|\bnghi dinh\b|\bthong tu\b|\bluat\b|\bquyet dinh\b|\bnghi quyet\b"),
    # the entry says how the 2025 reforms change its answer (its footer), or is itself about them
    "reform": re.compile(r"\bthay doi tu 2025\b|\b0?1 7 2025\b|\bkhong con cap huyen\b|\bchinh quyen (?:2|hai) cap\b"),
    "where": re.compile(r"\btru so\b|\bnha van hoa\b|\b(?:cong|trang) thong tin\b|\bloa\b|\btruyen thanh\b"
                        r"|\bniem yet\b|\bhop\b|\bphieu\b|\bmot cua\b|\bgui\b|\bqua\b|\btai\b"),
}


def answerable(answer: str) -> frozenset[str]:
    """The aspects in FACTS that an answer text holds a fact for."""
    text = normalize(answer)
    return frozenset(name for name, pattern in FACTS.items() if pattern.search(text))
