"""The bot's @mention in a Zalo group message, removed before the text reaches the core.

In a group the bot receives only the messages that mention it or reply to it (Zalo's docs, "Bot tương tác với
Group", 17/12/2025; groups were still "coming soon" there). How the mention appears in `text` is not documented.
We assume the app writes it as "@<name>" where it was typed, usually first, and that the name is the bot's
display name ("Bot …", a rule of Bot Creator), which getMe does not return: it gives `account_name` only. So a
known name is removed at the start or the end; any other leading "@…" is removed when a command follows it, as
in "@Bot PAPI Xã An Bình /baocao". A question after an unknown name stays as typed: in groups the core answers
commands only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# a leading "@name" of up to 80 characters on one line, then a command ("/baocao", "/diem Kon Tum")
_BEFORE_COMMAND = re.compile(r"@[^/\n]{1,80}?\s+(/\w.*)", re.DOTALL)
_PUNCTUATION = " \t,:;-–"


def strip_mention(text: str, names: Iterable[str]) -> str:
    """`text` without the bot's mention (see the module's docstring for what is assumed)."""
    stripped = text.strip()
    for name in sorted(names, key=len, reverse=True):  # the longest first: "Bot PAPI Xã" before "Bot PAPI"
        mention, size = ("@" + name).casefold(), len(name) + 1
        head, rest = stripped[:size], stripped[size:]
        if head.casefold() == mention and not (rest[:1].isalnum() or rest[:1] in ("_", ".")):  # the whole name
            return rest.lstrip(_PUNCTUATION)
        body, tail = stripped[:-size], stripped[-size:]
        if tail.casefold() == mention and body.endswith((" ", "\n")):
            return body.rstrip(_PUNCTUATION + "\n")
    command = _BEFORE_COMMAND.fullmatch(stripped)
    return command.group(1) if command else text
