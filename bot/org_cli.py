"""`python -m bot org load [--province X]` and `org import FILE`: the administrative map from the command line.
Exit status 0 when done, 2 for what the operator can fix (an unknown province, a bad file or template)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tqdm import tqdm

from bot.problems import print_invalid
from bot.settings import Settings
from handlers.org import importer, official, sheet
from handlers.org.load import load_map, summary
from handlers.org.template import DEFAULT, TemplateError, UnitsTemplate, load_template
from storage.db import Target, connected, target
from storage.divisions import Problem


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("org", help="bản đồ hành chính: tỉnh, xã và đơn vị")
    actions = p.add_subparsers(dest="org_action", required=True)
    load = actions.add_parser("load", help="nạp tỉnh, xã, phường, đặc khu của bản đồ mới (7/2025) và đơn vị mẫu")
    load.add_argument("--province", help="chỉ một tỉnh, gõ thế nào cũng được: \"Lai Châu\", \"tinh lai chau\"")
    load.add_argument("--units", type=Path, default=DEFAULT, help="mẫu đơn vị của mỗi xã (mặc định: "
                      "content/data/units.yaml)")
    load.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")
    imp = actions.add_parser("import", help="thêm xã và đơn vị từ tệp .xlsx hoặc .csv (cột tỉnh, xã, đơn vị)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--units", type=Path, default=DEFAULT, help="mẫu đơn vị (để viết tên đơn vị như mẫu)")
    imp.add_argument("--db", type=target, help="tệp SQLite hoặc postgresql://… (mặc định: DATABASE)")


def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command != "org":
        return None
    database = args.db or settings.database
    try:
        template = load_template(args.units)
    except TemplateError as bad:
        return _fail(str(bad))
    if args.org_action == "load":
        return asyncio.run(load(database, template, args.province))
    return asyncio.run(import_(database, template, args.file))


def _fail(line: str) -> int:
    print(f"Lỗi: {line}", file=sys.stderr)
    return 2


async def load(database: Target, template: UnitsTemplate, typed: str | None) -> int:
    try:
        province = official.province(typed) if typed is not None else None
    except official.UnknownProvince as unknown:
        return _fail(f"{unknown}\n{official.listing()}")
    async with connected(database) as db:
        total = 1 if province else len(official.provinces())
        with tqdm(total=total, desc="Nạp", unit=" tỉnh", file=sys.stderr, disable=None) as bar:
            tally = await load_map(db, template, province, progress=bar.update)
    _warn(tally.problems)
    print(summary(tally, "Đã nạp bản đồ hành chính 2025"))
    return 0


async def import_(database: Target, template: UnitsTemplate, path: Path) -> int:
    async with connected(database) as db:
        try:
            tally = await importer.import_file(db, path, template)
        except sheet.Refused as refused:
            return _fail(f"{path.name}: {refused}")
        except importer.Invalid as invalid:
            status = print_invalid(path.name, invalid.problems)
            if invalid.unknown_province:
                print(official.listing(), file=sys.stderr)
            return status
    print(summary(tally, f"Đã nhập {path.name}"))
    return 0


def _warn(problems: list[Problem]) -> None:
    for problem in problems:
        print(f"Bỏ qua: {problem.text}", file=sys.stderr)
