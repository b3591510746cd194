"""A deadline as plans write it ("trước ngày 30/6/2025", "hằng quý, trước ngày 03 của tháng cuối quý", "trong 20
ngày kể từ ngày ban hành", "thường xuyên") read into a `Deadline` rule, the words kept beside it as `text`.

The order of the checks is the order a reader settles it: a count of days from an event wins ("định kỳ … và sau
15 ngày kể từ ngày công bố PAPI" is a relative deadline); a plan saying it names no date is ongoing even if it
says "hằng năm"; then a cadence (hằng quý, 6 tháng, hằng năm); then words with no date (thường xuyên, cả năm);
last a date, a month or a quarter. A date without its year takes the plan's year.
"""

from __future__ import annotations

import datetime as dt
import re

from content.models import Deadline, Plan
from content.normalize import strip_diacritics
from content.periods import due_in

EXAMPLES = ("«trước 30/6/2025», «tháng 9/2025», «quý III», «hằng quý», «trong 20 ngày kể từ ngày ban hành», "
            "«thường xuyên»")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?")
_WORDY_DATE = re.compile(r"ngay (\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?")
_DAYS = re.compile(r"(\d{1,3}) ngay (?:lam viec )?(?:ke tu|sau khi|sau|tu|tinh tu)")
_NO_DATE = ("khong neu", "khong ghi", "khong co thoi han", "chua xac dinh", "theo phu luc", "tai cac phu luc")
_ONGOING = ("thuong xuyen", "ca nam", "lien tuc", "kip thoi", "hang ngay", "hang tuan", "trong suot", "dai han",
            "trong qua trinh thuc hien", "khan truong", "tiep tuc thuc hien", "cac nam tiep theo")


class Unreadable(ValueError):
    """The words name no deadline the bot can follow; the message says what is expected, in Vietnamese."""


def _flat(words: str) -> str:
    text = strip_diacritics(words).lower()
    return re.sub(r"\s+", " ", re.sub(r"[,;:()«»\"“”]", " ", text)).strip()


def parse(words: str, year: int) -> Deadline:
    """The rule of these words; `year` is the plan's year, for a date or a quarter written without one."""
    text = words.strip()
    if not text:
        raise Unreadable(f"trống; ví dụ hợp lệ: {EXAMPLES}")
    flat = _flat(text)
    for reader in (_relative, _no_date, _recurring, _ongoing, _fixed):
        rule = reader(text, flat, year)
        if rule is not None:
            return rule
    raise Unreadable(f"không hiểu «{text}»; ví dụ hợp lệ: {EXAMPLES}")


def _relative(text: str, flat: str, year: int) -> Deadline | None:
    found = _DAYS.search(flat) or re.search(r"(\d{1,3}) ngay (?:\w+ ){0,6}?(?:ban hanh|cong bo)", flat)
    if not found:
        return None
    rest = flat[found.start():]
    if "cong bo" in rest:
        return Deadline(kind="relative", text=text, event="papi_published", days=int(found.group(1)))
    if "ban hanh" in rest:
        return Deadline(kind="relative", text=text, event="plan_issued", days=int(found.group(1)))
    return None


def _no_date(text: str, flat: str, year: int) -> Deadline | None:
    if not any(w in flat for w in _NO_DATE):
        return None
    return Deadline(kind="ongoing", text=text, until=_until(flat))


def _until(flat: str) -> dt.date | None:
    """The bound of an ongoing task: a full date it names ("mốc 31/12/2024"); "năm 2024" alone bounds nothing,
    as plans write it of work that goes on ("Năm 2024; nhiệm vụ thường xuyên, lâu dài")."""
    for pattern in (_DATE, _WORDY_DATE):
        for m in pattern.finditer(flat):
            if m.group(3):
                return _date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


def _day_month(flat: str) -> tuple[int, int] | None:
    m = _DATE.search(flat) or _WORDY_DATE.search(flat)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _day(flat: str) -> int | None:
    m = re.search(r"ngay (\d{1,2})\b(?! ?[/.-])", flat)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 31 else None


def _recurring(text: str, flat: str, year: int) -> Deadline | None:
    """A cadence, read from the first clause ("Hàng năm (…); báo cáo định kỳ quý" is yearly work, whose reports
    are another matter). "Hằng năm" with no date names no day to remind of: that is ongoing work."""
    flat = _flat(text.split(";")[0])
    if re.search(r"\b(hang|moi|dinh ky|dinh ki) quy\b", flat):
        return Deadline(kind="recurring", text=text, every="quarter", day=_day(flat) or 31)
    if re.search(r"\b(hang|moi) thang\b", flat):
        return Deadline(kind="recurring", text=text, every="month", day=_day(flat) or 31)
    if re.search(r"(^|\b(hang|moi|dinh ky|dinh ki|bao cao) )6 thang\b(?! (dau|cuoi))", flat):
        day, month = _day_month(flat) or (30, 6)
        return Deadline(kind="recurring", text=text, every="half_year", day=day, month=month)
    if re.search(r"\b(hang|moi) nam\b", flat) or re.match(r"nam\b(?! \d)", flat):
        found = _day_month(flat)
        if found is None:
            return Deadline(kind="ongoing", text=text)
        return Deadline(kind="recurring", text=text, every="year", day=found[0], month=found[1])
    return None


