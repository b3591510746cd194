"""Text building blocks shared by every answer: the source line, cautions and 2025-reform notes."""

from __future__ import annotations

from collections.abc import Iterable

from content.models import Cited, Deadline, Plan

CAUTION = "⚠️ Lưu ý: "
REFORM = "🔄 Thay đổi từ 2025: "
SOURCE = "📚 Nguồn: "


def number(value: float, digits: int = 2) -> str:
    """Vietnamese decimal comma: 41.3226 -> '41,32'."""
    return f"{value:.{digits}f}".replace(".", ",")


def bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def footer(entry: Cited, extra_sources: Iterable[str] = ()) -> str:
    parts = []
    if entry.caution:
        parts.append(CAUTION + entry.caution)
    if entry.reform_2025:
        parts.append(REFORM + entry.reform_2025)
    sources = list(dict.fromkeys([*extra_sources, *entry.sources]))
    parts.append(SOURCE + "; ".join(sources))
    return "\n".join(parts)


def page(title: str, body: str, entry: Cited | None = None, extra_sources: Iterable[str] = ()) -> str:
    blocks = [title, body.strip()]
    if entry is not None:
        blocks.append(footer(entry, extra_sources))
    return "\n\n".join(b for b in blocks if b)


def plan_label(plan: Plan) -> str:
    """Plan titles run to three lines; people know a plan by its number and issuer."""
    number = f"Kế hoạch {plan.number}" if plan.number else "Kế hoạch (chưa ghi số)"
    return f"{number} của {plan.issuer}"


def deadline(rule: Deadline) -> str:
    """The plan's own wording; the structured rule is for reminders, the words are for people."""
    if rule.kind == "fixed" and rule.date:
        return f"{rule.text} (hạn: {rule.date:%d/%m/%Y})"
    return rule.text
