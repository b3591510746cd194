"""A knowledge-base entry as named parts, for a first reply that shows what the question asks first (brief.py):
a disclosure item's duration, places, timing and basis; a plan's number and date, targets (for the dimension
asked), results quoted, reports and tasks; an FAQ answer's paragraphs."""

from __future__ import annotations

from content.models import Cited, CitizenRight, Dimension, DisclosureItem, FaqEntry, Plan, SubDimension
from handlers.core import render
from handlers.knowledge import brief

Parts = tuple[str, dict[str, str], list[str], Cited | None]


class Shaped:
    """Mixed into Documents, which fills these maps."""

    _dims: dict[int, Dimension]
    _subs: dict[str, tuple[Dimension, SubDimension]]
    _items: dict[str, DisclosureItem]
    _rights: dict[str, CitizenRight]
    _plans: dict[str, Plan]
    _faq: dict[str, FaqEntry]

    def _parts(self, doc_id: str, question: str) -> Parts | None:
        """A document as named parts for a brief reply: (title, parts, their default order, cited entry)."""
        kind, _, key = doc_id.partition(":")
        if kind == "ck" and key in self._items:
            i = self._items[key]
            papi = [f"{c} {self._subs[c][1].name_vi}" for c in i.papi if c in self._subs]
            forms = "Hình thức:\n" + render.bullets(i.forms)  # where it goes up, and to whom it is sent
            parts = {
                "summary": i.summary, "how_long": _field("Thời hạn", i.duration),
                "where": forms, "to_whom": forms, "when": _field("Thời điểm", i.timing),
                "basis": "Căn cứ pháp lý:\n" + render.bullets(i.legal_basis),
                "papi": f"Liên quan PAPI: {', '.join(papi)}" if papi else "",
            }
            return i.title, parts, ["summary", "how_long", "where", "when", "basis", "papi"], i
        if kind == "sub" and key in self._subs:
            d, sub = self._subs[key]
            parts = {
                "about": f"Thuộc chỉ số nội dung {d.number}: {d.name_vi}. Thang điểm: {sub.scale}.",
                "measures": f"Khảo sát hỏi người dân: {sub.measures}",
                "tasks": f"Xã có thể làm:\n{render.bullets(sub.commune_actions)}",
            }
            return f"Nội dung thành phần {sub.code}: {sub.name_vi}", parts, ["about", "measures", "tasks"], sub
        if kind == "quyen" and key in self._rights:
            r = self._rights[key]
            basis = f"Căn cứ: {'; '.join(r.legal_basis)}"
            parts = {"summary": r.summary, "tasks": render.bullets(r.items), "basis": basis}
            return r.title, parts, ["summary", "tasks", "basis"], r
        if kind == "dim" and key.isdigit() and int(key) in self._dims:
            d = self._dims[int(key)]
            subs = "\n".join(f"{s.code} {s.name_vi} ({s.scale})" for s in d.subdimensions)
            parts = {"about": d.description, "scale": f"Thang điểm: {d.scale}; có từ năm {d.since}.",
                     "subs": f"Nội dung thành phần:\n{subs}"}
            return f"Chỉ số nội dung {d.number}: {d.name_vi} ({d.name_en})", parts, ["about", "subs", "scale"], d
        if kind == "plan" and key in self._plans:
            return self._plan_parts(self._plans[key], brief.dimension(question))
        if kind == "faq" and key in self._faq:
            f = self._faq[key]
            paragraphs = {str(n): p for n, p in enumerate(f.answer.strip().split("\n\n"))}
            return f.questions[0], paragraphs, list(paragraphs), f
        return None

    def _plan_parts(self, p: Plan, dimension: int | None) -> tuple[str, dict[str, str], list[str], Cited]:
        """A plan by what is asked of it: its number and date, targets (for the dimension named, or the total
        first), results quoted, reports, tasks."""
        targets = sorted(p.targets, key=lambda t: (t.dimension != dimension, t.year))
        if dimension is not None and any(t.dimension == dimension for t in targets):
            targets = [t for t in targets if t.dimension == dimension]
        reports = (f"{r.title} → {r.to}: {render.deadline(r.deadline)}" for r in p.reports)
        parts = {
            "issued": _issued(p),
            "summary": p.summary.strip().split("\n")[0],
            "target": "Mục tiêu:\n" + render.bullets(t.text for t in targets) if targets else "",
            "result": "Kết quả được nêu trong kế hoạch:\n" + render.bullets(s.text for s in p.scores_quoted)
            if p.scores_quoted else "",
            "report": "Báo cáo:\n" + render.bullets(reports) if p.reports else "",
            "tasks": f"Kế hoạch có {len(p.tasks)} nhiệm vụ: chọn «Xem các nhiệm vụ».",
        }
        return render.plan_label(p), parts, ["issued", "summary", "target", "tasks"], p


def _field(label: str, text: str) -> str:
    """'Thời hạn: 30 ngày', or the label over its lines when the text is a list."""
    text = text.strip()
    return f"{label}:\n{text}" if "\n" in text else f"{label}: {text}"


def _issued(p: Plan) -> str:
    """'Số 172/KH-UBND, ngày 20/5/2024, của UBND tỉnh Đồng Tháp', without saying the number twice."""
    number = "" if p.number and p.number in p.issued_text else f"Số {p.number or '(không ghi trong văn bản)'}; "
    return f"{number}{p.issued_text}. Cơ quan ban hành: {p.issuer}."
