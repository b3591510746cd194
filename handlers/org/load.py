"""`org load`: the official map into the database, one province per transaction (a few milliseconds each, so
a running bot's conversations hardly wait), each commune with the template's units for its kind."""

from __future__ import annotations

from collections.abc import Callable

from handlers.org import official
from handlers.org.template import UnitsTemplate
from storage import divisions
from storage.db import Db
from storage.divisions import Commune, Province, Tally


async def load_map(db: Db, template: UnitsTemplate, province: Province | None = None,
                   progress: Callable[[int], object] | None = None) -> Tally:
    """Every province, or one; what is already there (found by its code) is kept, never renamed or removed."""
    tally = Tally()
    for p in [province] if province else official.provinces():
        communes = [Commune(c.name, c.code, template.for_kind(c.kind)) for c in official.communes(p.code)]
        tally.add(await divisions.ensure(db, p.name, p, communes, official.shared_keys(p.code)))
        if progress is not None:
            progress(1)
    return tally


def summary(tally: Tally, verb: str) -> str:
    """One line: 'Đã nạp: 1 tỉnh/thành phố (thêm 1, đã có 0), 38 xã (…), 228 đơn vị (…).'"""
    def part(label: str, added: int, kept: int) -> str:
        return f"{_n(added + kept)} {label} (thêm {_n(added)}, đã có {_n(kept)})"

    return (f"{verb}: " + ", ".join((
        part("tỉnh/thành phố", tally.provinces_added, tally.provinces_kept),
        part("xã, phường, đặc khu", len(tally.communes_added), len(tally.communes_kept)),
        part("đơn vị", len(tally.units_added), len(tally.units_kept)),
    )) + ".")


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # 3.321, as Vietnamese write it
