"""/lienket: a registered person asks for a one-time code on one channel and types it on another, so both
identities are one person (role, unit, reminders). /kenh: choose the channel reminders and broadcasts go to."""

from __future__ import annotations

from content.normalize import normalize
from handlers.core.flow import Ctx
from handlers.core.messages import Choice, Reply
from storage import attempts, links
from storage.links import Channels

NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "Console"}
MINUTES = int(links.VALID_FOR.total_seconds() // 60)
ASK_AGAIN = "gõ /lienket trên kênh bạn đã đăng ký để lấy mã mới"
NOT_STAFF = (
    "Liên kết kênh dành cho cán bộ và quản trị đã đăng ký. Nếu bạn là cán bộ, hãy gõ /dangky kèm mã mời trước; "
    "nếu đã có mã liên kết, gõ /lienket kèm mã đó."
)
ERRORS = {
    "unknown": f"Mã liên kết không đúng. Bạn kiểm tra lại mã (10 ký tự) hoặc {ASK_AGAIN}.",
    "used": f"Mã liên kết này đã được dùng. Mỗi mã chỉ dùng một lần; hãy {ASK_AGAIN}.",
    "expired": f"Mã liên kết đã hết hạn (mã chỉ dùng được trong {MINUTES} phút). Hãy {ASK_AGAIN}.",
    "revoked": f"Mã liên kết này không còn hiệu lực (đã có mã mới hơn, hoặc quyền đã bị thu hồi). Hãy {ASK_AGAIN}.",
    "mine": "Tài khoản {channel} này đã là của bạn. Hãy gõ mã trên kênh còn lại để liên kết.",
    "channel_taken": "Bạn đã liên kết một tài khoản {channel} khác. Mỗi kênh chỉ liên kết được một tài khoản.",
    "official": (
        "Tài khoản {channel} này đã đăng ký cán bộ riêng nên không thể gộp với tài khoản khác. Nếu cả hai là của "
        "bạn, hãy nhờ người quản trị thu hồi quyền của tài khoản này (/thuhoi) rồi liên kết lại."
    ),
}


TOO_MANY = (f"Bạn đã nhập sai mã liên kết {attempts.LIMIT} lần trong {attempts.MINUTES} phút. "
            "Vì an toàn, hãy thử lại sau {minutes} phút.")
LEAKED = f"Mã liên kết này đã bị nhiều người thử nên tạm khóa. Hãy thử lại sau {{minutes}} phút, hoặc {ASK_AGAIN}."


def name(channel: str) -> str:
    return NAMES.get(channel, channel.capitalize())


def _other(channel: str) -> str:
    return {"telegram": "Zalo", "zalo": "Telegram"}.get(channel, "Telegram hoặc Zalo")


async def link(ctx: Ctx, arg: str, channel: str, external_id: str) -> Reply:
    """Without an argument: a code for the person (registered only). With one: bind this identity to the code's
    person. Anyone may redeem, since the identity typing it is usually brand new (a citizen)."""
    if arg.strip():
        return await _redeem(ctx, arg, channel, external_id)
    if ctx.person.role == "citizen":
        return Reply(NOT_STAFF)
    code = await links.create(ctx.db, ctx.person.id, ctx.now)
    until = (ctx.now + links.VALID_FOR).astimezone(ctx.zone)
    return Reply(
        f"Mã liên kết của bạn (dùng một lần, hết hạn lúc {until:%H:%M %d/%m/%Y}):\n{code}\n\n"
        f"Trên {_other(channel)}, nhắn cho Trợ lý PAPI đúng dòng sau:\n/lienket {code}\n\n"
        "⚠️ Không đưa mã này cho người khác: ai gõ mã sẽ dùng được tài khoản và quyền của bạn."
    )


async def _redeem(ctx: Ctx, code: str, channel: str, external_id: str) -> Reply:
    lock = await attempts.locked(ctx.db, ctx.person.id, "link", code, ctx.now)
    if lock is not None:  # refused before the code is looked up: a guesser learns nothing while waiting
        return Reply((LEAKED if lock.by_code else TOO_MANY).format(minutes=lock.minutes(ctx.now)))
    result = await links.redeem(ctx.db, code, channel, external_id, ctx.now)
    if isinstance(result, str):
        if result != "mine":  # the owner typing their own code on the same account is no guess
            await attempts.failed(ctx.db, ctx.person.id, "link", code, result != "unknown", ctx.now)
        return Reply(ERRORS[result].format(channel=name(channel)))
    found = await links.channels(ctx.db, result)
    joined = " và ".join(name(c.channel) for c in found.linked)
    head = f"✅ Đã liên kết tài khoản {name(channel)} này: trên {joined} bạn có cùng quyền và cùng nhắc việc."
    return _listing(found, head)


async def choose(ctx: Ctx, arg: str) -> Reply:
    """/kenh: the linked channels as choices; "/kenh zalo" (or picking it) saves it as preferred."""
    found = await links.channels(ctx.db, ctx.person.id)
    if arg.strip():
        wanted = normalize(arg)
        match = next((c for c in found.linked if wanted in (c.channel, normalize(name(c.channel)))), None)
        if match is None:
            return _listing(found, f"Bạn chưa liên kết kênh «{arg.strip()}».")
        await links.prefer(ctx.db, ctx.person.id, match.channel)
        note = "" if match.active else (
            f"\nLưu ý: bot đang không gửi được tin qua {name(match.channel)} (có thể bạn đã chặn bot); "
            "khi đó tin sẽ gửi qua kênh còn lại.")
        return Reply(f"✅ Từ nay nhắc việc và thông báo sẽ gửi qua {name(match.channel)}.{note}")
    if len(found.linked) < 2:
        only = found.linked[0].channel if found.linked else ""
        here = f"Bạn mới dùng một kênh: {name(only) if only else 'kênh này'}"
        if ctx.person.role == "citizen":  # citizens get broadcasts, never reminders, and cannot ask for a code
            return Reply(f"{here}; thông báo gửi qua kênh này.\n{NOT_STAFF}")
        return Reply(f"{here}; nhắc việc và thông báo gửi qua kênh này.\nĐể nhận qua kênh khác, gõ /lienket ở đây "
                     f"để lấy mã, rồi nhắn /lienket <mã> cho bot trên {_other(only)}.")
    return _listing(found, "Các kênh bạn đã liên kết:")


def _listing(found: Channels, head: str) -> Reply:
    receiving = found.receiving
    lines = []
    for c in found.linked:
        mark = " – đang nhận nhắc việc, thông báo" if c.channel == receiving else ""
        if not c.active:
            mark = " – không gửi được (có thể bạn đã chặn bot)"
        lines.append(f"• {name(c.channel)}{mark}")
    text = f"{head}\n" + "\n".join(lines) + "\n\nChọn kênh nhận nhắc việc và thông báo:"
    return Reply(text, tuple(Choice(name(c.channel), f"/kenh {c.channel}") for c in found.linked))
