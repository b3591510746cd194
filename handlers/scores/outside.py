"""Score questions the data cannot answer, recognised so that no PAPI card is taken for them: another index
(PCI, PAR Index, SIPAS, DTI, ICT Index), a commune's own score, which PAPI does not have, or a measure of a
province that the data do not hold (a weighted score, its confidence interval, its respondents, a breakdown)."""

from __future__ import annotations

import re

from content.indices import named_index
from content.normalize import PAPI, YEAR, normalize
from handlers.core import render
from handlers.core.messages import Choice, Reply

SCORE = re.compile(r"\b(?:diem|xep hang|xep thu|dat bao nhieu|bao nhieu diem|hang may|thu may|chi so"
                   r"|duoc bao nhieu(?! (?:nguoi|ho|luot|xa|lan))|phan tram)\b")
_LOCAL = re.compile(r"\b(?:xa(?! hoi)|(?<!dia )phuong|thi tran|huyen|thon|dac khu)\b")  # not "xã hội", "địa phương"
PAPI_SOURCE = "PAPI: giới thiệu và hỏi đáp, papi.org.vn (khảo sát cấp tỉnh)"


def other_index(norm: str) -> tuple[str, str] | None:
    """The other index a score question names, when it does not name PAPI: asked with a score word, or with a
    year ("PAR Index Hà Tĩnh 2022" asks its figure, which a PAPI card must not stand for)."""
    if PAPI.search(norm) or not (SCORE.search(norm) or YEAR.search(norm)):
        return None
    return named_index(norm)


# the score asked ("bao nhiêu", "thế nào") or said to be the commune's ("điểm PAPI 2023 của xã Hòa Bình"); not
# a commune and a score anywhere ("PAPI là gì, nghe cán bộ xã nói phải nâng điểm PAPI")
_ASKED = re.compile(r"\b(?:bao nhieu|may diem|xep hang|xep thu|hang may|thu may|dung thu|the nao|ra sao|cao khong"
                    rf"|thap khong|cao hay thap)\b|\b(?:diem|xep hang|chi so)\b(?: \w+){{0,4}} {_LOCAL.pattern}")
_RAISING = re.compile(r"\b(?:nang|tang|cai thien|lam gi de)\b")  # "xã làm thế nào để nâng điểm PAPI" asks a way


def asks_local_score(norm: str) -> bool:
    """'xã tôi được bao nhiêu điểm PAPI': a commune's or district's own PAPI score."""
    return (PAPI.search(norm) is not None and SCORE.search(norm) is not None and _LOCAL.search(norm) is not None
            and _ASKED.search(norm) is not None and _RAISING.search(norm) is None)


def beyond_local(norm: str, provinces: list[str]) -> list[str]:
    """The provinces a question names other than as a commune's or district's name ("xã Hòa Bình, huyện Tân
    Lạc" names no province)."""
    padded = f" {norm} "
    return [p for p in provinces if not re.search(rf" {_LOCAL.pattern} {re.escape(normalize(p))} ", padded)]


def not_papi(index: str) -> Reply:
    return Reply(
        f"Trợ lý chỉ có số liệu PAPI, không có số liệu {index}. Đó là một chỉ số khác, không phải PAPI; "
        "số liệu của chỉ số đó cần tra ở nơi công bố chỉ số (kế hoạch của tỉnh đôi khi có trích dẫn: xem /kehoach)."
        f"\n\n{render.SOURCE}{PAPI_SOURCE}",
        (Choice("Các kế hoạch", "/kehoach"), Choice("Điểm PAPI các tỉnh", "/diem")),
        kind="decline",
    )


def no_local_score() -> Reply:
    return Reply(
        "PAPI chỉ có điểm cấp tỉnh: khảo sát chọn ngẫu nhiên người dân ở một số xã, phường của mỗi tỉnh để tính "
        "điểm cho tỉnh, không tính điểm riêng cho từng xã, phường. Xã có thể xem điểm của tỉnh mình và các nội "
        "dung thành phần để biết việc cần làm."
        f"\n\n{render.SOURCE}{PAPI_SOURCE}",
        (Choice("Điểm PAPI các tỉnh", "/diem"), Choice("Các chỉ số nội dung", "/chiso")),
        kind="decline",
    )


# Measures of a province the bundled data do not hold, as people ask for them, and how the decline names them.
_MEASURES = tuple((re.compile(pattern), name) for pattern, name in (
    (r"(?<!khong )\b(?:co trong so|diem trong so)\b", "điểm có trọng số"),
    (r"\b(?:khoang tin cay|sai so|bien sai)\b", "khoảng tin cậy, sai số"),
    (r"\b(?:nguoi|phieu)\b(?: \w+){0,2} \b(?:phong van|tra loi|khao sat)\b|\bco mau\b", "số người trả lời"),
    (r"\b(?:nam nu|gioi tinh|dan toc|thanh thi|nhom tuoi|do tuoi)\b", "điểm chia theo giới tính, dân tộc, "
     "nông thôn – thành thị hay độ tuổi"),
))
# the districts or communes of a province ranked or scored ("xếp hạng các huyện", "huyện nào cao nhất")
_PARTS = re.compile(r"\b(?:cac|tung|moi) (?:huyen|xa|phuong)\b|\b(?:huyen|xa|phuong) nao\b")


def unheld_measure(norm: str) -> str | None:
    """The name of a measure the question asks of a province that the data do not hold, if any."""
    return next((name for pattern, name in _MEASURES if pattern.search(norm)), None)


def asks_parts(norm: str) -> bool:
    return _PARTS.search(norm) is not None


def no_measure(name: str) -> Reply:
    return Reply(
        f"Trợ lý không có {name} của từng tỉnh. Dữ liệu của trợ lý có tổng điểm PAPI không trọng số và điểm 8 chỉ "
        "số nội dung của từng tỉnh qua các năm, điểm các nội dung thành phần ở những năm có số liệu; các số liệu "
        "khác cần tra trong bảng số liệu và báo cáo PAPI trên papi.org.vn."
        f"\n\n{render.SOURCE}{PAPI_SOURCE}",
        (Choice("Điểm PAPI các tỉnh", "/diem"), Choice("Các chỉ số nội dung", "/chiso")),
        kind="decline",
    )
