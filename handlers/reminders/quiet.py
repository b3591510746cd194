"""Quiet hours (QUIET_HOURS, 21:00–07:00 by default): nothing the bot sends on its own goes out inside them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from handlers.core.context import QuietHours


def inside(local: dt.time, hours: QuietHours) -> bool:
    if hours is None:
        return False
    start, end = hours
    return (local >= start or local < end) if start > end else start <= local < end


def quiet(now: dt.datetime, zone: ZoneInfo, hours: QuietHours) -> bool:
    return inside(now.astimezone(zone).time(), hours)


def hold(moment: dt.datetime, hours: QuietHours) -> dt.datetime:
    """A local moment inside the quiet window moves to the window's end (the next morning); None: unchanged."""
    if hours is None or not inside(moment.time(), hours):
        return moment
    start, end = hours
    day = moment.date() + dt.timedelta(days=1) if start > end and moment.time() >= start else moment.date()
    return dt.datetime.combine(day, end, moment.tzinfo)
