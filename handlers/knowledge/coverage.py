"""A question asking for something the entry found does not hold: a year it never names ("PAPI 2019 khảo sát bao
nhiêu người" finds the entry listing 2018, 2020, 2021…), or the number of a decree, decision or article it never
gives ("chuẩn nghèo theo nghị định nào" finds an entry that names none). The reply then says so first, as a
decline, and then what the entry holds, so the person does not take another year's figure, or no figure, for the
one asked. Only for entries that speak of particular years; one that names no year (what PAPI is) answers a
question of any year, and a year the entry names only to say it has nothing for it ("2019: chưa có số liệu")
counts as not named."""

from __future__ import annotations

import re

from content.normalize import normalize
from content.search import Doc
from handlers.core.messages import Reply

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_LACKS = re.compile(r"\b(?:chua|khong) (?:co|tim thay)\b")
# "theo nghị định nào", "nghị định số mấy", "điều mấy", "luật nào" (normalised)
_ASKED_DOC = re.compile(r"\b(nghi dinh|quyet dinh|thong tu|nghi quyet|luat|dieu)(?: so)? (?:nao|gi|may|bao nhieu)\b")
_SHOWN = {"nghi dinh": "số nghị định", "quyet dinh": "số quyết định", "thong tu": "số thông tư",
          "nghi quyet": "số nghị quyết", "luat": "tên luật", "dieu": "điều luật"}


def _years_held(entry: str) -> set[str]:
    return {y for line in entry.splitlines() if not _LACKS.search(line) for y in _YEAR.findall(line)}


def _missing_year(question: str, entry: str) -> str | None:
    held = _years_held(entry)
    asked = [y for y in dict.fromkeys(_YEAR.findall(question)) if y not in held]
    if not held or not asked:
        return None
    return f"năm {', '.join(asked)}"


def _missing_document(question: str, entry: str) -> str | None:
    asked = _ASKED_DOC.search(question)
    if asked is None:
        return None
    kind = asked.group(1)
    named = rf"\b{kind}\b(?! (?:so )?(?:nao|gi|may|bao nhieu)\b)" if kind == "luat" else rf"\b{kind} (?:so )?\d"
    return None if re.search(named, entry) else _SHOWN[kind]


def uncovered(question: str, doc: Doc, reply: Reply) -> Reply | None:
    """The reply as a decline that says first what the entry does not give, or None when it gives what is asked."""
    asked = normalize(question)
    lines = (doc.title, *doc.phrasings, *doc.body.splitlines(), *reply.text.splitlines())
    entry = "\n".join(normalize(t) for t in lines)
    missing = _missing_year(asked, entry) or _missing_document(asked, entry)
    if missing is None:
        return None
    return Reply(f"Mục này không nêu riêng {missing}; đây là những gì trợ lý có:\n\n{reply.text}", reply.choices,
                 kind="decline")
