"""The channel contract: a new platform is one Channel subclass and a line in the registry; the runner, the
web server, /healthz and the sweep serve it without knowing it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from bot.app import config
from bot.channels import registry
from bot.channels.base import Channel, ImagePublisher, Route, Sender
from bot.runner import Runner
from bot.settings import Settings
from bot.web import WebHandler
from handlers.broadcasts import audience as broadcasts
from handlers.core.messages import Incoming, Reply
from handlers.core.router import Core
from storage import people
from tests.test_zalo import free_port


class Hook(WebHandler):
    def initialize(self, channel: Pigeon) -> None:
        self.channel = channel

    async def post(self) -> None:
        user, text = self.request.body.decode().split(":", 1)
        for reply in await self.channel.core.handle(Incoming(Pigeon.name, user, text=text)):
            await self.channel.send(user, reply)
        self.finish({"ok": True})


class Pigeon(Channel):
    """A platform that exists only in this test."""

    name = "pigeon"
    delivered: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, core: Core) -> None:
        self.core = core

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        return True

    @classmethod
    def create(cls, settings: Settings, core: Core, publish_image: ImagePublisher | None) -> Pigeon:
        return cls(core)

    def routes(self) -> list[Route]:
        return [("/pigeon", Hook, {"channel": self})]

    async def start(self) -> None:
        self.state = "running"

    async def stop(self) -> None:
        self.state = "stopped"

    async def send(self, external_id: str, reply: Reply) -> None:
        self.delivered.append((external_id, reply.text))

    def sender(self) -> Sender:
        async def send(external_id: str, text: str) -> None:
            await self.send(external_id, Reply(text))
        return send


@pytest.fixture
def only_pigeons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "REGISTRY", (Pigeon,))
    monkeypatch.setattr("bot.runner.REGISTRY", (Pigeon,))
    Pigeon.delivered.clear()


async def test_a_registered_channel_gets_routes_health_and_the_outbox(
    only_pigeons: None, core: Core, tmp_path: Path
) -> None:
    port = free_port()
    settings = Settings(_env_file=None, database=tmp_path / "bot.sqlite3", webhook_port=port,  # type: ignore[call-arg]
                        sweep_seconds=1, quiet_hours="off")
    core.config = config(settings)  # as the composition root builds it: quiet hours off
    runner = Runner(settings, core=core)
    await runner.start()
    try:
        assert runner.health() == {"pigeon": "running"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            assert (await http.post("/pigeon", content="u1:xa phai cong khai nhung gi")).status_code == 200
            assert (await http.get("/healthz")).json()["channels"] == {"pigeon": "running"}
        assert Pigeon.delivered and "công khai" in Pigeon.delivered[0][1]
        person = await people.identify(core.db, "pigeon", "u1", core.clock())
        await broadcasts.create(core.db, None, "Họp giao ban", broadcasts.Audience("all"), [person.id],
                                core.clock(), core.clock())
        for _ in range(100):
            if any("Họp giao ban" in text for _, text in Pigeon.delivered):
                break
            await asyncio.sleep(0.05)
        assert any("Họp giao ban" in text for _, text in Pigeon.delivered), "the sweep sent it through the channel"
    finally:
        await runner.stop()
