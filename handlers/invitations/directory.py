"""Resolve a commune and a unit as an admin types them ("dak plo", "van phong hdnd-ubnd xa") to the names the
plans and the database use, creating them only when asked to."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from content.loader import KnowledgeBase
from handlers.reports.assignments import known_communes
from handlers.scores.province_names import province_in
from storage import org
from storage.db import Database


class NotFound(Exception):
    """A name that matches nothing known; the message lists what is known."""


@dataclass(frozen=True)
class Place:
    province: str
    district: str | None
    commune: str


async def commune(
    db: Database, kb: KnowledgeBase, name: str, province: str | None, create: bool,
    district: str | None = None,
) -> Place:
    key = org.place_key(name)
    province_name = province_in(kb, province) if province else None
    if province and province_name is None:
        raise NotFound(f"Không tìm thấy tỉnh «{province}».")
    for known in known_communes(kb):
        if org.place_key(known.name) == key and province_name in (None, known.province):
            return Place(known.province, known.district, known.name)
    for _, found_name, found_province in await org.find_commune(db, name, province_name):
        return Place(found_province, None, found_name)
    if create and province_name:
        return Place(province_name, district.strip() if district else None, name.strip())
    hint = "; thêm --province TỈNH --create để tạo xã mới" if not create else "; cần nêu --province"
    raise NotFound(f"Không tìm thấy xã «{name}»{hint}.")


async def unit(db: Database, kb: KnowledgeBase, place: Place, name: str, create: bool) -> org.Unit:
    """The unit of the commune, matched against the names its plan and the database know."""
    known = [org.COMMUNE_UNIT]
    for c in known_communes(kb):
        if org.place_key(c.name) == org.place_key(place.commune):
            known += c.units
    commune_id = await org.ensure_commune(db, place.province, place.district, place.commune)
    known += [u.name for u in await org.units(db, place.province) if u.commune_id == commune_id]
    exact = next((k for k in known if org.same_unit(k, name)), None)
    if exact is None:
        best = process.extractOne(org.unit_key(name), {k: org.unit_key(k) for k in known},
                                  scorer=fuzz.token_sort_ratio, score_cutoff=85)
        exact = best[2] if best else None
    if exact is None and not create:
        listing = "; ".join(dict.fromkeys(known))
        raise NotFound(f"Không tìm thấy đơn vị «{name}» ở xã {place.commune}. Các đơn vị đã biết: {listing}. "
                       "Thêm --create để tạo đơn vị mới.")
    return await org.ensure_unit(db, place.province, commune_id, exact or name.strip())
