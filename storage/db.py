"""The database: one SQLite file (WAL, foreign keys), versioned migrations, and short transactions that many
conversations at once cannot interleave.

`Database` owns one aiosqlite connection. Every call (a read, a write, or a whole `transaction()`) holds an
asyncio lock for its duration only, so a statement of one conversation never lands inside another's open
transaction, and nothing waits on a conversation, only on the few milliseconds of a query. Repositories (the
other modules here) take a `Db`, the database or an open transaction, so a call inside a transaction joins it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

MIGRATIONS = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
Row = aiosqlite.Row
Args = Sequence[Any]


class MigrationError(Exception):
    """A migration could not be applied; the schema is left as it was before it."""


class InUse(Exception):
    """Another bot process runs on this SQLite file."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """Stored times are UTC with an explicit offset."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Result:
    rowcount: int
    lastrowid: int | None


class Tx:
    """Statements inside one open transaction (the lock is already held). Each is one call into aiosqlite's
    thread (execute_fetchall; a write's cursor is dropped rather than closed by another call): every call wakes
    that thread, and at hundreds of messages a second the wake-ups are a good part of a message's cost."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fetchall(self, sql: str, args: Args = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, args))

    async def fetchone(self, sql: str, args: Args = ()) -> Row | None:
        rows = await self._conn.execute_fetchall(sql, args)
        return next(iter(rows), None)

    async def scalar(self, sql: str, args: Args = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, args)
        return row[0] if row is not None else None

    async def lookup(self, sql: str, args: Args = ()) -> Row | None:
        """One row by key (see Database.lookup); inside a transaction, on its connection."""
        return await self.fetchone(sql, args)

    async def execute(self, sql: str, args: Args = ()) -> Result:
        cur = await self._conn.execute(sql, args)
        return Result(cur.rowcount, cur.lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Args]) -> int:
        cur = await self._conn.executemany(sql, rows)
        return cur.rowcount


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._tx = Tx(conn)
        self._lock = asyncio.Lock()
        self.path = path
        self._reader: sqlite3.Connection | None = None
        if path != ":memory:":
            # Reads of one row by key, on the event loop's own thread: from the page cache such a read takes
            # microseconds, less than the round trip to aiosqlite's thread, and in WAL mode a reader never
            # waits for a writer. It sees every committed write (a transaction in progress reads through Tx).
            self._reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._reader.row_factory = sqlite3.Row
            self._reader.execute("PRAGMA query_only=1")

    async def lookup(self, sql: str, args: Args = ()) -> Row | None:
        """One row by an indexed key (a person by identity, a session, a unit): the hot path of every
        message. Anything that may scan goes through fetchone/fetchall, off the event loop."""
        if self._reader is None:
            return await self.fetchone(sql, args)
        return self._reader.execute(sql, args).fetchone()

    async def fetchall(self, sql: str, args: Args = ()) -> list[Row]:
        async with self._lock:
            return await self._tx.fetchall(sql, args)

    async def fetchone(self, sql: str, args: Args = ()) -> Row | None:
        async with self._lock:
            return await self._tx.fetchone(sql, args)

    async def scalar(self, sql: str, args: Args = ()) -> Any:
        async with self._lock:
            return await self._tx.scalar(sql, args)

    async def execute(self, sql: str, args: Args = ()) -> Result:
        async with self._lock:
            return await self._tx.execute(sql, args)

    async def executemany(self, sql: str, rows: Iterable[Args]) -> int:
        async with self._lock, _immediate(self._conn):  # one transaction: a commit per row costs a sync each
            return await self._tx.executemany(sql, rows)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any error), holding the lock throughout."""
        async with self._lock, _immediate(self._conn):
            yield self._tx

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        await self._conn.close()


Db = Database | Tx  # what repositories take: a call given a Tx joins that transaction


@asynccontextmanager
async def transaction(db: Db) -> AsyncIterator[Tx]:
    if isinstance(db, Tx):
        yield db
        return
    async with db.transaction() as tx:
        yield tx


@asynccontextmanager
async def _immediate(conn: aiosqlite.Connection) -> AsyncIterator[None]:
    await conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    await conn.execute("COMMIT")


def migration_files() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise RuntimeError(f"tên tệp migration không đúng mẫu NNN_ten.sql: {path.name}")
        found.append((int(match.group(1)), path))
    return found


def statements(script: str) -> list[str]:
    """A migration file as single statements, so that all of them run inside one transaction (executescript
    would commit first)."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip().strip(";").strip():
                out.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(part.strip().startswith("--") for part in buffer.strip().splitlines()):
        raise MigrationError(f"câu lệnh SQL chưa kết thúc: {buffer.strip()[:60]}")
    return out


async def pending(conn: aiosqlite.Connection) -> list[tuple[int, Path]]:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    return [(v, p) for v, p in migration_files() if v > current]


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply what is pending, all under one exclusive lock, so two processes starting on a new file cannot race:
    the second waits, then finds nothing to do. Each migration is its own transaction; one that fails is rolled
    back whole, leaving the schema of the migration before it, and raises MigrationError."""
    applied = 0
    await conn.execute("BEGIN EXCLUSIVE")
    try:
        for version, path in await pending(conn):
            await conn.execute("SAVEPOINT migration")
            try:
                for statement in statements(path.read_text(encoding="utf-8")):
                    await conn.execute(statement)
                await conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                                   (version, path.name, stamp(utc_now())))
            except sqlite3.Error as exc:
                await conn.execute("ROLLBACK TO migration")
                await conn.execute("RELEASE migration")
                await conn.execute("COMMIT")  # keep the migrations before this one
                raise MigrationError(f"migration {path.name} lỗi: {exc}") from exc
            await conn.execute("RELEASE migration")
            applied += 1
        await conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise
    return applied


async def connect(path: str | Path) -> Database:
    """Open (creating the file and its folder) and migrate. On any failure the connection is closed before the
    error propagates: an open aiosqlite connection keeps a thread that would stop the process from exiting."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA busy_timeout=15000")
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process loses nothing, only a
        # power cut may lose the last commits; FULL would cost a disk sync per outbox status change.
        await conn.execute("PRAGMA synchronous=NORMAL")
        await migrate(conn)
    except BaseException:
        await conn.close()
        raise
    return Database(conn, str(path))


class ProcessLock:
    """One bot process per SQLite file: `run` and `chat` hold an exclusive lock on `<file>.lock` while they run,
    so a second one stops with a clear message instead of re-sending what the first is sending."""

    def __init__(self, database: str | Path) -> None:
        self.path = Path(f"{database}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InUse(f"{self.path.with_suffix('')} đang được một tiến trình bot khác dùng") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
