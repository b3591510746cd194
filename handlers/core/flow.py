"""One engine for every guided conversation (progress report, invitation, broadcast).

A flow is a list of steps, each with a prompt (`ask`) and a parser (`take`) that validates the answer and says
where to go with a typed outcome: `Next` (the following step in order, skipping those whose `when` is false),
`Stay` (ask this step again, e.g. for more evidence), `GoTo` (a named step; `back_to` returns there once it is
answered, as «Sửa» returns to the summary) or `Finish`. Steps reached only by `GoTo` are declared as the flow's
`detours`. The engine re-asks with a hint on bad input, handles /huy and stray commands, re-checks the person's
right to the flow at every step, and returns the new session state, which the router writes to the database
after every message: a restart resumes at the same step, and expiry is a timestamp checked on the next message
and by the sweep rather than an in-memory timer.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from handlers.core import commands
from handlers.core.context import Ctx
from handlers.core.messages import Attachment, Reply
from storage.sessions import Session

Draft = dict[str, Any]
CHOICE = "="  # flow choice values start with "=", so they never collide with questions or documents
MAX_TEXT = 2000


class Invalid(Exception):
    """Bad input at a step; the message says what is expected."""


@dataclass(frozen=True)
class Answer:
    value: str  # a picked choice's value, or the text typed
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Next:
    draft: Draft


@dataclass(frozen=True)
class Stay:
    draft: Draft


@dataclass(frozen=True)
class GoTo:
    step: str
    draft: Draft
    back_to: str | None = None  # once `step` is answered, continue here instead of the next step in order


@dataclass(frozen=True)
class Finish:
    draft: Draft


Outcome = Next | Stay | GoTo | Finish


@dataclass(frozen=True)
class Step:
    name: str
    ask: Callable[[Ctx, Draft], Awaitable[Reply]]
    take: Callable[[Ctx, Answer, Draft], Awaitable[Outcome]]
    when: Callable[[Draft], bool] = lambda draft: True  # asked only when true (in order, not as a detour)


Started = Draft | Reply  # a flow's start: the first draft, or why it cannot start for this person


async def _empty(ctx: Ctx) -> Started:
    return {}


async def _no_guard(ctx: Ctx, draft: Draft) -> str | None:
    return None


@dataclass(frozen=True)
class Flow:
    name: str  # the command that starts it; its roles are checked at every step
    title: str  # "báo cáo tiến độ"
    steps: tuple[Step, ...]
    # the session's nonce is the idempotency key: a double tap or a redelivery finishes once
    finish: Callable[[Ctx, Draft, str], Awaitable[tuple[list[Reply], Draft]]]
    detours: tuple[Step, ...] = ()
    ttl: dt.timedelta = dt.timedelta(hours=24)
    keep_on_expiry: bool = False
    start: Callable[[Ctx], Awaitable[Started]] = _empty
    # Re-checked before every answer and before finishing: why the draft is no longer the person's to act on
    # (a task of a unit they left, a commune outside their province), or None.
    guard: Callable[[Ctx, Draft], Awaitable[str | None]] = _no_guard

    def step(self, name: str | None) -> Step | None:
        return next((s for s in (*self.steps, *self.detours) if s.name == name), None)

    def after(self, name: str, draft: Draft) -> Step | None:
        names = [s.name for s in self.steps]
        if name not in names:
            return None  # a detour answered without a way back: the flow is complete
        return next((s for s in self.steps[names.index(name) + 1:] if s.when(draft)), None)

    def resume_at(self, draft: Draft) -> Step:
        """A kept draft resumes at its first unanswered step, or at the last one (the summary)."""
        return next((s for s in self.steps if s.when(draft) and s.name not in draft), self.steps[-1])


def clean(text: str) -> str:
    """Control characters (other than line breaks and tabs) removed: they cannot be stored in an xlsx cell and
    no person means them."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def text_answer(answer: Answer, what: str, attachment_note: str = "", limit: int = MAX_TEXT) -> str:
    """A typed answer: not empty, not a button, not a photo, not only emoji, not longer than `limit`."""
    if answer.attachment is not None and not answer.value.strip():
        raise Invalid(f"Ở bước này cần gõ chữ: {what}. {attachment_note}".strip())
    text = clean(answer.value).strip()
    if not text or text.startswith(CHOICE):
        raise Invalid(f"Hãy gõ {what}.")
    if len(text) > limit:
        size, most = f"{len(text):,}".replace(",", "."), f"{limit:,}".replace(",", ".")
        raise Invalid(f"Nội dung dài {size} ký tự, vượt quá {most} ký tự. Hãy viết gọn lại.")
    if not any(ch.isalnum() for ch in text):
        raise Invalid(f"Hãy mô tả bằng chữ: {what}.")
    return text


def hint(step_reply: Reply, message: str) -> Reply:
    return Reply(f"{message}\n\n{step_reply.text}", step_reply.choices)


