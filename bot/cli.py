"""Command line: each sub-command is a small function; the bot itself starts in `chat` and `run`."""

from __future__ import annotations

import argparse

from content.loader import ContentError, load


def content_check() -> int:
    try:
        kb = load()
    except ContentError as exc:
        print("Nội dung KHÔNG hợp lệ:")
        for problem in exc.problems:
            print(f"  - {problem}")
        return 1
    print("Nội dung hợp lệ:")
    for kind, n in kb.counts.items():
        print(f"  {kind}: {n}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Trợ lý PAPI")
    sub = parser.add_subparsers(dest="command", required=True)
    content = sub.add_parser("content", help="kiểm tra nội dung")
    content.add_argument("action", choices=["check"])
    args = parser.parse_args(argv)
    if args.command == "content":
        return content_check()
    return 2
