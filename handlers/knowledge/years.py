"""A question about a year that the entry found does not cover ("PAPI 2019 khảo sát bao nhiêu người" finds the
entry listing 2018, 2020, 2021…): the reply says first that the entry does not name that year, then what it says, so
the person does not take another year's figure for the one asked. Only for entries that speak of particular years; one
that names no year (what PAPI is) answers a question of any year."""

from __future__ import annotations

import re

from content.normalize import normalize
from content.search import Doc
from handlers.core.messages import Reply

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def missing_year(question: str, doc: Doc, reply: Reply) -> Reply | None:
    entry = normalize(" ".join((doc.title, *doc.phrasings, doc.body)))
    held = set(_YEAR.findall(entry))
    asked = [y for y in dict.fromkeys(_YEAR.findall(normalize(question))) if y not in held]
    if not held or not asked:
        return None
    years = ", ".join(asked)
    return Reply(f"Mục này không nêu riêng năm {years}; đây là những gì trợ lý có:\n\n{reply.text}", reply.choices,
                 kind="decline")
