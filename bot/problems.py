"""How the import commands (org, people, plan) tell a person their file was refused: every problem, up to a
screenful, on standard error."""

from __future__ import annotations

import sys

MAX_SHOWN = 50  # a file wrong on every row is told so in a screenful, not 20,000 lines


def print_invalid(name: str, problems: list[str]) -> int:
    """Print the problems of file `name` and return the exit status of a bad file (2)."""
    shown = problems[:MAX_SHOWN]
    print(f"Tệp {name} KHÔNG hợp lệ, chưa lưu gì ({len(problems)} lỗi):", file=sys.stderr)
    for line in shown:
        print(f"  - {line}", file=sys.stderr)
    if len(problems) > len(shown):
        print(f"  … và {len(problems) - len(shown)} lỗi khác.", file=sys.stderr)
    return 2
