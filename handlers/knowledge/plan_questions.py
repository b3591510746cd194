"""Officials' questions about one plan, answered from its data with the plan cited: who leads a task, the
target for one dimension, when a report is due, the plan's number and date. "kh 72", "kế hoạch 172", "kh của
đồng tháp", "duyên hải" all find the plan, among the bundled plans and those a province loaded; "kế hoạch năm
2026 của tỉnh" finds the asker's own province's plan of that year. A question that names no plan, or asks nothing
of one, is left to search."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from content.aspects import aspects
from content.models import Plan, Task
from content.normalize import YEAR, normalize
from handlers.core import render
from handlers.core.context import Ctx
from handlers.core.messages import Choice, Reply
from handlers.knowledge import brief, plan_names
from handlers.knowledge.documents import Documents, choice
from handlers.plans import cards
from handlers.plans.active import LoadedPlans
from handlers.scores import outside
from storage import org
from storage.org import place_key

PLAN_CUES = ("ke hoach",)  # "kh" is normalised to "ke hoach"
PAPI_PLAN_CUES = ("papi", "cai thien", "nang cao chi so")  # a plan for PAPI, not a socio-economic plan
WHO_WORDS = ("ai", "co quan nao", "don vi nao", "ben nao")  # asking who, not naming a unit's own tasks
TASK_ASPECTS = frozenset({"who", "deadline", "tasks", "when"})  # what a task line already answers
NUMBER_WORDS = ("so hieu", "so may", "so bao nhieu", "ky hieu")
# The number asked of another document the plan cites ("Bộ khung … kèm quyết định số mấy"), not of the plan.
_OTHER_DOCUMENT = ("quyet dinh", "van ban", "nghi quyet", "cong van", "thong tu", "nghi dinh", "luat")
BROAD = 3  # a task listed under more dimensions than this is about the whole plan, not one dimension
COUNT_WORDS = ("bao nhieu nhiem vu", "may nhiem vu", "so nhiem vu")
_NUMBER = re.compile(r"\b(?:ke hoach|so)\s*(\d{1,4})\b")
_PLAN_NUMBER = re.compile(r"\bke hoach (?:so )?(\d{1,4})\b")
# the year of a plan asked ("kế hoạch cải thiện PAPI năm 2025 của Đồng Tháp"), not a year of its targets
_PLAN_YEAR = re.compile(r"\bke hoach(?: (?:cai thien|nang cao|papi|chi so))* (?:nam |papi )?(20\d\d)\b")
_STOP = {"ai", "chu", "tri", "phoi", "hop", "nhiem", "vu", "ke", "hoach", "theo", "cua", "la", "gi", "nao", "viec",
         "thuc", "hien", "giao", "cho", "don", "vi", "co", "quan", "va", "cac", "nhung", "trong", "papi", "tinh", "xa"}


Find = Callable[[str], list[str]]  # the provinces a text names


def _unplanned(text: str, plans: Sequence[Plan], find: Find, documents: Documents) -> Reply | None:
    """A PAPI plan asked of provinces the bot holds no plan of: the decline, else None. The provinces named are
    looked for (`find`) only in a question asking for a PAPI plan."""
    if not any(w in normalize(text) for w in PAPI_PLAN_CUES):
        return None
    provinces = find(text)
    if not provinces:
        return None
    held = {place_key(p.province) for p in plans}
    if any(place_key(p) in held for p in provinces):
        return None
    new = place_key(provinces[0])
    merged = [m.former for m in documents.kb.papi.mergers if place_key(m.new_name) == new]
    return _no_plan(provinces[0], plans, merged[0] if merged else ())


def _no_plan(province: str, plans: Sequence[Plan], former: Sequence[str] = ()) -> Reply:
    """A plan of a province the bot holds none of ("kế hoạch PAPI 2024 của Nghệ An số mấy"): said so, with the
    plans it holds, rather than another province's plan in its place; `former`: the provinces merged into it in
    2025, whose plans are named first (a plan of xã Đắk Plô, Kon Tum, for "kế hoạch PAPI Quảng Ngãi")."""
    others = _held(plans)
    keys = {place_key(f) for f in former}
    inside = [f"{p.commune or p.district or p.province} (tỉnh {p.province} cũ, PAPI {p.papi_year})"
              for p in plans if place_key(p.province) in keys]
    whose = "của tỉnh" if inside else "nào của"
    lacking = f"Trợ lý chưa có kế hoạch PAPI {whose} {province}, nên không biết số, ngày hay nội dung của kế hoạch đó."
    merged = f"\nTrên địa bàn {province} từ 1/7/2025, trợ lý có kế hoạch của {'; '.join(inside)}." if inside else ""
    return Reply(f"{lacking}{merged}\n{others}", kind="decline")


def _held(plans: Sequence[Plan]) -> str:
    """The plans the bot holds, for a decline of one it does not."""
    held = "; ".join(f"{p.commune or p.district or p.province} (PAPI {p.papi_year})" for p in plans)
    return f"Các kế hoạch trợ lý có: {held}. Gõ /kehoach để xem." if plans else "Trợ lý chưa có kế hoạch nào."


def _unheld_number(plans: Sequence[Plan], norm: str) -> Reply | None:
    """"kh 46 của tỉnh …": a plan number none of the plans has is said so, rather than another plan of the
    place it names answered in its place; a year ("kế hoạch 2024") is no number."""
    number = _PLAN_NUMBER.search(norm)
    if number is None or YEAR.fullmatch(number.group(1)) or number.group(1) in {plan_names.number(p) for p in plans}:
        return None
    return Reply(f"Trợ lý chưa có Kế hoạch số {number.group(1)}, nên không biết nội dung của kế hoạch đó.\n"
                 f"{_held(plans)}", kind="decline")


def _of_year(plans: Sequence[Plan], norm: str) -> list[Plan]:
    return [p for p in plans if str(p.papi_year) in norm or (p.issued and str(p.issued.year) in norm)]


def plan_named(plans: Sequence[Plan], norm: str) -> tuple[Plan, bool] | None:
    """The one plan a question names, and whether it was named unmistakably (by number or by a district's
    or commune's name) rather than by its province only. The PAPI year or issue year chooses between a
    place's plans."""
    padded = f" {norm} "
    number = _NUMBER.search(norm)
    if number:
        by_number = [p for p in plans if plan_names.number(p) == number.group(1)]
        if len(by_number) == 1:
            return by_number[0], True
    local = [p for p in plans if (p.district or p.commune) and f" {plan_names.places(p)[0]} " in padded]
    provincial = [p for p in plans if f" {plan_names.places(p)[-1]} " in padded]
    for found, sure in ((local, True), (provincial, False)):
        chosen = _of_year(found, norm) or found
        if len(chosen) == 1:
            return chosen[0], sure
    return None


def plan_of_home(plans: Sequence[Plan], norm: str, home: str) -> Plan | None:
    """"Kế hoạch năm 2026 của tỉnh": the one plan of the asker's own province (a provincial one when the question
    says "tỉnh"); a year the question writes must be the plan's, never another year's plan in its place."""
    mine = [p for p in plans if place_key(p.province) == place_key(home)]
    if " tinh " in f" {norm} ":
        mine = [p for p in mine if p.level == "province"] or mine
    years = YEAR.findall(norm)
    chosen = _of_year(mine, norm) if years else mine
    return chosen[0] if len(chosen) == 1 else None


async def _home(ctx: Ctx) -> str | None:
    """The asker's province: an admin's own, an official's unit's; a citizen's is not known."""
    if ctx.person.unit_id is not None:
        unit = await org.get_unit(ctx.db, ctx.person.unit_id)
        return unit.province if unit else None
    return ctx.person.province


def _unheld_year(plans: Sequence[Plan], norm: str) -> Reply | None:
    """"Kế hoạch PAPI năm 2025 của Đồng Tháp": a place whose plans are all of other years is said so, rather than
    its plan of 2024 answered in its place."""
    year = _PLAN_YEAR.search(norm)
    if year is None:
        return None
    padded = f" {norm} "
    of_place = [p for p in plans if any(f" {n} " in padded for n in plan_names.places(p))]
    if not of_place or _of_year(of_place, year.group(1)):
        return None
    first = of_place[0]  # named by its commune or district, or only by its province («… của Kon Tum»)
    local = (first.commune or first.district) and f" {plan_names.places(first)[0]} " in padded
    place = (first.commune or first.district) if local else first.province
    return Reply(f"Trợ lý chưa có kế hoạch PAPI năm {year.group(1)} của {place}, nên không biết số, ngày hay nội dung "
                 f"của kế hoạch đó.\n{_held(plans)}", kind="decline")


class PlanQuestions:
    """Reads the plans a question may be about on every question: the bundled ones and those a province loaded
    (their active version), so a plan published a minute ago answers at once."""

    def __init__(self, loaded: LoadedPlans) -> None:
        self.loaded = loaded

    async def ask(self, text: str, documents: Documents, ctx: Ctx, provinces: Find = lambda _: []) -> Reply | None:
        """`provinces`: the provinces a text names, as the score router reads them."""
        norm = normalize(text)
        plans = (await self.loaded.every(ctx.db)).plans
        unheld = _unheld_number(plans, norm) or _unheld_year(plans, norm)
        if unheld is not None:
            return unheld
        named = plan_named(plans, norm)
        cued = any(f" {c} " in f" {norm} " for c in PLAN_CUES)
        if named is None and cued:
            missing = _unplanned(text, plans, provinces, documents)
            if missing is not None:
                return missing
            home = await _home(ctx)
            mine = plan_of_home(plans, norm, home) if home else None
            named = (mine, False) if mine else None
        if named is None:
            return None
        reply = self._answer(text, norm, *named, documents)
        return cards.with_map(reply, named[0]) if reply else None  # an old plan: where its area is now

    async def quoted(self, text: str, index: str, provinces: Sequence[str], ctx: Ctx) -> Reply | None:
        """Another index's score for a province or year ("PAR Index 2022 của Hà Tĩnh"): what a plan of that
        province quotes of it, labelled as the plan's words, when the year asked (or any year, none asked) is
        quoted, else the decline, for the bot holds PAPI scores only. None when neither is named ("PCI là gì")."""
        years = {int(y) for y in YEAR.findall(normalize(text))}
        if not provinces and not years:
            return None
        plans = (await self.loaded.every(ctx.db)).plans
        wanted = {place_key(p) for p in provinces}
        found = [(p, q) for p in plans if place_key(p.province) in wanted for q in p.scores_quoted
                 if normalize(q.index) in normalize(index) and (not years or q.year in years)]
        if not found:
            return outside.not_papi(index)
        plan, quote = found[0]
        text = (f"Trợ lý không có số liệu {index}; {render.plan_label(plan)} trích dẫn:\n{quote.text.strip()}\n\n"
                f"{render.CAUTION}Số liệu lấy theo kế hoạch, trợ lý chưa đối chiếu với nơi công bố chỉ số.\n"
                + _cited(plan))
        return Reply(text, _more(plan))

    def _answer(self, text: str, norm: str, plan: Plan, sure: bool, documents: Documents) -> Reply | None:
        asked = aspects(text)
        cued = sure or any(f" {c} " in f" {norm} " for c in PLAN_CUES)
        wants_tasks = "who" in asked or "deadline" in asked or ("tasks" in asked and "target" not in asked)
        if "report" not in asked and wants_tasks:
            return self._tasks(plan, norm, brief.dimension(text), asked)
        # a result the plan does not quote is left to search, whose entries may hold it ("KH 72 … phúc đáp qua
        # cổng thông tin giảm bao nhiêu" is in an FAQ entry on the plan, not in the plan's data)
        quoted = cued and bool(plan.scores_quoted)
        if any(a in asked for a in ("target", "report", "issued")) or (quoted and "result" in asked):
            # a bundled plan's card is shaped to the question; a loaded one (or a new version of a bundled
            # plan) is shown whole, from its own data
            bundled = plan in documents.kb.plans
            reply = documents.render(f"plan:{plan.id}", text) if bundled else documents.plan(plan)
            # "kế hoạch … số mấy" of a plan without a number: saying so is the answer, a decline in kind
            unknown = reply is not None and _number_unknown(plan, norm, asked)
            return replace(reply, kind="decline") if reply is not None and unknown else reply
        return None

    def _tasks(self, plan: Plan, norm: str, dimension: int | None, asked: Sequence[str] = ()) -> Reply | None:
        """The tasks the question points at, with who leads them: those of the unit it names ("công chức Văn
        hóa - Thông tin làm gì"), else of the dimension it names, else sharing its words. A unit named in a
        question asking who ("ai chủ trì nâng cao chất lượng Ban Thanh tra nhân dân") is what the task is about,
        not who does it. When something else of the task is asked (where, under which decision), the first
        task's own words follow its title."""
        if any(f" {w} " in f" {norm} " for w in COUNT_WORDS):
            return self._count(plan)
        padded = f" {norm} "
        unit = None if any(f" {w} " in padded for w in WHO_WORDS) else _unit_named(plan, norm)
        words = {w for w in norm.split() if w not in _STOP and len(w) > 1}

        def overlap(t: Task) -> int:
            return len(words & set(normalize(f"{t.title} {t.detail}").split()))

        pool = [t for t in plan.tasks if dimension is None or dimension in t.dimensions]
        if unit is not None:
            mine = [t for t in pool if unit in t.lead] + [t for t in pool if unit in t.coordinate]
            tasks = sorted(mine, key=overlap, reverse=True) if words - set(normalize(unit).split()) else mine
        else:
            # a task mainly of the named dimension (listed first), then one also of it, then one of every
            # dimension ("theo dõi, đôn đốc việc thực hiện"), which words such as "khắc phục" meet as well
            def rank(t: Task) -> tuple[bool, bool, int]:
                own = dimension is None or len(t.dimensions) <= BROAD
                return own, dimension is None or t.dimensions[0] == dimension, overlap(t)

            ranked = sorted(pool, key=rank, reverse=True)  # stable: the plan's order among equals
            enough = 1 if dimension is not None else 2
            tasks = [t for t in ranked if overlap(t) >= enough][:3] or (ranked[:3] if dimension is not None else [])
        if not tasks:
            return None
        issued = f" ngày {plan.issued:%d/%m/%Y}" if plan.issued else ""
        lines = [f"Theo {render.plan_label(plan)}{issued}:"]
        detailed = bool(set(asked) - TASK_ASPECTS)
        for n, t in enumerate(tasks[:4]):
            coordinate = f"; phối hợp: {', '.join(t.coordinate)}" if t.coordinate else ""
            due = render.deadline(t.deadline)
            detail = f"\n  {t.detail}" if detailed and n == 0 and t.detail else ""
            lines.append(f"• {t.title}{detail}\n  Chủ trì: {', '.join(t.lead)}{coordinate}. Hạn: {due}")
        if len(tasks) > 4:
            lines.append(f"… và {len(tasks) - 4} nhiệm vụ khác.")
        text = "\n".join(lines) + "\n\n" + _cited(plan)
        return Reply(text, _more(plan))

    def _count(self, plan: Plan) -> Reply:
        units = len({u for t in plan.tasks for u in t.lead})
        text = (f"{render.plan_label(plan)} có {len(plan.tasks)} nhiệm vụ, do {units} cơ quan, đơn vị chủ trì."
                f"\n\n{_cited(plan)}")
        return Reply(text, _more(plan))


# Words of a unit's name that do not tell one unit from another ("các cơ quan, đơn vị, địa phương").
_GENERIC = {"cac", "co", "quan", "don", "vi", "dia", "phuong", "lien", "to", "chuc", "nganh", "so", "ban", "va",
            "tinh", "huyen", "xa", "thi", "uy", "nhan", "dan", "cap", "duoc", "giao", "thuoc", "truc", "tren"}


def _unit_named(plan: Plan, norm: str) -> str | None:
    """The plan's unit a question names: its whole name ("sở nội vụ", "phòng tư pháp"), or every word of its
    name that tells it apart ("văn hóa thông tin"). The longest such name wins."""
    padded = f" {norm} "
    found = []
    for unit in {u for t in plan.tasks for u in (*t.lead, *t.coordinate)}:
        name = normalize(unit)
        telling = set(name.split()) - _GENERIC
        if not telling:
            continue
        if f" {name} " in padded or (len(telling) >= 2 and telling <= set(norm.split())):
            found.append((len(name), unit))
    return max(found)[1] if found else None


def _number_unknown(plan: Plan, norm: str, asked: Sequence[str]) -> bool:
    """Only the plan's own number (or date) asked, and the plan does not state it."""
    padded = f" {norm} "
    if set(asked) != {"issued"} or any(f" {w} " in padded for w in _OTHER_DOCUMENT):
        return False
    number = any(f" {w} " in padded for w in NUMBER_WORDS)
    return plan.number is None if number else plan.issued is None


def _cited(plan: Plan) -> str:
    """The plan itself, which the tasks come from; the other sources (score tables, press) are on its card."""
    others = f" (và {len(plan.sources) - 1} nguồn khác: xem «Về kế hoạch»)" if len(plan.sources) > 1 else ""
    return render.SOURCE + plan.sources[0] + others


def _more(plan: Plan) -> tuple[Choice, ...]:
    return choice("Xem các nhiệm vụ", f"plan-tasks:{plan.id}"), choice("Về kế hoạch", f"plan:{plan.id}")
