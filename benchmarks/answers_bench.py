"""First replies judged on every question set in tests/data/eval, for the bot and two peers.

`python -m benchmarks.answers_bench` prints the figures; `--show set_a` also lists what went wrong, for a tuning
set only: the failures of a held-out set are never read, so its figure stays a measure of new questions.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.answers import SETS, TUNING, Summary, run, summarise


def _pct(pair: tuple[int, int]) -> str:
    right, total = pair
    return f"{right}/{total} = {right / total:.0%}" if total else "–"


def line(label: str, s: Summary) -> str:
    c = s.counts
    return (
        f"  {label:<9} đúng {s.right}/{s.in_scope} = {s.share:.1%} (không dấu {_pct(s.plain)}, gõ sai/viết tắt "
        f"{_pct(s.typos)}); sai {c['wrong']}, quá dài {c['too_long']}, gợi ý {c['suggested']}, hỏi lại "
        f"{c['clarify']}, không thấy {c['not_found']}; trả lời câu ngoài chủ đề {s.off_topic[0]}/{s.off_topic[1]}, "
        f"ngoài KB {s.out_of_kb[0]}/{s.out_of_kb[1]}"
    )


def main(show: str | None = None, only: list[str] | None = None) -> None:
    print("== Câu trả lời đầu tiên (bộ câu hỏi độc lập; đúng = trả lời ngay, đủ dữ kiện, ≤ 2.000 ký tự) ==")
    for path in sorted(SETS.glob("*.yaml")):
        name = path.stem
        if only and name not in only:
            continue
        bot, others = run(name)
        role = "điều chỉnh" if name in TUNING else "giữ riêng"
        print(f"{name} ({role}):")
        print(line("bot", summarise(bot)))
        for label, outcomes in others.items():
            print(line(label, summarise(outcomes)))
        if name == show:
            for o in bot:
                if o.verdict not in ("right", "declined"):
                    print(f"    [{o.verdict}] {o.question.id} {o.question.q!r} must={o.question.must}")
                    print("      → " + o.reply.kind + ": " + o.reply.text[:300].replace("\n", " ⏎ "))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", help="list the failures of this tuning set")
    parser.add_argument("--sets", nargs="*", help="only these sets (default: all)")
    args = parser.parse_args()
    if args.show and args.show not in TUNING:
        sys.exit(f"{args.show} is held out: its failures are not shown (tuning sets: {', '.join(TUNING)})")
    main(args.show, args.sets)
