"""Command line: `python -m bot chat|run|content check|content gaps`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from bot import admin_cli, config_check, db_cli, ops_cli, org_cli, plan_cli, scores_cli, web_cli
from bot.app import build_core
from bot.channels import console
from bot.logs import setup_logging
from bot.settings import Settings
from content.loader import ContentError, load
from handlers.core.router import NOTICE
from handlers.knowledge import brief
from handlers.knowledge.documents import Documents
from storage import gaps
from storage.db import InUse, MigrationError, ProcessLock, Target, Unavailable, connected, target

log = logging.getLogger("bot")
# each module adds its subcommands and runs them when named (ops_cli runs before the settings are read: `config
# check` reports bad settings rather than failing on them)
FEATURES = (admin_cli, db_cli, org_cli, plan_cli, scores_cli, web_cli)


def content_check(data: Path | None = None) -> int:
    try:
        kb = load(data) if data else load()
    except ContentError as exc:
        print("Nội dung KHÔNG hợp lệ:")
        for problem in exc.problems:
            print(f"  - {problem}")
        return 1
    # a first reply fits one Zalo message, with room for the notice a new person gets before it
    long = Documents(kb).oversized(brief.MAX_REPLY - len(NOTICE) - 2)
    if long:
        print("Nội dung KHÔNG hợp lệ: câu trả lời đầu tiên dài quá một tin Zalo (2.000 ký tự):")
        for doc_id, size in long:
            print(f"  - {doc_id}: {size} ký tự")
        return 1
    print("Nội dung hợp lệ:")
    for kind, n in kb.counts.items():
        print(f"  {kind}: {n}")
    return 0


async def content_gaps(database: Target, limit: int, zone: str) -> int:
    async with connected(database) as db:
        rows = await gaps.most_asked(db, limit)
    if not rows:
        print("Chưa có câu hỏi nào chưa trả lời được.")
        return 0
    print(f"{'Số lần':>6}  {'Ngày cuối':<10}  Câu hỏi (đã che số điện thoại, email, số giấy tờ)")
    for gap in rows:  # stored by the day (UTC), so shown as a date only
        print(f"{gap.count:>6}  {gap.last_asked:%d/%m/%Y}  {gap.question}")
    return 0


async def chat(settings: Settings, database: Target, user: str, scripted: bool = False) -> int:
    lock = ProcessLock(database)
    lock.acquire()
    try:
        core = await build_core(settings, database)
    except ContentError as exc:
        lock.release()
        print("Không khởi động được: nội dung không hợp lệ.\n" + "\n".join(exc.problems))
        return 1
    try:
        return await console.run(core, user=user, scripted=scripted)
    finally:
        await core.close()
        lock.release()


def run(settings: Settings) -> int:
    """The configured channels (Telegram, Zalo, the Zalo OA, the web); with no channel token, the web chat and
    the admin pages on WEBHOOK_LISTEN:WEBHOOK_PORT (http://127.0.0.1:8080 by default). The console is `chat`."""
    no_oa = settings.zalo_oa_app_id is None
    if settings.telegram_bot_token is None and settings.zalo_bot_token is None and no_oa and not settings.serves_web:
        settings = web_cli.web_settings(settings)
        log.info("Chưa đặt TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN hay Zalo OA: mở trang hỏi đáp tại %s "
                 "(trò chuyện trên console: python -m bot chat).", web_cli.local_url(settings))
    from bot import runner  # imported only when used: the console needs no Telegram, Zalo or web stack

    return runner.run(settings)


def main(argv: list[str] | None = None) -> int:
    """Every command; a database in use by another bot process or a failed migration ends it with one line
    and a non-zero status, so a service manager sees the failure (and restarts or alerts). A malformed setting
    is a line per problem, never the value, and status 2: the unit does not restart what only the operator can
    fix (RestartPreventExitStatus=2)."""
    try:
        return _main(argv)
    except ValidationError as bad:
        if bad.title != Settings.__name__:
            raise
        for line in config_check.setting_problems(bad):
            print(f"Cấu hình sai: {line}", file=sys.stderr)
        return 2
    except InUse as busy:
        print(f"Không khởi động được: {busy}. Mỗi tệp SQLite chỉ chạy một tiến trình bot "
              "(nhiều tiến trình cần PostgreSQL).", file=sys.stderr)
        return 3
    except MigrationError as failed:
        print(f"Không nâng cấp được cơ sở dữ liệu: {failed}. Lược đồ cũ vẫn giữ nguyên.", file=sys.stderr)
        return 4
    except Unavailable as down:
        print(f"Không khởi động được: {down}.", file=sys.stderr)
        return 5


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Trợ lý PAPI")
    sub = parser.add_subparsers(dest="command", required=True)
    p_chat = sub.add_parser("chat", help="trò chuyện trên console")
    p_chat.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    p_chat.add_argument("--user", default="local", help="mã người dùng trên console")
    p_chat.add_argument("--json", action="store_true", help="mỗi trả lời một dòng JSON (text, choices, kind…)")
    sub.add_parser("run", help="chạy các kênh đã cấu hình")
    p_content = sub.add_parser("content", help="kiểm tra nội dung, xem câu hỏi chưa trả lời được")
    p_content.add_argument("action", choices=["check", "gaps"])
    p_content.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    p_content.add_argument("--limit", type=int, default=50)
    p_content.add_argument("--data", type=Path, help="thư mục nội dung (mặc định: nội dung đi kèm)")
    for commands in (*FEATURES, ops_cli):
        commands.add_parsers(sub)
    args = parser.parse_args(argv)
    if (handled := ops_cli.dispatch(args)) is not None:
        return handled
    if args.command == "content" and args.action == "check":
        return content_check(args.data)
    settings = Settings()
    database = getattr(args, "db", None) or settings.database
    if args.command == "content":
        return asyncio.run(content_gaps(database, args.limit, settings.timezone))
    if args.command == "chat":
        return asyncio.run(chat(settings, database, args.user, args.json))
    for commands in FEATURES:
        if (handled := commands.dispatch(args, settings)) is not None:
            return handled
    setup_logging(settings.log_format)
    return run(web_cli.web_settings(settings) if args.command == "web" else settings)
