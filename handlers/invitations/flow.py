"""Invitations: an admin issues a one-time code for a unit and a role, in chat (/moi) or on the command line."""

from __future__ import annotations

import datetime as dt

from content.loader import KnowledgeBase
from content.normalize import normalize
from handlers.core.context import Ctx
from handlers.core.flow import CHOICE, Answer, Draft, Flow, Invalid, Next, Outcome, Step
from handlers.core.messages import Choice, Reply
from handlers.invitations import directory
from handlers.reports.assignments import known_communes
from handlers.scores.province_names import province_in
from storage import invitations, org
from storage.db import Database, Db, transaction

VALID_DAYS = 7
ROLES = {"official": "Cán bộ, công chức", "leader": "Lãnh đạo xã (nhận bản sao nhắc việc quá hạn)"}
NEW_PREFIX = "mới:"


def deep_link(code: str, bot_username: str | None) -> str | None:
    """The Telegram link that registers with the code: the router's `moi-` namespace of /start payloads."""
    return f"https://t.me/{bot_username.lstrip('@')}?start=moi-{code}" if bot_username else None


async def issue(
    db: Db, unit: org.Unit | None, role: str, province: str | None, created_by: int | None,
    now: dt.datetime, days: int = VALID_DAYS,
) -> str:
    return await invitations.create(db, role, unit.id if unit else None, province, created_by, now,
                                    dt.timedelta(days=days))


def announce(code: str, where: str, role: str, now: dt.datetime, ctx_zone: dt.tzinfo, bot_username: str | None,
             days: int = VALID_DAYS) -> str:
    until = (now + dt.timedelta(days=days)).astimezone(ctx_zone)
    link = deep_link(code, bot_username)
    lines = [
        f"Mã mời cho {where} ({ROLES.get(role, role)}), dùng một lần, hết hạn {until:%H:%M %d/%m/%Y}.",
        "Người được mời gõ /dangky kèm mã" + (f" hoặc mở: {link}" if link else "") + ".",
        code,
    ]
    return "\n".join(lines)


async def ask_commune(ctx: Ctx, draft: Draft) -> Reply:
    return Reply("Cấp mã mời – Bước 1/3: Gõ tên xã (có dấu hay không đều được), ví dụ: Đắk Plô.")


async def take_commune(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    text = answer.value.strip()
    create = normalize(text).startswith("moi ")
    name = text.split(":", 1)[1] if create and ":" in text else text
    try:
        place = await directory.commune(ctx.db, ctx.kb, name, ctx.person.province, create=create)
    except directory.BadName as bad:
        raise Invalid(str(bad)) from None
    except directory.NotFound as missing:
        extra = " Nếu đây là xã mới, gõ: mới: <tên xã>." if ctx.person.province else ""
        raise Invalid(f"{missing}{extra}") from None
    if ctx.person.province and place.province != ctx.person.province:
        raise Invalid(f"Xã {place.commune} thuộc tỉnh {place.province}, ngoài phạm vi của bạn.")
    return Next({**draft, "province": place.province, "district": place.district, "commune": place.commune})


def _place(draft: Draft) -> directory.Place:
    return directory.Place(draft["province"], draft["district"], draft["commune"])


async def ask_unit(ctx: Ctx, draft: Draft) -> Reply:
    known = [org.COMMUNE_UNIT]
    for c in known_communes(ctx.kb):
        if org.place_key(c.name) == org.place_key(draft["commune"]):
            known += [u for u in c.units if u not in known]
    prompt = f"Bước 2/3: Chọn đơn vị ở xã {draft['commune']}, hoặc gõ «{NEW_PREFIX} <tên đơn vị>» để thêm đơn vị mới."
    return Reply(prompt, tuple(Choice(name, f"{CHOICE}unit:{name}") for name in known))


async def take_unit(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    text = answer.value.removeprefix(f"{CHOICE}unit:").strip()
    create = text.lower().startswith(NEW_PREFIX)
    name = text[len(NEW_PREFIX):].strip() if create else text
    if not name:
        raise Invalid("Hãy chọn hoặc gõ tên đơn vị.")
    try:  # only resolved here: the commune and the unit are created by `finish`, so /huy leaves nothing
        unit = await directory.unit_name(ctx.db, ctx.kb, _place(draft), name, create=create)
    except directory.NotFound as missing:
        raise Invalid(str(missing).replace("Thêm --create", f"Gõ «{NEW_PREFIX} <tên>»")) from None
    return Next({**draft, "unit_name": unit, "unit": f"{unit} – {draft['commune']}"})


async def ask_role(ctx: Ctx, draft: Draft) -> Reply:
    roles = tuple(Choice(v, f"{CHOICE}role:{k}") for k, v in ROLES.items())
    return Reply("Bước 3/3: Vai trò của người được mời?", roles)


async def take_role(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    role = answer.value.removeprefix(f"{CHOICE}role:")
    if role not in ROLES:
        raise Invalid("Hãy chọn một vai trò.")
    return Next({**draft, "role": role})


async def finish(ctx: Ctx, draft: Draft, nonce: str) -> tuple[list[Reply], Draft]:
    """The new commune or unit and the code in one transaction: all of them, or (on an error) none."""
    unit: org.Unit | None
    async with transaction(ctx.db) as tx:
        if "unit_name" in draft:
            unit = await directory.ensure(tx, _place(draft), draft["unit_name"])
        else:  # a draft saved before units were resolved without creating them (the flow lives an hour)
            unit = await org.get_unit(tx, draft["unit_id"])
        code = await issue(tx, unit, draft["role"], draft["province"], ctx.person.id, ctx.now)
    where = unit.label if unit else draft["unit"]  # the name stored, if an existing unit matched the one typed
    text = announce(code, where, draft["role"], ctx.now, ctx.zone, ctx.bot_username)
    return [Reply(text)], {}


async def guard(ctx: Ctx, draft: Draft) -> str | None:
    """The commune chosen must still be in the admin's province: an admin moved or revoked meanwhile gets no
    code for a commune outside their scope."""
    if "province" not in draft or ctx.person.everywhere or draft["province"] == ctx.person.province:
        return None
    return f"Xã {draft['commune']} thuộc tỉnh {draft['province']}, ngoài phạm vi hiện tại của bạn."


FLOW = Flow(
    name="moi",
    title="cấp mã mời",
    steps=(
        Step("commune", ask_commune, take_commune),
        Step("unit", ask_unit, take_unit),
        Step("role", ask_role, take_role),
    ),
    finish=finish,
    ttl=dt.timedelta(hours=1),
    guard=guard,
)


async def from_command_line(
    db: Database, kb: KnowledgeBase, commune: str | None, unit_name: str | None, role: str,
    province: str | None, create: bool, days: int, now: dt.datetime, district: str | None = None,
) -> tuple[str, str]:
    """(code, where) for `python -m bot invite`; raises directory.NotFound with what is known."""
    if role == "admin":
        if not province:
            raise directory.NotFound("Mã mời quản trị cần --province (tỉnh mà người đó quản lý).")
        name = province_in(kb, province)
        if name is None:
            raise directory.NotFound(f"Không tìm thấy tỉnh «{province}».")
        return await issue(db, None, role, name, None, now, days), f"quản trị tỉnh {name}"
    if not commune or not unit_name:
        raise directory.NotFound("Cần --commune và --unit (hoặc --role admin --province).")
    place = await directory.commune(db, kb, commune, province, create, district)
    unit = await directory.unit(db, kb, place, unit_name, create)
    return await issue(db, unit, role, place.province, None, now, days), unit.label
