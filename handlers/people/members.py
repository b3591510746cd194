"""/nguoidung lists the registered people in the admin's province; /thuhoi <số> revokes one's role."""

from __future__ import annotations

from handlers.core.commands import ROLE_NAMES
from handlers.core.context import Ctx
from handlers.core.messages import Choice, Reply
from storage import people

PAGE = 30  # lines that fit one Zalo message


async def members(ctx: Ctx, arg: str = "") -> Reply:
    """/nguoidung [trang]: the registered people of the admin's province, 30 a page."""
    total = await people.count_members(ctx.db, ctx.person.province)
    if not total:
        return Reply("Chưa có ai đăng ký.")
    pages = (total + PAGE - 1) // PAGE
    page = min(max(int(arg) if arg.strip().isdigit() and len(arg.strip()) < 6 else 1, 1), pages)
    rows = await people.members(ctx.db, ctx.person.province, PAGE, (page - 1) * PAGE)
    lines = [
        f"#{m.id} {m.name + ', ' if m.name else ''}{ROLE_NAMES.get(m.role, m.role)} – {m.unit or ''}"
        f"{' – ' + m.commune if m.commune else ''} ({m.province or 'mọi tỉnh'}; {m.channels})"
        for m in rows
    ]
    head = f"Người đã đăng ký ({total} người" + (f", trang {page}/{pages}" if pages > 1 else "") + "):\n"
    more = (Choice(f"Trang {page + 1}", f"/nguoidung {page + 1}"),) if page < pages else ()
    return Reply(head + "\n".join(lines) + "\n\nThu hồi quyền: /thuhoi <số>, ví dụ /thuhoi 12", more)


async def revoke(ctx: Ctx, arg: str) -> Reply:
    number = arg.strip().lstrip("#")
    # SQLite integers are 64-bit: a longer number names nobody (and must not overflow the query)
    target_id = int(number) if number.isdigit() and len(number) <= 18 else None
    target = await people.member(ctx.db, target_id, ctx.person.province) if target_id else None
    if target is None:
        return Reply("Không tìm thấy người này trong phạm vi của bạn. Gõ /nguoidung để xem danh sách.")
    if target.id == ctx.person.id:
        return Reply("Bạn không thể tự thu hồi quyền của mình.")
    await people.set_role(ctx.db, target.id, "citizen")
    return Reply(f"Đã thu hồi quyền của người dùng #{target.id}. Các báo cáo họ đã gửi vẫn được giữ.")
