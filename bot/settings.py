"""Settings from environment variables and an optional .env file (see .env.example)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.db import is_postgres


def _header_secret(value: SecretStr | None, name: str, shortest: int) -> SecretStr | None:
    """A webhook secret travels in an HTTP header: ASCII letters, digits, _ and - only."""
    if value is not None:
        raw = value.get_secret_value()
        if not (shortest <= len(raw) <= 256) or not all(c.isascii() and (c.isalnum() or c in "_-") for c in raw):
            raise ValueError(f"{name}: {shortest}–256 ký tự A-Z, a-z, 0-9, _ hoặc -")
    return value


class Settings(BaseSettings):
    # env_ignore_empty: a blank line such as "ZALO_BOT_TOKEN=" copied from .env.example means "not set";
    # hide_input_in_errors: a malformed token or secret is never printed in the error
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True,
                                      hide_input_in_errors=True)

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None  # for invitation deep links printed by `invite`, `people import`
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)  # local; a reverse proxy gives Telegram its 443
    zalo_bot_token: SecretStr | None = None
    # The current Zalo Bot API host; the older https://bot-api.zapps.me/bot is documented as an alternative.
    zalo_base_url: str = "https://bot-api.zaloplatforms.com/bot"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    # The commune's Zalo Official Account (OA Open API v3; README, "Zalo Official Account"). The app id turns it on.
    zalo_oa_app_id: str | None = None
    zalo_oa_app_secret: SecretStr | None = None  # the app's secret key: sent when refreshing the access token
    zalo_oa_secret_key: SecretStr | None = None  # the OA secret key: signs the webhooks (X-ZEvent-Signature)
    zalo_oa_access_token: SecretStr | None = None  # first run only: then the tokens live in the database
    zalo_oa_refresh_token: SecretStr | None = None
    zalo_oa_api_url: str = "https://openapi.zalo.me"
    zalo_oa_oauth_url: str = "https://oauth.zaloapp.com"
    zalo_oa_max_rate: float = Field(default=5, gt=0)  # proactive OA messages per second (no published limit)
    # Zalo Notification Service: reminders to a phone number outside the OA's reply window. Off unless a
    # template id is set for the kind (reminder; overdue, also used for the copy to leaders).
    zns_api_url: str = "https://business.openapi.zalo.me"
    zns_template_reminder: str | None = None
    zns_template_overdue: str | None = None
    # Public base URL of the web server; Zalo sends images by URL only, so without it Zalo gets text only.
    public_url: str | None = None
    database: Path | str = Path("data/papi.sqlite3")  # a SQLite file, or postgresql://user:pass@host:port/db
    timezone: str = "Asia/Ho_Chi_Minh"
    admin_ids: Annotated[list[str], NoDecode] = []
    sweep_seconds: int = Field(default=60, ge=1)  # how often due reminders and broadcasts are sent
    # how long an outbox row claimed by a worker stays its own: on PostgreSQL, a worker that died has its rows
    # taken back by another only after this (those it sent but had not yet recorded then go out twice)
    outbox_lease_seconds: int = Field(default=600, ge=5)
    # messages per second the outbox (reminders, broadcasts) sends on each channel, below the token's budget
    # so that replies keep room. Telegram allows about 30/s; Zalo publishes no limit, so it is paced conservatively.
    telegram_max_rate: float = Field(default=25, gt=0)
    zalo_max_rate: float = Field(default=10, gt=0)
    # everything sent on one token (replies and the outbox, from every worker) per second (bot/pacing.py):
    # Telegram's documented ~30/s; Zalo's figures are our guess, as Zalo publishes none (it answers 429)
    telegram_token_rate: float = Field(default=30, gt=0)
    zalo_token_rate: float = Field(default=20, gt=0)
    zalo_oa_token_rate: float = Field(default=10, gt=0)
    quiet_hours: str = "21:00-07:00"  # no reminders or broadcasts in this local window; "off" to send any time
    evidence_dir: Path | None = None  # where evidence files are downloaded; unset: kept by channel file id only
    telegram_base_file_url: str | None = None  # default: derived from TELEGRAM_BASE_URL
    # The web (bot/channels/web/): the citizens' chat and the admin pages, served whenever the web server runs.
    # WEB_SERVER=true (what `python -m bot web` sets) runs the server without any channel token.
    web_server: bool = False
    # signs the web cookies; unset: generated once and kept in a file beside the database (`web_secret_file`)
    web_cookie_secret: SecretStr | None = None
    # /metrics answers loopback callers; any other caller must send "Authorization: Bearer <METRICS_TOKEN>"
    metrics_token: SecretStr | None = None
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line, for journald or a log store
    # true behind nginx on this machine: a visitor's address (the web chat's limits, the logs) is the proxy's
    # X-Real-IP, not the proxy's own. Only with WEBHOOK_LISTEN reachable by the proxy alone (127.0.0.1).
    behind_proxy: bool = False

    @field_validator("database", mode="before")
    @classmethod
    def _database(cls, value: object) -> Path | str:
        """A postgresql:// URL stays text (the PostgreSQL backend takes it as it is); anything else is a SQLite
        file."""
        text = str(value)
        return text if is_postgres(text) else Path(text)

    @field_validator("quiet_hours")
    @classmethod
    def _window(cls, value: str) -> str:
        if value.strip().lower() not in ("", "off"):
            start, _, end = value.partition("-")
            dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())
        return value

    @property
    def quiet_window(self) -> tuple[dt.time, dt.time] | None:
        if self.quiet_hours.strip().lower() in ("", "off"):
            return None
        start, _, end = self.quiet_hours.partition("-")
        return dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        """ADMIN_IDS=telegram:123,zalo:abc (comma-separated channel:id pairs)."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)  # an unknown zone stops start-up with a clear message, not a traceback
        except (ZoneInfoNotFoundError, ValueError) as exc:  # not found is a KeyError, which pydantic passes on
            raise ValueError(f"không có múi giờ «{value}» (ví dụ đúng: Asia/Ho_Chi_Minh)") from exc
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return _header_secret(value, "WEBHOOK_SECRET", shortest=1)  # Telegram: 1–256 of A-Z a-z 0-9 _ -

    @field_validator("metrics_token")
    @classmethod
    def _metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _header_secret(value, "METRICS_TOKEN", shortest=16)  # a bearer token in a header, not guessable

    @field_validator("zalo_webhook_secret")
    @classmethod
    def _zalo_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return _header_secret(value, "ZALO_WEBHOOK_SECRET", shortest=8)  # Zalo requires 8–256 characters

    @property
    def telegram_file_url(self) -> str:
        """Files live beside the Bot API: https://api.telegram.org/bot -> https://api.telegram.org/file/bot."""
        if self.telegram_base_file_url:
            return self.telegram_base_file_url
        base = self.telegram_base_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base

    @property
    def serves_web(self) -> bool:
        """Whether the web chat and the admin pages are served: with PUBLIC_URL (the sign-in links and images
        need a public address) or WEB_SERVER. They then always have the web server (their routes start it)."""
        return bool(self.web_server or self.public_url)

    @property
    def web_secret_file(self) -> Path:
        """Where a generated cookie secret is kept: beside the database, out of its backups."""
        if isinstance(self.database, str):  # PostgreSQL: workers on one machine share data/
            return Path("data/papi.web-secret")
        return self.database.with_name(self.database.name + ".web-secret")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
