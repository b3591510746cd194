"""/dangky <mã> (or a deep link's /start <mã>): redeem an invitation code and take its role."""

from __future__ import annotations

from handlers.core.commands import ROLE_NAMES
from handlers.core.context import Ctx
from handlers.core.messages import Reply
from storage import attempts, directory, invitations, org, people

REDEEM_ERRORS = {
    "unknown": "Mã mời không đúng. Bạn kiểm tra lại mã (10 ký tự) hoặc xin mã mới từ người quản trị.",
    "used": "Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; hãy xin mã mới.",
    "expired": "Mã mời đã hết hạn. Hãy xin người quản trị cấp mã mới.",
    "revoked": "Mã mời đã bị thu hồi. Hãy liên hệ người quản trị.",
    "mine": "Tài khoản này đã gắn với hồ sơ cán bộ của bạn rồi. Gõ /nhiemvu để xem nhiệm vụ.",
    "channel_taken": "Hồ sơ cán bộ của mã này đã gắn một tài khoản khác trên kênh này. Hãy liên hệ người quản trị.",
    "registered": ("Tài khoản này đã đăng ký cho một cán bộ khác; mã này dành cho hồ sơ khác trong danh sách của "
                   "Sở. Nếu đó là bạn, hãy liên hệ người quản trị."),
}
TOO_MANY = (f"Bạn đã nhập sai mã mời {attempts.LIMIT} lần trong {attempts.MINUTES} phút. "
            "Vì an toàn, hãy thử lại sau {minutes} phút.")
LEAKED = ("Mã mời này đã bị nhiều người thử nên tạm khóa. Hãy thử lại sau {minutes} phút, "
          "hoặc xin người quản trị mã mới.")


async def register(ctx: Ctx, code: str, name: str | None) -> Reply:
    if not code.strip():
        return Reply("Hãy gõ /dangky kèm mã mời, ví dụ: /dangky ABCD234567")
    lock = await attempts.locked(ctx.db, ctx.person.id, "invitation", code, ctx.now)
    if lock is not None:  # refused before the code is looked up: a guesser learns nothing while waiting
        return Reply((LEAKED if lock.by_code else TOO_MANY).format(minutes=lock.minutes(ctx.now)))
    result = await invitations.redeem(ctx.db, code, ctx.person.id, ctx.now)
    if result == "bound":  # a listed person's code: this identity becomes theirs, with the list's name and unit
        result = await directory.claim(ctx.db, code, ctx.channel, ctx.user_id, ctx.now)
    if isinstance(result, str):
        await attempts.failed(ctx.db, ctx.person.id, "invitation", code, result != "unknown", ctx.now)
        return Reply(REDEEM_ERRORS[result])
    if result.person_id is None:
        await people.set_role(ctx.db, ctx.person.id, result.role, result.unit_id, result.province)
        await people.set_name(ctx.db, ctx.person.id, name)
    where = ""
    if result.unit_id is not None:
        unit = await org.get_unit(ctx.db, result.unit_id)
        where = f" thuộc {unit.label}" if unit else ""
    elif result.province:
        where = f", phạm vi tỉnh {result.province}"
    follow = "Gõ /nhiemvu để xem nhiệm vụ, /baocao để báo cáo tiến độ." if result.role != "admin" else (
        "Gõ /tiendo để xem tình hình báo cáo, /moi để cấp mã mời, /xuat để xuất báo cáo.")
    return Reply(f"✅ Đăng ký thành công: {ROLE_NAMES[result.role]}{where}.\n{follow}")