def _allowed(flow: Flow, ctx: Ctx) -> bool:
    return commands.BY_NAME[flow.name].allows(ctx.person)


async def begin(flow: Flow, ctx: Ctx, session: Session, draft: Draft | None = None) -> tuple[list[Reply], Session]:
    notes = [Reply(f"Tiếp tục bản nháp {flow.title} bạn chưa gửi lần trước.")] if draft else []
    if draft and await flow.guard(ctx, draft):  # a kept draft that is no longer the person's: start afresh
        notes, draft = [Reply(f"Bản nháp {flow.title} lần trước không còn thuộc đơn vị của bạn nên đã bỏ.")], None
    started = draft if draft is not None else await flow.start(ctx)
    if isinstance(started, Reply):  # the flow cannot start for this person: say why
        return [*notes, started], session
    first = flow.resume_at(started)
    state = replace(session, flow=flow.name, step=first.name, draft=started, back_to=None,
                    nonce=secrets.token_hex(8), expires_at=ctx.now + flow.ttl)
    return [*notes, await first.ask(ctx, started)], state


async def advance(flow: Flow, ctx: Ctx, session: Session, answer: Answer) -> tuple[list[Reply], Session]:
    step = flow.step(session.step)
    if step is None:  # the flow changed under a stored session: start it again rather than guess
        return await begin(flow, ctx, cleared(session))
    parsed = commands.parse(answer.value)
    if (parsed and parsed[0] == "huy") or answer.value == f"{CHOICE}cancel":
        return [Reply(f"Đã hủy {flow.title}. Không có gì được lưu.")], cleared(session)
    stop = await _stopped(flow, ctx, session.draft)
    if stop:
        return [stop], cleared(session)
    if parsed:
        note = f"Bạn đang làm {flow.title}. Hãy trả lời câu hỏi dưới đây, hoặc gõ /huy để thoát."
        return [hint(await step.ask(ctx, session.draft), note)], session
    try:
        outcome = await step.take(ctx, answer, dict(session.draft))
    except Invalid as bad:
        return [hint(await step.ask(ctx, session.draft), f"⚠️ {bad}")], session
    draft, back_to = outcome.draft, session.back_to
    following: Step | None
    if isinstance(outcome, Stay):
        following = step
    elif isinstance(outcome, GoTo):
        following, back_to = flow.step(outcome.step), outcome.back_to or back_to
    elif isinstance(outcome, Next):
        following = flow.step(back_to) if back_to else flow.after(step.name, draft)
        back_to = None
    else:
        following = None
    if following is None:
        return await _finish(flow, ctx, session, draft)
    state = replace(session, step=following.name, draft=draft, back_to=back_to, expires_at=ctx.now + flow.ttl)
    return [await following.ask(ctx, draft)], state


async def ask_again(flow: Flow, ctx: Ctx, session: Session) -> Reply:
    """The current step's question once more, saying why."""
    step = flow.step(session.step) or flow.steps[0]
    note = f"Tôi hỏi lại bước đang làm ({flow.title}), vì câu hỏi trước có thể chưa đến được bạn."
    return hint(await step.ask(ctx, session.draft), note)


async def _stopped(flow: Flow, ctx: Ctx, draft: Draft) -> Reply | None:
    """A right revoked (or a scope changed) since the flow began stops it: nothing is saved or sent."""
    why = await flow.guard(ctx, draft) if _allowed(flow, ctx) else commands.BY_NAME[flow.name].refusal
    if not why:
        return None
    return Reply(f"Đã dừng {flow.title}, không có gì được lưu: quyền hoặc đơn vị của bạn đã thay đổi. {why}")


async def _finish(flow: Flow, ctx: Ctx, session: Session, draft: Draft) -> tuple[list[Reply], Session]:
    stop = await _stopped(flow, ctx, draft)
    if stop:
        return [stop], cleared(session)
    replies, done = await flow.finish(ctx, draft, session.nonce or secrets.token_hex(8))
    return replies, replace(cleared(session), draft=done)


def cleared(session: Session) -> Session:
    return replace(session, flow=None, step=None, draft={}, back_to=None, nonce=None, expires_at=None)


def expired(session: Session, now: dt.datetime) -> bool:
    return session.flow is not None and session.expires_at is not None and session.expires_at <= now


def expire(flow: Flow, session: Session) -> tuple[Reply, Session]:
    kept = dict(session.draft) if flow.keep_on_expiry and session.draft else None
    note = f" Bản nháp được giữ lại: gõ /{flow.name} để làm tiếp." if kept else ""
    reply = Reply(f"Phiên {flow.title} trước đã hết hạn vì quá {int(flow.ttl.total_seconds() // 3600)} giờ "
                  f"không có trả lời.{note}")
    return reply, replace(cleared(session), kept_draft=kept or session.kept_draft)

