"""An admin's decision on a report: approved, or returned with a comment. A return queues a message to the
official who filed it (the outbox: delivered like a reminder, retried, never twice); their next /baocao opens
on that task (`refile.py`). Only the current version of a report can be decided on: an older one has already
been answered by a newer one."""

from __future__ import annotations

import datetime as dt

from handlers.core import render
from handlers.core.flow import Answer, Invalid, text_answer
from handlers.plans.active import PlanSet
from handlers.reports.assignments import find
from storage import outbox, reports, reviews
from storage.db import Db

MAX_COMMENT = 1000


def task_title(plans: PlanSet, report: reports.Content) -> str:
    found = find(plans, f"{report.plan_id}/{report.task_id}")
    return f"«{found.task.title}» ({render.plan_label(found.plan)})" if found else f"{report.task_id}"


def returned_text(report: reports.Report, title: str, comment: str) -> str:
    return (f"↩️ Báo cáo BC-{report.id:06d} về nhiệm vụ {title}, kỳ {report.period}, được trả lại để bổ sung.\n"
            f"Nhận xét của người duyệt: {comment}\n\n"
            "Gõ /baocao để gửi bản báo cáo mới: nhiệm vụ này sẽ được chọn sẵn.")


async def decide(db: Db, plans: PlanSet, report: reports.Report, approve: bool, comment_text: str,
                 reviewer_id: int, now: dt.datetime) -> reviews.Review:
    """Record the decision (raises Invalid with the reason shown to the admin). Whether the report is still the
    current version, and whether this decision is already its latest, is checked in the decision's own transaction
    (`reviews.decide`), so two admins at once record one decision and queue one message."""
    comment = text_answer(Answer(comment_text), "nhận xét", limit=MAX_COMMENT) if comment_text.strip() else None
    if not approve and comment is None:
        raise Invalid("Hãy ghi nhận xét: cán bộ cần biết phải bổ sung gì.")
    notice = None if approve else outbox.Item(
        f"review:{report.id}:{now.timestamp():.0f}", "notice", report.reporter_id,
        returned_text(report, task_title(plans, report), comment or ""), now)
    try:
        return await reviews.decide(db, report.id, reviews.APPROVED if approve else reviews.RETURNED, comment,
                                    reviewer_id, now, notice)
    except reviews.Superseded:
        current = await reports.current(db, [report.unit_id])
        newest = current.get((report.plan_id, report.task_id, report.unit_id, report.period))
        number = f" (BC-{newest.id:06d})" if newest is not None else ""
        raise Invalid(f"Báo cáo này đã có bản mới hơn{number}; hãy duyệt bản mới.") from None
