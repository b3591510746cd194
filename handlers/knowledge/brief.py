"""First replies that fit a phone: the part of an entry the question asks for, in about 1,200 characters
(one Zalo message holds 2,000), with its source; the rest behind a choice.

An entry is rendered as parts in order of importance; `compose` keeps parts while they fit. The question picks
which parts come first (`aspects`): "niêm yết bao lâu" puts the duration before the places.
"""

from __future__ import annotations

from collections.abc import Iterable

from content.models import Cited
from content.normalize import normalize
from handlers.core import render
from handlers.scores import questions as score_questions

LIMIT = 1200  # what a first reply aims at
MAX_REPLY = 2000  # what it must never exceed: one Zalo message; `content check` enforces it
MORE = "Chi tiết và nguồn đầy đủ"


def dimension(question: str) -> int | None:
    return score_questions.dimension(normalize(question))


def ordered(parts: dict[str, str], asked: Iterable[str], default: Iterable[str]) -> list[str]:
    """The asked parts first, then the rest in their default order; empty parts, and a part given under two
    names, once. "Bao lâu" asks how long a notice stays up, and where, or how soon it must go up, so the
    duration brings the places and the timing with it."""
    asked = list(asked)
    if "how_long" in asked:
        at = asked.index("how_long") + 1
        asked[at:at] = [a for a in ("when", "where") if a not in asked]
    names = [*[a for a in asked if a in parts], *default]
    return list(dict.fromkeys(parts[n] for n in dict.fromkeys(names) if parts.get(n)))


def footer(entry: Cited | None, extra_sources: Iterable[str], room: int) -> str:
    """The full footer when it fits in `room`; else the first source, with the caution and then the 2025
    change in full while they fit (what is unverified is often what the question is about: "sao không có
    5.2") and a flag for what did not."""
    if entry is None:
        return ""
    full = render.footer(entry, extra_sources)
    if len(full) <= room:
        return full
    sources = list(dict.fromkeys([*extra_sources, *entry.sources]))
    others = f" (và {len(sources) - 1} nguồn khác)" if len(sources) > 1 else ""
    source = render.SOURCE + sources[0] + others
    flag = f"{render.CAUTION}có chi tiết chưa kiểm chứng hoặc đã đổi từ 2025: xem «{MORE}»."
    caution = render.CAUTION + entry.caution if entry.caution else ""
    reform = render.REFORM + entry.reform_2025 if entry.reform_2025 else ""
    if caution and len(caution) + len(flag) + len(source) + 2 <= room:
        changed = f"{render.REFORM}xem «{MORE}»." if reform else ""
        if reform and len(caution) + len(reform) + len(source) + 2 <= room:
            changed = reform
        return "\n".join(n for n in (caution, changed, source) if n)
    return "\n".join([*([flag] if caution or reform else []), source])


def compose(
    title: str, parts: list[str], entry: Cited | None, extra_sources: Iterable[str] = (), limit: int = LIMIT
) -> tuple[str, bool]:
    """The title, as many parts as fit in `limit` (always the first), and the footer; and whether something
    was left out (then the reply offers the full entry)."""
    extra = list(extra_sources)
    whole = render.page(title, "\n\n".join(parts), entry, extra)
    if len(whole) <= limit:
        return whole, False
    budget = int(limit * 0.75) - len(title)  # a quarter left for the footer
    kept: list[str] = []
    for part in parts:
        if sum(len(p) + 2 for p in kept) + len(part) > budget:
            if not kept:  # the first part alone is too long: its beginning, cut at a line or a word
                kept.append(_cut(part, budget) + " …")
            break
        kept.append(part)
    room = max(limit - len(title) - sum(len(p) + 2 for p in kept), 300)
    blocks = [title, "\n\n".join(kept), footer(entry, extra, room)]
    return "\n\n".join(b for b in blocks if b), True


def _cut(text: str, size: int) -> str:
    head = text[:size]
    at = head.rfind("\n")
    return head[:at] if at > size // 2 else head[: head.rfind(" ")]
