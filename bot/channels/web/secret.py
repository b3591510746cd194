"""The key that signs the web cookies: WEB_COOKIE_SECRET, or one generated on first start and kept in a file
beside the database (mode 0600), so sessions survive a restart and a database backup carries no key."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.settings import Settings


def cookie_secret(settings: Settings) -> str:
    if settings.web_cookie_secret is not None:
        return settings.web_cookie_secret.get_secret_value()
    path = settings.web_secret_file
    if path.exists():
        return path.read_text().strip()
    return _generate(path)


def _generate(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use that one
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(value + "\n")
    return value
