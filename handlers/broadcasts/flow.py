"""/thongbao: an admin composes a broadcast: text → audience → preview with the recipient count → now or later."""

from __future__ import annotations

import datetime as dt
import re

from handlers.broadcasts import audience as broadcasts
from handlers.broadcasts.audience import KINDS, ROLE_LABELS, Audience
from handlers.core.context import Ctx
from handlers.core.flow import CHOICE, Answer, Draft, Finish, Flow, GoTo, Invalid, Next, Outcome, Step, text_answer
from handlers.core.messages import Choice, Reply
from handlers.reminders.quiet import hold

_WHEN = re.compile(r"^\s*(\d{1,2})[:h](\d{2})\s+(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s*$")
_WHEN_DATE_FIRST = re.compile(r"^\s*(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s+(\d{1,2})[:h](\d{2})\s*$")


def c(label: str, value: str) -> Choice:
    return Choice(label, CHOICE + value)


async def ask_text(ctx: Ctx, draft: Draft) -> Reply:
    return Reply("Soạn thông báo – Bước 1/4: Gõ nội dung thông báo (tối đa 2.000 ký tự).")


async def take_text(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    return Next({**draft, "text": text_answer(answer, "nội dung thông báo")})


async def ask_kind(ctx: Ctx, draft: Draft) -> Reply:
    return Reply("Bước 2/4: Gửi cho ai?", tuple(c(label, f"kind:{k}") for k, label in KINDS.items()))


async def take_kind(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    kind = answer.value.removeprefix(f"{CHOICE}kind:")
    if kind not in KINDS:
        raise Invalid("Hãy chọn một nhóm người nhận.")
    return Next({**draft, "kind": kind, "value": None})


def _needs_value(draft: Draft) -> bool:
    return draft.get("kind") in ("province", "district", "commune", "role")


async def ask_value(ctx: Ctx, draft: Draft) -> Reply:
    if draft["kind"] == "role":
        return Reply("Vai trò nào?", tuple(c(label, f"role:{k}") for k, label in ROLE_LABELS.items()))
    return Reply(f"Gõ tên {KINDS[draft['kind']].lower().removeprefix('một ')}.")


async def take_value(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    if draft["kind"] == "role":
        role = answer.value.removeprefix(f"{CHOICE}role:")
        if role not in ROLE_LABELS:
            raise Invalid("Hãy chọn một vai trò.")
        return Next({**draft, "value": role})
    return Next({**draft, "value": text_answer(answer, "tên địa bàn", limit=100)})


async def _count(ctx: Ctx, draft: Draft) -> list[int]:
    audience = Audience(draft["kind"], draft.get("value"))
    return await broadcasts.recipients(ctx.db, ctx.kb, audience, ctx.person.province,
                                       ctx.now.astimezone(ctx.zone).date())


async def ask_preview(ctx: Ctx, draft: Draft) -> Reply:
    who = Audience(draft["kind"], draft.get("value")).describe()
    n = len(await _count(ctx, draft))
    text = f"Bước 3/4: Xem trước\n\n📢 Thông báo:\n{draft['text']}\n\nNgười nhận: {who} – {n} người."
    if n == 0:
        again = (c("Chọn lại người nhận", "again"), c("Hủy", "cancel"))
        return Reply(text + "\nKhông có ai nhận: hãy chọn lại.", again)
    return Reply(text, (c("Gửi ngay", "now"), c("Hẹn giờ", "later"), c("Chọn lại người nhận", "again"),
                        c("Hủy", "cancel")))


async def take_preview(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    choice = answer.value.removeprefix(CHOICE)
    if choice == "again":
        return GoTo("kind", draft)
    if choice == "now" and await _count(ctx, draft):
        return Finish({**draft, "send_at": ctx.now.isoformat()})
    if choice == "later":
        return GoTo("when", draft)
    raise Invalid("Hãy chọn Gửi ngay, Hẹn giờ, Chọn lại người nhận hoặc Hủy.")


async def ask_when(ctx: Ctx, draft: Draft) -> Reply:
    return Reply("Bước 4/4: Gửi lúc nào? Gõ giờ và ngày, ví dụ: 08:00 15/7 hoặc 15/7/2025 08:00.")


def parse_when(text: str, ctx: Ctx) -> dt.datetime:
    local_now = ctx.now.astimezone(ctx.zone)
    if m := _WHEN.match(text):
        hour, minute, day, month, year = m.groups()
    elif m := _WHEN_DATE_FIRST.match(text):
        day, month, year, hour, minute = m.groups()
    else:
        raise Invalid("Hãy gõ giờ và ngày theo mẫu 08:00 15/7 hoặc 15/7/2025 08:00.")
    try:
        when = dt.datetime(int(year or local_now.year), int(month), int(day), int(hour), int(minute), tzinfo=ctx.zone)
    except ValueError:
        raise Invalid("Ngày giờ không hợp lệ. Hãy gõ lại, ví dụ: 08:00 15/7.") from None
    if when <= local_now:
        raise Invalid("Thời điểm này đã qua. Hãy chọn một thời điểm sắp tới.")
    return when


async def take_when(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    return Finish({**draft, "send_at": parse_when(answer.value, ctx).isoformat()})


async def finish(ctx: Ctx, draft: Draft, nonce: str) -> tuple[list[Reply], Draft]:
    audience = Audience(draft["kind"], draft.get("value"))
    people_ids = await _count(ctx, draft)
    wanted = dt.datetime.fromisoformat(draft["send_at"]).astimezone(ctx.zone)
    send_at = hold(wanted, ctx.config.quiet_hours)
    number = await broadcasts.create(ctx.db, ctx.person.id, draft["text"], audience, people_ids, send_at, ctx.now)
    held = f" (trong giờ nghỉ nên dời đến {send_at:%H:%M})" if send_at != wanted else ""
    when = "ngay" if send_at <= ctx.now + dt.timedelta(minutes=1) else f"lúc {send_at:%H:%M %d/%m/%Y}{held}"
    return [Reply(f"✅ Thông báo số {number} sẽ được gửi {when} tới {len(people_ids)} người. "
                  "Khi gửi xong, tôi sẽ báo lại kết quả.")], {}


FLOW = Flow(
    name="thongbao",
    title="soạn thông báo",
    steps=(
        Step("text", ask_text, take_text),
        Step("kind", ask_kind, take_kind),
        Step("value", ask_value, take_value, when=_needs_value),
        Step("preview", ask_preview, take_preview),
    ),
    detours=(Step("when", ask_when, take_when),),
    finish=finish,
    ttl=dt.timedelta(hours=2),
)
