"""The card and the task list of a plan (`doc:plan:<id>`, `doc:plan-tasks:<id>`) as the plans in force and the
bundled ones say it: a plan a province loaded is rendered from its active version in the database (a loaded
version of a bundled plan, the same id, is shown instead of the bundled one); a plan issued before the July 2025
map says where its area is now (handlers/plans/former.py); `plan:all` is the list /kehoach gives, the plans in
force first. Any other document is left to `Documents.render`."""

from __future__ import annotations

from dataclasses import replace

from content.models import Plan
from handlers.core.context import Ctx
from handlers.core.messages import Reply
from handlers.knowledge.documents import Documents
from handlers.plans import former
from handlers.plans.active import active_plans, every_plan


def with_map(reply: Reply, plan: Plan) -> Reply:
    note = former.line(plan)
    return replace(reply, text=f"{reply.text}\n\n{note}") if note else reply


async def card(ctx: Ctx, documents: Documents, doc_id: str, question: str = "") -> Reply | None:
    kind, _, key = doc_id.removeprefix("full:").partition(":")
    if kind not in ("plan", "plan-tasks"):
        return None
    if key == "all":  # the list /kehoach gives: the plans in force first
        return documents.plan_list(await active_plans(ctx.db, ctx.kb, ctx.today))
    plan = (await every_plan(ctx.db, ctx.kb)).plan(key)
    if plan is None:
        return None
    if plan in ctx.kb.plans:
        reply = documents.render(doc_id, question)
    else:
        reply = documents.plan(plan) if kind == "plan" else documents.plan_tasks(plan)
    return with_map(reply, plan) if reply else None
