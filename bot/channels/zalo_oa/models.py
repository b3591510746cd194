"""Pydantic models of what the Zalo OA Open API sends us: webhook events and response bodies.

Webhook events (OA Open API v3, as Zalo's docs and public integrations show them): `app_id`, `user_id_by_app`,
`event_name`, `timestamp` (milliseconds, as a string), `sender.id`, `recipient.id` and, for messages,
`message{msg_id, text, attachments[{type, payload{url, thumbnail}}]}`; `follow`/`unfollow` carry `follower.id`;
`user_submit_info` carries `info{name, phone, …}`. Unknown fields are ignored; ids are strings.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class EventName(StrEnum):
    TEXT = "user_send_text"
    IMAGE = "user_send_image"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    SUBMIT_INFO = "user_submit_info"  # the person filled in the OA's information form (phone, with consent)
    RECEIVED = "user_received_message"  # a ZNS message reached the person's phone (message.msg_id)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class Party(_Model):
    id: str


class Payload(_Model):
    url: str | None = None
    thumbnail: str | None = None


class Attachment(_Model):
    type: str
    payload: Payload | None = None


class Message(_Model):
    msg_id: str | None = None
    text: str | None = None
    attachments: list[Attachment] = []

    @property
    def image_url(self) -> str | None:
        for item in self.attachments:
            if item.type == "image" and item.payload is not None:
                return item.payload.url or item.payload.thumbnail
        return None


class Info(_Model):
    name: str | None = None
    phone: str | None = None


class Event(_Model):
    app_id: str | None = None
    event_name: str
    timestamp: str
    sender: Party | None = None
    recipient: Party | None = None
    follower: Party | None = None
    message: Message | None = None
    info: Info | None = None

    @property
    def user_id(self) -> str | None:
        """The follower the event is about: the sender of a message, or the one who (un)followed."""
        if self.follower is not None:
            return self.follower.id
        return self.sender.id if self.sender is not None else None

    @property
    def key(self) -> str:
        """The message id; an event without one (follow, unfollow) is keyed by what it is, who and when."""
        if self.message is not None and self.message.msg_id:
            return self.message.msg_id
        return f"{self.event_name}:{self.user_id}:{self.timestamp}"


class ApiAnswer(_Model):
    """The OA and ZNS APIs answer {error, message, data}; error 0 is success."""

    error: int = 0
    message: str | None = None
    data: Any = None


class TokenAnswer(_Model):
    """oauth.zaloapp.com/v4/oa/access_token: the new pair and its life in seconds (a string); or an error."""

    access_token: str | None = None
    refresh_token: str | None = None
    expires_in: str | None = None
    error: int | None = None
    error_name: str | None = None
    error_description: str | None = None
