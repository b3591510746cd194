"""People typing to the bot in tests: a console user at a time the test controls, and invitation codes."""

from __future__ import annotations

import datetime as dt

from handlers.core.messages import Attachment, Incoming, Reply
from handlers.core.router import Core
from handlers.invitations import flow as invite_flow

NOW = dt.datetime(2024, 6, 1, 1, 0, tzinfo=dt.UTC)  # 08:00 in Asia/Ho_Chi_Minh
VAN_PHONG = "Văn phòng HĐND-UBND xã"


class Person:
    """Someone typing to the bot on the console channel, at a time the test controls."""

    def __init__(self, core: Core, user: str) -> None:
        self.core, self.user, self.at = core, user, NOW

    async def say(self, text: str | None = None, attachment: Attachment | None = None) -> Reply:
        replies = await self.core.handle(Incoming("console", self.user, text=text, attachment=attachment, at=self.at,
                                                  name=f"Cán bộ {self.user}"))
        return replies[-1]

    async def texts(self, text: str) -> str:
        replies = await self.core.handle(Incoming("console", self.user, text=text, at=self.at))
        return "\n".join(r.text for r in replies)


async def invite(
    core: Core, commune: str | None, unit: str | None, role: str = "official", province: str | None = None,
    create: bool = False, days: int = 7,
) -> str:
    code, _ = await invite_flow.from_command_line(core.db, core.kb, commune, unit, role, province, create, days, NOW)
    return code


async def registered_official(core: Core) -> Person:
    code = await invite(core, "dak plo", "van phong hdnd-ubnd xa")
    person = Person(core, "lan")
    assert "Đăng ký thành công" in (await person.say(f"/dangky {code}")).text
    return person
