"""Resolve a commune and a unit as an admin types them ("dak plo", "van phong hdnd-ubnd xa") to the names the
plans and the database use, creating them only when asked to."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from content.loader import KnowledgeBase
from handlers.reports.assignments import known_communes
from handlers.scores.province_names import province_in
from storage import org
from storage.db import Db

COMMUNE_MAX, UNIT_MAX = 100, 150  # the longest known names are under 40 characters


class NotFound(Exception):
    """A name that matches nothing known; the message lists what is known."""


class BadName(NotFound):
    """A name no commune or unit can have (too long, control characters, no letter): nothing is looked up."""


def checked(name: str, what: str, limit: int) -> str:
    """The name with its spaces tidied, or BadName saying what is wrong (never echoing a huge name back)."""
    name = name.strip()
    if len(name) > limit:
        size = f"{len(name):,}".replace(",", ".")
        raise BadName(f"Tên {what} dài {size} ký tự, vượt quá {limit} ký tự. Hãy gõ tên ngắn gọn.")
    if any(unicodedata.category(ch).startswith("C") for ch in name):  # control, invisible or unassigned
        raise BadName(f"Tên {what} có ký tự điều khiển hoặc ký tự ẩn. Hãy gõ lại tên trên một dòng.")
    if not any(ch.isalpha() for ch in name):
        raise BadName(f"Tên {what} phải có chữ cái.")
    return " ".join(name.split())


@dataclass(frozen=True)
class Place:
    province: str
    district: str | None
    commune: str


async def commune(
    db: Db, kb: KnowledgeBase, name: str, province: str | None, create: bool,
    district: str | None = None,
) -> Place:
    name = checked(name, "xã", COMMUNE_MAX)
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
        return Place(province_name, district.strip() if district else None, name)
    hint = "; thêm --province TỈNH --create để tạo xã mới" if not create else "; cần nêu --province"
    raise NotFound(f"Không tìm thấy xã «{name}»{hint}.")


async def unit_name(db: Db, kb: KnowledgeBase, place: Place, name: str, create: bool) -> str:
    """The name of the commune's unit as its plan or the database knows it, or the new name when `create`;
    reads only, so a conversation can remember it and create it once the admin confirms."""
    name = checked(name, "đơn vị", UNIT_MAX)
    known = [org.COMMUNE_UNIT]
    for c in known_communes(kb):
        if org.place_key(c.name) == org.place_key(place.commune):
            known += c.units
    found = await org.find_commune(db, place.commune, place.province)
    if found:
        known += [u.name for u in await org.units(db, place.province) if u.commune_id == found[0][0]]
    exact = next((k for k in known if org.same_unit(k, name)), None)
    if exact is None:
        best = process.extractOne(org.unit_key(name), {k: org.unit_key(k) for k in known},
                                  scorer=fuzz.token_sort_ratio, score_cutoff=85)
        exact = best[2] if best else None
    if exact is None and not create:
        listing = "; ".join(dict.fromkeys(known))
        raise NotFound(f"Không tìm thấy đơn vị «{name}» ở xã {place.commune}. Các đơn vị đã biết: {listing}. "
                       "Thêm --create để tạo đơn vị mới.")
    return exact or name


async def ensure(db: Db, place: Place, name: str) -> org.Unit:
    """The commune and its unit, created if new (joining the caller's transaction, if any)."""
    commune_id = await org.ensure_commune(db, place.province, place.district, place.commune)
    return await org.ensure_unit(db, place.province, commune_id, name)


async def unit(db: Db, kb: KnowledgeBase, place: Place, name: str, create: bool) -> org.Unit:
    """The unit of the commune, created (with the commune) if new: for the one-step command line."""
    return await ensure(db, place, await unit_name(db, kb, place, name, create))