def _ongoing(text: str, flat: str, year: int) -> Deadline | None:
    if any(w in flat for w in _ONGOING):
        # "Kịp thời; báo cáo kết quả chậm nhất ngày 29/9/2023": the date after ";" is the report's, not the task's
        return Deadline(kind="ongoing", text=text, until=_until(_flat(text.split(";")[0])))
    within = re.fullmatch(r"(?:trong )?(?:ca )?nam (\d{4})", flat)
    if within:
        return Deadline(kind="ongoing", text=text, until=dt.date(int(within.group(1)), 12, 31))
    return None


def _fixed(text: str, flat: str, year: int) -> Deadline | None:
    due = _full_date(flat, year) or _half(flat, year) or _month(flat, year) or _quarter(flat, year)
    return Deadline(kind="fixed", text=text, date=due) if due else None


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _full_date(flat: str, year: int) -> dt.date | None:
    if re.search(r"\bthang \d{1,2}\s*[/.-]\s*\d{4}", flat):
        return None  # "tháng 9/2025" is a month, not the 9th of a year
    m = _WORDY_DATE.search(flat) or _DATE.search(flat)
    if not m:
        return None
    due = _date(int(m.group(3) or year), int(m.group(2)), int(m.group(1)))
    if due is None:
        raise Unreadable(f"ngày «{m.group(0)}» không có thật; ví dụ hợp lệ: {EXAMPLES}")
    return due


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)


def _month(flat: str, year: int) -> dt.date | None:
    m = re.search(r"\bthang (\d{1,2})(?:\s*(?:[/.-]|nam)\s*(\d{4}))?", flat)
    if not m or not 1 <= int(m.group(1)) <= 12:
        return None
    return _month_end(int(m.group(2) or year), int(m.group(1)))


def _quarter(flat: str, year: int) -> dt.date | None:
    m = re.search(r"\bquy (iv|iii|ii|i|[1-4])\b(?:\s*(?:[/.-]|nam)\s*(\d{4}))?", flat)
    if not m:
        return None
    return _month_end(int(m.group(2) or year), _ROMAN[m.group(1)] * 3)


def _half(flat: str, year: int) -> dt.date | None:
    m = re.search(r"\b6 thang (dau|cuoi) nam(?: (\d{4}))?", flat)
    if not m:
        return None
    return _month_end(int(m.group(2) or year), 6 if m.group(1) == "dau" else 12)


def as_json(rule: Deadline) -> dict[str, object]:
    """The rule for scripts: kind, the plan's words, and only the fields the kind uses (`due` for a fixed date)."""
    out: dict[str, object] = {"kind": rule.kind, "words": rule.text}
    if rule.date:
        out["due"] = rule.date.isoformat()
    for name in ("every", "day", "month", "event", "days"):
        if getattr(rule, name) is not None:
            out[name] = getattr(rule, name)
    if rule.until:
        out["until"] = rule.until.isoformat()
    return out


EVENT_NAMES = {"plan_issued": "ban hành kế hoạch", "papi_published": "công bố PAPI"}
RECURRING_LOOKAHEAD = dt.timedelta(days=400)  # a yearly rule's next day is at most a year away


def next_due(plan: Plan, rule: Deadline, today: dt.date, events: dict[str, dt.date]) -> dt.date | None:
    """The task's own deadline seen from today: its date, the next occurrence of its cadence within the plan (from
    its issue to the rule's `until`), or the event's date plus its days; None when ongoing or not yet known."""
    if rule.kind == "fixed":
        return rule.date
    if rule.kind == "relative":
        start = events.get(rule.event or "")
        return start + dt.timedelta(days=rule.days or 0) if start else None
    if rule.kind == "recurring":
        ahead = due_in(plan, rule, today, today + RECURRING_LOOKAHEAD, events)
        return ahead[0].due if ahead else None
    return None


def described(plan: Plan, rule: Deadline, today: dt.date, events: dict[str, dt.date]) -> str:
    """'31/03/2027 («trước ngày 31/3/2027»)', 'lần tới 03/12/2026 («hằng quý…»)', 'thường xuyên': never a date
    the plan does not give (an event not yet dated is said to be unknown)."""
    due = next_due(plan, rule, today, events)
    words = f" («{rule.text}»)"
    if rule.kind == "fixed" and due:
        return f"{due:%d/%m/%Y}{' (đã qua)' if due < today else ''}{words}"
    if rule.kind == "recurring":
        return (f"lần tới {due:%d/%m/%Y}" if due else "không còn kỳ nào trong thời gian của kế hoạch") + words
    if rule.kind == "relative":
        if due is None:
            return f"chưa tính được: chưa có ngày {EVENT_NAMES[rule.event or 'plan_issued']}{words}"
        return f"{due:%d/%m/%Y}{' (đã qua)' if due < today else ''}{words}"
    until = f" đến {rule.until:%d/%m/%Y}" if rule.until else ""
    same = _flat(rule.text) == "thuong xuyen"
    return f"thường xuyên{until}" + ("" if same else words)
