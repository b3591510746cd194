"""PostgreSQL, the second backend (`DATABASE=postgresql://user:pass@host:port/db`): the repositories' SQL and
migrations as they are, through psycopg 3 (async) and its connection pool.

Why psycopg rather than asyncpg: psycopg keeps the DB-API shapes the repositories were written against
(`execute(sql, params)`, cursors, rowcount, `%s` parameters into which `?` translates one for one) and ships a
maintained pool (psycopg_pool) with health checks and reconnection; asyncpg has its own API, `$1` parameters,
Record rows, and binds every parameter server-side with a fixed type, so SQLite's loose typing (`? IS NULL`,
text compared with numbers) would need a cast in each query. psycopg also binds client-side on request
(AsyncClientCursor, used here): each value is quoted by libpq into the statement as a literal whose type the
server infers, exactly where SQLite would have accepted it. The cost is a statement parsed on every call,
which at the repositories' few-row statements is well under the network round trip.

The dialect, in one place: `sql()` turns `?` into `%s` outside string literals (and a literal % into %%),
and SQLite's `GROUP_CONCAT(x[, sep])` into `string_agg(CAST(x AS TEXT), sep)`; `dialect()` turns a migration's
`INTEGER PRIMARY KEY` (SQLite's auto-numbered rowid) into an identity column, every other `INTEGER` into
BIGINT (SQLite's integers are 64-bit), and `BLOB` into BYTEA. Values: Python booleans are stored as 0/1 like
SQLite's, and SUMs come back as int (not Decimal) when whole. Rows (`PgRow`) are tuples that also answer `row["name"]`.

Transactions: each takes `pg_advisory_xact_lock(WRITE_LOCK)` first, the equivalent of SQLite's BEGIN IMMEDIATE,
so the repositories' read-then-write transactions keep the isolation they were written for, across every
worker; statements outside a transaction run on their own (autocommit) and never wait for it. Migrations run on
one connection of their own under the session-level `pg_advisory_lock(MIGRATION_LOCK)`, so two workers
starting at once apply each migration once: the second waits, then finds nothing to do. One worker at a
time sweeps (`lead`, SWEEP_LOCK); the others answer messages only.

A person's turn (`hold`) takes a session-level advisory lock keyed (TURN_LOCKS, crc32 of channel:user id) on a
connection of a second pool, outside any transaction, and keeps it across the turn's several transactions:
two messages of one person that reach two workers run one after the other. No deadlock with WRITE_LOCK: the
turn lock is never asked for by a connection inside a transaction, so a transaction holding WRITE_LOCK never
waits for it; and a turn takes its lock connection before any statement connection, never the other way round.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg import AsyncClientCursor, AsyncConnection
from psycopg.abc import AdaptContext
from psycopg.adapt import Dumper, Loader
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from storage.db import (
    VERSIONS,
    Args,
    Database,
    MigrationError,
    Result,
    Row,
    Tx,
    Unavailable,
    after,
    stamp,
    statements,
    utc_now,
)

MIGRATION_LOCK = 7_310_014  # arbitrary advisory lock keys, the same in every process of this bot
WRITE_LOCK = 7_310_015
SWEEP_LOCK = 7_310_016
TURN_LOCKS = 7_310_017  # the first key of the two-key advisory locks of people's turns (a space of its own)
POOL_SIZE = 10  # connections per Database: the conversations' statements in flight at once in one process
HOLD_POOL_SIZE = 20  # connections holding turn locks: the people whose turns run at once in one process
CONNECT_TIMEOUT = 10  # seconds to reach the server before a start-up gives up with one line


class PgRow(tuple[Any, ...]):
    """A row that answers both `row[0]` and `row["name"]`, like sqlite3.Row."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> PgRow:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._names[key])
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._names)


def _rows(cursor: psycopg.AsyncCursor[Any]) -> RowMaker[PgRow]:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: PgRow(values, names)


class _FlagDumper(Dumper):
    """True/False are stored as 1/0, as in SQLite (the schema's flags are INTEGER columns)."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class _NumberLoader(Loader):
    """numeric (what SUM of integers gives) as int when whole, else float: SQLite's types, not Decimal."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


