"""The composition root: settings are read once (in the entry point) and passed down from here; nothing else
reads them."""

from __future__ import annotations

from pathlib import Path

from bot import metrics
from bot.settings import Settings
from content.loader import load
from handlers.core.context import Config
from handlers.core.router import Core
from storage.db import connect


def config(settings: Settings) -> Config:
    """What the conversation logic needs of the settings: time zone, quiet hours, bootstrap admins."""
    return Config(zone=settings.zone, quiet_hours=settings.quiet_window, admins=frozenset(settings.admin_ids),
                  public_url=settings.public_url)


async def build_core(settings: Settings, database: Path | str | None = None) -> Core:
    kb = load()
    db = await connect(database or settings.database)
    return Core(kb, db, config(settings), observe=metrics.observe)
