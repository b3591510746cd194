"""The database: one interface, two backends. SQLite (one file, WAL, foreign keys) is the embedded default;
`DATABASE=postgresql://…` selects PostgreSQL (storage/pg.py) for several worker processes on one database.
Both have the same versioned migrations and short transactions that many conversations at once cannot
interleave.

Repositories (the other modules here) write SQL once, in the dialect both backends share: `?` parameters,
`ON CONFLICT`, `RETURNING id` (never a driver's lastrowid), ISO-8601 text for times (see `stamp`), 0/1 integers
for flags. They take a `Db`, the database or an open transaction, so a call inside a transaction joins it, and
read rows by position (`row[0]`) or by column name (`row["name"]`) on both backends.

On SQLite, `SqliteDatabase` owns one aiosqlite connection. Every call (a read, a write, or a whole
`transaction()`) holds an asyncio lock for its duration only, so a statement of one conversation never lands
inside another's open transaction, and nothing waits on a conversation, only on the few milliseconds of a query.

Migrations: the files storage/migrations/NNN_name.sql, each applied once in its own transaction, recorded in
`schema_migrations` (version, name, applied_at), under a lock so that two processes starting at once cannot race
(SQLite: BEGIN EXCLUSIVE; PostgreSQL: pg_advisory_lock). A failure rolls that migration back whole and raises
MigrationError, which `python -m bot` turns into one line and exit status 4.

Why this small runner rather than yoyo-migrations: yoyo's lock is a row in its own `yoyo_lock` table, polled
and given up after a timeout, and a process killed while holding it leaves the database locked until someone
runs `yoyo break-lock`; the advisory lock and SQLite's exclusive transaction end with the process that holds
them. yoyo runs each file's SQL as written, so the PostgreSQL dialect step (storage/pg.py: `dialect`) would be
ours either way; and every existing deployment records its versions in `schema_migrations`, which yoyo would
have to be taught (`yoyo mark`, hashes in four tables of its own) before its first upgrade. What remains of a
runner is the loop below, tested on both backends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import os
import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

MIGRATIONS = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
Args = Sequence[Any]
Target = str | Path  # a SQLite file, or a postgresql:// URL
BUSY_SECONDS = 15  # how long SQLite waits for another connection's lock


class Row(Protocol):
    """A result row: sqlite3.Row on SQLite, storage.pg.PgRow on PostgreSQL."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class MigrationError(Exception):
    """A migration could not be applied; the schema is left as it was before it."""


class InUse(Exception):
    """Another bot process runs on this SQLite file."""


class Unavailable(Exception):
    """The database server cannot be reached (wrong address, refused login, down)."""


def is_postgres(target: Target) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def target(text: str) -> Target:
    """What a `--db` option or DATABASE names: a postgresql:// URL as it is, anything else a SQLite file."""
    return text if is_postgres(text) else Path(text)


def _refuse_folded(target: Target) -> None:
    """A URL that went through Path() has had its "//" folded ("postgresql:/…"): refused before it becomes a
    folder named postgresql:."""
    if str(target).startswith(("postgresql:/", "postgres:/")) and not is_postgres(target):
        raise Unavailable(f"«{target}» không phải địa chỉ PostgreSQL đúng dạng: hãy viết postgresql://…")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """Stored times are UTC with an explicit offset."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Result:
    rowcount: int
    lastrowid: int | None = None  # SQLite only (None on PostgreSQL): write `INSERT … RETURNING id` instead


class Tx(ABC):
    """Statements inside one open transaction (or, from Database, one statement on its own)."""

    @abstractmethod
    async def fetchall(self, sql: str, args: Args = ()) -> list[Row]: ...

    @abstractmethod
    async def execute(self, sql: str, args: Args = ()) -> Result: ...

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Args]) -> int: ...

    async def fetchone(self, sql: str, args: Args = ()) -> Row | None:
        return next(iter(await self.fetchall(sql, args)), None)

    async def scalar(self, sql: str, args: Args = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, args)
        return row[0] if row is not None else None

    async def lookup(self, sql: str, args: Args = ()) -> Row | None:
        """One row by key (see Database.lookup); inside a transaction, on its connection."""
        return await self.fetchone(sql, args)

    async def attempt(self, sql: str, args: Args = ()) -> bool:
        """The statement, undone alone if a constraint (a foreign key, a unique index) refuses it; whether it
        ran. A savepoint, because a refused statement aborts a PostgreSQL transaction whole."""
        await self.execute("SAVEPOINT attempt")
        try:
            await self.execute(sql, args)
        except self.refused:
            await self.execute("ROLLBACK TO attempt")
            await self.execute("RELEASE attempt")
            return False
        await self.execute("RELEASE attempt")
        return True

    refused: tuple[type[Exception], ...] = ()  # the driver's constraint errors


class Database(ABC):
    """What every caller holds: statements on their own (each atomic), or a `transaction()`."""

    exclusive = False  # whether this process holds the database alone (SQLite's process lock)

    @abstractmethod
    def _statement(self) -> AbstractAsyncContextManager[Tx]:
        """Where one statement outside a transaction runs."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """BEGIN … COMMIT (ROLLBACK on any error), isolated from every other transaction on the database."""

    @abstractmethod
    async def close(self) -> None: ...

    async def lookup(self, sql: str, args: Args = ()) -> Row | None:
        """One row by an indexed key (a person by identity, a session, a unit): the hot path of every
        message. Anything that may scan goes through fetchone/fetchall."""
        return await self.fetchone(sql, args)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """One person's turn (`key`: channel and user id) at a time across every process on the database. On
        SQLite nothing to do: the file has one process, whose in-memory lock (handlers/core/locks.py) suffices;
        on PostgreSQL an advisory lock (storage/pg.py)."""
        yield

    async def lead(self) -> bool:
        """Whether this process is the one that sweeps (plans reminders, sends the outbox): on SQLite always,
        the file has one process; on PostgreSQL the one worker holding the sweep's advisory lock."""
        return True

    async def fetchall(self, sql: str, args: Args = ()) -> list[Row]:
        async with self._statement() as tx:
            return await tx.fetchall(sql, args)

    async def fetchone(self, sql: str, args: Args = ()) -> Row | None:
        async with self._statement() as tx:
            return await tx.fetchone(sql, args)

    async def scalar(self, sql: str, args: Args = ()) -> Any:
        async with self._statement() as tx:
            return await tx.scalar(sql, args)

    async def execute(self, sql: str, args: Args = ()) -> Result:
        async with self._statement() as tx:
            return await tx.execute(sql, args)

    async def executemany(self, sql: str, rows: Iterable[Args]) -> int:
        async with self.transaction() as tx:  # one transaction: a commit per row costs a sync each
            return await tx.executemany(sql, rows)


