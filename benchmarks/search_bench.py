"""Search latency (p50, p99) and throughput at the real knowledge-base size and at a synthetic 20× size, over
the questions of tests/data/questions.yaml. (What people receive is measured by answers_bench.)"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

import yaml

from content.loader import load
from content.search import Doc, SearchIndex
from handlers.knowledge.documents import Documents

QUESTIONS = Path(__file__).parent.parent / "tests" / "data" / "questions.yaml"


def synthetic(docs: list[Doc], factor: int, seed: int = 7) -> list[Doc]:
    """The real documents plus (factor - 1) variants of each, with shuffled words and a distinct token,
    so the index has factor × the documents, phrasings and postings."""
    rng = random.Random(seed)
    out = list(docs)
    for k in range(1, factor):
        for d in docs:
            phr = []
            for p in d.phrasings:
                words = p.split()
                rng.shuffle(words)
                phr.append(" ".join(words) + f" bienthe{k}")
            out.append(Doc(f"{d.id}#{k}", d.title, tuple(phr)))
    return out


def questions() -> list[tuple[str, list[str]]]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [(q["q"], q["expect"]) for q in data["questions"]]


def latency(index: SearchIndex, queries: list[str], rounds: int) -> tuple[float, float, float]:
    times = []
    start = time.perf_counter()
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            index.search(q)
            times.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    times.sort()
    p50 = statistics.median(times) * 1000
    p99 = times[int(len(times) * 0.99) - 1] * 1000
    return p50, p99, len(times) / total


def main() -> None:
    kb = load()
    docs = Documents(kb).docs()
    qs = questions()
    texts = [q for q, _ in qs]
    print("== Tìm kiếm ==")
    for label, factor in (("thực tế", 1), ("tổng hợp 20×", 20)):
        corpus = synthetic(docs, factor)
        t0 = time.perf_counter()
        index = SearchIndex(corpus)
        build = (time.perf_counter() - t0) * 1000
        p50, p99, qps = latency(index, texts, rounds=3 if factor == 1 else 2)
        print(
            f"{label:>14}: {len(corpus):>6} tài liệu, dựng chỉ mục {build:7.1f} ms, "
            f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, {qps:,.0f} câu/giây"
        )
