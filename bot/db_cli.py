"""`python -m bot migrate [--check]` and `python -m bot db copy --from FILE --to postgresql://…`.

`migrate` applies the pending migrations of the database in DATABASE (or --db) and says which; every start of
the bot does the same, so it is for a deployment that upgrades the schema before starting its workers.
`--check` applies nothing: exit 0 when the schema is current, 1 with the pending files listed. `db copy` moves a
SQLite file into an empty PostgreSQL database (storage/pgcopy.py): exit 0 with each table's row count, 2 when the
target is not empty or the source is missing, 1 when PostgreSQL refuses a row or a count differs (nothing is
kept). A failed migration (4) or an unreachable server (5) end with one line, like every command (bot/cli.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings
from storage import pgcopy
from storage.db import ProcessLock, Target, connect, is_postgres, pending_at, target


def add_parsers(sub: argparse._SubParsersAction) -> None:
    mig = sub.add_parser("migrate", help="nâng cấp lược đồ cơ sở dữ liệu (--check: chỉ liệt kê)")
    mig.add_argument("--check", action="store_true", help="không áp dụng gì; mã thoát 1 nếu còn migration chờ")
    mig.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    db = sub.add_parser("db", help="chép dữ liệu giữa SQLite và PostgreSQL")
    actions = db.add_subparsers(dest="db_action", required=True)
    cp = actions.add_parser("copy", help="chép mọi bảng của một tệp SQLite vào một cơ sở dữ liệu PostgreSQL trống")
    cp.add_argument("--from", dest="source", type=Path, required=True, help="tệp SQLite, ví dụ data/papi.sqlite3")
    cp.add_argument("--to", dest="target", required=True, help="postgresql://user:pass@host:port/db")


def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command == "migrate":
        database: Target = args.db or settings.database
        return asyncio.run(check(database) if args.check else migrate(database))
    if args.command == "db":
        return asyncio.run(copy(args.source, args.target))
    return None


def _name(target: Target) -> str:
    return pgcopy.label(str(target)) if is_postgres(target) else str(target)


async def check(target: Target) -> int:
    waiting = await pending_at(target)
    for _, path in waiting:
        print(f"Chưa áp dụng: {path.name}")
    state = f"{len(waiting)} migration đang chờ" if waiting else "lược đồ đã mới nhất"
    print(f"{_name(target)}: {state}.")
    return 1 if waiting else 0


async def migrate(target: Target) -> int:
    waiting = await pending_at(target)
    await (await connect(target)).close()  # under the migration lock: a worker starting meanwhile waits
    for _, path in waiting:
        print(f"Đã áp dụng: {path.name}")
    print(f"{_name(target)}: lược đồ đã mới nhất.")
    return 0


async def copy(source: Path, target: str) -> int:
    if not is_postgres(target):
        return _fail("--to phải là postgresql://user:pass@host:port/db")
    lock = ProcessLock(source)  # no bot may write the file while it is copied
    lock.acquire()
    try:
        copied = await pgcopy.copy(source, target)
    except (pgcopy.NotEmpty, FileNotFoundError) as refused:
        return _fail(str(refused))
    except pgcopy.Mismatch as differs:
        print(f"Lỗi: số dòng không khớp, {differs}", file=sys.stderr)
        return 1
    except pgcopy.Failed as failed:
        print(f"Lỗi: {failed}", file=sys.stderr)
        return 1
    finally:
        lock.release()
    for item in copied:
        print(f"{item.table:<20} {item.rows:>9} dòng")
    print(f"Đã chép {len(copied)} bảng, {sum(c.rows for c in copied)} dòng, từ {source} sang {pgcopy.label(target)};"
          " số dòng từng bảng khớp.")
    return 0


def _fail(line: str) -> int:
    print(f"Lỗi: {line}", file=sys.stderr)
    return 2
