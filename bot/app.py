"""Wiring: load the knowledge base, open the database, build the core."""

from __future__ import annotations

import logging
from pathlib import Path

from content.loader import load
from handlers.core import Core
from storage.db import connect


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


async def build_core(database: Path | str, admins: frozenset[str] = frozenset()) -> Core:
    kb = load()
    db = await connect(database)
    return Core(kb, db, admins=admins)
