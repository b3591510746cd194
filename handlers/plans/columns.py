"""The columns of a plan's tables, recognised as people write their headers ("STT", "Nội dung nhiệm vụ",
"Cơ quan chủ trì", "Thời gian thực hiện", "Chỉ số", "Sản phẩm"…), and which kind of table a header row starts.

Each header goes to the first field that recognises it, in the order below: "Chỉ số nội dung" is the dimension
column, not the task's "Nội dung"; "Nội dung báo cáo" belongs to the reports table.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from content.normalize import strip_diacritics

HEADER_ROWS = 10


def key(header: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", strip_diacritics(header).lower()).strip() + " "


def _any(*words: str) -> Callable[[str], bool]:
    return lambda k: any(f" {w} " in k for w in words)


# field -> recogniser of a header's key; the order settles a header two would take
TASK_FIELDS: dict[str, Callable[[str], bool]] = {
    "subdimensions": _any("noi dung thanh phan", "chi so thanh phan", "ndtp"),
    "dimensions": _any("chi so", "chi so noi dung", "chi so papi", "linh vuc papi"),
    "lead": _any("chu tri", "chiu trach nhiem", "don vi thuc hien", "co quan thuc hien"),
    "coordinate": _any("phoi hop"),
    "deadline": lambda k: _any("thoi han", "thoi gian", "tien do", "han hoan thanh")(k) or k == " han ",
    "product": _any("san pham", "ket qua du kien", "ket qua dau ra"),
    "commune_unit": _any("don vi o xa", "don vi cap xa", "don vi tai xa", "bo phan o xa"),
    "assign": _any("giao cho", "pham vi", "ap dung", "xa thuc hien", "dia ban"),
    "number": lambda k: k.strip() in ("stt", "tt", "so tt", "so thu tu"),
    "detail": _any("chi tiet", "mo ta", "dien giai", "cach thuc hien"),
    "title": _any("noi dung", "nhiem vu", "cong viec", "ten nhiem vu", "hoat dong"),
}
TASK_NEEDED = ("title", "lead", "deadline")

TARGET_FIELDS: dict[str, Callable[[str], bool]] = {
    "year": _any("nam"),
    "dimension": _any("chi so", "chi so noi dung"),
    "value": _any("diem", "diem so", "muc diem"),
    "min_increase": _any("tang", "tang it nhat", "muc tang"),
    "group": _any("nhom", "nhom diem", "xep nhom"),
    "text": _any("noi dung", "chi tieu", "mo ta", "dien giai"),
}
TARGET_NEEDED = ("dimension", "text")

REPORT_FIELDS: dict[str, Callable[[str], bool]] = {
    "to": _any("gui", "gui den", "noi nhan", "gui ve"),
    "deadline": lambda k: _any("thoi han", "thoi gian", "han nop")(k) or k == " han ",
    "communes": _any("xa bao cao", "cap xa", "xa"),
    "title": _any("bao cao", "noi dung", "ten bao cao"),
}
REPORT_NEEDED = ("title", "to", "deadline")

INFO_LABELS: dict[str, Callable[[str], bool]] = {
    "id": _any("ma ke hoach", "ma"),
    "title": _any("ten ke hoach", "trich yeu", "tieu de"),
    "number": _any("so hieu", "so ky hieu", "so van ban"),
    "issued": _any("ngay ban hanh", "ngay ky"),
    "issuer": _any("co quan ban hanh", "noi ban hanh", "don vi ban hanh"),
    "province": _any("tinh", "tinh thanh pho"),
    "level": _any("cap", "cap ke hoach"),
    "district": _any("huyen", "quan huyen", "huyen truoc 7 2025"),
    "commune": _any("xa", "xa phuong", "ten xa"),
    "papi_year": _any("nam papi", "papi nam", "nam muc tieu"),
    "valid_from": _any("hieu luc tu", "ap dung tu"),
    "valid_until": _any("hieu luc den", "ap dung den", "het hieu luc"),
    "summary": _any("tom tat", "noi dung chinh"),
}
INFO_ORDER = ("valid_from", "valid_until", "papi_year", "id", "title", "number", "issued", "issuer", "level",
              "province", "district", "commune", "summary")

HEADERS = {  # how each field's column is named in the template and in messages
    "number": "STT", "title": "Nội dung nhiệm vụ", "detail": "Chi tiết", "dimensions": "Chỉ số",
    "subdimensions": "Nội dung thành phần", "lead": "Cơ quan chủ trì", "coordinate": "Cơ quan phối hợp",
    "deadline": "Thời hạn", "product": "Sản phẩm", "assign": "Giao cho", "commune_unit": "Đơn vị ở xã",
}


def columns(cells: list[str], fields: dict[str, Callable[[str], bool]]) -> dict[str, int]:
    """Each field's first column whose header it recognises; a header goes to one field only."""
    found: dict[str, int] = {}
    for index, header in enumerate(cells):
        k = key(header)
        if not header:
            continue
        for field, recognise in fields.items():
            if recognise(k):
                if field not in found:
                    found[field] = index
                break
    return found


def info_label(label: str) -> str | None:
    k = key(label)
    return next((f for f in INFO_ORDER if INFO_LABELS[f](k)), None)
