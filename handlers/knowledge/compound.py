"""A message that asks two things at once ("PAPI 2024 công bố ngày nào, tỉnh nào đứng cuối?", "dán mấy ngày, khiếu
nại thì bao lâu xã trả lời") gets both answered in its first reply: its asking parts are found here, each
carrying the year, places and subject the message names once, and the router answers each part as a question of
its own and joins the answers that differ from the first (router.py)."""

from __future__ import annotations

import re

from content.indices import named_index
from content.normalize import PAPI, YEAR, normalize

_JOINERS = ("và", "còn", "với lại", "thêm nữa")
# plain forms only in a message typed without diacritics: with them, «con» is a child, not «còn»
_PLAIN_JOINERS = ("va", "con", "voi lai", "them nua")
_PUNCTUATION = r"\s*(?:[,;?!]+|\.(?=\s))\s*"  # a full stop only before a space: not «2.2», «1.7.2025»
# A part asks when it holds a question word (normalised text, abbreviations expanded). «ai/gì/nào» not after «không»
# («không ai trả lời») nor before «cũng» («nào cũng»); «mấy» before what is counted, not «máy» (a machine);
# «không/chưa» only at a part's end, after «được/có/phải/đã»: inside a part they deny, and «chùa» is a temple
_ASKING = re.compile(r"\b(?:bao lau|bao nhieu|the nao|sao|o dau|khi nao|bao gio|la gi|dung thu|co phai)\b"
                     r"|(?<!khong )(?<!chang )\b(?:ai|gi|nao)\b(?! cung\b)"
                     r"|\bmay (?:ngay|nguoi|lan|gio|thang|nam|diem|chi so|noi dung|buoc|ho|muc|loai|cach)\b"
                     r"|\b(?:duoc|co|phai|da|dung)\b.*\b(?:khong|chua)$")
_ELLIPTIC = re.compile(r"\b(?:thi sao|the nao nua|ra sao)$")  # «2024 thì sao»: nothing to ask on its own
MIN_WORDS = 3
MOST = 3  # a message of more asking parts than this is a list of worries, better answered by its main question


def _break(text: str) -> re.Pattern[str]:
    joiners = _JOINERS + (_PLAIN_JOINERS if text.isascii() else ())
    return re.compile(rf"{_PUNCTUATION}|\s+(?:{'|'.join(joiners)})\s+", re.IGNORECASE)


def asked(text: str) -> list[str]:
    """The parts of a message that each ask something, in order; empty when it asks one thing only."""
    parts = [p.strip() for p in _break(text).split(text)]
    asking = [p for p in parts if len(p.split()) >= MIN_WORDS and _ASKING.search(n := normalize(p))
              and not _ELLIPTIC.search(n)]
    return asking if 2 <= len(asking) <= MOST else []


def carried(part: str, whole: str, places: list[str]) -> str:
    """The part with the year and places the message names elsewhere when it names none of its own ("PAPI 2024 …,
    tỉnh nào đứng cuối"), and PAPI when the message is about it ("PAPI là gì, ai tổ chức khảo sát cái này")."""
    norm, all_of = normalize(part), normalize(whole)
    years = [] if YEAR.search(norm) else list(dict.fromkeys(YEAR.findall(all_of)))
    named = [] if any(normalize(p) in norm for p in places) else places
    # PAPI, unless the part asks of another index ("…, còn PAR Index thì được bao nhiêu")
    topic = ["PAPI"] if PAPI.search(all_of) and not PAPI.search(norm) and not named_index(norm) else []
    return " ".join([part, *topic, *named, *years])
