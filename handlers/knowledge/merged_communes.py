"""What became of one commune in the 2025 arrangement ("xã tôi sáp nhập với xã nào, tên xã mới là gì, trụ sở ở
đâu"): the knowledge base holds the 34 provinces and their former provinces, not which communes were merged into
which, nor their names or seats, so the question is declined plainly rather than answered by the entry on where
notices go up or on merged provinces' scores."""

from __future__ import annotations

import re

from handlers.core.messages import Reply

_COMMUNE = re.compile(r"\b(?:xa|phuong|thi tran)\b")
_MERGED = re.compile(r"\b(?:sap nhap|nhap voi|nhap vao|nhap chung|hop nhat|sap xep lai)\b")
_DETAIL = re.compile(r"\b(?:ten moi|ten xa moi|ten phuong moi|ten gi|tru so|voi xa nao|vao xa nao|thanh xa nao"
                     r"|voi phuong nao|vao phuong nao|xa nao|phuong nao)\b")
DECLINE = (
    "Trợ lý chưa có danh sách sắp xếp từng xã, phường năm 2025 (xã cũ nhập vào xã nào, tên và trụ sở của xã mới). "
    "Bạn hãy hỏi UBND xã, phường hoặc xem thông báo chính thức của tỉnh.\n"
    "Trợ lý có: 34 tỉnh, thành phố từ 1/7/2025 và các tỉnh cũ đã nhập vào mỗi tỉnh (gõ /diem kèm tên tỉnh)."
)


def asks(norm: str) -> bool:
    """A question about a commune's own merger: a commune, a merger and the detail asked of it."""
    return bool(_COMMUNE.search(norm) and _MERGED.search(norm) and _DETAIL.search(norm))


def decline() -> Reply:
    return Reply(DECLINE, kind="decline")
