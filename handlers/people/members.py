"""/nguoidung lists the registered people in the admin's province; /thuhoi <số> revokes one's role."""

from __future__ import annotations

from handlers.core.commands import ROLE_NAMES
from handlers.core.context import Ctx
from handlers.core.messages import Reply
from storage import people


async def members(ctx: Ctx) -> Reply:
    rows = await people.members(ctx.db, ctx.person.province)
    if not rows:
        return Reply("Chưa có ai đăng ký.")
    lines = [
        f"#{m.id} {ROLE_NAMES.get(m.role, m.role)} – {m.unit or ''}{' – ' + m.commune if m.commune else ''}"
        f" ({m.province or 'mọi tỉnh'}; {m.channels})"
        for m in rows
    ]
    return Reply("Người đã đăng ký:\n" + "\n".join(lines) + "\n\nThu hồi quyền: /thuhoi <số>, ví dụ /thuhoi 12")


async def revoke(ctx: Ctx, arg: str) -> Reply:
    number = arg.strip().lstrip("#")
    # SQLite integers are 64-bit: a longer number names nobody (and must not overflow the query)
    target_id = int(number) if number.isdigit() and len(number) <= 18 else None
    target = await people.get(ctx.db, target_id) if target_id else None
    in_scope = {m.id for m in await people.members(ctx.db, ctx.person.province)}
    if target is None or target.id not in in_scope:
        return Reply("Không tìm thấy người này trong phạm vi của bạn. Gõ /nguoidung để xem danh sách.")
    if target.id == ctx.person.id:
        return Reply("Bạn không thể tự thu hồi quyền của mình.")
    await people.set_role(ctx.db, target.id, "citizen")
    return Reply(f"Đã thu hồi quyền của người dùng #{target.id}. Các báo cáo họ đã gửi vẫn được giữ.")
