"""`people import FILE`: the officials a Sở already lists (họ tên, điện thoại, tỉnh, xã, đơn vị, vai trò; Zalo or
Telegram id if known), each stored once by phone number with the role and unit of that row, and given a one-time
code bound to them (or linked directly to the Zalo or Telegram id the list gives). All or nothing: every problem
is reported with its row and column, and nothing is saved unless the whole file is valid; the same file twice
changes nothing (no new person, no new code while the first is still valid)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from handlers.org import sheet
from handlers.org.errors import vietnamese
from handlers.org.importer import Invalid
from handlers.people import places as place_names
from handlers.people.phones import shown
from handlers.people.rows import FIELDS, KEYS, OPTIONAL, Row
from storage import directory, org
from storage.db import Db, transaction
from storage.directory import Entry, Listed

MAX_ROWS = 50_000  # the whole country's commune officials (~33,000) fit in one file
VALID_DAYS = 30  # a list's codes go out by post and by Zalo groups: longer than /moi's seven days
CHANNELS = ("zalo", "telegram")

__all__ = ["Invalid", "Person", "Result", "import_file"]


@dataclass(frozen=True)
class Person:
    """A row as it is stored now, and the code this import gave them (None: registered already, or a code
    still valid from an earlier import)."""

    row: int
    entry: Entry
    unit: org.Unit | None
    code: str | None = None


@dataclass
class Result:
    people: list[Person] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0  # identities given by the list
    kept_revoked: list[str] = field(default_factory=list)  # rows of people an admin revoked: left as they are
    expires: dt.datetime | None = None

    @property
    def coded(self) -> list[Person]:
        return [p for p in self.people if p.code]


Problems = list[tuple[int, str]]


async def import_file(db: Db, path: Path, now: dt.datetime, days: int = VALID_DAYS, reissue: bool = False) -> Result:
    """What the import did; sheet.Refused for a file that cannot be read, Invalid for bad rows."""
    table = sheet.read(path, FIELDS, OPTIONAL, max_rows=MAX_ROWS)
    rows, problems = _rows(table)
    known = await directory.listed(db, now)
    people, moved = await _resolve(db, table, rows, known, problems)
    if problems:
        raise Invalid([text for _, text in sorted(problems, key=lambda p: p[0])])
    return await _save(db, people, known, moved, now, days, reissue)


def _rows(table: sheet.Table) -> tuple[list[tuple[int, Row]], Problems]:
    out: list[tuple[int, Row]] = []
    problems: Problems = []
    for number, cells in table.rows:
        values = {key: table.cell(cells, label) for key, label in KEYS.items() if label in table.columns}
        try:
            out.append((number, Row.model_validate(values)))
        except ValidationError as exc:
            for error in exc.errors():
                header = table.columns[KEYS[str(error["loc"][0])]].header
                problems.append((number, f"{table.where(number)}, cột «{header}»: {vietnamese(error)}"))
    return out, problems


class _Checks:
    """Row by row: the places, and each phone number and channel id named once in the file."""

    def __init__(self, table: sheet.Table, places: place_names.Places, known: dict[str, Listed],
                 owners: dict[str, dict[str, directory.Owner]], problems: Problems) -> None:
        self.table, self.places, self.known, self.owners, self.problems = table, places, known, owners, problems
        self.phones: dict[str, int] = {}
        self.ids: dict[tuple[str, str], int] = {}
        self.moved: set[int] = set()

    def fail(self, number: int, field_name: str, text: str) -> None:
        header = self.table.columns[field_name].header
        self.problems.append((number, f"{self.table.where(number)}, cột «{header}»: {text}"))

    def person(self, number: int, row: Row) -> Person | None:
        first = self.phones.setdefault(row.phone, number)
        if first != number:
            self.fail(number, "điện thoại", f"số {shown(row.phone)} đã có ở dòng {first} (mỗi người một dòng).")
            return None
        try:
            province = self.places.province(row.province)
        except place_names.Unknown as unknown:
            self.fail(number, "tỉnh", str(unknown))
            return None
        try:
            unit = self._unit(row, province)
        except place_names.Unknown as unknown:
            self.fail(number, unknown.args[1], unknown.args[0])
            return None
        links = self._links(number, row)
        if links is None:
            return None
        entry = Entry(row.phone, row.name, row.role, unit.id if unit else None, province, links)
        return Person(number, entry, unit)

    def _unit(self, row: Row, province: str) -> org.Unit | None:
        """The row's unit; or Unknown(message, column)."""
        if not row.commune:
            if row.role == "admin":
                return None  # a Sở's admin covers the province
            raise place_names.Unknown("ô trống: cán bộ, lãnh đạo phải thuộc một đơn vị của xã.", "xã")
        try:
            commune = self.places.commune(province, row.commune)
        except place_names.Unknown as unknown:
            raise place_names.Unknown(str(unknown), "xã") from None
        if not row.unit:
            raise place_names.Unknown(f"ô trống: cần tên đơn vị của {commune.name}.", "đơn vị")
        try:
            return self.places.unit(commune, row.unit)
        except place_names.Unknown as unknown:
            raise place_names.Unknown(str(unknown), "đơn vị") from None

    def _links(self, number: int, row: Row) -> tuple[tuple[str, str], ...] | None:
        """The (channel, id) pairs to give this person; None (and a problem) when one belongs to someone else."""
        mine = self.known.get(row.phone)
        out: list[tuple[str, str]] = []
        for channel in CHANNELS:
            external = getattr(row, channel)
            if external is None:
                continue
            first = self.ids.setdefault((channel, external), number)
            owner = self.owners[channel].get(external)
            had = [e for c, e in mine.identities if c == channel] if mine else []
            if first != number:
                self.fail(number, channel, f"mã {external} đã có ở dòng {first}.")
                return None
            if owner is not None and (mine is None or owner.person_id != mine.id):
                if owner.role != "citizen" or owner.phone is not None:
                    self.fail(number, channel, f"tài khoản {external} đã là của người dùng #{owner.person_id} "
                              "khác.")
                    return None
                self.moved.add(owner.person_id)
            if had and external not in had:
                self.fail(number, channel, f"người này đã gắn tài khoản {channel} khác ({had[0]}).")
                return None
            if external not in had:
                out.append((channel, external))
        return tuple(out)


