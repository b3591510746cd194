"""The one path every message takes, whatever the channel: Incoming in, Replies out.

The person is found from (channel, sender id); the choices last offered are kept in SQLite so that on
channels without buttons "2" or a label picks one; structured questions (scores, an index code) are
answered from data; everything else goes to search.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace

import aiosqlite

from content.loader import KnowledgeBase
from content.normalize import normalize
from content.search import SearchIndex, Verdict, verdict
from handlers import commands
from handlers.documents import Documents, choice
from handlers.messages import Choice, Incoming, Reply
from handlers.scores import Scores
from storage import gaps, people, sessions
from storage.db import utc_now

MAX_QUESTION = 1000
_CODE = re.compile(
    r"\b(?:chi so|noi dung|linh vuc|tieu chi|chi tieu)(?: noi dung| thanh phan)?(?: so)? ([1-8](?:[.,][1-5])?)\b"
)
_BARE_CODE = re.compile(r"^(?:d|chi so )?([1-8](?:[.,][1-5])?)$")

WELCOME = (
    "Xin chào! Tôi là Trợ lý PAPI. Tôi trả lời câu hỏi về Chỉ số Hiệu quả Quản trị và Hành chính công cấp "
    "tỉnh (PAPI) và những gì chính quyền xã phải công khai, kèm nguồn trích dẫn.\n\n"
    "Bạn cứ gõ câu hỏi, có dấu hay không dấu đều được, ví dụ: \"xã phải công khai những gì\", "
    "\"điểm PAPI Kon Tum 2023\", \"chỉ số nội dung 5 gồm những gì\"."
)
GROUP_WELCOME = (
    "Xin chào! Tôi là Trợ lý PAPI. Trong nhóm, tôi chỉ trả lời các lệnh như /chiso, /congkhai, /diem. "
    "Để hỏi đáp riêng, bạn hãy nhắn tin trực tiếp cho tôi."
)
NOT_FOUND = (
    "Xin lỗi, tôi chưa tìm thấy câu trả lời cho câu hỏi này. Bạn có thể:\n"
    "• hỏi ngắn hơn, nêu rõ việc cần hỏi (ví dụ: \"niêm yết danh sách hộ nghèo bao lâu\");\n"
    "• xem theo chủ đề bằng /chiso, /congkhai, /kehoach, /diem.\n"
    "Câu hỏi đã được ghi lại (không kèm thông tin của bạn) để bổ sung nội dung."
)


def _menu(role: str) -> tuple[Choice, ...]:
    items = [
        choice("Các chỉ số PAPI", "dim:all"),
        choice("Xã phải công khai gì", "ck:all"),
        Choice("Điểm PAPI các tỉnh", "/diem"),
    ]
    if role != "citizen":
        items.insert(2, choice("Kế hoạch và mục tiêu", "plan:all"))
    return tuple(items)


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
        db: aiosqlite.Connection,
        clock: Callable[[], dt.datetime] = utc_now,
        index: SearchIndex | None = None,
        admins: frozenset[str] = frozenset(),
    ) -> None:
        self.kb = kb
        self.db = db
        self.clock = clock
        self.documents = Documents(kb)
        self.scores = Scores(kb)
        self.index = index or SearchIndex(self.documents.docs())
        self.admins = admins  # "channel:id" of bootstrap administrators, from settings

    async def handle(self, msg: Incoming) -> list[Reply]:
        now = msg.at or self.clock()
        person = await people.identify(self.db, msg.channel, msg.user_id, now)
        if person.role != "admin" and f"{msg.channel}:{msg.user_id}" in self.admins:
            person = await people.set_role(self.db, person.id, "admin")
        session = await sessions.load(self.db, msg.channel, msg.user_id)
        replies = await self._route(msg, person.role, session.choices, now)
        if replies:
            offered = [(c.label, c.value) for c in replies[-1].choices]
            await sessions.save(self.db, msg.channel, msg.user_id, replace(session, choices=offered), now)
        return replies

    async def _route(self, msg: Incoming, role: str, offered: list[tuple[str, str]], now: dt.datetime) -> list[Reply]:
        text = (msg.text or "").strip()
        value = msg.choice or pick(offered, text) or text
        if value.startswith("doc:"):
            reply = self.documents.render(value[4:])
            return [reply or Reply("Xin lỗi, mục này không còn. Gõ /help để xem hướng dẫn.")]
        parsed = commands.parse(value)
        if parsed:
            return self._command(*parsed, role=role, group=msg.group)
        if msg.group:
            return []  # in groups only commands are answered, so the bot does not talk over people
        if not value:
            if msg.attachment:
                return [Reply("Tôi chỉ đọc được tin nhắn chữ. Bạn hãy gõ câu hỏi bằng chữ nhé.")]
            return [Reply("Bạn hãy gõ câu hỏi, hoặc gõ /help để xem hướng dẫn.", _menu(role))]
        if len(value) > MAX_QUESTION:
            return [Reply(f"Câu hỏi dài quá ({len(value)} ký tự). Bạn hãy hỏi ngắn gọn, dưới {MAX_QUESTION} ký tự.")]
        return [await self._question(value, now)]

    def _command(self, name: str, arg: str, role: str, group: bool) -> list[Reply]:
        if name == "start":
            return [Reply(GROUP_WELCOME)] if group else [Reply(WELCOME, _menu(role))]
        if name == "help":
            lines = [f"/{c.name} – {c.description}" for c in commands.for_role(role)]
            return [Reply("Các lệnh:\n" + "\n".join(lines) + "\n\nHoặc gõ câu hỏi bất kỳ về PAPI và công khai ở xã.")]
        if name == "huy":
            return [Reply("Đã hủy. Bạn có thể hỏi tiếp hoặc gõ /help.")]
        if name == "chiso":
            return [self._code(arg) or self.documents.dimensions()]
        if name == "congkhai":
            return [self.documents.disclosure_list()]
        if name == "kehoach":
            return [self.documents.plan_list()]
        if name == "diem":
            return [self.scores.answer(arg) if arg else self.scores.ask()]
        return [Reply(f"Tôi chưa hiểu lệnh /{name}. Gõ /help để xem các lệnh.")]

    def _code(self, text: str) -> Reply | None:
        """'chỉ số nội dung 5', 'nội dung thành phần 2.2', 'd5' -> that dimension or sub-dimension."""
        norm = normalize(text)
        match = _CODE.search(norm) or _BARE_CODE.match(norm)
        if not match:
            return None
        code = match.group(1).replace(",", ".")
        return self.documents.render(f"sub:{code}" if "." in code else f"dim:{code}")

    async def _question(self, text: str, now: dt.datetime) -> Reply:
        if self.scores.wants(text):
            return self.scores.answer(text)
        coded = self._code(text)
        if coded:
            return coded
        hits = self.index.search(text)
        decision = verdict(hits)
        if decision is Verdict.ANSWER:
            reply = self.documents.render(hits[0].doc.id)
            if reply:
                return reply
        if decision is Verdict.SUGGEST:
            return Reply(
                "Tôi chưa chắc bạn hỏi gì. Có phải một trong những câu sau?",
                tuple(choice(h.doc.title, h.doc.id) for h in hits[:3]),
            )
        await gaps.record(self.db, text, now)
        return Reply(NOT_FOUND, _menu("citizen"))
