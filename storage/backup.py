"""Backups of the SQLite file: a consistent copy while the bot writes, dated copies of which the last N are kept,
the check that a file is a bot database, and putting a copy back.

Copies use SQLite's online backup API, page by page from one read snapshot: what was committed when the copy
began is in it, whatever is written meanwhile (WAL readers never wait for writers, nor writers for them).
A copy is written under a temporary name and renamed when complete, so a half-written file (a full disk, a
killed run) is never taken for a backup, nor counted among the N kept.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing
from pathlib import Path

from storage.db import migration_files

PREFIX = "papi-"
SUFFIX = ".sqlite3"
STAMP = "%Y%m%d-%H%M%S"


class NotABotDatabase(Exception):
    """The file is not a database this bot can use (in Vietnamese, for the operator)."""


def _read_only(path: Path) -> sqlite3.Connection:
    """Never creates the file (mode=ro), so a mistyped path is an error, not an empty database."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def copy(source: Path, target: Path) -> None:
    """A consistent copy of `source` at `target` (replaced if present)."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(_read_only(source)) as src, closing(sqlite3.connect(partial)) as dest:
        src.backup(dest)
    os.replace(partial, target)


def dated(source: Path, folder: Path, now: dt.datetime, keep: int) -> tuple[Path, list[Path]]:
    """A copy named by the time (papi-YYYYmmdd-HHMMSS.sqlite3, so names sort as times); then only the newest
    `keep` of them stay. Returns the copy and the copies removed."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{PREFIX}*{SUFFIX}.partial"):  # left by a run that was killed (one runs at a time)
        stale.unlink()
    target = folder / f"{PREFIX}{now.strftime(STAMP)}{SUFFIX}"
    copy(source, target)
    ours = sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if _dated_name(p.name))
    removed = ours[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink()
    return target, removed


def _dated_name(name: str) -> bool:
    try:
        dt.datetime.strptime(name[len(PREFIX):-len(SUFFIX)], STAMP)
    except ValueError:
        return False
    return name.startswith(PREFIX) and name.endswith(SUFFIX)


def check(path: Path) -> int:
    """The schema version of a bot database at `path`; raises NotABotDatabase saying what is wrong (missing,
    not SQLite, damaged, not this bot's, from a newer version of the bot)."""
    if not path.is_file():
        raise NotABotDatabase(f"không có tệp {path}")
    try:
        with closing(_read_only(path)) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise NotABotDatabase(f"{path} bị hỏng ({verdict})")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"schema_migrations", "people", "reports", "outbox"} <= tables:
                raise NotABotDatabase(f"{path} không phải cơ sở dữ liệu của Trợ lý PAPI")
            version = int(conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise NotABotDatabase(f"{path} không đọc được như cơ sở dữ liệu SQLite ({exc})") from exc
    newest = max((v for v, _ in migration_files()), default=0)
    if version > newest:
        raise NotABotDatabase(f"{path} thuộc phiên bản bot mới hơn (lược đồ {version}, bản này biết tới {newest})")
    return version


# beside a SQLite file: its write-ahead log, the log's index, a rollback journal
SIDE_FILES = ("-wal", "-shm", "-journal")


def restore(backup: Path, database: Path, now: dt.datetime) -> Path | None:
    """Put `backup` (checked first) in place of `database`, which must not be in use (the caller holds its
    lock). The copy is written under a temporary name and renamed into place; the database as it was is kept
    beside it under a dated name (returned), its -wal and -shm with it, so a restore can itself be undone.
    Renamed, not read: a damaged database is kept as it is, and its -wal is never replayed into the copy."""
    check(backup)
    database.parent.mkdir(parents=True, exist_ok=True)
    incoming = database.with_name(f"{database.name}.khoi-phuc")
    copy(backup, incoming)
    kept = database.with_name(f"{database.name}.truoc-khoi-phuc-{now.strftime(STAMP)}")
    moved = False
    for suffix in ("", *SIDE_FILES):
        if (old := Path(f"{database}{suffix}")).exists():
            os.replace(old, Path(f"{kept}{suffix}"))
            moved = True
    os.replace(incoming, database)
    return kept if moved else None


def write_problem(path: Path, wait: float = 2.0) -> str | None:
    """Why the bot could not write to the database at `path` (None: it can). Takes the write lock and lets it
    go (BEGIN IMMEDIATE, ROLLBACK): nothing is written. A missing file counts as writable when its folder is
    (the bot creates it on start)."""
    if not path.exists():
        folder = next((p for p in path.resolve().parents if p.exists()), Path("/"))
        return None if os.access(folder, os.W_OK) else f"không tạo được {path}: không ghi được vào {folder}"
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=wait)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        return f"không ghi được vào {path} ({exc})"
    return None
