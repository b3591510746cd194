"""The OA webhook's signature: X-ZEvent-Signature = SHA-256 (hex) of app id + raw body + timestamp + OA secret
key, the timestamp being the body's own `timestamp` field (milliseconds). Some deliveries and samples prefix it
with `mac=`; both forms are accepted. Compared in constant time; a timestamp outside WINDOW is refused too, so a
captured delivery cannot be replayed later (within the window, the message id de-duplicates it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

HEADER = "X-ZEvent-Signature"
WINDOW = dt.timedelta(minutes=10)


def sign(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret_key.encode()).hexdigest()


def body_timestamp(body: bytes) -> str | None:
    """The `timestamp` field of a JSON body, as sent (a string of milliseconds, or a number)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    value = data.get("timestamp") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def check(header: str | None, app_id: str, body: bytes, secret_key: str, now: dt.datetime) -> str | None:
    """None when the delivery is genuine and fresh; otherwise why it is refused (for the log)."""
    timestamp = body_timestamp(body)
    if header is None or timestamp is None:
        return "thiếu chữ ký hoặc timestamp"
    given = header.strip().removeprefix("mac=").strip().lower()
    if not hmac.compare_digest(given.encode(), sign(app_id, body, timestamp, secret_key).encode()):
        return "sai chữ ký"
    if not timestamp.isdigit():
        return "timestamp không hợp lệ"
    sent = dt.datetime.fromtimestamp(int(timestamp) / 1000, dt.UTC)
    if abs(now - sent) > WINDOW:
        return f"timestamp lệch {abs(now - sent).total_seconds():.0f} giây (quá {WINDOW.seconds // 60} phút)"
    return None
