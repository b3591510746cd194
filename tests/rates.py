"""Checks of a send rate over the times messages reached a fake platform API (sorted, in seconds)."""

from __future__ import annotations

import bisect


def windows(times: list[float], seconds: float, since: float = float("-inf")) -> list[int]:
    """How many messages each window [t, t + seconds) holds, for t each message's time from `since` on (the
    busiest window of all starts at a message); `times` sorted."""
    return [bisect.bisect_left(times, t + seconds) - i for i, t in enumerate(times) if t >= since]


def busiest(times: list[float], seconds: float) -> int:
    return max(windows(times, seconds), default=0)


def bucket_peak(times: list[float], leak: float) -> float:
    """The highest level a leaky bucket draining `leak` a second reaches when each message adds 1: at most
    the capacity C exactly when every window of T seconds holds at most leak × T + C messages."""
    level, last, peak = 0.0, times[0], 0.0
    for t in times:
        level = max(level - (t - last) * leak, 0.0) + 1
        last, peak = t, max(peak, level)
    return peak
