"""The admin pages (/admin): sign-in with a one-time link, the progress picture and its chart, a commune's and a
unit's reports, a report with its evidence files and its review, the Word report, the Excel export in the
background, the broadcast composer, people and invitations, plans, and unanswered questions for curators."""

from __future__ import annotations

from bot.channels.base import Route
from bot.channels.web.admin.broadcast import Composer, Delivery
from bot.channels.web.admin.exports import ExportFile, ExportStart, ExportStatus
from bot.channels.web.admin.gaps import Gaps, Handled
from bot.channels.web.admin.pages import Chart, Progress, WordReport
from bot.channels.web.admin.people import BulkSheet, Invite, PeoplePage, Revoke
from bot.channels.web.admin.plans import Cancel, PlansPage, Publish
from bot.channels.web.admin.reports import CommunePage, EvidenceFile, UnitPage
from bot.channels.web.admin.review import ReportPage
from bot.channels.web.admin.session import Login, Logout
from bot.channels.web.base import Web


def routes(web: Web) -> list[Route]:
    page = {"web": web}
    return [
        ("/admin/login", Login, page),
        ("/admin/logout", Logout, page),
        ("/admin/?", Progress, page),
        ("/admin/xuat", ExportStart, page),
        (r"/admin/xuat/([A-Za-z0-9_-]{16})(\.json)?", ExportStatus, page),
        (r"/admin/xuat/([A-Za-z0-9_-]{16})/tep", ExportFile, page),
        (r"/admin/bieu-do\.png", Chart, page),
        (r"/admin/bao-cao-ky\.docx", WordReport, page),
        (r"/admin/don-vi/([0-9]{1,12})", UnitPage, page),
        (r"/admin/xa/([0-9]{1,12})", CommunePage, page),
        (r"/admin/bao-cao/([0-9]{1,12})", ReportPage, page),
        (r"/admin/minh-chung/([0-9]{1,12})", EvidenceFile, page),
        ("/admin/nguoi-dung", PeoplePage, page),
        ("/admin/nguoi-dung/thu-hoi", Revoke, page),
        ("/admin/nguoi-dung/moi", Invite, page),
        (r"/admin/nguoi-dung/ma-moi\.xlsx", BulkSheet, page),
        ("/admin/ke-hoach", PlansPage, page),
        ("/admin/ke-hoach/cong-bo", Publish, page),
        ("/admin/ke-hoach/huy", Cancel, page),
        ("/admin/cau-hoi", Gaps, page),
        ("/admin/cau-hoi/xong", Handled, page),
        ("/admin/thong-bao", Composer, page),
        (r"/admin/thong-bao/([0-9]{1,12})", Delivery, page),
    ]
