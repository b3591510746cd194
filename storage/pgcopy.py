"""`python -m bot db copy`: a province's SQLite file into an empty PostgreSQL database, every table, checked
by its row count.

Both sides are migrated first, so they have the same tables and columns. The target must hold no row (other
than its schema versions): copying into a database in use would mix two provinces' ids. Everything is copied
in one transaction (COPY, the fastest way in), tables in the order of their foreign keys, then each identity
column's sequence is moved past the largest id copied, so the next row PostgreSQL numbers does not collide.
A failure rolls the whole copy back, leaving the target empty.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import AsyncConnection

from storage.db import connect_sqlite
from storage.pg import PgRow, first_line, open_connection
from storage.pg import connect as connect_pg

SKIPPED = {"schema_migrations"}  # each side has its own, written by its migrations


class NotEmpty(Exception):
    """The target already holds data."""


class Mismatch(Exception):
    """A table's row count differs between the two sides after the copy."""


class Failed(Exception):
    """PostgreSQL refused a row or a table; the copy was rolled back whole."""


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


def label(url: str) -> str:
    """The target as printed: host, port and database, never the user's password."""
    parts = urlsplit(url)
    return f"PostgreSQL {parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"


def _tables(source: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    """The source's tables, parents before the tables whose foreign keys name them, with their columns."""
    names = [r[0] for r in source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    order = TopologicalSorter({
        name: {r[2] for r in source.execute(f'PRAGMA foreign_key_list("{name}")') if r[2] != name}
        for name in names if name not in SKIPPED
    })
    return [(name, [r[1] for r in source.execute(f'PRAGMA table_info("{name}")')])
            for name in order.static_order() if name not in SKIPPED]


async def copy(source: Path, target: str) -> list[Copied]:
    if not source.exists():
        raise FileNotFoundError(f"không có tệp {source}")
    await (await connect_sqlite(source)).close()  # the source at the newest schema, like the target
    await (await connect_pg(target)).close()
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src:
        tables = _tables(src)
        conn = await open_connection(target)
        try:
            known = {r[0] for r in await (await conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")).fetchall()}
            if missing := [name for name, _ in tables if name not in known]:
                raise Failed(f"PostgreSQL không có bảng {', '.join(missing)} (không phải bảng của bot?): không chép gì")
            full = [name for name, _ in tables
                    if (await (await conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")')).fetchone() or [0])[0]]
            if full:
                raise NotEmpty(f"{label(target)} đã có dữ liệu ({', '.join(full)}): chỉ chép vào cơ sở dữ liệu trống")
            try:
                async with conn.transaction():
                    for name, columns in tables:
                        await _copy_table(src, conn, name, columns)
                    await _move_sequences(conn)
            except psycopg.Error as exc:
                raise Failed(f"PostgreSQL từ chối, không chép gì: {first_line(exc)}") from exc
            copied = []
            for name, _ in tables:
                here = src.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
                there = (await (await conn.execute(f'SELECT COUNT(*) FROM "{name}"')).fetchone() or [0])[0]
                if here != there:
                    raise Mismatch(f"bảng {name}: {here} dòng trong SQLite, {there} dòng trong PostgreSQL")
                copied.append(Copied(name, int(here)))
        finally:
            await conn.close()
    return copied


async def _copy_table(src: sqlite3.Connection, conn: AsyncConnection[PgRow], name: str, columns: list[str]) -> None:
    listed = ", ".join(f'"{c}"' for c in columns)
    async with conn.cursor().copy(f'COPY "{name}" ({listed}) FROM STDIN') as pipe:
        for row in src.execute(f'SELECT {listed} FROM "{name}" ORDER BY rowid'):
            await pipe.write_row(row)


async def _move_sequences(conn: AsyncConnection[PgRow]) -> None:
    identities = await (await conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE is_identity = 'YES' AND table_schema = current_schema()")).fetchall()
    for table, column in identities:
        await conn.execute(
            f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{column}"), 0) + 1, false) FROM "{table}"',
            (f'"{table}"', column))
