"""Plain-text rendering shared by the channels without buttons (console, Zalo).

Choices become numbered lines; the person answers with the number or the label, which the core resolves
against the choices it stored for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.core.messages import Choice, Reply

# Tried in order: the first that cuts in the second half of the window wins, so parts stay reasonably full.
_BOUNDARIES = ("\n\n", "\n", ". ", "! ", "? ", "; ", ": ", ", ", " ")


def choice_lines(choices: Sequence[Choice]) -> list[str]:
    return [f"  [{n}] {c.label}" for n, c in enumerate(choices, start=1)]


def as_text(reply: Reply) -> str:
    """The reply's text followed by its choices as numbered lines."""
    return "\n".join([reply.text, *choice_lines(reply.choices)])


def units(text: str) -> int:
    """Length in UTF-16 code units: how JavaScript-based APIs count, so emoji count double."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _fit(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 code units."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, line, sentence, then word boundaries so that every part fits `limit` units."""
    parts: list[str] = []
    rest = text
    while units(rest) > limit:
        window = rest[: _fit(rest, limit)]
        cut, resume = len(window), len(window)  # no boundary found: a hard cut
        for boundary in _BOUNDARIES:
            at = window.rfind(boundary)
            if at > len(window) // 2:
                # keep the punctuation with the sentence it ends; drop the whitespace between parts
                cut, resume = at + len(boundary.rstrip()), at + len(boundary)
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[resume:].lstrip("\n")
    parts.append(rest)
    return [p for p in parts if p.strip()]