def _adapt(context: AdaptContext) -> None:
    context.adapters.register_dumper(bool, _FlagDumper)
    context.adapters.register_loader("numeric", _NumberLoader)


_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%|\bgroup_concat\s*\(", re.IGNORECASE)


@lru_cache(maxsize=1024)  # the repositories' statements, and their IN (?, …) lists of recent lengths
def sql(statement: str) -> str:
    """A repository's statement in PostgreSQL's terms (see the module docstring); string literals and quoted
    names are copied as they are."""
    out, at = [], 0
    while (match := _TOKENS.search(statement, at)) is not None:
        token = match.group()
        out.append(statement[at:match.start()])
        at = match.end()
        if token == "?":
            out.append("%s")
        elif token == "%":
            out.append("%%")
        elif token[0] in "'\"":
            out.append(token.replace("%", "%%"))
        else:
            inner, at = _call_arguments(statement, at)
            out.append(_string_agg(inner))
    out.append(statement[at:])
    return "".join(out)


def _call_arguments(statement: str, start: int) -> tuple[str, int]:
    """The text between a function's parentheses (from just after "("), and where the call ends."""
    depth, i, quote = 1, start, ""
    while i < len(statement):
        char = statement[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return statement[start:i], i + 1
        i += 1
    raise ValueError(f"GROUP_CONCAT( không đóng ngoặc: {statement[:80]}")


def _string_agg(arguments: str) -> str:
    parts = _top_level_split(arguments)
    value, separator = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "','")
    distinct = ""
    if value.upper().startswith("DISTINCT "):
        distinct, value = "DISTINCT ", value[len("DISTINCT "):]
    return f"string_agg({distinct}CAST({sql(value)} AS TEXT), {sql(separator)})"


def _top_level_split(text: str) -> list[str]:
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


_ROWID = re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\b(?!\s*\()", re.IGNORECASE)
_INTEGER = re.compile(r"\bINTEGER\b", re.IGNORECASE)
_BLOB = re.compile(r"\bBLOB\b", re.IGNORECASE)


def dialect(script: str) -> str:
    """A migration written for SQLite, as PostgreSQL DDL: the few type words that differ (module docstring)."""
    script = _ROWID.sub("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", script)
    return _BLOB.sub("BYTEA", _INTEGER.sub("BIGINT", script))


class PgTx(Tx):
    refused = (psycopg.errors.IntegrityError,)

    def __init__(self, conn: AsyncConnection[PgRow]) -> None:
        self._conn = conn

    async def fetchall(self, statement: str, args: Args = ()) -> list[Row]:
        cur = await self._conn.execute(sql(statement), args)
        return list(await cur.fetchall()) if cur.description is not None else []

    async def execute(self, statement: str, args: Args = ()) -> Result:
        cur = await self._conn.execute(sql(statement), args)
        return Result(cur.rowcount)

    async def executemany(self, statement: str, rows: Iterable[Args]) -> int:
        batch = list(rows)
        if not batch:
            return 0
        async with self._conn.cursor() as cur:
            await cur.executemany(sql(statement), batch)
            return cur.rowcount


class PgDatabase(Database):
    def __init__(self, pool: Pool, holds: Pool, url: str) -> None:
        self._pool = pool
        self._holds = holds
        self.url = url
        self._leader: AsyncConnection[PgRow] | None = None  # holds SWEEP_LOCK while this process sweeps

    async def lead(self) -> bool:
        """The session-level SWEEP_LOCK on a connection of its own, kept while the process lives: a worker
        that dies (even by SIGKILL) loses its connection and with it the lock, and the next worker to ask
        takes it at its next sweep. A connection found broken is given up, lock and all, and asked again."""
        if self._leader is not None:
            try:
                await self._leader.execute("SELECT 1")
                return True
            except psycopg.Error:
                await self._leader.close()
                self._leader = None
        conn = await open_connection(self.url)
        row = await (await conn.execute("SELECT pg_try_advisory_lock(%s)", (SWEEP_LOCK,))).fetchone()
        if row is not None and row[0]:
            self._leader = conn
            return True
        await conn.close()
        return False

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """The turn lock of `key` (module docstring), waited for, and released however the turn ends."""
        async with self._holds.connection() as conn:
            try:
                await conn.execute("SELECT pg_advisory_lock(%s, %s)", (TURN_LOCKS, turn_key(key)))
            except BaseException:
                await conn.close()  # cancelled while waiting, the lock may be taken after all: closing ends it
                raise
            try:
                yield
            finally:
                try:
                    await conn.execute("SELECT pg_advisory_unlock_all()")
                except psycopg.Error:
                    await conn.close()  # a broken connection has lost its locks with it

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[Tx]:
        async with self._pool.connection() as conn:
            yield PgTx(conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield PgTx(conn)

    async def close(self) -> None:
        if self._leader is not None:
            await self._leader.close()
        await self._holds.close()
        await self._pool.close()


def turn_key(key: str) -> int:
    """A signed 32-bit key, the same in every process (Python's hash() of a str differs per process)."""
    value = zlib.crc32(key.encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def _options() -> dict[str, Any]:
    return {"autocommit": True, "row_factory": _rows, "cursor_factory": AsyncClientCursor}


async def open_connection(url: str) -> AsyncConnection[PgRow]:
    """One connection of its own (migrations, `db copy`), configured like the pool's."""
    try:
        conn: AsyncConnection[PgRow] = await AsyncConnection.connect(url, connect_timeout=CONNECT_TIMEOUT,
                                                                     **_options())
    except psycopg.OperationalError as exc:
        raise Unavailable(f"không kết nối được PostgreSQL: {first_line(exc)}") from exc
    _adapt(conn)
    return conn


async def connect(url: str, migrate_schema: bool = True) -> PgDatabase:
    if migrate_schema:
        conn = await open_connection(url)
        try:
            await migrate(conn)
        finally:
            await conn.close()

    pool = await _open_pool(url, POOL_SIZE)
    try:
        holds = await _open_pool(url, HOLD_POOL_SIZE, least=0)  # none until a turn: `db copy`, the sweep's own
    except BaseException:
        await pool.close()
        raise
    return PgDatabase(pool, holds, url)


Pool = AsyncConnectionPool[AsyncConnection[PgRow]]


async def _open_pool(url: str, size: int, least: int = 1) -> Pool:
    async def configure(conn: AsyncConnection[PgRow]) -> None:
        _adapt(conn)

    pool: Pool = AsyncConnectionPool(url, min_size=least, max_size=size, open=False, kwargs=_options(),
                                     configure=configure, connection_class=AsyncConnection[PgRow], timeout=30)
    try:
        await pool.open(wait=True, timeout=CONNECT_TIMEOUT)
    except PoolTimeout as exc:
        await pool.close()
        raise Unavailable(f"không kết nối được PostgreSQL trong {CONNECT_TIMEOUT} giây") from exc
    return pool


async def _current(conn: AsyncConnection[PgRow]) -> int:
    known = await (await conn.execute("SELECT to_regclass('schema_migrations')")).fetchone()
    if known is None or known[0] is None:
        return 0
    row = await (await conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")).fetchone()
    return int(row[0]) if row else 0


async def pending_at(url: str) -> list[tuple[int, Path]]:
    conn = await open_connection(url)
    try:
        return after(await _current(conn))
    finally:
        await conn.close()


async def migrate(conn: AsyncConnection[PgRow]) -> int:
    """Apply what is pending under the migration lock, each migration in its own transaction (PostgreSQL's DDL
    is transactional): one that fails is rolled back whole and raises MigrationError."""
    applied = 0
    await conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        await conn.execute(dialect(VERSIONS))
        for version, path in after(await _current(conn)):
            try:
                async with conn.transaction():
                    for statement in statements(dialect(path.read_text(encoding="utf-8"))):
                        await conn.execute(statement.replace("%", "%%"), ())
                    await conn.execute("INSERT INTO schema_migrations VALUES (%s, %s, %s)",
                                       (version, path.name, stamp(utc_now())))
            except psycopg.Error as exc:
                raise MigrationError(f"migration {path.name} lỗi: {first_line(exc)}") from exc
            applied += 1
    finally:
        if not conn.closed:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied


def first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]

