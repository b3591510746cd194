"""How people name a plan: by its places, most local first ('duyen hai', 'tra vinh'), and by its number ('72' of
72/KH-UBND). Plan questions find the plan a question names with these; search marks the entries about one plan."""

from __future__ import annotations

from functools import lru_cache

from content.models import Plan
from storage.org import place_key


@lru_cache(maxsize=1024)
def _place_keys(commune: str | None, district: str | None, province: str) -> tuple[str, ...]:
    return tuple(place_key(place) for place in (commune, district, province) if place)


def places(p: Plan) -> tuple[str, ...]:
    """A plan's places, most local first, as people name them: 'duyen hai', 'dak plo', 'dong thap'."""
    return _place_keys(p.commune, p.district, p.province)


def number(p: Plan) -> str | None:
    """The plan's own number without its suffix: '172' of 172/KH-UBND; None when the text leaves it blank."""
    return p.number.split("/")[0] if p.number else None


def names(p: Plan) -> tuple[str, ...]:
    """Every way a question names the plan: its places and its number."""
    own = number(p)
    return places(p) + ((own,) if own else ())
