"""Zalo Notification Service: a pre-approved template sent to a phone number, for reminders that must reach an
official outside the OA's reply window. Off unless a template id is set for the reminder's kind.

The outbox key is the ZNS `tracking_id`, so a retry of the same reminder carries the same id (Zalo's side can
recognise it) and our own record (storage/oa_zns.py) skips a message already sent. Errors map onto the shared
outcomes: quota or balance exhausted and Zalo's unknown error come back later (RetryLater); a recipient ZNS cannot
reach, a bad phone number or template is Undeliverable (reported as failed, not retried); the rest is a failure of
this attempt. Error numbers as Zalo's ZNS table lists them (zalo.cloud, "Cách xử lý mã lỗi"); those after -112 as
integrators copy that table: see README.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from bot.channels.base import RetryLater, Undeliverable
from bot.channels.zalo_oa.api import OAClient, OAError, Retryable
from bot.channels.zalo_oa.tokens import TokenKeeper
from content.loader import KnowledgeBase
from storage import oa_zns
from storage.db import Db
from storage.oa_zns import Claimed

log = logging.getLogger(__name__)

UNKNOWN = frozenset({-100})  # "Unknown error … vui lòng thử lại sau"
QUOTA = frozenset({-115})  # "Out of quota": the ZNS account's balance is spent
UNREACHABLE = frozenset({-108, -114, -118, -119})  # bad number; user inactive or refusing ZNS; no Zalo account
MISCONFIGURED = frozenset({-109, -111, -112, -117})  # template id, template data, no permission for the template
FIELD_LIMIT = 100  # characters per template field (Zalo's limits depend on the field's type in the template)


def template_data(item: Claimed, kb: KnowledgeBase) -> dict[str, str]:
    """The fields a reminder template is approved with (README, "ZNS"): unit, period, due date, plan."""
    plan = kb.plan(item.plan_id or "")
    fields = {
        "don_vi": item.unit or "",
        "ky_bao_cao": item.period or "",
        "han_nop": item.due.strftime("%d/%m/%Y") if item.due else "",
        "ke_hoach": (plan.number or plan.title) if plan is not None else "",
    }
    return {k: v[:FIELD_LIMIT] for k, v in fields.items()}


class Zns:
    def __init__(
        self, client: OAClient, url: str, templates: dict[str, str], db: Db, kb: KnowledgeBase,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.client = client
        self.url = url.rstrip("/")
        self.templates = templates  # outbox kind -> template id
        self.db = db
        self.kb = kb
        self.clock = clock

    @classmethod
    def templates_for(cls, reminder: str | None, overdue: str | None) -> dict[str, str]:
        found = {"reminder": reminder, "overdue": overdue, "overdue_copy": overdue}
        return {kind: template for kind, template in found.items() if template}

    def template(self, kind: str) -> str | None:
        return self.templates.get(kind)

    async def send(self, keeper: TokenKeeper, phone: str, item: Claimed) -> None:
        template = self.template(item.kind)
        if template is None:
            raise Undeliverable(f"không có mẫu ZNS cho loại tin «{item.kind}»")
        if await oa_zns.status(self.db, item.key) in ("sent", "received"):
            log.info("ZNS %s đã gửi trước đó: không gửi lại", item.key)
            return
        body = {"phone": phone, "template_id": template, "template_data": template_data(item, self.kb),
                "tracking_id": item.key}
        url = f"{self.url}/message/template"
        try:
            data = await keeper.call(lambda token: self.client.post_json(url, token, body, "zns"))
        except Retryable as busy:
            await oa_zns.record(self.db, item.key, template, "retry", self.clock(), error=str(busy))
            raise RetryLater(300) from busy
        except OAError as exc:
            await self._refused(item, template, exc)
            raise
        msg_id = str(data.get("msg_id")) if isinstance(data, dict) and data.get("msg_id") else None
        await oa_zns.record(self.db, item.key, template, "sent", self.clock(), msg_id=msg_id)

    async def _refused(self, item: Claimed, template: str, exc: OAError) -> None:
        """Record the attempt and raise the outcome its code means (or return: a failure of this attempt)."""
        code = exc.code
        later = code in UNKNOWN or code in QUOTA
        await oa_zns.record(self.db, item.key, template, "retry" if later else "failed", self.clock(), error=str(exc))
        if code in QUOTA:
            log.warning("ZNS hết hạn mức hoặc số dư (%s): thử lại sau một giờ", exc)
            raise RetryLater(3600) from exc
        if code in UNKNOWN:
            raise RetryLater(300) from exc
        if code in MISCONFIGURED:
            log.warning("ZNS từ chối mẫu %s (%s): kiểm tra ZNS_TEMPLATE_* và các trường của mẫu", template, exc)
        if code in UNREACHABLE or code in MISCONFIGURED:
            raise Undeliverable(f"ZNS không gửi được: {exc}") from exc
