"""What the outbox sends on the Zalo OA (reminders, broadcasts): inside the reply window as a customer-service
message, outside it by ZNS when that is configured and the person shared a phone number, else Undeliverable.

The window (Zalo OA's help pages): after a person writes, the OA may send 8 free replies within 48 hours; later
messages are "proactive" ones, which need a verified OA and a paid quota, so the bot never sends them silently.
Each follower's last message and the messages sent since are stored (storage/oa_followers.py). A message Zalo
refuses as outside the window takes the ZNS route too. A person who unfollowed is Blocked.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.channels.base import Blocked, RetryLater, Sender, Undeliverable
from bot.channels.plain import split_text
from bot.channels.zalo_oa.api import TEXT_LIMIT, NotFollower, OutsideWindow, RefreshFailed, Retryable
from handlers.core.messages import Reply
from storage import oa_followers, oa_zns
from storage.oa_followers import Follower

if TYPE_CHECKING:
    from bot.channels.zalo_oa.channel import ZaloOAChannel

REPLY_WINDOW = dt.timedelta(hours=48)
FREE_REPLIES = 8


def in_window(follower: Follower | None, parts: int, now: dt.datetime) -> bool:
    if follower is None or follower.last_message_at is None:
        return False
    recent = now - follower.last_message_at < REPLY_WINDOW
    return recent and follower.sent_since + parts <= FREE_REPLIES


def sender(channel: ZaloOAChannel) -> Sender:
    async def send(external_id: str, text: str) -> None:
        db, now = channel.core.db, channel.clock()
        follower = await oa_followers.get(db, external_id)
        if follower is not None and not follower.following:
            raise Blocked()
        try:
            if in_window(follower, len(split_text(text, TEXT_LIMIT)), now):
                try:
                    await channel.send(external_id, Reply(text))
                    return
                except OutsideWindow:  # Zalo counts otherwise: the ZNS route, as for any message outside it
                    pass
            await by_zns(channel, external_id, text, follower)
        except NotFollower as gone:
            raise Blocked() from gone
        except Retryable as busy:
            raise RetryLater(60) from busy
        except RefreshFailed as refused:
            channel.fail(refused)
            raise RetryLater(600, counts=False) from refused

    return send


async def by_zns(channel: ZaloOAChannel, external_id: str, text: str, follower: Follower | None) -> None:
    outside = "ngoài khung trả lời của Zalo OA (48 giờ, 8 tin sau tin nhắn cuối của người nhận)"
    if channel.zns is None:
        raise Undeliverable(f"{outside}; chưa bật ZNS")
    item = await oa_zns.claimed(channel.core.db, channel.name, external_id, text)
    if item is None or channel.zns.template(item.kind) is None:
        kind = item.kind if item is not None else "không rõ"
        raise Undeliverable(f"{outside}; không có mẫu ZNS cho loại tin «{kind}»")
    if follower is None or not follower.phone:
        raise Undeliverable(f"{outside}; người nhận chưa chia sẻ số điện thoại với OA")
    await channel.zns.send(channel.keeper, follower.phone, item)
