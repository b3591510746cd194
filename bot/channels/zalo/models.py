"""Pydantic models of what the Zalo Bot API sends us: the response envelope, updates, bot and webhook info.

Only the documented fields are modelled; unknown ones are ignored so that a new field does not break intake.
Ids are strings (Zalo uses hex strings); a number is accepted and turned into a string.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator


class Event(StrEnum):
    TEXT = "message.text.received"
    IMAGE = "message.image.received"
    STICKER = "message.sticker.received"
    UNSUPPORTED = "message.unsupported.received"  # sent for protected users, without the content


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, populate_by_name=True)


class Envelope(_Model):
    """Every response: {ok, result, error_code, description}, whatever the HTTP status."""

    ok: bool
    result: Any = None
    error_code: int | None = None
    description: str | None = None


class Sender(_Model):
    id: str
    display_name: str | None = None
    is_bot: bool = False


class Chat(_Model):
    id: str
    chat_type: str = "PRIVATE"  # PRIVATE or GROUP


class Message(_Model):
    message_id: str | None = None
    sender: Sender | None = Field(default=None, alias="from")
    chat: Chat | None = None
    text: str | None = None
    photo: str | None = Field(default=None, validation_alias=AliasChoices("photo", "photo_url"))
    caption: str | None = None
    sticker: str | None = None
    url: str | None = None
    date: int | None = None  # milliseconds since the epoch

    @field_validator("photo", mode="before")
    @classmethod
    def _photo_url(cls, value: object) -> object:
        # Documented as a URL string; some deliveries seen by other clients wrap it in an object or a list.
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = next((value[k] for k in ("url", "photo_url", "src") if isinstance(value.get(k), str)), None)
        return value

    @property
    def chat_id(self) -> str | None:
        if self.chat is not None:
            return self.chat.id
        return self.sender.id if self.sender is not None else None


class Update(_Model):
    event_name: str | None = None
    message: Message | None = None

    @property
    def event(self) -> Event | None:
        """The documented event; when event_name is missing (seen in getUpdates samples), inferred from content."""
        try:
            return Event(self.event_name) if self.event_name else self._inferred()
        except ValueError:
            return None

    def _inferred(self) -> Event | None:
        msg = self.message
        if msg is None:
            return None
        if msg.photo:
            return Event.IMAGE
        if msg.sticker:
            return Event.STICKER
        return Event.TEXT if msg.text is not None else Event.UNSUPPORTED


class BotInfo(_Model):
    id: str
    account_name: str | None = None
    account_type: str | None = None
    can_join_groups: bool = False


class WebhookInfo(_Model):
    url: str | None = None
    updated_at: int | None = None


def parse_webhook(body: bytes) -> Update:
    """A webhook body, wrapped as {ok, result: {...}} (as documented) or bare {event_name, message}.

    Raises ValueError (json.JSONDecodeError and pydantic.ValidationError are both ValueErrors).
    """
    data = json.loads(body)
    if isinstance(data, dict) and "result" in data and "event_name" not in data:
        data = data["result"]
    return Update.model_validate(data)
