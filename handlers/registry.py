"""Every feature's commands and guided flows, registered in one place for the router and the sweep.

A new command is a function here (its roles and menu text are in `core/commands.py`); a new flow is one line in
FLOWS. The router checks the command's roles before calling anything listed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from handlers.broadcasts import flow as broadcast_flow
from handlers.core import flow
from handlers.core.context import Ctx
from handlers.core.messages import Incoming, Reply
from handlers.invitations import flow as invite_flow
from handlers.invitations.register import register
from handlers.linking.commands import choose, link
from handlers.people.members import members, revoke
from handlers.plans import upload as plan_upload
from handlers.progress.export import export_file
from handlers.progress.progress import progress
from handlers.reminders.planner import mine
from handlers.reports import flow as report_flow
from handlers.reports.tasks import my_tasks
from handlers.web_login.link import web_link
from storage import sessions
from storage.db import Database
from storage.outbox import Item

FLOWS: dict[str, flow.Flow] = {f.name: f for f in (report_flow.FLOW, invite_flow.FLOW, broadcast_flow.FLOW,
                                                 plan_upload.FLOW)}

Handler = Callable[[Ctx, str, Incoming], Awaitable[Reply]]  # (context, the text after the command, message)
HANDLERS: dict[str, Handler] = {
    "dangky": lambda ctx, arg, msg: register(ctx, arg, msg.name),
    "nhiemvu": lambda ctx, arg, msg: my_tasks(ctx),
    "tiendo": lambda ctx, arg, msg: progress(ctx, arg),
    "nguoidung": lambda ctx, arg, msg: members(ctx, arg),
    "thuhoi": lambda ctx, arg, msg: revoke(ctx, arg),
    "xuat": lambda ctx, arg, msg: export_file(ctx, arg),
    "nhacnho": lambda ctx, arg, msg: mine(ctx, arg),
    "lienket": lambda ctx, arg, msg: link(ctx, arg, msg.channel, msg.user_id),
    "kenh": lambda ctx, arg, msg: choose(ctx, arg),
    "web": lambda ctx, arg, msg: web_link(ctx),
}


async def expire_abandoned(db: Database, now: dt.datetime) -> list[Item]:
    """Close conversations left unanswered past their expiry (the draft of a report is kept) and return the
    notice each person gets, for the outbox; the same expiry also happens on the person's next message."""
    notices = []
    for channel, external_id, person_id, session in await sessions.abandoned(db, now):
        spec = FLOWS.get(session.flow or "")
        if spec is None:
            continue
        note, closed = flow.expire(spec, session)
        await sessions.save(db, channel, external_id, closed, now)
        key = f"expired:{channel}:{external_id}:{session.expires_at}"
        notices.append(Item(key, "notice", person_id, note.text, now))
    return notices