Db = Database | Tx  # what repositories take: a call given a Tx joins that transaction


@asynccontextmanager
async def transaction(db: Db) -> AsyncIterator[Tx]:
    if isinstance(db, Tx):
        yield db
        return
    async with db.transaction() as tx:
        yield tx


class SqliteTx(Tx):
    """Each statement is one call into aiosqlite's thread (execute_fetchall; a write's cursor is dropped
    rather than closed by another call): every call wakes that thread, and at hundreds of messages a second
    the wake-ups are a good part of a message's cost."""

    refused = (sqlite3.IntegrityError,)

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fetchall(self, sql: str, args: Args = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, args))

    async def execute(self, sql: str, args: Args = ()) -> Result:
        cur = await self._conn.execute(sql, args)
        return Result(cur.rowcount, cur.lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Args]) -> int:
        cur = await self._conn.executemany(sql, rows)
        return cur.rowcount


class SqliteDatabase(Database):
    exclusive = True  # `run` and `chat` hold the ProcessLock of the file

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._tx = SqliteTx(conn)
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
        if self._reader is None:
            return await self.fetchone(sql, args)
        row: Row | None = self._reader.execute(sql, args).fetchone()
        return row

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[Tx]:
        async with self._lock:
            yield self._tx

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any error), holding the lock throughout."""
        async with self._lock, _immediate(self._conn):
            yield self._tx

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        await self._conn.close()


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


def after(current: int) -> list[tuple[int, Path]]:
    """The migrations a database at version `current` still needs, in order."""
    return [(v, p) for v, p in migration_files() if v > current]


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


VERSIONS = ("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL)")


async def pending(conn: aiosqlite.Connection) -> list[tuple[int, Path]]:
    await conn.execute(VERSIONS)
    async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
        row = await cur.fetchone()
    return after(int(row[0]) if row else 0)


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


async def connect(target: Target, migrate_schema: bool = True) -> Database:
    """The database at `target`, migrated (unless `migrate_schema` is False: `migrate --check`, `db copy`)."""
    _refuse_folded(target)
    if is_postgres(target):
        from storage.pg import connect as connect_pg  # psycopg is imported only by a PostgreSQL deployment

        return await connect_pg(str(target), migrate_schema)
    return await connect_sqlite(target, migrate_schema)


@asynccontextmanager
async def connected(target: Target, migrate_schema: bool = True) -> AsyncIterator[Database]:
    """`connect`, closed at the end of the block: what a command does with its database."""
    db = await connect(target, migrate_schema)
    try:
        yield db
    finally:
        await db.close()


async def connect_sqlite(path: str | Path, migrate_schema: bool = True) -> SqliteDatabase:
    """Open (creating the file and its folder) and migrate. On any failure the connection is closed before the
    error propagates: an open aiosqlite connection keeps a thread that would stop the process from exiting."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
        await _wal(conn)
        await conn.execute("PRAGMA foreign_keys=ON")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process loses nothing, only a
        # power cut may lose the last commits; FULL would cost a disk sync per outbox status change.
        await conn.execute("PRAGMA synchronous=NORMAL")
        if migrate_schema:
            await migrate(conn)
    except BaseException:
        await conn.close()
        raise
    return SqliteDatabase(conn, str(path))


async def _wal(conn: aiosqlite.Connection) -> None:
    """Switching a new file to WAL needs it alone for a moment, and SQLite answers "database is locked" at once
    rather than waiting (busy_timeout does not cover it): a second process starting on the same new file at the
    same moment tries again, for as long as it would wait for a lock."""
    deadline = asyncio.get_running_loop().time() + BUSY_SECONDS
    while True:
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.02)


async def pending_at(target: Target) -> list[tuple[int, Path]]:
    """What `connect` would apply, applying nothing (`python -m bot migrate --check`)."""
    if is_postgres(target):
        from storage.pg import pending_at as pending_pg

        return await pending_pg(str(target))
    if not Path(target).exists():
        return after(0)
    with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as conn:
        known = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").fetchone()
        current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0] if known else 0
    return after(int(current))


class ProcessLock:
    """One bot process per SQLite file: `run` and `chat` hold an exclusive lock on `<file>.lock` while they run,
    so a second one stops with a clear message instead of re-sending what the first is sending. On PostgreSQL
    several processes share the database, so there is no such lock."""

    def __init__(self, database: Target) -> None:
        _refuse_folded(database)
        self.path = None if is_postgres(database) else Path(f"{database}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        if self.path is None:
            return
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
