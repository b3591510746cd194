"""Logging, configured once by the entry point; and secrets (bot tokens, which are part of every Bot API URL)
masked in the HTTP client's log lines, however logging is configured.

Two formats: readable lines (the default, for a terminal) or, with LOG_FORMAT=json, one JSON object per line for
journald or a log store: time, level, logger, the event's kind, the channel and request id of the message being
handled (context variables set at the start of each message by bot/metrics.py and left for the rest of that
task, so the lines of the channel sending the replies, and the web chat's access line, carry them too), the
text of the line, and for an exception its type and frames, never its message. No line carries what a person
wrote: log calls name ids and counts, and a structured record (`fields`) is written as its fields alone (the
access log: method, path without the query string, status, time; no address).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import traceback
from typing import Literal

channel_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("channel", default=None)
request_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": getattr(record, "event", "log"),
        }
        for key, var in (("channel", channel_var), ("request_id", request_var)):
            if (value := var.get()) is not None:
                line[key] = value
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            line["trace"] = "".join(traceback.format_tb(record.exc_info[2])).rstrip()
        return json.dumps(line, ensure_ascii=False, default=str)


def setup_logging(form: Literal["text", "json"] = "text") -> None:
    handler = logging.StreamHandler()
    if form == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # every line, whichever logger wrote it: an error's text may quote a Bot API URL, token included
    handler.addFilter(_REDACT)
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # APScheduler writes two lines per run of each job; a failed run is logged by bot/scheduler.py
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


class _Redact(logging.Filter):
    """Masks secrets in records of the loggers it is attached to, however logging is configured."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            record.msg, record.args = self._mask(message), None
        if record.exc_info and record.exc_info[0] is not None:  # the readable format prints the exception's text
            record.exc_text = self._mask(record.exc_text or logging.Formatter().formatException(record.exc_info))
        return True

    def _mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


_REDACT = _Redact()


def redact_in_logs(secret: str) -> None:
    """Never let `secret` (a bot token) appear in the HTTP client's log lines (httpx logs every request URL at
    INFO, and Bot API URLs hold the token), nor in any line through the handler `setup_logging` installs (an
    httpx error's text quotes its URL). The filter is attached on first use, not at import."""
    if not secret:
        return
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)
    _REDACT.secrets.add(secret)
