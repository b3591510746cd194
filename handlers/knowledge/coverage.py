"""A question asking for something the entry found does not hold: a year it never names ("PAPI 2019 khảo sát bao
nhiêu người" finds the entry listing 2018, 2020, 2021…), or the number of a decree, decision or article it never
gives ("chuẩn nghèo theo nghị định nào" finds an entry that names none), or an amount of money, which no entry
gives ("phạt bao nhiêu tiền", "mức trợ cấp hộ nghèo bao nhiêu"). The reply then says so first, as a
decline, and then what the entry holds, so the person does not take another year's figure, or no figure, for the
one asked; likewise a law the question names that the entry does not.
Only for entries that speak of particular years (in their title, phrasings or answer, not in a law's
number such as 10/2022/QH15); one that names no year (what PAPI is) answers a question of any year, and a year the
entry names only to say it has nothing for it ("2019: chưa có số liệu", "chưa có 2020, 2021") counts as not named."""

from __future__ import annotations

import re

from content.normalize import YEAR, normalize
from content.search import Doc
from handlers.core.messages import Reply

_NUMBERED = re.compile(r"\b\d{1,4}/(?:19|20)\d{2}/\S+")  # a document's number: 151/2025/NĐ-CP, 10/2022/QH15
_LACKS = re.compile(r"\b(?:chua co|khong co)\b")  # what an entry says it does not hold
# "theo nghị định nào", "nghị định số mấy", "luật nào"; a decision or an article only when asked for as a
# document ("theo quyết định nào", "điều mấy"), since "quyết định gì" is also "decide what" and "điều gì" "what"
_ASKED_DOC = re.compile(r"\b(nghi dinh|thong tu|nghi quyet|luat)(?: so)? (?:nao|gi|may|bao nhieu)\b"
                        r"|\b(?:theo|can cu|tai|so) (quyet dinh|dieu)(?: so)? (?:nao|may|bao nhieu)\b"
                        r"|\b(quyet dinh|dieu)(?: so)? (?:may|bao nhieu)\b|\b(dieu) nao\b")
# an amount of money ("phạt bao nhiêu tiền", "mức trợ cấp bao nhiêu", "bao nhiêu triệu"): the knowledge base gives
# no amounts, so an entry on the subject must not stand for the figure asked
# ("mấy nghìn người", "bao nhiêu đồng bào", "tiện ích", "bao nhiêu điểm" are no money)
_ASKED_MONEY = re.compile(r"\b(?:bao nhieu|may) (?:tien|trieu|ty|ti|nghin|ngan|dong)\b"
                          r"(?! (?:nguoi|luot|ho|bao|chi|ich|do|le)\b)"
                          r"|\b(?:muc (?:tro cap|ho tro|phat|luong|boi thuong|den bu)|thu nhap|phu cap"
                          r"|(?<!chat )(?<!so )(?:tien )?luong (?:cua )?(?:pho )?"
                          r"(?:chu tich|bi thu|can bo|cong chuc))\b"
                          r"(?: \w+){0,8} bao nhieu\b(?! (?:diem|phan tram|nguoi|ho|tinh|ngay|lan|xa)\b)")
_MONEY = re.compile(r"\d[\d.,]*\s?(?:đồng|đ|VNĐ|triệu đồng|nghìn đồng|ngàn đồng|tỷ đồng|tỉ đồng)(?!\w)")
# a law named ("Luật Khiếu nại quy định…"): the laws people name, the KB's and others, so that "theo luật, xã có
# phải…", "kỷ luật", "pháp luật" and "luật quy định" name none
_LAW = re.compile(r"(?<!ky )(?<!phap )\bluat (khieu nai|to cao|tiep cong dan|tiep can thong tin|tctt"
                  r"|thuc hien dan chu|dan chu co so|thdccs|ngan sach|dat dai|quy hoach|cu tru|ho tich|can bo"
                  r"|vien chuc|xu ly vi pham|bau cu|to chuc chinh quyen|phong chong tham nhung|mat tran|cong doan"
                  r"|thanh nien|hon nhan|bao hiem|xay dung|dau tu cong|thanh tra|giao thong|dan su|hinh su)\b")
