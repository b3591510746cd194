"""/baocao: a progress report on one task, step by step, validated at each step, saved on confirmation."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from content.normalize import normalize
from handlers.core import render
from handlers.core.context import Ctx
from handlers.core.flow import (
    CHOICE,
    Answer,
    Draft,
    Finish,
    Flow,
    GoTo,
    Invalid,
    Next,
    Outcome,
    Stay,
    Step,
    text_answer,
)
from handlers.core.messages import Choice, Reply
from handlers.reports.assignments import Assignment, find
from handlers.reports.tasks import unit_tasks
from handlers.review.refile import returned_task
from storage import reports
from storage.reports import STATUSES, Evidence, NewReport

MAX_FILE = 20 * 1024 * 1024  # Telegram bots can download files up to 20 MB
DOCUMENT_TYPES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png"}
SKIP_WORDS = {"bo qua", "khong", "khong co", "xong", "tiep tuc", "tiep", "skip"}
_PERCENT = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*%?\s*$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def c(label: str, value: str) -> Choice:
    return Choice(label, CHOICE + value)


async def my_tasks(ctx: Ctx) -> list[Assignment]:
    return (await unit_tasks(ctx))[1]


# --- steps -------------------------------------------------------------------------------------------


async def ask_task(ctx: Ctx, draft: Draft) -> Reply:
    items = await my_tasks(ctx)
    lines = [f"{n}. {a.task.title} (hạn {a.period(ctx.today).due:%d/%m/%Y})" for n, a in enumerate(items, 1)]
    return Reply("Bước 1/7 – Chọn nhiệm vụ cần báo cáo:\n" + "\n".join(lines),
                 tuple(c(a.task.title[:60], f"task:{a.key}") for a in items))


async def take_task(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    key = answer.value.removeprefix(f"{CHOICE}task:")
    found = next((a for a in await my_tasks(ctx) if a.key == key), None)
    if found is None:
        raise Invalid("Hãy chọn một nhiệm vụ trong danh sách (gõ số thứ tự).")
    period = found.period(ctx.today)
    return Next({**draft, "task": key, "period": period.key, "period_label": period.label})


async def ask_status(ctx: Ctx, draft: Draft) -> Reply:
    note = f"{draft['note']}\n\n" if "note" in draft and "status" not in draft else ""
    return Reply(f"{note}Bước 2/7 – Tình trạng thực hiện?",
                 tuple(c(label, f"st:{code}") for code, label in STATUSES.items()))


async def take_status(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    code = answer.value.removeprefix(f"{CHOICE}st:")
    if code not in STATUSES:
        by_label = {normalize(label): k for k, label in STATUSES.items()}
        code = by_label.get(normalize(answer.value), "")
    if code not in STATUSES:
        raise Invalid("Hãy chọn một trong bốn tình trạng.")
    fixed = {"chua": 0, "xong": 100}.get(code)
    if fixed is not None:
        return Next({**draft, "status": code, "percent": fixed})
    # a status that needs a percentage asks for it, also when editing from the summary
    return GoTo("percent", {**draft, "status": code})


async def ask_percent(ctx: Ctx, draft: Draft) -> Reply:
    return Reply("Bước 3/7 – Đã làm được bao nhiêu phần trăm? Gõ một số từ 0 đến 100, ví dụ: 50 hoặc 50%.")


async def take_percent(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    match = _PERCENT.match(answer.value)
    if not match:
        raise Invalid("Hãy gõ một số từ 0 đến 100, ví dụ: 50 hoặc 50%.")
    value = float(match.group(1).replace(",", "."))
    if not 0 <= value <= 100:
        raise Invalid(f"Tỷ lệ phải từ 0 đến 100%, bạn gõ {match.group(1)}.")
    return Next({**draft, "percent": round(value)})


async def ask_done(ctx: Ctx, draft: Draft) -> Reply:
    return Reply("Bước 4/7 – Đơn vị đã làm được những gì? (gõ ngắn gọn, tối đa 2.000 ký tự)")


async def take_done(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    return Next({**draft, "done": text_answer(answer, "những việc đã làm", "Ảnh hoặc tệp minh chứng gửi ở bước sau.")})


async def ask_evidence(ctx: Ctx, draft: Draft) -> Reply:
    n = len(draft.get("evidence", []))
    got = f"Đã nhận {n} minh chứng. Gửi thêm, hoặc chọn «Tiếp tục».\n" if n else ""
    return Reply(
        f"{got}Bước 5/7 – Gửi minh chứng: ảnh, tệp (PDF, Word, Excel) hoặc đường link. Không có thì gõ «bỏ qua».",
        (c("Tiếp tục" if n else "Bỏ qua", "next"),),
    )


def _evidence(answer: Answer, channel: str) -> Evidence:
    a = answer.attachment
    if a is None:
        url = answer.value.strip()
        if not _URL.match(url):
            raise Invalid("Hãy gửi ảnh, tệp hoặc một đường link bắt đầu bằng http:// hoặc https://, hoặc gõ «bỏ qua».")
        return Evidence("link", url=url[:1000])
    if a.kind not in ("photo", "document"):
        raise Invalid("Minh chứng phải là ảnh hoặc tệp (PDF, Word, Excel), không nhận nhãn dán hay loại khác.")
    if a.size is not None and a.size > MAX_FILE:
        raise Invalid(f"Tệp lớn {a.size / 1024 / 1024:.1f} MB, vượt giới hạn 20 MB. Hãy gửi tệp nhỏ hơn hoặc một link.")
    if a.kind == "document" and PurePosixPath(a.name or "").suffix.lower() not in DOCUMENT_TYPES:
        raise Invalid("Chỉ nhận tệp PDF, Word, Excel hoặc ảnh (JPG, PNG).")
    return Evidence(a.kind, file_id=a.file_id, url=a.url, name=a.name, size=a.size, channel=channel)


async def take_evidence(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    if answer.value == f"{CHOICE}next" or (answer.attachment is None and normalize(answer.value) in SKIP_WORDS):
        return Next({**draft, "evidence": draft.get("evidence", [])})
    item = _evidence(answer, ctx.channel)
    return Stay({**draft, "evidence": [*draft.get("evidence", []), item.__dict__]})


async def ask_difficulties(ctx: Ctx, draft: Draft) -> Reply:
    return Reply("Bước 6/7 – Khó khăn, vướng mắc và đề xuất (nếu có). Không có thì chọn «Không có».",
                 (c("Không có", "none"),))


async def take_difficulties(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    if answer.value == f"{CHOICE}none" or normalize(answer.value) in SKIP_WORDS:
        return Next({**draft, "difficulties": None})
    return Next({**draft, "difficulties": text_answer(answer, "khó khăn, đề xuất")})


async def summary(ctx: Ctx, draft: Draft) -> str:
    """The draft as the person will confirm it; its task is one of the unit's tasks in force (the engine's guard
    checked it), from a bundled plan or one loaded into the database."""
    found = next((a for a in await my_tasks(ctx) if a.key == draft["task"]), None) or find(ctx.kb, draft["task"])
    assert found is not None
    lines = [
        f"Nhiệm vụ: {found.task.title} ({render.plan_label(found.plan)})",
        f"Kỳ báo cáo: {draft['period_label']}",
        f"Tình trạng: {STATUSES[draft['status']]} – {draft['percent']}%",
        f"Đã làm: {draft['done']}",
        f"Minh chứng: {len(draft.get('evidence', []))}",
        f"Khó khăn, đề xuất: {draft.get('difficulties') or 'không có'}",
    ]
    return "\n".join(lines)


async def ask_confirm(ctx: Ctx, draft: Draft) -> Reply:
    return Reply("Bước 7/7 – Kiểm tra lại báo cáo:\n\n" + await summary(ctx, draft),
                 (c("Xác nhận", "confirm"), c("Sửa", "edit"), c("Hủy", "cancel")))


async def take_confirm(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    if answer.value == f"{CHOICE}confirm":
        return Finish(draft)
    if answer.value == f"{CHOICE}edit":
        return GoTo("edit", draft)
    raise Invalid("Hãy chọn Xác nhận, Sửa hoặc Hủy.")


EDITABLE = (("task", "Nhiệm vụ"), ("status", "Tình trạng"), ("done", "Nội dung đã làm"),
            ("evidence", "Minh chứng"), ("difficulties", "Khó khăn, đề xuất"))


async def ask_edit(ctx: Ctx, draft: Draft) -> Reply:
    return Reply("Bạn muốn sửa phần nào?", tuple(c(label, f"edit:{name}") for name, label in EDITABLE))


async def take_edit(ctx: Ctx, answer: Answer, draft: Draft) -> Outcome:
    name = answer.value.removeprefix(f"{CHOICE}edit:")
    if name not in dict(EDITABLE):
        raise Invalid("Hãy chọn phần cần sửa.")
    return GoTo(name, draft, back_to="confirm")


async def finish(ctx: Ctx, draft: Draft, nonce: str) -> tuple[list[Reply], Draft]:
    plan_id, _, task_id = draft["task"].partition("/")
    assert ctx.person.unit_id is not None  # the engine's guard checked the unit and its task just now
    new = NewReport(
        plan_id=plan_id, task_id=task_id, unit_id=ctx.person.unit_id, period=draft["period"],
        status=draft["status"], percent=draft["percent"], done_text=draft["done"],
        difficulties=draft.get("difficulties"), reporter_id=ctx.person.id, idempotency_key=nonce,
        evidence=tuple(Evidence(**e) for e in draft.get("evidence", [])),
    )
    report, _ = await reports.submit(ctx.db, new, ctx.now)
    return [saved(report, ctx)], {"last_report": report.id}


def saved(report: reports.Report, ctx: Ctx) -> Reply:
    at = report.submitted_at.astimezone(ctx.zone)
    again = " (thay cho báo cáo trước của kỳ này)" if report.supersedes else ""
    return Reply(f"✅ Đã lưu báo cáo số BC-{report.id:06d} lúc {at:%H:%M ngày %d/%m/%Y}{again}. Cảm ơn bạn!")


async def start(ctx: Ctx) -> Draft | Reply:
    items = await my_tasks(ctx)
    if not items:
        return Reply("Đơn vị của bạn hiện chưa được giao nhiệm vụ nào trong các kế hoạch đang theo dõi.")
    assert ctx.person.unit_id is not None  # my_tasks found the unit
    returned = await returned_task(ctx.db, ctx.person.unit_id, items, ctx.today)
    if returned is None:
        return {}
    task, review = returned  # a returned report opens on its task (another one can be chosen with «Sửa»)
    period = task.period(ctx.today)
    note = (f"Gửi lại báo cáo nhiệm vụ «{task.task.title}», kỳ {period.label}, đã bị trả lại với nhận xét: "
            f"{review.comment}\n(Muốn báo cáo nhiệm vụ khác: ở bước cuối chọn «Sửa» → «Nhiệm vụ».)")
    return {"task": task.key, "period": period.key, "period_label": period.label, "note": note}


async def guard(ctx: Ctx, draft: Draft) -> str | None:
    """The task chosen must still be one of the person's current unit: an official who moved to another unit
    (or a kept draft from before the move) must not file it under the new one."""
    if "task" not in draft or draft["task"] in {a.key for a in await my_tasks(ctx)}:
        return None
    return "Nhiệm vụ trong bản nháp không thuộc đơn vị hiện tại của bạn. Gõ /baocao để báo cáo nhiệm vụ của đơn vị."


def _has_percent_step(draft: Draft) -> bool:
    return draft.get("status") in ("dang", "vuong")


FLOW = Flow(
    name="baocao",
    title="báo cáo tiến độ",
    steps=(
        Step("task", ask_task, take_task),
        Step("status", ask_status, take_status),
        Step("percent", ask_percent, take_percent, when=_has_percent_step),
        Step("done", ask_done, take_done),
        Step("evidence", ask_evidence, take_evidence),
        Step("difficulties", ask_difficulties, take_difficulties),
        Step("confirm", ask_confirm, take_confirm),
    ),
    detours=(Step("edit", ask_edit, take_edit),),
    finish=finish,
    keep_on_expiry=True,
    start=start,
    guard=guard,
)
