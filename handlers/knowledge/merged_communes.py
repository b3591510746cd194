"""What became of one commune in the 2025 arrangement ("xã tôi sáp nhập với xã nào, tên xã mới là gì, trụ sở ở
đâu"): the knowledge base holds the 34 provinces and their former provinces, not which communes were merged into
which, nor their names or seats, so the question is declined plainly rather than answered by the entry on where
notices go up or on merged provinces' scores."""

from __future__ import annotations

import re

from handlers.core.messages import Reply

# The merger and the commune side by side ("nhập với xã nào", "tên xã mới", "trụ sở xã mới ở đâu"), not a merger
# and a commune anywhere: "sáp nhập tỉnh rồi thì xã nào được khảo sát", "trụ sở UBND xã mới có phải niêm yết"
_ASKS = re.compile(r"\b(?:sap nhap|nhap|hop nhat) (?:voi|vao|thanh)(?: \w+){0,3} (?:xa|phuong) nao\b"
                   r"|\bten (?:cua )?(?:xa|phuong) moi\b|\b(?:xa|phuong) moi (?:ten (?:la )?gi|la gi|co ten)\b"
                   r"|\btru so (?:cua )?(?:xa|phuong) moi (?:o|dat o|nam o) (?:dau|cho nao)\b")
DECLINE = (
    "Trợ lý chưa có danh sách sắp xếp từng xã, phường năm 2025 (xã cũ nhập vào xã nào, tên và trụ sở của xã mới). "
    "Bạn hãy hỏi UBND xã, phường hoặc xem thông báo chính thức của tỉnh.\n"
    "Trợ lý có: 34 tỉnh, thành phố từ 1/7/2025 và các tỉnh cũ đã nhập vào mỗi tỉnh (gõ /diem kèm tên tỉnh)."
)


def asks(norm: str) -> bool:
    """A question about a commune's own merger: which commune it joined, its new name or seat."""
    return _ASKS.search(norm) is not None


def decline() -> Reply:
    return Reply(DECLINE, kind="decline")
