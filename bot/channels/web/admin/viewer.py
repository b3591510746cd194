"""Who is looking at an admin page, and what they may see: the same rules as the chat commands. An admin sees
their province (a bootstrap admin of ADMIN_IDS every province, while listed); a leader their commune. Decided
once per request, from the session cookie, before the page reads anything."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.commands import BY_NAME
from storage import org, people
from storage.db import Db
from storage.people import Person

WEB = BY_NAME["web"]


@dataclass(frozen=True)
class Viewer:
    person: Person
    province: str | None  # None: every province (a bootstrap admin)
    commune_id: int | None = None  # a leader: their commune only
    commune: str | None = None

    @property
    def scope(self) -> str:
        if self.commune:
            return f"{self.commune} ({self.province})"
        return self.province or "tất cả các tỉnh"


async def viewer(db: Db, person_id: int, admins: frozenset[str]) -> Viewer | None:
    """The viewer, or None when the person may no longer use the pages (role revoked, unit gone)."""
    found = await people.get(db, person_id)
    if found is None:
        return None
    listed = any(f"{c}:{e}" in admins for c, e in await people.identities(db, found.id))
    person = Person(found.id, found.role, found.unit_id, found.province, everywhere=listed and found.is_admin)
    if not WEB.allows(person):
        return None
    if person.role == "admin":
        return Viewer(person, None if person.everywhere and person.province is None else person.province)
    unit = await org.get_unit(db, person.unit_id) if person.unit_id is not None else None
    if unit is None or unit.commune_id is None:
        return None
    return Viewer(person, unit.province, unit.commune_id, unit.commune)