_LAW_ALIASES = {"thdccs": "thuc hien dan chu", "dan chu co so": "thuc hien dan chu", "tctt": "tiep can thong tin"}
_SHOWN = {"nghi dinh": "số nghị định", "quyet dinh": "số quyết định", "thong tu": "số thông tư",
          "nghi quyet": "số nghị quyết", "luat": "tên luật", "dieu": "điều luật"}


def _words(text: str) -> list[str]:
    """The text's words, normalised, without documents' numbers (whose year is no year the text speaks of)."""
    return normalize(_NUMBERED.sub(" ", text)).split()


def _years(text: str) -> list[str]:
    return [w for w in _words(text) if YEAR.fullmatch(w)]


def _years_held(lines: list[str]) -> set[str]:
    """Years a line names, except one next to "chưa có"/"không có" (within three words before or after it)."""
    held = set()
    for line in lines:
        words = _words(line)
        for i, word in enumerate(words):
            near = f" {' '.join(words[max(0, i - 4):i])} | {' '.join(words[i + 1:i + 4])} "
            if YEAR.fullmatch(word) and not _LACKS.search(near):
                held.add(word)
    return held


def _missing_year(question: str, lines: list[str]) -> str | None:
    held = _years_held(lines)
    asked = [y for y in dict.fromkeys(_years(question)) if y not in held]
    if not held or not asked:
        return None
    return f"năm {', '.join(asked)}"


def _missing_document(question: str, entry: str) -> str | None:
    asked = _ASKED_DOC.search(normalize(question))
    if asked is None:
        return None
    kind = next(g for g in asked.groups() if g)
    written = {"nghi dinh": "(?:nghi dinh|nd)", "thong tu": "(?:thong tu|tt)"}.get(kind, kind)  # "NĐ 151/2025"
    named = rf"\b{kind}\b(?! (?:so )?(?:nao|gi|may|bao nhieu)\b)" if kind == "luat" else rf"\b{written} (?:so )?\d"
    return None if re.search(named, normalize(entry)) else _SHOWN[kind]


def _missing_law(question: str, entry: str) -> str | None:
    """A law the question names that the entry does not, or names only to say it has nothing on it ("Trợ lý chưa
    có tài liệu về … (Luật Khiếu nại…)"): its rules are not what the entry gives."""
    asked = _LAW.search(normalize(question))
    if asked is None:
        return None
    name = _LAW_ALIASES.get(asked.group(1), asked.group(1))
    held = [s for s in map(normalize, re.split(r"[.;\n]", entry)) if not _LACKS.search(s)]
    forms = [f"luat {name}", *(f"luat {short}" for short, full in _LAW_ALIASES.items() if full == name)]
    return None if any(form in s for s in held for form in forms) else "luật bạn hỏi"


def _missing_money(question: str, entry: str) -> str | None:
    return "số tiền" if _ASKED_MONEY.search(normalize(question)) and not _MONEY.search(entry) else None


def uncovered(question: str, doc: Doc, reply: Reply) -> Reply | None:
    """The reply as a decline that says first what the entry does not give, or None when it gives what is asked.
    Years are looked for in what the entry says; a document's number also in the reply's source line."""
    lines = [doc.title, *doc.phrasings, *doc.body.splitlines()]
    text = "\n".join([*lines, reply.text])
    missing = (_missing_year(question, lines) or _missing_document(question, text) or _missing_law(question, text)
               or _missing_money(question, text))
    if missing is None:
        return None
    return Reply(f"Mục này không nêu riêng {missing}; đây là những gì trợ lý có:\n\n{reply.text}", reply.choices,
                 kind="decline")
