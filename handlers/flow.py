"""One engine for every guided conversation (progress report, invitation, broadcast).

A flow is a list of steps, each with a prompt and a parser that validates the answer. The engine re-asks with
a hint on bad input, handles /huy and stray commands, and returns the new session state, which the core writes
to SQLite at every step: a restart resumes at the same step, and expiry is a timestamp checked on the next
message rather than an in-memory timer.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from content.loader import KnowledgeBase
from handlers import commands
from handlers.messages import Attachment, Reply
from storage.people import Person
from storage.sessions import Session

Draft = dict[str, Any]
CHOICE = "="  # flow choice values start with "=", so they never collide with questions or documents


class Invalid(Exception):
    """Bad input at a step; the message says what is expected."""


@dataclass(frozen=True)
class Ctx:
    kb: KnowledgeBase
    db: aiosqlite.Connection
    person: Person
    now: dt.datetime
    zone: ZoneInfo
    bot_username: str | None = None  # for invitation deep links, when the channel knows it
    channel: str = ""  # the channel the message came from


@dataclass(frozen=True)
class Answer:
    value: str  # a picked choice's value, or the text typed
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Step:
    name: str
    ask: Callable[[Ctx, Draft], Awaitable[Reply]]
    take: Callable[[Ctx, Answer, Draft], Awaitable[Draft]]  # the new draft; "_stay" asks this step again
    when: Callable[[Draft], bool] = lambda draft: True
    label: str = ""  # shown in the "Sửa" menu when set


@dataclass(frozen=True)
class Flow:
    name: str
    title: str  # "báo cáo tiến độ"
    steps: tuple[Step, ...]
    finish: Callable[[Ctx, Draft], Awaitable[tuple[list[Reply], Draft]]]
    ttl: dt.timedelta = dt.timedelta(hours=24)
    keep_on_expiry: bool = False
    start: Callable[[Ctx], Awaitable[Draft | Reply]] = field(default=lambda ctx: _empty())

    def step(self, name: str | None) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)

    def after(self, name: str, draft: Draft) -> Step | None:
        names = [s.name for s in self.steps]
        for s in self.steps[names.index(name) + 1:]:
            if s.when(draft):
                return s
        return None


async def _empty() -> Draft:
    return {}


MAX_TEXT = 2000


def text_answer(answer: Answer, what: str, attachment_note: str = "", limit: int = MAX_TEXT) -> str:
    """A typed answer: not empty, not a button, not a photo, not only emoji, not longer than `limit`."""
    if answer.attachment is not None and not answer.value.strip():
        raise Invalid(f"Ở bước này cần gõ chữ: {what}. {attachment_note}".strip())
    text = answer.value.strip()
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


async def begin(flow: Flow, ctx: Ctx, session: Session, draft: Draft | None = None) -> tuple[list[Reply], Session]:
    started = draft if draft is not None else await flow.start(ctx)
    if isinstance(started, Reply):  # the flow cannot start for this person: say why
        return [started], session
    started = {**started, "_nonce": started.get("_nonce") or secrets.token_hex(8)}
    # a kept draft resumes at its first unanswered step
    first = next((s for s in flow.steps if s.when(started) and s.name not in started), flow.step("confirm"))
    assert first is not None
    state = replace(session, flow=flow.name, step=first.name, draft=started, expires_at=ctx.now + flow.ttl)
    return [await first.ask(ctx, started)], state


async def advance(flow: Flow, ctx: Ctx, session: Session, answer: Answer) -> tuple[list[Reply], Session]:
    step = flow.step(session.step)
    if step is None:  # the flow changed under a stored session: start it again rather than guess
        return await begin(flow, ctx, replace(session, flow=None, step=None, draft={}))
    parsed = commands.parse(answer.value)
    if (parsed and parsed[0] == "huy") or answer.value == f"{CHOICE}cancel":
        return [Reply(f"Đã hủy {flow.title}. Không có gì được lưu.")], cleared(session)
    if parsed:
        note = f"Bạn đang làm {flow.title}. Hãy trả lời câu hỏi dưới đây, hoặc gõ /huy để thoát."
        return [hint(await step.ask(ctx, session.draft), note)], session
    try:
        draft = await step.take(ctx, answer, dict(session.draft))
    except Invalid as bad:
        return [hint(await step.ask(ctx, session.draft), f"⚠️ {bad}")], session
    expires = ctx.now + flow.ttl
    if draft.pop("_stay", False):
        return [await step.ask(ctx, draft)], replace(session, draft=draft, expires_at=expires)
    goto = flow.step(draft.pop("_goto", None))
    following = goto or (flow.step("confirm") if draft.get("_editing") else None) or flow.after(step.name, draft)
    if following is None:
        replies, done = await flow.finish(ctx, draft)
        return replies, replace(cleared(session), draft=done)
    state = replace(session, step=following.name, draft=draft, expires_at=expires)
    return [await following.ask(ctx, draft)], state


def cleared(session: Session) -> Session:
    return replace(session, flow=None, step=None, draft={}, expires_at=None)


def expired(session: Session, now: dt.datetime) -> bool:
    return session.flow is not None and session.expires_at is not None and session.expires_at <= now


def expire(flow: Flow, session: Session) -> tuple[Reply, Session]:
    kept = {k: v for k, v in session.draft.items() if not k.startswith("_")} if flow.keep_on_expiry else None
    note = f" Bản nháp được giữ lại: gõ /{flow.name} để làm tiếp." if kept else ""
    reply = Reply(f"Phiên {flow.title} trước đã hết hạn vì quá {int(flow.ttl.total_seconds() // 3600)} giờ "
                  f"không có trả lời.{note}")
    return reply, replace(cleared(session), kept_draft=kept or session.kept_draft)
