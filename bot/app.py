"""The composition root: settings are read once (in the entry point) and passed down from here; nothing else
reads them. Logging is configured here, once, by the entry point."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.settings import Settings
from content.loader import load
from handlers.core.context import Config
from handlers.core.router import Core
from storage.db import connect


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def config(settings: Settings) -> Config:
    """What the conversation logic needs of the settings: time zone, quiet hours, bootstrap admins."""
    return Config(zone=settings.zone, quiet_hours=settings.quiet_window, admins=frozenset(settings.admin_ids))


async def build_core(settings: Settings, database: Path | str | None = None) -> Core:
    kb = load()
    db = await connect(database or settings.database)
    return Core(kb, db, config(settings))
