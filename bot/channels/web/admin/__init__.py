"""The admin pages (/admin): sign-in with a one-time link, the progress picture, a unit's reports and their
evidence files, the Excel export, the broadcast composer."""

from __future__ import annotations

from bot.channels.base import Route
from bot.channels.web.admin.broadcast import Composer, Delivery
from bot.channels.web.admin.pages import Export, Progress
from bot.channels.web.admin.reports import EvidenceFile, UnitPage
from bot.channels.web.admin.session import Login, Logout
from bot.channels.web.base import Web


def routes(web: Web) -> list[Route]:
    page = {"web": web}
    return [
        ("/admin/login", Login, page),
        ("/admin/logout", Logout, page),
        ("/admin/?", Progress, page),
        (r"/admin/xuat\.xlsx", Export, page),
        (r"/admin/don-vi/([0-9]{1,12})", UnitPage, page),
        (r"/admin/minh-chung/([0-9]{1,12})", EvidenceFile, page),
        ("/admin/thong-bao", Composer, page),
        (r"/admin/thong-bao/([0-9]{1,12})", Delivery, page),
    ]
