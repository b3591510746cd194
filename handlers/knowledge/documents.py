"""Every answerable entry of the knowledge base as a search document, and how each one reads as a reply.

Document ids: `faq:<id>`, `dim:<n>`, `sub:<code>`, `ck:<id>` (disclosure item), `quyen:<id>`, `plan:<id>`,
`plan-tasks:<id>`, and the overviews `dim:all`, `ck:all`, `plan:all`. Choices carry `doc:<document id>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from content.aspects import aspects
from content.loader import KnowledgeBase
from content.models import CitizenRight, Dimension, DisclosureItem, FaqEntry, Plan, SubDimension
from content.normalize import normalize
from content.search import Doc
from handlers.core import render
from handlers.core.messages import Choice, Reply
from handlers.knowledge import brief, plan_names
from handlers.knowledge.parts import Shaped
from handlers.plans.active import PlanSet

PAPI_SOURCE = "Bảng chỉ tiêu cấp tỉnh PAPI chính thức 2022 và 2023 (papi.org.vn)"
DATA_BOOST = 0.02
STRUCTURED = ("ck", "quyen", "plan", "dim", "sub")  # the entries an FAQ entry may restate
LEVELS = {"province": "cấp tỉnh", "district": "cấp huyện/thị xã", "commune": "cấp xã"}
LEGAL_ASPECTS = frozenset({"how_long", "when", "where", "basis"})  # what a disclosure item says, by law
_GENERIC = {"cong", "khai", "cap", "xa", "phuong", "va", "cua", "trong", "cac", "nhung"}


def choice(label: str, doc_id: str) -> Choice:
    return Choice(label=label, value=f"doc:{doc_id}")


class Documents(Shaped):
    """Builds the search documents and renders any document id as a reply."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._dims = {d.number: d for d in kb.papi.dimensions}
        self._subs = {s.code: (d, s) for d in kb.papi.dimensions for s in d.subdimensions}
        self._items = {i.id: i for i in kb.disclosure.items}
        self._rights = {r.id: r for r in kb.disclosure.rights}
        self._plans = {p.id: p for p in kb.plans}
        self._faq = {f.id: f for f in kb.faq}
        # each FAQ entry's `related` structured entries, read for every rival hit of every question
        self._restates = {
            f"faq:{f.id}": {d for ref in f.related if (d := _related_doc(ref)) and d.split(":")[0] in STRUCTURED}
            for f in kb.faq
        }

    def oversized(self, limit: int) -> list[tuple[str, int]]:
        """Entries whose first reply is longer than `limit` characters: `content check` refuses them, since a
        first reply must fit one Zalo message."""
        replies = ((d.id, self.render(d.id)) for d in self.docs())
        return [(doc_id, len(r.text)) for doc_id, r in replies if r is not None and len(r.text) > limit]

    def linked(self, a: str, b: str) -> bool:
        """Whether one is an FAQ entry pointing at the other, a structured entry it restates: then they answer
        the same question, and being close in search is no sign of doubt. (Two FAQ entries pointing at the
        same structured entry often answer different questions about it: on the tuning sets, counting them
        as linked gave more wrong answers.)"""
        return b in self._restates.get(a, ()) or a in self._restates.get(b, ())

    # --- search documents ----------------------------------------------------------------------

    def docs(self) -> list[Doc]:
        kb = self.kb
        out = [
            Doc("dim:all", "Các chỉ số nội dung của PAPI", (
                "PAPI gồm những chỉ số nội dung nào", "8 chỉ số nội dung PAPI", "các lĩnh vực PAPI đánh giá",
                "PAPI chấm những nội dung gì", "28 nội dung thành phần")),
            Doc("ck:all", "Xã phải công khai những gì", (
                "xã phải công khai những gì", "danh sách nội dung phải công khai", "những thông tin xã phải niêm yết",
                "các nội dung công khai ở xã", "chính quyền xã phải công khai gì cho dân biết",
                "luật bắt UBND xã công khai các nội dung nào", "danh sách việc xã bắt buộc phải công khai",
                "những thông tin nào dân có quyền được biết ở xã")),
            Doc("plan:all", "Các kế hoạch nâng cao PAPI", (
                "các kế hoạch cải thiện PAPI", "danh sách kế hoạch PAPI", "kế hoạch nâng cao chỉ số PAPI")),
        ]
        for d in kb.papi.dimensions:
            out.append(Doc(f"dim:{d.number}", f"Chỉ số nội dung {d.number}: {d.name_vi}", (
                d.name_vi, d.name_en, f"chỉ số nội dung {d.number}", f"nội dung {d.number} gồm những gì",
                f"chỉ số {d.number} PAPI"), tuple(d.keywords)))
            for s in d.subdimensions:
                out.append(Doc(f"sub:{s.code}", f"{s.code} {s.name_vi}", (
                    s.name_vi, s.name_en, f"nội dung thành phần {s.code}", f"{s.name_vi} là gì",
                    f"làm sao cải thiện {s.name_vi}"), tuple(s.keywords)))
        for i in kb.disclosure.items:
            out.append(Doc(f"ck:{i.id}", i.title, (
                i.title, f"công khai {i.title}", f"niêm yết {i.title} bao lâu"), tuple(i.keywords)))
        for r in kb.disclosure.rights:
            out.append(Doc(f"quyen:{r.id}", r.title, (r.title, r.summary), tuple(r.keywords)))
        for p in kb.plans:
            place = p.commune or p.district or p.province
            out.append(Doc(f"plan:{p.id}", p.title, (
                p.title, f"kế hoạch PAPI {place}", f"kế hoạch {p.number or ''} {place}",
                f"mục tiêu PAPI {place} {p.papi_year}"), tuple(p.keywords)))
        # Answers built from structured data win ties against FAQ text on the same subject.
        out = [replace(d, boost=DATA_BOOST) for d in out]
        out += [Doc(f"faq:{f.id}", f.questions[0], tuple(f.questions), tuple(f.keywords)) for f in kb.faq]
        own = {f"plan:{p.id}": plan_names.names(p) for p in kb.plans}  # a plan's card is about its plan
        names = list(own.values())
        return [replace(d, body=self._body(d.id), places=own.get(d.id) or _places_of(d, names)) for d in out]

    def _body(self, doc_id: str) -> str:
        """The answer as a person reads it, without the source line: the search matches its words too."""
        reply = self.full(doc_id)
        return (reply.text if reply else "").split(render.SOURCE)[0]

    # --- rendering -----------------------------------------------------------------------------

    def title(self, doc_id: str) -> str | None:
        kind, _, key = doc_id.partition(":")
        lookups: dict[str, Callable[[str], str | None]] = {
            "faq": lambda k: self._faq[k].questions[0] if k in self._faq else None,
            "dim": lambda k: self._dims[int(k)].name_vi if k.isdigit() and int(k) in self._dims else None,
            "sub": lambda k: f"{k} {self._subs[k][1].name_vi}" if k in self._subs else None,
            "ck": lambda k: self._items[k].title if k in self._items else None,
            "quyen": lambda k: self._rights[k].title if k in self._rights else None,
            "plan": lambda k: self._plans[k].title if k in self._plans else None,
        }
        finder = lookups.get(kind)
        return finder(key) if finder else None

    def render(self, doc_id: str, question: str = "") -> Reply | None:
        """The first reply for a document: what the question asks of it, in one short message (brief.py),
        with the whole entry behind a choice. `full:<id>` is that whole entry."""
        if doc_id.startswith("full:"):
            return self.full(doc_id[5:])
        if doc_id == "ck:all":
            return self.disclosure_list()
        doc_id = self._duty(doc_id, question)
        reply = self.full(doc_id)
        if reply is None:
            return None
        shaped = self._parts(doc_id, question)
        if shaped is None:
            return reply
        title, parts, default, entry = shaped
        asked = aspects(question)
        if "reform" in asked and entry is not None and entry.reform_2025:  # asked of the 2025 change: it comes first
            parts = {**parts, "reform": render.REFORM + entry.reform_2025}
            entry = entry.model_copy(update={"reform_2025": None})
        text, cut = brief.compose(title, brief.ordered(parts, asked, default), entry)
        if not cut:
            return reply
        return replace(reply, text=text, choices=(*reply.choices, choice(brief.MORE, f"full:{doc_id}")))

    def _duty(self, doc_id: str, question: str) -> str:
        """A sub-dimension asked how long, when, where or under which law something is disclosed: the
        disclosure item it measures answers that (the sub-dimension tells what the survey asks, not the law)."""
        kind, _, code = doc_id.partition(":")
        if kind != "sub" or code not in self._subs or not LEGAL_ASPECTS & set(aspects(question)):
            return doc_id
        items = [i for i in self.kb.disclosure.items if code in i.papi]
        if len(items) > 1:  # the one named like the sub-dimension ("Công khai danh sách hộ nghèo": hộ nghèo)
            name = set(normalize(self._subs[code][1].name_vi).split()) - _GENERIC
            shared = {i.id: len(name & set(normalize(i.title).split())) for i in items}
            items = [i for i in items if shared[i.id] == max(shared.values()) > 0]
        return f"ck:{items[0].id}" if len(items) == 1 else doc_id

    def full(self, doc_id: str) -> Reply | None:
        kind, _, key = doc_id.partition(":")
        if key == "all":
            overview = {"dim": self.dimensions, "ck": self.disclosure_details, "plan": self.plan_list}.get(kind)
            return overview() if overview else None
        if kind == "dim" and key.isdigit() and int(key) in self._dims:
            return self.dimension(self._dims[int(key)])
        if kind == "sub" and key in self._subs:
            return self.subdimension(*self._subs[key])
        if kind == "ck" and key in self._items:
            return self.disclosure_item(self._items[key])
        if kind == "quyen" and key in self._rights:
            return self.right(self._rights[key])
        if kind == "plan" and key in self._plans:
            return self.plan(self._plans[key])
        if kind == "plan-tasks" and key in self._plans:
            return self.plan_tasks(self._plans[key])
        if kind == "faq" and key in self._faq:
            return self.faq(self._faq[key])
        return None

    def dimensions(self) -> Reply:
        lines = [f"{d.number}. {d.name_vi} ({d.name_en})" for d in self.kb.papi.dimensions]
        text = render.page(
            "PAPI có 8 chỉ số nội dung, mỗi chỉ số 1–10 điểm; tổng điểm là tổng 8 chỉ số (tối đa 80).",
            "\n".join(lines) + "\n\nChọn một chỉ số để xem các nội dung thành phần.",
        )
        text += "\n\n" + render.SOURCE + PAPI_SOURCE
        dims = self.kb.papi.dimensions
        return Reply(text, tuple(choice(f"{d.number}. {d.name_vi}", f"dim:{d.number}") for d in dims))

    def dimension(self, d: Dimension) -> Reply:
        subs = "\n".join(f"{s.code} {s.name_vi} ({s.scale})" for s in d.subdimensions)
        body = f"{d.description}\n\nThang điểm: {d.scale}; có từ năm {d.since}.\n\nNội dung thành phần:\n{subs}"
        text = render.page(f"Chỉ số nội dung {d.number}: {d.name_vi} ({d.name_en})", body, d)
        return Reply(text, tuple(choice(f"{s.code} {s.name_vi}", f"sub:{s.code}") for s in d.subdimensions))

    def subdimension(self, d: Dimension, s: SubDimension) -> Reply:
        body = (
            f"Thuộc chỉ số nội dung {d.number}: {d.name_vi}. Thang điểm: {s.scale}.\n\n"
            f"Khảo sát hỏi người dân: {s.measures}\n\nXã có thể làm:\n{render.bullets(s.commune_actions)}"
        )
        text = render.page(f"Nội dung thành phần {s.code}: {s.name_vi} ({s.name_en})", body, s)
        return Reply(text, (choice(f"Về chỉ số nội dung {d.number}", f"dim:{d.number}"),))

    def disclosure_details(self) -> Reply:
        """Every item with its legal basis and duration: the whole list behind the first reply's choice."""
        lines = [
            f"{n}. {i.title}\n   Căn cứ: {i.legal_basis[0]}. {i.duration.strip().splitlines()[0].lstrip('- ')}"
            for n, i in enumerate(self.kb.disclosure.items, start=1)
        ]
        text = (
            "Những nội dung UBND xã phải công khai, kèm căn cứ pháp lý:\n\n" + "\n".join(lines)
            + "\n\n" + render.SOURCE
            + "Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15, Điều 11–13; các văn bản nêu ở từng mục"
        )
        return Reply(text, tuple(choice(i.title, f"ck:{i.id}") for i in self.kb.disclosure.items))

    def disclosure_list(self) -> Reply:
        """The titles only, numbered: each item's basis, places and duration are one choice away."""
        items = self.kb.disclosure.items
        lines = [f"{n}. {i.title}" for n, i in enumerate(items, start=1)]
        text = (
            f"UBND xã phải công khai {len(items)} nhóm nội dung:\n" + "\n".join(lines)
            + "\n\nPhần lớn niêm yết tại trụ sở UBND xã và nhà văn hóa thôn, tổ dân phố, ít nhất 30 ngày liên tục "
            "(Điều 13). Chọn một mục để xem căn cứ, nơi và thời hạn công khai."
            + "\n\n" + render.CAUTION + "Luật 97/2025/QH15 (hiệu lực 01/7/2025) sửa một số điều của Luật này; "
            "chưa kiểm chứng việc các thời hạn có đổi hay không."
            + "\n" + render.SOURCE + "Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15, Điều 11–13"
        )
        return Reply(text, (*(choice(i.title, f"ck:{i.id}") for i in items), choice(brief.MORE, "full:ck:all")))

    def disclosure_item(self, item: DisclosureItem) -> Reply:
        papi = [f"{c} {self._subs[c][1].name_vi}" for c in item.papi if c in self._subs]
        body = "\n".join([
            item.summary,
            "",
            "Căn cứ pháp lý:\n" + render.bullets(item.legal_basis),
            "Hình thức:\n" + render.bullets(item.forms),
            f"Thời điểm: {item.timing}",
            f"Thời hạn: {item.duration}",
            *([f"Liên quan PAPI: {', '.join(papi)}"] if papi else []),
        ])
        text = render.page(item.title, body, item)
        return Reply(text, tuple(choice(f"Nội dung {c}", f"sub:{c}") for c in item.papi if c in self._subs))

    def right(self, r: CitizenRight) -> Reply:
        body = f"{r.summary}\n\n{render.bullets(r.items)}\n\nCăn cứ: {'; '.join(r.legal_basis)}"
        return Reply(render.page(r.title, body, r))

    def plan_list(self, in_force: PlanSet | None = None) -> Reply:
        """The plans in force today first (a province's own, loaded with `plan import` or sent to the bot),
        then the bundled examples whose period has ended, for reference; each opens its card (a loaded plan's
        from the database: handlers/plans/cards.py)."""
        current = list(in_force.plans) if in_force else []
        older = [p for p in self.kb.plans if p.id not in {c.id for c in current}]

        def line(p: Plan) -> str:
            return f"• {render.plan_label(p)}, {p.issued_text}: {len(p.tasks)} nhiệm vụ"

        blocks = []
        if in_force is not None:
            none = ("• chưa có kế hoạch nào được nạp (Sở Nội vụ gửi tệp kế hoạch cho bot, hoặc nạp bằng lệnh "
                    "«plan import»)")
            blocks.append("Đang có hiệu lực:\n" + ("\n".join(map(line, current)) if current else none))
        if older:
            heading = "Kế hoạch mẫu đã hết hiệu lực, để tham khảo:" if in_force is not None else "Các kế hoạch:"
            blocks.append(heading + "\n" + "\n".join(map(line, older)))
        sources = "; ".join(f"{render.plan_label(p)}" for p in (*current, *older))
        return Reply(
            "\n\n".join(blocks) + f"\n\n{render.SOURCE}{sources}",
            tuple(choice(f"{p.issuer} ({p.papi_year})", f"plan:{p.id}") for p in (*current, *older)),
        )

    def plan(self, p: Plan) -> Reply:
        parts = [
            f"Cơ quan ban hành: {p.issuer} ({LEVELS[p.level]})",
            f"Số: {p.number or 'không ghi trong văn bản'}; {p.issued_text}",
            "",
            p.summary,
        ]
        if p.scores_quoted:
            parts += ["", "Kết quả được nêu trong kế hoạch:", render.bullets(s.text for s in p.scores_quoted)]
        if p.targets:
            parts += ["", "Mục tiêu:", render.bullets(t.text for t in p.targets)]
        if p.reports:
            reports = (f"{r.title} → {r.to}: {render.deadline(r.deadline)}" for r in p.reports)
            parts += ["", "Báo cáo:", render.bullets(reports)]
        parts += ["", f"Kế hoạch có {len(p.tasks)} nhiệm vụ."]
        choices = (choice("Xem các nhiệm vụ", f"plan-tasks:{p.id}"), choice("Các kế hoạch khác", "plan:all"))
        return Reply(render.page(p.title, "\n".join(parts), p), choices)

    def plan_tasks(self, p: Plan) -> Reply:
        blocks = []
        for n, t in enumerate(p.tasks, start=1):
            units = ", ".join(t.lead) + (f" (phối hợp: {', '.join(t.coordinate)})" if t.coordinate else "")
            dims = ", ".join(str(d) for d in t.dimensions)
            blocks.append(
                f"{n}. {t.title}\n   Chủ trì: {units}\n   Hạn: {render.deadline(t.deadline)}"
                f"\n   Chỉ số nội dung: {dims}"
            )
        body = "\n".join(blocks)
        return Reply(render.page(f"Nhiệm vụ của {p.title}", body, p), (choice("Về kế hoạch", f"plan:{p.id}"),))

    def faq(self, f: FaqEntry) -> Reply:
        related = tuple(
            choice(title, ref_doc)
            for ref in f.related
            if (ref_doc := _related_doc(ref)) and (title := self.title(ref_doc))
        )[:3]
        return Reply(render.page(f.questions[0], f.answer, f), related, kind="decline" if f.declines else "answer")


def _places_of(doc: Doc, plans: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The names of the plan that every way of asking an entry names ("Khi đoàn khảo sát PAPI về, Khánh Hòa phân
    công thế nào?"): the entry is about that plan only, not the question in general."""
    asked = [f" {normalize(t)} " for t in (doc.title, *doc.phrasings)]
    for names in plans:
        if all(any(f" {n} " in a for n in names) for a in asked):
            return names
    return ()


def _related_doc(ref: str) -> str | None:
    """FAQ `related` refs ("D2", "2.2", "cong-khai:x", "quyen:x", "plan:x", "faq:x") as document ids."""
    if ref[:1] == "D" and ref[1:].isdigit():
        return f"dim:{ref[1:]}"
    if ref[:1].isdigit():
        return f"sub:{ref}"
    kind, _, key = ref.partition(":")
    return {"cong-khai": f"ck:{key}", "quyen": f"quyen:{key}", "plan": f"plan:{key}", "faq": f"faq:{key}"}.get(kind)
