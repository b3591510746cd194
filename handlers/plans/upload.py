"""A plan sent in chat: an admin sends the .xlsx or .docx as a document, sees the preview `plan import --dry-run`
prints, and publishes it with «Công bố» (as `plan import --publish`: the active version it replaces is superseded,
and officials see the new tasks on their next /nhiemvu) or drops it with «Hủy».

The router starts this flow when an admin (its one permission check) sends a plan file outside any other
conversation, and hands it the file as the first answer; /nhapkehoach starts it by asking for the file. The file is
read and checked exactly as the command line does (handlers/plans/importer.py): a refused file or bad rows get the
same messages, nothing is saved, and the admin may send the corrected file at once. The validated plan waits in
the session's draft (not in the plans table) until «Công bố», so «Hủy», /huy or expiry leave nothing behind.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from content.models import Plan
from handlers.core import flow
from handlers.core.context import Ctx
from handlers.core.flow import CHOICE, Answer, Draft, Finish, Flow, Invalid, Next, Outcome, Step
from handlers.core.messages import Attachment, Choice, Reply
from handlers.plans import importer, preview
from handlers.plans import received as received_file
from handlers.plans.active import period
from handlers.plans.parse import Parsed
from storage import plans as stored_plans
from storage.sessions import Session

NAME = "nhapkehoach"
PLAN_FILES = frozenset({".xlsx", ".docx", ".xlsm", ".docm", ".xls", ".doc"})  # the rest are not meant as plans
MAX_SHOWN = 20  # problems listed in one chat message; the command line shows more
ASK = ("Gửi tệp kế hoạch vào đây: tệp Excel .xlsx theo mẫu (`python -m bot plan template MAU.xlsx`) hoặc tệp Word "
       ".docx có bảng nhiệm vụ (STT, Nội dung nhiệm vụ, Chỉ số, Cơ quan chủ trì, Thời hạn…). Tôi sẽ cho xem trước, "
       "chưa lưu gì cho đến khi bạn chọn «Công bố». Gõ /huy để thoát.")


def is_plan_file(attachment: Attachment | None) -> bool:
    return (attachment is not None and attachment.kind == "document"
            and PurePosixPath(attachment.name or "").suffix.lower() in PLAN_FILES)


async def received(ctx: Ctx, session: Session, answer: Answer) -> tuple[list[Reply], Session]:
    """A plan file sent outside a conversation: the flow begins with it as its first answer (no question first)."""
    _, started = await flow.begin(FLOW, ctx, session)
    return await flow.advance(FLOW, ctx, started, answer)


def _invalid(name: str, problems: list[str]) -> Invalid:
    shown = "\n".join(f"• {p}" for p in problems[:MAX_SHOWN])
    more = f"\n… và {len(problems) - MAX_SHOWN} lỗi khác." if len(problems) > MAX_SHOWN else ""
    return Invalid(f"Tệp {name} chưa nhập được, chưa có gì được lưu ({len(problems)} lỗi):\n{shown}{more}\n"
                   "Bạn sửa các chỗ trên rồi gửi lại tệp nhé.")


async def _fetch(ctx: Ctx, attachment: Attachment, name: str) -> bytes:
    if attachment.size is not None and (big := received_file.too_big(attachment.size)) is not None:
        raise Invalid(f"Tệp {name}: {big}")
    if ctx.fetch is None:
        raise Invalid("Kênh này chưa tải được tệp về. Bạn nhập kế hoạch bằng lệnh `python -m bot plan import TỆP`.")
    try:
        return await ctx.fetch(attachment.file_id, attachment.url)
    except Exception as exc:  # the platform's download failed: the person can send the file again
        raise Invalid(f"Chưa tải được tệp {name} ({type(exc).__name__}). Bạn gửi lại tệp nhé.") from None


async def _read(ctx: Ctx, name: str, data: bytes) -> importer.Outcome:
    try:
        return await received_file.read(ctx.db, ctx.person, name, data)
    except received_file.NotRead as bad:
        raise (_invalid(name, bad.problems) if bad.problems else Invalid(bad.note)) from None


async def ask_file(ctx: Ctx, draft: Draft) -> Reply:
    return Reply(ASK)


async def take_file(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    attachment = answer.attachment
    if attachment is None or attachment.kind != "document":
        raise Invalid("Ở bước này cần gửi tệp (đính kèm tệp .xlsx hoặc .docx), không phải chữ hay ảnh.")
    name = received_file.safe_name(attachment.name)
    outcome = await _read(ctx, name, await _fetch(ctx, attachment, name))
    if not received_file.in_scope(ctx.person, outcome.plan.province):
        raise Invalid(received_file.out_of_scope(ctx.person, name, outcome.plan.province))
    return Next({**draft, **draft_of(name, outcome)})


def draft_of(name: str, outcome: importer.Outcome) -> Draft:
    """The checked plan as it waits for «Công bố» (`outcome_of` gives it back)."""
    reach = outcome.reach
    return {"name": name, "sha256": outcome.sha256, "plan": outcome.plan.model_dump_json(),
            "reach": [reach.units, reach.communes, reach.commune_units]}


def outcome_of(draft: Draft) -> importer.Outcome:
    """The checked plan kept in the draft, as the importer left it."""
    plan = Plan.model_validate_json(draft["plan"])
    return importer.Outcome(Parsed(plan), draft["sha256"], importer.Reach(*draft["reach"]))


async def ask_confirm(ctx: Ctx, draft: Draft) -> Reply:
    outcome = outcome_of(draft)
    items = await preview.reminders(ctx.db, ctx.kb, outcome.plan, ctx.now, ctx.zone)
    lines = [f"Xem trước tệp {draft['name']} (chưa lưu gì):", preview.as_text(outcome, items, ctx.zone)]
    same = await stored_plans.by_sha(ctx.db, outcome.sha256)
    if same is not None:
        lines.append(f"Tệp này đã được nhập: kế hoạch {same.id} phiên bản {same.version}.")
    lines.append("Chọn «Công bố» để áp dụng ngay (thay phiên bản đang áp dụng, nếu có), hoặc «Hủy».")
    return Reply("\n".join(lines), (Choice("Công bố", f"{CHOICE}publish"), Choice("Hủy", f"{CHOICE}cancel")))


async def take_confirm(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    if answer.value == f"{CHOICE}publish":
        return Finish(draft)
    raise Invalid("Hãy chọn «Công bố» hoặc «Hủy».")


def published(stored: stored_plans.Stored, outcome: importer.Outcome) -> str:
    plan, reach = outcome.plan, outcome.reach
    if outcome.unchanged and not outcome.published:
        return (f"Không có gì thay đổi: kế hoạch {stored.id} phiên bản {stored.version} đã đang áp dụng "
                "với đúng nội dung này.")
    start, end = period(plan)
    return (f"✅ Đã công bố kế hoạch {stored.id} phiên bản {stored.version} ({plan.number or plan.title}), hiệu lực "
            f"{start:%d/%m/%Y} – {end:%d/%m/%Y}: {len(plan.tasks)} nhiệm vụ, đến {reach.communes} xã. Phiên bản "
            "trước (nếu có) đã được thay thế; cán bộ các xã xem nhiệm vụ mới ngay bằng /nhiemvu.")


async def finish(ctx: Ctx, draft: Draft, nonce: str) -> tuple[list[Reply], Draft]:
    outcome = await importer.save(ctx.db, outcome_of(draft), draft["name"], True, ctx.now)
    assert outcome.stored is not None
    return [Reply(published(outcome.stored, outcome))], {}


async def guard(ctx: Ctx, draft: Draft) -> str | None:
    """An admin moved to another province between the preview and «Công bố» publishes nothing."""
    if "plan" not in draft or received_file.in_scope(ctx.person, Plan.model_validate_json(draft["plan"]).province):
        return None
    return "Kế hoạch này không thuộc tỉnh bạn đang quản trị."


FLOW = Flow(
    name=NAME,
    title="nhập kế hoạch",
    steps=(Step("file", ask_file, take_file), Step("confirm", ask_confirm, take_confirm)),
    finish=finish,
    ttl=dt.timedelta(hours=2),
    guard=guard,
)
