"""`python -m bot web` (the web chat and the admin pages, with or without channel tokens) and `python -m bot
web-login --person ID` (a one-time sign-in link to the admin pages, for operators)."""

from __future__ import annotations

import argparse
import asyncio

from bot.settings import Settings
from handlers.core.commands import BY_NAME
from handlers.web_login.link import login_url
from storage import people, web_logins
from storage.db import connected, utc_now


def add_parsers(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("web", help="chạy trang hỏi đáp và trang quản trị (cùng các kênh đã cấu hình)")
    p = sub.add_parser("web-login", help="in liên kết đăng nhập trang quản trị (một lần, 10 phút)")
    p.add_argument("--person", type=int, required=True, help="số của người (xem: people list)")


def local_url(settings: Settings) -> str:
    return settings.public_url or f"http://{settings.webhook_listen}:{settings.webhook_port}"


def web_settings(settings: Settings) -> Settings:
    """`web`: the settings with the web server on and, without PUBLIC_URL, links and images at the local address
    (not when Zalo is configured: Zalo must fetch images from a public address)."""
    extra: dict[str, object] = {"web_server": True}
    if not settings.public_url and settings.zalo_bot_token is None:
        extra["public_url"] = local_url(settings)
    return settings.model_copy(update=extra)


async def login_link(settings: Settings, person_id: int) -> int:
    async with connected(settings.database) as db:
        person = await people.get(db, person_id)
        listed = person is not None and any(
            f"{c}:{e}" in settings.admin_ids for c, e in await people.identities(db, person.id))
        if person is not None and listed:
            person = people.Person(person.id, person.role, person.unit_id, person.province, everywhere=True)
        if person is None or not BY_NAME["web"].allows(person):
            print(f"Người số {person_id} không có quyền vào trang quản trị (chỉ lãnh đạo xã và quản trị).")
            return 2
        token = await web_logins.create_link(db, person.id, utc_now())
    print("Liên kết đăng nhập (dùng một lần, trong 10 phút):")
    print(login_url(local_url(settings), token))
    return 0


def dispatch(args: argparse.Namespace, settings: Settings) -> int | None:
    if args.command == "web-login":
        return asyncio.run(login_link(settings, args.person))
    return None
