"""Logging, configured once by the entry point; and secrets (bot tokens, which are part of every Bot API URL)
masked in the HTTP client's log lines, however logging is configured."""

from __future__ import annotations

import logging


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


class _Redact(logging.Filter):
    """Masks secrets in records of the loggers it is attached to, however logging is configured."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


_REDACT = _Redact()


def redact_in_logs(secret: str) -> None:
    """Never let `secret` (a bot token) appear in the HTTP client's log lines (httpx logs every request URL at
    INFO, and Bot API URLs hold the token). The filter is attached on first use, not at import."""
    if not secret:
        return
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)
    _REDACT.secrets.add(secret)
