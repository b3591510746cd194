"""/web (any channel; admins and leaders, checked by the router): a link that signs the person in to the admin
pages once, within 10 minutes. The link is a key: the reply says so."""

from __future__ import annotations

from handlers.core.context import Ctx
from handlers.core.messages import Reply
from storage import web_logins

MINUTES = int(web_logins.LINK_VALID_FOR.total_seconds() // 60)
NO_ADDRESS = ("Trang quản trị chưa có địa chỉ công khai (PUBLIC_URL). Hãy nhờ người vận hành đặt PUBLIC_URL, "
              "hoặc chạy `python -m bot web-login --person {id}` trên máy chủ để lấy liên kết.")


def login_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/admin/login?token={token}"


async def web_link(ctx: Ctx) -> Reply:
    if not ctx.config.public_url:
        return Reply(NO_ADDRESS.format(id=ctx.person.id))
    token = await web_logins.create_link(ctx.db, ctx.person.id, ctx.now)
    until = (ctx.now + web_logins.LINK_VALID_FOR).astimezone(ctx.zone)
    return Reply(
        f"Liên kết đăng nhập trang quản trị (dùng một lần, trong {MINUTES} phút, đến {until:%H:%M %d/%m/%Y}):\n"
        f"{login_url(ctx.config.public_url, token)}\n\n"
        "Mở liên kết trên máy tính của bạn rồi bấm «Đăng nhập».\n"
        "⚠️ Không chuyển liên kết này cho người khác: ai mở được sẽ vào trang quản trị bằng quyền của bạn."
    )
