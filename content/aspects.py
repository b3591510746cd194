"""What a question asks about an entry, by the words people use: the places, the duration, who, a plan's
target… Search prefers entries asked the same way ("niêm yết bao lâu" is not "niêm yết ở đâu"), and a first
reply puts the asked part first (handlers/knowledge/brief.py)."""

from __future__ import annotations

from content.normalize import normalize

# Normalised: no diacritics, abbreviations expanded.
ASPECTS: dict[str, tuple[str, ...]] = {
    "where": ("o dau", "noi nao", "cho nao", "dia diem", "hinh thuc", "cach nao", "kenh nao", "tai dau"),
    "how_long": ("bao lau", "may ngay", "bao nhieu ngay", "thoi han", "keo dai", "de bao lau"),
    "when": ("khi nao", "luc nao", "bao gio", "thoi diem", "cham nhat", "truoc khi", "sau khi", "bao lau phai"),
    "basis": ("can cu", "dieu nao", "dieu may", "luat nao", "nghi dinh", "van ban nao", "quy dinh tai"),
    "who": ("ai", "co quan nao", "don vi nao", "chu tri", "phoi hop", "trach nhiem", "phu trach", "quan ly"),
    "report": ("bao cao", "gui ve", "gui ke hoach", "han gui", "han nop"),  # before "result": "báo cáo kết quả"
    "target": ("muc tieu", "chi tieu", "phan dau", "can dat", "phai dat", "dat tu"),
    "result": ("ket qua", "xep hang", "xep thu", "dat duoc", "nam truoc", "duoc bao nhieu", "dat bao nhieu",
               "bao nhieu diem", "dung thu", "thu may", "hang may", "tang bao nhieu", "giam bao nhieu"),
    "issued": ("ban hanh", "ngay nao", "so hieu", "so may", "so bao nhieu", "ky ngay", "ngay ky"),
    "tasks": ("nhiem vu", "viec gi", "lam gi", "giao cho", "giao viec"),
    "deadline": ("han chot", "xong truoc", "hoan thanh truoc", "truoc ngay nao", "phai xong", "han nao",
                 "den han", "han hoan thanh", "khi nao xong", "han cuoi"),
}


def aspects(question: str) -> list[str]:
    """The aspects a question names, in the order of ASPECTS."""
    text = f" {normalize(question)} "
    return [name for name, words in ASPECTS.items() if any(f" {w} " in text for w in words)]
