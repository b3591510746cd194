"""A message that asks two things at once ("PAPI 2024 công bố ngày nào, tỉnh nào đứng cuối?", "dán mấy ngày, khiếu
nại thì bao lâu xã trả lời") gets both answered in its first reply: its asking parts are found here, each
carrying the years and places the message names once for all of them, and the router answers each part as a
question of its own and joins the answers that differ from the first (router.py)."""

from __future__ import annotations

import re

from content.normalize import YEAR, normalize

# Where one question ends and the next begins: punctuation, or "và / còn / với lại" before a new question word
_BREAK = re.compile(r"\s*[,;?!]+\s*|\s+(?=(?:và|va|còn|con|với lại|voi lai|thêm nữa|them nua)\s)", re.IGNORECASE)
_JOINER = re.compile(r"^(?:và|va|còn|con|với lại|voi lai|thêm nữa|them nua)\s+", re.IGNORECASE)
# A part asks when it holds a question word (normalised text, abbreviations expanded); "không", "chưa" only at
# its end ("… được không"), since inside a part they deny ("nghe hoài mà không hiểu")
_ASKING = re.compile(r"\b(?:bao lau|bao nhieu|may|nao|gi|the nao|sao|o dau|ai|khi nao|bao gio|la gi|dung thu"
                     r"|co phai)\b|\b(?:khong|chua)$")
MIN_WORDS = 3
MOST = 3  # a message of more asking parts than this is a list of worries, better answered by its main question


def asked(text: str) -> list[str]:
    """The parts of a message that each ask something, in order; empty when it asks one thing only."""
    parts = [_JOINER.sub("", p).strip() for p in _BREAK.split(text)]
    asking = [p for p in parts if len(p.split()) >= MIN_WORDS and _ASKING.search(normalize(p))]
    return asking if 2 <= len(asking) <= MOST else []


def carried(part: str, whole: str, places: list[str]) -> str:
    """The part with the years and places the message names elsewhere ("PAPI 2024 …, tỉnh nào đứng cuối"), and
    PAPI when the message is about it ("PAPI là gì, ai tổ chức khảo sát cái này")."""
    norm, all_of = normalize(part), normalize(whole)
    years = [y for y in dict.fromkeys(YEAR.findall(all_of)) if y not in norm]
    named = [p for p in places if normalize(p) not in norm]
    topic = ["PAPI"] if re.search(r"\bpapi\b", all_of) and not re.search(r"\bpapi\b", norm) else []
    return " ".join([part, *topic, *named, *years])
