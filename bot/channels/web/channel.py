"""The web channel: the citizens' chat and the admin pages on the one web server, through the channel contract.

It is configured whenever the settings ask for the web (PUBLIC_URL or WEB_SERVER, `Settings.serves_web`), and
its routes then start the web server. It has no push: a reminder or broadcast to someone who only ever wrote
on the web cannot reach them, so the outbox's sender answers `Blocked` and the delivery report counts them so.
"""

from __future__ import annotations

from typing import ClassVar

from tornado.web import StaticFileHandler

from bot.channels.base import Blocked, Channel, ImagePublisher, Route, Sender
from bot.channels.web.admin import routes as admin_routes
from bot.channels.web.base import STATIC, Web
from bot.channels.web.chat import CHANNEL, ChatApi, ChatPage
from bot.channels.web.limits import Limits
from bot.channels.web.secret import cookie_secret
from bot.settings import Settings
from bot.web import Images, ImageStore
from handlers.core.messages import Reply
from handlers.core.router import Core


class Static(StaticFileHandler):
    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")


class WebChannel(Channel):
    name: ClassVar[str] = CHANNEL

    def __init__(self, web: Web, own_images: ImageStore | None) -> None:
        self.web = web
        self.own_images = own_images  # when the runner has no image store (no PUBLIC_URL): served here

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return settings.serves_web

    @classmethod
    def create(cls, settings: Settings, core: Core, publish_image: ImagePublisher | None) -> WebChannel:
        own = ImageStore("") if publish_image is None else None
        publish = publish_image or (own.put if own is not None else None)
        assert publish is not None
        secure = (settings.public_url or "").startswith("https://")
        web = Web(core, cookie_secret(settings), secure, publish, Limits.default(), settings.evidence_dir)
        return cls(web, own)

    def routes(self) -> list[Route]:
        page = {"web": self.web}
        routes: list[Route] = [
            ("/", ChatPage, page),
            ("/api/chat", ChatApi, page),
            (r"/static/web/(chat\.css|chat\.js|admin\.css|admin\.js)", Static, {"path": str(STATIC)}),
            (r"/(widget\.js)", Static, {"path": str(STATIC)}),
            *admin_routes(self.web),
        ]
        if self.own_images is not None:
            routes.append((r"/images/([A-Za-z0-9_-]+(?:\.[a-z]+)?)", Images, {"store": self.own_images}))
        return routes

    async def start(self) -> None:
        self.state = "running"

    async def stop(self) -> None:
        await self.web.jobs.stop()
        self.state = "stopped"

    async def send(self, external_id: str, reply: Reply) -> None:
        raise Blocked("kênh web không gửi được tin nhắn chủ động")

    def sender(self) -> Sender:
        async def send(external_id: str, text: str) -> None:
            raise Blocked("kênh web không gửi được tin nhắn chủ động")

        return send
