"""The one path every message takes, whatever the channel: Incoming in, Replies out.

The person is found from (channel, sender id); the session (choices last offered, a guided conversation in
progress) is loaded from SQLite and written back after every message, so a restart loses nothing. A guided
conversation gets the message first; then commands; then structured questions (scores, an index code) are
answered from data; everything else goes to search.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import replace

from content.loader import KnowledgeBase
from content.normalize import normalize
from content.search import Hit, SearchIndex, Verdict, clauses, verdict
from handlers.core import commands, flow, render
from handlers.core.context import Config, Ctx, Fetch
from handlers.core.flow import CHOICE, Answer
from handlers.core.locks import Kept, KeyedLock
from handlers.core.messages import Choice, Incoming, Reply, as_text, units
from handlers.files.pool import Renderer
from handlers.invitations.register import register
from handlers.knowledge import compound, coverage, unheld
from handlers.knowledge.brief import MAX_REPLY
from handlers.knowledge.documents import Documents, choice
from handlers.knowledge.plan_questions import PlanQuestions
from handlers.plans import cards as plan_cards
from handlers.plans import upload as plan_upload
from handlers.plans.active import LoadedPlans, active_plans
from handlers.registry import FLOWS, HANDLERS
from handlers.scores import outside
from handlers.scores.router import Scores
from storage import gaps, people, seen, sessions
from storage.db import Database, utc_now
from storage.invitations import looks_like_code
from storage.people import Person
from storage.sessions import Session

MAX_QUESTION = 1000
JOIN = "➕ Bạn hỏi thêm:"
MAX_CHOICES = 4  # of a reply joined from two or three answers
TOPICS = frozenset({"ck", "dim", "sub", "faq", "quyen", "plan"})  # deep-link namespaces of knowledge entries
DEFAULTS = Config()
_CODE = re.compile(
    r"\b(?:chi so|noi dung|linh vuc|tieu chi|chi tieu)(?: noi dung| thanh phan)?(?: so)? ([1-8](?:[.,][1-5])?)\b"
)
_BARE_CODE = re.compile(r"^(?:d|chi so )?([1-8](?:[.,][1-5])?)$")
# "2.3 trong papi là gì": a sub-dimension code opening a question about PAPI
_LEADING_CODE = re.compile(r"^(?:noi dung |chi tieu )?([1-8][.,][1-5])\b(?=.*\b(?:papi|chi so|la gi|gom|do)\b)")

WELCOME = (
    "Xin chào! Tôi là Trợ lý PAPI. Tôi trả lời câu hỏi về Chỉ số Hiệu quả Quản trị và Hành chính công cấp "
    "tỉnh (PAPI) và những gì chính quyền xã phải công khai, kèm nguồn trích dẫn.\n\n"
    "Bạn cứ gõ câu hỏi, có dấu hay không dấu đều được, ví dụ: \"xã phải công khai những gì\", "
    "\"điểm PAPI Kon Tum 2023\", \"chỉ số nội dung 5 gồm những gì\"."
)
OFFICIAL_WELCOME = "\n\nBạn là cán bộ đã đăng ký: /nhiemvu xem nhiệm vụ, /baocao báo cáo tiến độ."
ADMIN_WELCOME = (
    "\n\nBạn là quản trị: /tiendo xem tình hình báo cáo, /moi cấp mã mời, /thongbao gửi thông báo, "
    "/xuat xuất Excel. Gửi tệp kế hoạch (.xlsx theo mẫu, .docx) để xem trước và công bố."
)
GROUP_WELCOME = (
    "Xin chào! Tôi là Trợ lý PAPI. Trong nhóm, tôi chỉ trả lời các lệnh như /chiso, /congkhai, /diem. "
    "Để hỏi đáp riêng, bạn hãy nhắn tin trực tiếp cho tôi."
)
PRIVATE_ONLY = "Lệnh này chỉ dùng khi nhắn tin riêng với tôi, để giữ kín thông tin của đơn vị."
NOT_FOUND = (
    "Xin lỗi, tôi chưa tìm thấy câu trả lời cho câu hỏi này. Bạn có thể:\n"
    "• hỏi ngắn hơn, nêu rõ việc cần hỏi (ví dụ: \"niêm yết danh sách hộ nghèo bao lâu\");\n"
    "• xem theo chủ đề bằng /chiso, /congkhai, /kehoach, /diem.\n"
    "Câu hỏi đã được ghi lại (không kèm thông tin của bạn) để bổ sung nội dung."
)
STALE = "Lựa chọn này không còn hiệu lực. Gõ /help để xem các lệnh."
# Zalo's terms (and plain courtesy on every channel): say once that this is an automated system and what it keeps,
# as README "What it does" and storage/gaps.py describe it: the account id and the conversation's state; unanswered
# questions without who asked. One line, before the first reply to someone new.
NOTICE = (
    "🤖 Trợ lý PAPI trả lời tự động, không phải cán bộ. Bot lưu mã tài khoản, trạng thái trò chuyện và (ẩn danh) "
    "câu hỏi chưa trả lời được. Cần gặp cán bộ: Bộ phận Một cửa UBND xã, phường."
)
GREETINGS = {"xin chao", "chao", "chao ban", "chao bot", "hello", "hi", "alo", "a lo", "chao ad", "chao admin"}


def _menu(role: str) -> tuple[Choice, ...]:
    items = [
        choice("Các chỉ số PAPI", "dim:all"),
        choice("Xã phải công khai gì", "ck:all"),
        Choice("Điểm PAPI các tỉnh", "/diem"),
    ]
    if role in commands.OFFICIALS:
        items[:0] = [Choice("Nhiệm vụ của tôi", "/nhiemvu"), Choice("Báo cáo tiến độ", "/baocao")]
    if role == "admin":
        items[:0] = [Choice("Tình hình báo cáo", "/tiendo"), Choice("Gửi thông báo", "/thongbao"),
                     Choice("Cấp mã mời", "/moi")]
    if role != "citizen":
        items.append(choice("Kế hoạch và mục tiêu", "plan:all"))
    return tuple(items)


Turn = Callable[[], Awaitable[list[Reply]]]
Observe = Callable[[Incoming, Turn], Awaitable[list[Reply]]]  # wraps each message's turn, e.g. to count and time it


async def unobserved(msg: Incoming, turn: Turn) -> list[Reply]:
    return await turn()


def pick(offered: list[tuple[str, str]], text: str) -> str | None:
    """A typed number ("2", "[2]") or label picks one of the choices last offered."""
    stripped = text.strip().strip("[]().").strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(offered):
        return offered[int(stripped) - 1][1]
    wanted = normalize(text)
    return next((value for label, value in offered if wanted and normalize(label) == wanted), None)


class Core:
    def __init__(
        self,
        kb: KnowledgeBase,
        db: Database,
        config: Config = DEFAULTS,
        clock: Callable[[], dt.datetime] = utc_now,
        index: SearchIndex | None = None,
        renderer: Renderer | None = None,
        observe: Observe | None = None,
    ) -> None:
        self.kb = kb
        self.db = db
        self.config = config
        self.clock = clock
        self.documents = Documents(kb)
        loaded = LoadedPlans(kb)  # the plans a province loaded, read again only when they change
        self.scores = Scores(kb, db, config.zone, loaded)  # db: the imported PAPI editions, read at each score question
        self.plan_questions = PlanQuestions(loaded)
        self.index = index or SearchIndex(self.documents.docs())
        self.renderer = renderer or Renderer()
        self.observe = observe or unobserved  # the service's counters and log context (bot/metrics.py)
        self.bot_usernames: dict[str, str] = {}  # per channel, for invitation deep links
        self.fetchers: dict[str, Fetch] = {}  # per channel that can download a file sent to it
        # One message at a time per conversation, many conversations at once: the database serialises only
        # its statements (storage.db), so no conversation waits for another's chart or export.
        self.conversations = KeyedLock()
        self._unconfirmed: set[tuple[str, str]] = set()  # conversations whose last step's replies are unsent
        self._kept = Kept()  # their database turn locks, until then (several workers: handlers/core/locks.py)

    async def delivered(self, channel: str, user_id: str) -> None:
        """Called by a channel once every reply to a message has been sent; a write only for a conversation
        whose step awaits it (known in memory: after a restart nothing is, so the step is asked again)."""
        if (channel, user_id) in self._unconfirmed:
            self._unconfirmed.discard((channel, user_id))
            try:
                await sessions.confirm_delivery(self.db, channel, user_id)
            finally:
                await self._kept.release((channel, user_id))

    async def first_seen(self, channel: str, event_id: str) -> bool:
        """Record an incoming event that is not a message for the core (it has no sender to lock on)."""
        return await seen.first_seen(self.db, channel, event_id, self.clock())

    async def forget_seen(self, now: dt.datetime) -> None:
        await seen.prune(self.db, now)

    async def handle(self, msg: Incoming, event_id: str | None = None, confirms: bool = False) -> list[Reply]:
        """The replies to one message. With `event_id` (the platform's update or message id) a redelivered
        message gets none: the id is recorded before the message is handled, inside the conversation's turn,
        so two copies arriving together cannot both run. A channel that `confirms` calls `delivered` once it
        has sent the replies; until then a guided conversation's step counts as possibly unseen."""
        return await self.observe(msg, lambda: self._turn(msg, event_id, confirms))

    async def _turn(self, msg: Incoming, event_id: str | None, confirms: bool) -> list[Reply]:
        key = (msg.channel, msg.user_id)
        # in this process first (cheap, keeps arrival order), then across the workers on the database
        async with self.conversations.hold(key), AsyncExitStack() as held:
            await self._kept.release(key)  # the last turn's, if its replies were never confirmed sent
            await held.enter_async_context(self.db.hold(f"{msg.channel}:{msg.user_id}"))
            if event_id is not None and not await seen.first_seen(self.db, msg.channel, event_id, self.clock()):
                return []
            # a chart or a spreadsheet is made in the worker process; this person's next message waits for it
            # (their replies stay in order), nobody else's does
            replies = [await self.renderer.finish(r) for r in await self._handle(msg, confirms)]
            if key in self._unconfirmed and not self.db.exclusive:  # one process on SQLite: nobody to wait
                self._kept.keep(key, held.pop_all())
            return replies

    async def close(self) -> None:
        await self._kept.close()
        await self.db.close()
        self.renderer.close()

    async def _handle(self, msg: Incoming, confirms: bool) -> list[Reply]:
        now = msg.at or self.clock()
        person = await self._person(msg, now)
        ctx = Ctx(self.kb, self.db, person, now, self.config, self.bot_usernames.get(msg.channel), msg.channel,
                  msg.user_id, self.fetchers.get(msg.channel))
        loaded = await sessions.load(self.db, msg.channel, msg.user_id)
        replies, session = await self._route(msg, ctx, loaded)
        if person.new and replies:  # someone's first contact: the notice, once (NOTICE says why)
            replies = [replace(replies[0], text=f"{NOTICE}\n\n{replies[0].text}"), *replies[1:]]
        if session.flow is not None:  # a step of a guided conversation, not an answer to a question
            replies = [replace(r, kind="prompt") if r.kind == "answer" else r for r in replies]
        if replies:
            session = replace(session, choices=[(c.label, c.value) for c in replies[-1].choices])
        # a step asked of the person counts as seen only once the channel confirms it sent the replies
        session = replace(session, delivered=not confirms or session.flow is None or not replies)
        if not session.delivered:
            self._unconfirmed.add((msg.channel, msg.user_id))
        if session != loaded:  # a question asked again changes nothing: no write
            await sessions.save(self.db, msg.channel, msg.user_id, session, now)
        return replies

    async def _person(self, msg: Incoming, now: dt.datetime) -> Person:
        """The person writing, with bootstrap admin rights only while one of their identities is in ADMIN_IDS:
        removed from the list, they are demoted (an admin without a province would otherwise act everywhere)."""
        person = await people.identify(self.db, msg.channel, msg.user_id, now)
        listed = bool(self.config.admins) and any(
            f"{channel}:{external_id}" in self.config.admins
            for channel, external_id in await people.identities(self.db, person.id))
        if listed:
            if person.role != "admin" or person.province is not None:
                await people.set_role(self.db, person.id, "admin")
            return Person(person.id, "admin", everywhere=True, new=person.new)
        if person.role == "admin" and person.province is None:
            return await people.set_role(self.db, person.id, "citizen")
        return person

    async def _route(self, msg: Incoming, ctx: Ctx, session: Session) -> tuple[list[Reply], Session]:
        text = (msg.text or "").strip()
        # a button whose value did not fit Telegram's 64 bytes carries its number among the stored choices
        button = (pick(session.choices, msg.choice) or msg.choice) if msg.choice else None
        value = button or pick(session.choices, text) or text
        notes: list[Reply] = []
        if flow.expired(session, ctx.now) and session.flow in FLOWS:
            note, session = flow.expire(FLOWS[session.flow], session)
            notes.append(note)
        if session.flow in FLOWS and not msg.group:
            if not session.delivered and not msg.choice and not commands.parse(value):
                # the last question may never have reached the person (a failed send, a restart): ask it
                # again rather than take what they type now as its answer
                return [*notes, await flow.ask_again(FLOWS[session.flow], ctx, session)], session
            replies, session = await flow.advance(FLOWS[session.flow], ctx, session, Answer(value, msg.attachment))
            return notes + replies, session
        upload = commands.BY_NAME[plan_upload.NAME]
        if not msg.group and plan_upload.is_plan_file(msg.attachment) and upload.allows(ctx.person):
            # an admin sends a plan file: its preview, then «Công bố / Hủy» (handlers/plans/upload.py)
            replies, session = await plan_upload.received(ctx, session, Answer(value, msg.attachment))
            return notes + replies, session
        if value.startswith(CHOICE):
            return [*notes, self._stale(value, session)], session
        if value.startswith("doc:"):
            # a plan a province loaded has its card from the database; the rest are the knowledge base's
            reply = await plan_cards.card(ctx, self.documents, value[4:]) or self.documents.render(value[4:])
            return [*notes, reply or Reply("Xin lỗi, mục này không còn. Gõ /help để xem hướng dẫn.")], session
        parsed = commands.parse(value)
        if parsed:
            replies, session = await self._command(*parsed, msg=msg, ctx=ctx, session=session)
            return notes + replies, session
        if msg.group:
            return notes, session  # in groups only commands are answered, so the bot does not talk over people
        return [*notes, await self._free_text(value, msg, ctx)], session

    def _stale(self, value: str, session: Session) -> Reply:
        """A button from a finished conversation: a double tap on «Xác nhận» must not look like an error."""
        if value == f"{CHOICE}confirm" and "last_report" in session.draft:
            return Reply(f"Báo cáo số BC-{session.draft['last_report']:06d} đã được lưu rồi, không cần gửi lại.")
        return Reply(STALE)

    async def _free_text(self, value: str, msg: Incoming, ctx: Ctx) -> Reply:
        if not value:
            if msg.attachment:
                return Reply("Tôi chỉ đọc được tin nhắn chữ. Bạn hãy gõ câu hỏi bằng chữ nhé.")
            return Reply("Bạn hãy gõ câu hỏi, hoặc gõ /help để xem hướng dẫn.", _menu(ctx.person.role))
        if len(value) > MAX_QUESTION:
            return Reply(f"Câu hỏi dài quá ({len(value)} ký tự). Bạn hãy hỏi ngắn gọn, dưới {MAX_QUESTION} ký tự.")
        if normalize(value) in GREETINGS:
            return await self._info("start", "", ctx.person.role, group=False)
        return await self._question(value, ctx)

    async def _command(
        self, name: str, arg: str, msg: Incoming, ctx: Ctx, session: Session
    ) -> tuple[list[Reply], Session]:
        spec = commands.BY_NAME.get(name)
        if spec is None:
            return [Reply(f"Tôi chưa hiểu lệnh /{name}. Gõ /help để xem các lệnh.")], session
        if msg.group and (spec.private or (name == "start" and arg)):
            return [Reply(PRIVATE_ONLY)], session
        if not spec.allows(ctx.person):  # the one permission check: handlers below may assume the role
            return [Reply(spec.refusal)], session
        if name in FLOWS:
            kept = session.kept_draft if FLOWS[name].keep_on_expiry else None
            return await flow.begin(FLOWS[name], ctx, replace(session, kept_draft=None), kept)
        if name in HANDLERS:
            return [await HANDLERS[name](ctx, arg, msg)], session
        if name == "start" and arg:  # a deep link t.me/<bot>?start=<payload> arrives as "/start <payload>"
            return [await self._deep_link(arg, ctx, msg)], session
        if name == "kehoach":  # the plans in force today come first: they are the ones officials work on
            return [self.documents.plan_list(await active_plans(self.db, self.kb, ctx.today))], session
        return [await self._info(name, arg, ctx.person.role, msg.group)], session

    async def _deep_link(self, payload: str, ctx: Ctx, msg: Incoming) -> Reply:
        """A deep link's payload has a namespace: `moi-<mã>` (or a bare code, as printed by `invite`) registers;
        `<kind>-<key>` opens a topic, e.g. `ck-ho-ngheo` (a disclosure item), `dim-5`, `sub-2_2` (2.2), `faq-…`,
        so a QR code on a commune notice board can open what it is about. Anything else gets the welcome."""
        kind, _, key = payload.strip().partition("-")
        if kind.lower() == "moi" and key:
            return await register(ctx, key, msg.name)
        if kind in TOPICS and key:
            reply = self.documents.render(f"{kind}:{key.replace('_', '.')}")
            if reply is not None:
                return reply
        if looks_like_code(payload):
            return await register(ctx, payload, msg.name)
        return await self._info("start", "", ctx.person.role, group=False)

    async def _info(self, name: str, arg: str, role: str, group: bool) -> Reply:
        if name == "start":
            extra = ADMIN_WELCOME if role == "admin" else OFFICIAL_WELCOME if role in commands.OFFICIALS else ""
            if group:
                return Reply(GROUP_WELCOME, kind="greeting")
            return Reply(WELCOME + extra, _menu(role), kind="greeting")
        if name == "help":
            lines = [f"/{c.name} – {c.description}" for c in commands.for_role(role)]
            return Reply("Các lệnh:\n" + "\n".join(lines) + "\n\nHoặc gõ câu hỏi bất kỳ về PAPI và công khai ở xã.")
        if name == "huy":
            return Reply("Không có thao tác nào đang làm. Bạn có thể hỏi tiếp hoặc gõ /help.")
        if name == "chiso":
            return self._code(arg) or self.documents.dimensions()
        if name == "congkhai":
            return self.documents.disclosure_list()
        assert name == "diem"
        return await self.scores.respond(arg) if arg else self.scores.ask()

    def _code(self, text: str) -> Reply | None:
        """'chỉ số nội dung 5', 'nội dung thành phần 2.2', 'd5' -> that dimension or sub-dimension."""
        norm = normalize(text)
        match = _CODE.search(norm) or _BARE_CODE.match(norm) or _LEADING_CODE.match(norm)
        if not match:
            return None
        code = match.group(1).replace(",", ".")
        return self.documents.render(f"sub:{code}" if "." in code else f"dim:{code}")

    def _clause(self, text: str) -> list[Hit] | None:
        """The hits of the part of a message that one entry clearly answers, the most confident such part."""
        found = []
        for part in clauses(text):
            hits = self.index.search(part)
            if verdict(hits, linked=self.documents.linked, question=part) is Verdict.ANSWER:
                found.append(hits)
        return max(found, key=lambda h: h[0].confidence, default=None)

    async def _question(self, text: str, ctx: Ctx) -> Reply:
        """The answer to the message, and to each other thing it asks that has an answer of its own, while the
        reply fits one Zalo message as the channel counts it, with the notice of a first contact (compound.py)."""
        reply = await self._one(text, ctx)
        if not _joinable(reply):
            return reply
        places, heads = self.scores.provinces(text), {_head(reply.text)}
        notice = units(NOTICE) + 2 if ctx.person.new else 0  # a first contact's reply begins with the notice
        for part in compound.asked(text):
            more = await self._one(compound.carried(part, text, places), ctx, record=False)
            if not _joinable(more) or _head(more.text) in heads:
                continue
            choices = tuple(dict.fromkeys((*reply.choices, *more.choices)))[:MAX_CHOICES]
            for first, second in ((reply.text, more.text), (_first_source(reply.text), _first_source(more.text))):
                joined = replace(reply, text=f"{first}\n\n{JOIN}\n\n{second}", choices=choices)
                if units(as_text(joined)) + notice <= MAX_REPLY:
                    reply, heads = joined, heads | {_head(more.text)}
                    break
        return reply

    async def _scored(self, text: str, norm: str) -> Reply | None:
        """The score router's answer, if the question is its own: as typed, or read with the search's typo
        correction («tỉnh nào đứg đầu»); a province's measure the data lack, or its districts' scores, declined."""
        if not self.scores.wants(text):
            text = self.index.corrected(text)
            if text == norm or not self.scores.wants(text):
                return None
        if self.scores.provinces(text):
            if (measure := outside.unheld_measure(norm)) is not None:
                return outside.no_measure(measure)
            if outside.asks_parts(norm):
                return outside.no_local_score()
        return await self.scores.respond(text)

    async def _one(self, text: str, ctx: Ctx, record: bool = True) -> Reply:
        """The one reply to a question. `record`: whether a question not found is kept for curators; a part of a
        message is not, since the whole message is what the person asked."""
        norm = normalize(text)
        other = outside.other_index(norm)
        if other is not None:  # PCI, SIPAS…: what a plan quotes, an entry that speaks of it, or "not held"
            quoted = await self.plan_questions.quoted(text, other[1], self.scores.provinces(text), ctx)
            if quoted is not None:  # a province's or year's figure: quoted by its plan, else not held
                return quoted
            hits = self.index.search(text)
            confident = verdict(hits, linked=self.documents.linked) is Verdict.ANSWER
            about = normalize(" ".join((hits[0].doc.title, *hits[0].doc.phrasings))) if hits else ""
            if confident and other[0] in about:  # an entry asked about that index, not one that mentions it
                return self.documents.render(hits[0].doc.id, text) or outside.not_papi(other[1])
            return outside.not_papi(other[1])
        if (never := unheld.declined(norm)) is not None:
            return never
        if outside.asks_local_score(norm) and not outside.beyond_local(norm, self.scores.provinces(text)):
            return outside.no_local_score()
        if (scored := await self._scored(text, norm)) is not None:
            return scored
        planned = await self.plan_questions.ask(text, self.documents, ctx, self.scores.provinces)
        if planned is not None:
            return planned
        coded = self._code(text)
        if coded:
            return coded
        hits = self.index.search(text)
        decision = verdict(hits, linked=self.documents.linked, question=text)
        # a part answers for the whole only when the rest is not about something else ("con học lớp 5 phải làm bài
        # báo cáo khoa học về hạt đậu xanh nảy mầm, hướng dẫn giúp mình")
        if decision is not Verdict.ANSWER and self.index.foreign(text) < 2 and (part := self._clause(text)):
            hits, decision = part, Verdict.ANSWER
        if decision is Verdict.ANSWER:
            reply = (await plan_cards.card(ctx, self.documents, hits[0].doc.id, text)
                     or self.documents.render(hits[0].doc.id, text))
            if reply:
                return coverage.uncovered(text, hits[0].doc, reply) or reply
        if decision is Verdict.SUGGEST:
            return Reply(
                "Tôi chưa chắc bạn hỏi gì. Có phải một trong những câu sau?",
                tuple(choice(h.doc.title, h.doc.id) for h in hits[:3]),
                kind="suggestions",
            )
        if record:
            await gaps.record(self.db, text, ctx.now)
        return Reply(NOT_FOUND, _menu("citizen"), kind="not_found")


def _joinable(reply: Reply) -> bool:
    """An answer in text only: a chart or a spreadsheet is its own message."""
    return reply.kind == "answer" and not reply.render and not reply.image


def _head(text: str) -> str:
    """A reply's first line: the title of what it answers."""
    return text.strip().split("\n", 1)[0]


def _first_source(text: str) -> str:
    """A reply whose source line keeps its first part and marks the rest as left out ("…"): two answers in one
    message, each still cited. Sources are joined with "; ", which also parts one law's articles, so no count."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(render.SOURCE) and "; " in line:
            lines[i] = f"{line.split('; ')[0]}; …"
    return "\n".join(lines)
