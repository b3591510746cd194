"""Limits on the web chat: a token bucket per session and per address (many citizens of a commune office may
share one address, so its bucket is larger). Refused messages are not handled at all. Buckets are kept in
memory, at most `keep` of them (the least recently used dropped first), so a flood of addresses cannot grow it."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float


class Buckets:
    def __init__(self, rate: float, burst: int, keep: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.keep, self.clock = rate, burst, keep, clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> float:
        """0 when a message may go now (one token taken); otherwise the seconds until one may."""
        now = self.clock()
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self._buckets[key] = bucket
        while len(self._buckets) > self.keep:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


@dataclass(frozen=True)
class Limits:
    """Per session: 10 at once, then one every 3 s; per address: 60 at once, then one a second."""

    session: Buckets
    address: Buckets

    @classmethod
    def default(cls, clock: Callable[[], float] = time.monotonic) -> Limits:
        return cls(Buckets(1 / 3, 10, clock=clock), Buckets(1.0, 60, clock=clock))

    def wait(self, session: str, address: str) -> float:
        """Seconds to wait; 0: go. The address is charged only when the session may go."""
        return self.session.take(session) or self.address.take(address)
