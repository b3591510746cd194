"""Long replies cut for the channels that limit a message's length (Zalo, Telegram), at the best boundary in each
window. (Choices as numbered lines, and UTF-16 lengths, are in handlers/core/messages.py.)
"""

from __future__ import annotations

from handlers.core.messages import units

# Tried in order: the first that cuts in the second half of the window wins, so parts stay reasonably full.
_BOUNDARIES = ("\n\n", "\n", ". ", "! ", "? ", "; ", ": ", ", ", " ")


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
