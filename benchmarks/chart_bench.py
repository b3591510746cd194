"""Time to draw each chart the bot sends, cold (first chart in the process: matplotlib's import and font
loading) and warm (median and slowest of repeated draws), with the PNG's size. Figures only, no pass/fail."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from content.loader import load
from handlers.messages import Reply
from handlers.scores import Scores

ROUNDS = 10


def timed(draw: Callable[[], Reply]) -> tuple[float, int]:
    t0 = time.perf_counter()
    answer = draw()
    elapsed = (time.perf_counter() - t0) * 1000
    return elapsed, len(answer.image or b"")


def main() -> None:
    scores = Scores(load())
    charts: dict[str, Callable[[], Reply]] = {
        "radar Kon Tum 2023": lambda: scores.radar("Kon Tum", 2023),
        "radar Đồng Tháp 2024 + mục tiêu": lambda: scores.radar("Đồng Tháp", 2024),
        "radar Khánh Hòa 2023 + nhóm": lambda: scores.radar("Khánh Hòa", 2023),
        "đường Đồng Tháp 2011–2024": lambda: scores.trend("Đồng Tháp"),
    }
    print("== Biểu đồ (PNG 750×750, matplotlib Agg) ==")
    first, _ = timed(next(iter(charts.values())))
    print(f"{'lần đầu (nạp matplotlib, phông)':>34}: {first:7.1f} ms")
    for label, draw in charts.items():
        times, size = [], 0
        for _ in range(ROUNDS):
            ms, size = timed(draw)
            times.append(ms)
        print(f"{label:>34}: p50 {statistics.median(times):6.1f} ms, chậm nhất {max(times):6.1f} ms, "
              f"{size / 1024:5.0f} KB")


if __name__ == "__main__":
    main()
