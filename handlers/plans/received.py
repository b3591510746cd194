"""A plan file received from an admin, in chat (`upload.py`) or on the admin pages (bot/channels/web/admin/
plans.py): its name made safe, the file read and checked as `plan import --dry-run` does, and who may publish
it. One reader and one scope rule, so the two ways in give the same answers."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from handlers.org import sheet
from handlers.plans import importer, reading
from storage import plans as stored_plans
from storage.db import Db
from storage.org import same_place
from storage.people import Person

FALLBACK = "ke-hoach"  # the name on disk of a file whose own name has no suffix ("..", "ke hoach")


class NotRead(Exception):
    """The file is refused or its rows have problems; nothing is saved. `note` is the first line."""

    def __init__(self, note: str, problems: list[str] | None = None) -> None:
        super().__init__(note)
        self.note = note
        self.problems = problems or []


def safe_name(raw: str | None) -> str:
    """The file's own name, without folders or unusual characters (it is shown and kept as the source)."""
    name = PurePosixPath((raw or FALLBACK).replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isalnum() or ch in " ._-()")[-120:].strip() or FALLBACK


def in_scope(person: Person, province: str) -> bool:
    """An admin publishes their province's plans; a bootstrap admin of ADMIN_IDS any province's."""
    return person.everywhere or same_place(person.province, province)


def too_big(size: int) -> str | None:
    if size <= sheet.MAX_BYTES:
        return None
    return f"{size / 1024 / 1024:.1f} MB, lớn quá {sheet.MAX_BYTES // 1024 // 1024} MB."


async def read(db: Db, person: Person, name: str, data: bytes) -> importer.Outcome:
    """The file checked, nothing saved; raises NotRead with what the admin is shown."""
    if (big := too_big(len(data))) is not None:
        raise NotRead(f"Tệp {name}: {big} Chưa có gì được lưu.")
    defaults = {"province": person.province or ""}  # a province admin's file need not name its province
    with tempfile.TemporaryDirectory(prefix="ke-hoach-") as folder:
        # a name without a suffix ("..", "."): written under a plain one, and refused by its missing suffix
        path = Path(folder) / (name if PurePosixPath(name).suffix else FALLBACK)
        path.write_bytes(data)
        try:
            return await importer.read(db, path, defaults=defaults)
        except reading.Refused as refused:
            raise NotRead(f"Tệp {name} không nhận được: {refused} Chưa có gì được lưu.") from None
        except importer.Invalid as bad:
            problems = bad.parsed.problems
            raise NotRead(f"Tệp {name} chưa nhập được, chưa có gì được lưu ({len(problems)} lỗi):",
                          problems) from None


def out_of_scope(person: Person, name: str, province: str) -> str:
    return (f"Kế hoạch trong tệp {name} là của tỉnh {province}; bạn quản trị tỉnh {person.province}, nên chỉ "
            "nhập được kế hoạch của tỉnh mình.")


async def active_version(db: Db, plan_id: str) -> int | None:
    """The plan's version in force now (a preview remembers it: publishing after another was is refused)."""
    return next((p.version for p in await stored_plans.active_any_day(db) if p.id == plan_id), None)


def overtaken(plan_id: str, seen: int | None, now: int | None) -> str:
    before = f"phiên bản {seen}" if seen is not None else "chưa có phiên bản nào"
    after = f"phiên bản {now}" if now is not None else "không còn phiên bản nào"
    return (f"Chưa công bố gì: từ lúc bạn xem trước (khi đó {before} đang áp dụng), kế hoạch {plan_id} đã đổi "
            f"({after} đang áp dụng). Hãy tải tệp lên lại để xem trước so với bản đang áp dụng.")
