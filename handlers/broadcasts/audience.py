"""Broadcasts from Sở Nội vụ: an audience, a text, a time; one outbox row per recipient; a delivery report
back to the author when every row is settled."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from content.loader import KnowledgeBase
from handlers.progress.progress import unit_progress
from storage import broadcasts as stored
from storage import outbox
from storage.db import Db
from storage.org import place_key
from storage.outbox import Item

log = logging.getLogger(__name__)

KINDS = {
    "all": "Mọi người dùng",
    "province": "Một tỉnh",
    "district": "Một huyện (trước 7/2025)",
    "commune": "Một xã",
    "role": "Theo vai trò",
    "not_reported": "Cán bộ của đơn vị chưa báo cáo kỳ này",
}
ROLE_LABELS = {"official": "cán bộ, công chức", "leader": "lãnh đạo xã", "admin": "quản trị", "citizen": "người dân"}


@dataclass(frozen=True)
class Audience:
    kind: str
    value: str | None = None  # province, district or commune name, or role

    def describe(self) -> str:
        if self.kind == "role":
            return f"vai trò {ROLE_LABELS.get(self.value or '', self.value)}"
        return KINDS[self.kind] + (f": {self.value}" if self.value else "")

    @classmethod
    def parse(cls, spec: str) -> Audience:
        """'all', 'province:Kon Tum', 'commune:Đắk Plô', 'role:official', 'not-reported' (command line)."""
        kind, _, value = spec.partition(":")
        kind = kind.strip().replace("-", "_")
        if kind not in KINDS or (kind not in ("all", "not_reported") and not value.strip()):
            raise ValueError(f"không hiểu người nhận «{spec}»")
        if kind == "role" and value.strip() not in ROLE_LABELS:
            raise ValueError(f"vai trò phải là một trong: {', '.join(ROLE_LABELS)}")
        return cls(kind, value.strip() or None)


async def recipients(
    db: Db, kb: KnowledgeBase, audience: Audience, scope: str | None, today: dt.date
) -> list[int]:
    """People with an active identity in the audience, within the author's province (None: everywhere).
    Citizens have no province, so a province admin reaches officials and admins of that province only."""
    rows = await stored.reachable(db, scope)
    value = place_key(audience.value or "")
    if audience.kind == "province":
        rows = [r for r in rows if r.province and place_key(r.province) == value]
    elif audience.kind == "district":
        rows = [r for r in rows if r.district and place_key(r.district) == value]
    elif audience.kind == "commune":
        rows = [r for r in rows if r.commune and place_key(r.commune) == value]
    elif audience.kind == "role":
        rows = [r for r in rows if r.role == audience.value]
    elif audience.kind == "not_reported":
        late = {p.unit.id for p in await unit_progress(db, kb, scope, today) if not p.complete}
        rows = [r for r in rows if r.unit_id in late]
    return [r.id for r in rows]


async def create(
    db: Db, author_id: int | None, text: str, audience: Audience, people_ids: list[int],
    send_at: dt.datetime, now: dt.datetime,
) -> int:
    """One broadcast row and one outbox row per recipient, in one transaction."""
    spec = json.dumps(audience.__dict__, ensure_ascii=False)
    return await stored.create(db, author_id, text, spec, people_ids, f"📢 Thông báo:\n{text}", send_at, now)


def summary(counts: dict[str, int]) -> str:
    sent, failed, blocked = counts.get("sent", 0), counts.get("failed", 0), counts.get("blocked", 0)
    skipped = counts.get("skipped", 0)
    return f"đã gửi {sent}, lỗi {failed}, bị chặn {blocked}" + (f", bỏ qua {skipped}" if skipped else "")


async def report_finished(db: Db, now: dt.datetime, zone: ZoneInfo) -> None:
    """Tell each author once, when none of their broadcast's rows is pending or in flight any more."""
    for done in await stored.settle_finished(db, now):
        created = done.created_at.astimezone(zone)
        text = (f"📬 Kết quả thông báo số {done.id} (tạo lúc {created:%H:%M %d/%m/%Y}, "
                f"{done.recipients} người nhận): {summary(done.counts)}.")
        if done.author_id is None:  # queued by `python -m bot broadcast`: the operator reads the log
            log.info("%s", text)
            continue
        await outbox.enqueue(db, [Item(f"broadcast-report:{done.id}", "notice", done.author_id, text, now)], now)