async def _resolve(db: Db, table: sheet.Table, rows: list[tuple[int, Row]], known: dict[str, Listed],
                   problems: Problems) -> tuple[list[Person], set[int]]:
    places = await place_names.Places.read(db)
    owners = {c: await directory.owners(db, c, [getattr(r, c) for _, r in rows if getattr(r, c)]) for c in CHANNELS}
    checks = _Checks(table, places, known, owners, problems)
    people = [p for number, row in rows if (p := checks.person(number, row)) is not None]
    return people, checks.moved


async def _save(db: Db, people: list[Person], known: dict[str, Listed], moved: set[int], now: dt.datetime,
                days: int, reissue: bool) -> Result:
    result = Result(expires=now + dt.timedelta(days=days))
    added: list[Entry] = []
    changed: list[tuple[int, Entry]] = []
    kept: list[Person] = []
    for person in people:
        entry, before = person.entry, known.get(person.entry.phone)
        if before is None:
            added.append(entry)
        elif before.role == "citizen":  # revoked by an admin since an earlier import: an old list restores nobody
            result.kept_revoked.append(f"Dòng {person.row}: {entry.name} ({shown(entry.phone)}) đã bị thu hồi quyền "
                                       f"(người dùng #{before.id}), giữ nguyên.")
            continue
        elif (before.role, before.unit_id, before.province, before.name) != \
                (entry.role, entry.unit_id, entry.province, entry.name):
            changed.append((before.id, entry))
        else:
            result.unchanged += 1
        kept.append(person)
    result.added, result.updated = len(added), len(changed)
    async with transaction(db) as tx:
        ids = await directory.save(tx, added, changed, now)
        links = [(ids[p.entry.phone], c, e) for p in kept for c, e in p.entry.identities]
        await directory.attach(tx, links, moved, now)
        result.linked = len(links)
        due = [(ids[p.entry.phone], p.entry) for p in kept if _needs_code(p, known, reissue)]
        codes = await directory.issue(tx, due, now, dt.timedelta(days=days), replace=reissue)
    result.people = [Person(p.row, p.entry, p.unit, codes.get(ids[p.entry.phone])) for p in kept]
    return result


def _needs_code(person: Person, known: dict[str, Listed], reissue: bool) -> bool:
    """Whoever cannot reach the bot as themselves yet: no identity (none before, none in the list), and no code
    still valid from an earlier import (unless the operator asks for new ones)."""
    before = known.get(person.entry.phone)
    if person.entry.identities or (before and before.identities):
        return False
    return reissue or before is None or not before.live_code
