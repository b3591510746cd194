"""The console channel as a user runs it: a real subprocess reading lines from a pipe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from handlers.core.router import NOTICE


def chat(tmp_path: Path, lines: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "c.sqlite3"), *args],
        input=lines, capture_output=True, text=True, timeout=60,
    )


def test_disclosure_question_lists_items_with_their_source(tmp_path: Path) -> None:
    out = chat(tmp_path, "xa phai cong khai nhung gi\n")
    assert out.returncode == 0, out.stderr
    assert "Nguồn: Luật Thực hiện dân chủ ở cơ sở" in out.stdout
    assert "  [1] " in out.stdout
    assert out.stdout.endswith("\n\n")


def test_numbered_choice_and_state_across_runs(tmp_path: Path) -> None:
    first = chat(tmp_path, "/chiso\n", "--user", "lan")
    assert "  [8] 8. " in first.stdout
    # a new process, same database: the choices offered last time are still there
    second = chat(tmp_path, "5\n", "--user", "lan")
    assert "Chỉ số nội dung 5" in second.stdout and "5.4" in second.stdout


def test_gaps_command_shows_questions_without_people(tmp_path: Path) -> None:
    chat(tmp_path, "lịch cúp điện tuần sau\n")
    out = subprocess.run(
        [sys.executable, "-m", "bot", "content", "gaps", "--db", str(tmp_path / "c.sqlite3")],
        capture_output=True, text=True, check=True,
    )
    assert "lịch cúp điện tuần sau" in out.stdout


def test_the_first_reply_says_it_is_automated_and_the_next_do_not(tmp_path: Path) -> None:
    first = chat(tmp_path, "/help\n/chiso 5\n", "--user", "lan")
    assert first.stdout.count(NOTICE) == 1 and first.stdout.index(NOTICE) < first.stdout.index("/chiso")
    assert NOTICE not in chat(tmp_path, "/help\n", "--user", "lan").stdout, "a new process, the same person"
