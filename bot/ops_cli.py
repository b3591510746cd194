"""What the operator of the service runs: `backup`, `restore`, `config check`. Exit status 0 when done, 2 for
what the operator can fix (a wrong file, the bot still running, a setting), printed in Vietnamese."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from bot import config_check
from bot.settings import Settings
from storage import backup as backups
from storage.db import InUse, ProcessLock, is_postgres, target, utc_now

PG_DUMP = ("cơ sở dữ liệu PostgreSQL được sao lưu, khôi phục bằng pg_dump và pg_restore của PostgreSQL "
           "(README, «Chạy như một dịch vụ»)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu nhất quán, kể cả khi bot đang chạy")
    p.add_argument("file", type=Path, nargs="?", help="một tệp sao lưu (hoặc dùng --dir)")
    p.add_argument("--dir", type=Path, help="thư mục: bản sao ghi ngày giờ papi-YYYYmmdd-HHMMSS.sqlite3")
    p.add_argument("--keep", type=int, default=14, help="với --dir: giữ bao nhiêu bản mới nhất (mặc định 14)")
    p.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    p = sub.add_parser("restore", help="khôi phục cơ sở dữ liệu từ một bản sao lưu (bot phải đang dừng)")
    p.add_argument("file", type=Path)
    p.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    p = sub.add_parser("config", help="kiểm tra cấu hình: token, địa chỉ webhook, khoá bí mật, cơ sở dữ liệu")
    p.add_argument("action", choices=["check"])


def dispatch(args: argparse.Namespace) -> int | None:
    """Before the settings are read for the other commands: `config check` reports invalid settings itself."""
    if args.command == "config":
        return asyncio.run(config_check.run())
    if args.command not in ("backup", "restore"):
        return None
    settings = Settings()
    target = args.db or settings.database
    if is_postgres(target):
        return _fail(PG_DUMP)
    if args.command == "backup":
        return backup(Path(target), args.file, args.dir, args.keep, settings)
    return restore(Path(target), args.file, settings)


def _fail(line: str) -> int:
    print(f"Lỗi: {line}", file=sys.stderr)
    return 2


def backup(database: Path, file: Path | None, folder: Path | None, keep: int, settings: Settings) -> int:
    if (file is None) == (folder is None):
        return _fail("cần đúng một trong hai: tệp sao lưu, hoặc --dir THƯ_MỤC")
    if keep < 1:
        return _fail("--keep phải từ 1 trở lên")
    try:
        backups.check(database)
    except backups.NotABotDatabase as bad:
        return _fail(str(bad))
    if file is not None:
        if file.exists() and os.path.samefile(file, database):  # the same path, a link or a hard link
            return _fail(f"{file} chính là cơ sở dữ liệu đang dùng: chọn một tệp sao lưu khác")
        file.parent.mkdir(parents=True, exist_ok=True)
        backups.copy(database, file)
        print(f"Đã sao lưu {database} vào {file}")
        return 0
    assert folder is not None
    made, removed = backups.dated(database, folder, utc_now().astimezone(settings.zone), keep)
    print(f"Đã sao lưu {database} vào {made}" + (f"; đã xoá {len(removed)} bản cũ (giữ {keep} bản)" if removed else ""))
    return 0


def restore(database: Path, file: Path, settings: Settings) -> int:
    """Refused while a bot process holds the database: it would go on writing into the file being replaced."""
    lock = ProcessLock(database)
    try:
        lock.acquire()
    except InUse:
        return _fail(f"bot đang chạy trên {database}: dừng bot trước (systemctl stop papi-bot), rồi khôi phục")
    try:
        kept = backups.restore(file, database, utc_now().astimezone(settings.zone))
    except backups.NotABotDatabase as bad:
        return _fail(f"không khôi phục: {bad}")
    finally:
        lock.release()
    print(f"Đã khôi phục {database} từ {file}.")
    if kept is not None:
        print(f"Cơ sở dữ liệu trước khi khôi phục vẫn giữ ở {kept}.")
    print("Khởi động lại bot (systemctl start papi-bot); lược đồ cũ hơn sẽ được nâng cấp khi khởi động.")
    return 0
