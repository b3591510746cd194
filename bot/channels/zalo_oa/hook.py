"""POST /zalo-oa on the one web server: the signature and timestamp checked before the event is read (403
otherwise, logged at most once a minute), then the event queued on the channel and answered at once."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import ValidationError
from tornado.web import HTTPError

from bot.channels.zalo_oa import signature
from bot.channels.zalo_oa.models import Event
from bot.web import WebHandler

if TYPE_CHECKING:
    from bot.channels.zalo_oa.channel import ZaloOAChannel

PATH = "/zalo-oa"
log = logging.getLogger(__name__)


class OAHook(WebHandler):
    """POST /zalo-oa: the signature and timestamp checked before anything is read, then the event queued."""

    def initialize(self, channel: ZaloOAChannel) -> None:
        self.channel = channel

    async def post(self) -> None:
        body = self.request.body
        why = signature.check(self.request.headers.get(signature.HEADER), self.channel.app_id, body,
                              self.channel.secret_key, self.channel.clock())
        if why is not None:
            left_out = self.settings["log_throttle"].allow(self.request.path)
            if left_out is not None:
                more = f"; {left_out} lần khác trước đó không ghi lại" if left_out else ""
                log.warning("Webhook %s: %s (từ %s)%s", PATH, why, self.request.remote_ip, more)
            raise HTTPError(403)
        try:
            event = Event.model_validate_json(body)
        except ValidationError:  # signed by Zalo but not an event we know: acknowledged, or Zalo sends it again
            log.info("Zalo OA: bỏ qua sự kiện không đúng dạng")
            self.finish({"ok": True})
            return
        if not self.channel.submit(event):
            raise HTTPError(503)  # stopped or overloaded: Zalo delivers it again
        self.finish({"ok": True})
