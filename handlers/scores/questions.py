"""Reading a score question: the words that say what is asked (a score, a chart, a comparison, a verdict on a
plan…), the year and dimension named, and whether the question belongs here or to search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from content.normalize import YEAR, normalize

_DIM = re.compile(r"\b(?:chi so|noi dung|linh vuc)(?: noi dung| thanh phan)?(?: so)? ([1-8])\b|\bd([1-8])\b")
# A verdict on a plan: "có đạt", "đạt chưa", "so với mục tiêu"… ("đặt mục tiêu", to set one, is excluded
# before normalising, since both lose their diacritics to "dat").
_VERDICT = re.compile(
    r"\b(?:co|da|khong|chua) dat\b|\bdat (?:chua|khong|duoc|muc tieu|chi tieu|ke hoach)\b"
    r"|\b(?:so voi|hoan thanh|vuot) (?:muc tieu|chi tieu|ke hoach)\b|\bdoi chieu\b|(?<!cong bo )\bket qua papi\b"
)
SCORE_WORDS = ("diem", "xep hang", "thu hang", "ket qua papi", "nhom", "dung thu", "hang may", "xep thu", "thu may")
PLAN_WORDS = ("ke hoach", "muc tieu", "chi tieu", "nhiem vu", "muon", "phan dau")
# What a province must reach, asked without naming the plan: "Đồng Tháp cần tăng chỉ số 1 ít nhất bao nhiêu",
# "… 2024 cần đạt bao nhiêu". Only plans set such figures, so the plan's targets answer.
NEED_WORDS = ("can dat", "phai dat", "can tang", "phai tang", "it nhat", "toi thieu")
# Questions about reporting on or acting upon results, not about the results: they belong to search even with a
# province and a year ("Đồng Tháp báo cáo PAPI 2024 gửi ai", "Kon Tum làm gì để tăng điểm").
OTHER_WORDS = ("bao cao", "tuyen truyen", "gui ai", "han nao", "truoc ngay", "ve dau", "lam gi", "lam the nao",
               "giai phap", "cai thien")
# "điểm" that is no PAPI score: an exam's, a place to visit ("điểm chuẩn Bách khoa Hà Nội", "điểm du lịch Huế")
ELSEWHERE_WORDS = ("diem chuan", "diem thi dai hoc", "diem thi tot nghiep",
                   "xet tuyen", "dai hoc", "dia diem", "diem du lich", "diem den",
                   "diem tham quan", "diem check in")
RADAR_WORDS = ("radar", "bieu do", "mang nhen")
TREND_WORDS = ("qua cac nam", "cac nam", "theo nam", "xu huong", "nhieu nam", "tung nam")
MEDIAN_WORDS = ("trung vi", "ca nuoc", "toan quoc", "trung binh chung", "so voi trung binh", "cac tinh khac")
STRENGTH_WORDS = ("manh nhat", "yeu nhat", "diem manh", "diem yeu", "manh yeu", "kem nhat", "chi so nao")
SUB_WORDS = ("thanh phan", "chi tiet")
COMPARE_WORDS = ("so sanh",)
GROUP_WORDS = ("nhom nao", "thuoc nhom", "nam trong nhom", "o nhom", "nhom gi", "xep nhom")
MERGER_WORDS = ("sap nhap", "sap xep", "hop nhat", "tinh moi", "thanh pho moi")
TRIGGERS = SCORE_WORDS + RADAR_WORDS + TREND_WORDS + MEDIAN_WORDS + STRENGTH_WORDS + MERGER_WORDS + COMPARE_WORDS


@dataclass(frozen=True)
class Question:
    norm: str
    provinces: tuple[str, ...]
    year: int | None
    dimension: int | None

    def has(self, words: tuple[str, ...]) -> bool:
        padded = f" {self.norm} "
        return any(f" {normalize(w)} " in padded for w in words)  # "radar" is normalised as "rada"


# A dimension as people name it ("điểm công khai minh bạch", "kiểm soát tham nhũng"), when no number is given.
DIMENSION_WORDS: dict[int, tuple[str, ...]] = {
    1: ("tham gia",), 2: ("cong khai", "minh bach"), 3: ("giai trinh",), 4: ("tham nhung",),
    5: ("thu tuc hanh chinh",), 6: ("dich vu cong",), 7: ("moi truong",), 8: ("dien tu",),
}


def dimension(norm: str) -> int | None:
    """The one dimension a normalised question names, by number ("chỉ số 5", "d5") or by name."""
    code = _DIM.search(norm)
    if code:
        return int(code.group(1) or code.group(2))
    named = [n for n, words in DIMENSION_WORDS.items() if any(w in norm for w in words)]
    return named[0] if len(named) == 1 else None


def parse(text: str, provinces: Callable[[str], list[str]]) -> Question:
    # "địa điểm" (a place) is not "điểm" (a score): "địa điểm tiếp dân ở Kon Tum" belongs to search
    norm = normalize(text).replace("dia diem", "dia_diem")
    year = YEAR.search(norm)
    return Question(norm, tuple(provinces(text)), int(year.group()) if year else None, dimension(norm))


def asks_verdict(text: str) -> bool:
    lowered = unicodedata.normalize("NFC", text).lower().replace("đặt", "thiết lập")
    return _VERDICT.search(normalize(lowered)) is not None


# Moved up or down the table: "tăng bao nhiêu bậc", "tụt mấy hạng", "lên 8 bậc".
_MOVE = re.compile(r"\b(?:tang|giam|len|xuong|tut|mat|thang)(?: duoc)?(?: bao nhieu| may| \d{1,2})? (?:bac|hang)\b")
# A region: the words for one (not "khu vực công", the public sector of dimension 4) or the name of one of the
# country's socio-economic regions, as people write them ("ĐBSCL" is read "đồng bằng sông cửu long").
_REGION = re.compile(
    r"\b(?:khu vuc|vung|mien)\b(?! cong\b)|\b(?:dong bang song (?:cuu long|hong)|tay nguyen|dong nam bo"
    r"|(?:bac|nam) trung bo|duyen hai (?:mien trung|nam trung bo)|trung du mien nui|tay bac bo|dong bac bo)\b"
)
_PLACE = re.compile(r"\b(?:xep thu|thu may|thu bao nhieu|xep hang|thu hang|hang may|dung thu|vi tri)\b")


def asks_move(norm: str) -> bool:
    return _MOVE.search(norm) is not None


def asks_region(norm: str) -> bool:
    """A place within a region: a region named and a place asked."""
    return _REGION.search(norm) is not None and _PLACE.search(norm) is not None


def new_name(q: Question) -> bool:
    """'Đồng Tháp mới': the province formed in 2025, not the former one of the same name."""
    return any(f"{normalize(p)} moi" in q.norm and "moi nhat" not in q.norm for p in q.provinces)


def wants(q: Question, text: str) -> bool:
    """Score questions with a province; plan questions only when they ask whether targets were met,
    so "kế hoạch của Đồng Tháp" still goes to search."""
    if not q.provinces:
        return False
    if q.has(PLAN_WORDS):
        return asks_verdict(text)
    if (q.has(OTHER_WORDS) and not q.has(RADAR_WORDS)) or (q.has(ELSEWHERE_WORDS) and not q.has(("papi",))):
        return False
    need = q.has(NEED_WORDS) and q.dimension is not None  # "Đồng Tháp cần tăng chỉ số 1 ít nhất bao nhiêu"
    return q.has(TRIGGERS) or q.year is not None or new_name(q) or asks_move(q.norm) or need
