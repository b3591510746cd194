"""The commands people can type, with the Vietnamese descriptions shown in menus and in /help."""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = frozenset({"citizen", "official", "leader", "admin"})


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    roles: frozenset[str] = ALL_ROLES


COMMANDS: tuple[Command, ...] = (
    Command("start", "Bắt đầu và xem menu"),
    Command("help", "Hướng dẫn sử dụng"),
    Command("chiso", "Các chỉ số nội dung PAPI"),
    Command("congkhai", "Những gì xã phải công khai"),
    Command("kehoach", "Kế hoạch nâng cao PAPI và mục tiêu"),
    Command("diem", "Điểm PAPI của các tỉnh"),
    Command("huy", "Hủy thao tác đang làm"),
)


def for_role(role: str) -> list[Command]:
    return [c for c in COMMANDS if role in c.roles]


def parse(text: str) -> tuple[str, str] | None:
    """'/chiso@PapiBot 5' -> ('chiso', '5'); None when the text is not a command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return (name, rest.strip()) if name else None
