"""The charts are rendered and inspected: PNG size, drawn content, and no glyph missing from the font.

matplotlib warns "Glyph N (…) missing from font(s) …" when a character cannot be drawn (it then draws an
empty box), and logs "findfont: …" when it falls back to another font; either fails these tests.
"""

from __future__ import annotations

import io
import logging
import struct
import warnings
from collections.abc import Callable

import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.image import imread

from content.loader import KnowledgeBase
from handlers.core.messages import Reply
from handlers.files import charts
from handlers.files.pool import here
from handlers.scores.router import Scores

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)


@pytest.fixture(scope="module")
def scores(kb: KnowledgeBase) -> Scores:
    return Scores(kb)


def size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
    return width, height


def render_checked(draw: Callable[[], Reply], caplog: pytest.LogCaptureFixture) -> Reply:
    """Draw with every warning recorded; fail on a missing glyph or a font fallback."""
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, "matplotlib"):
        warnings.simplefilter("always")
        answer = here(draw())  # drawn in this process, where the warnings can be caught
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message) or "font" in str(w.message).lower()]
    assert glyphs == []
    assert [r.getMessage() for r in caplog.records if "findfont" in r.getMessage()] == []
    return answer


def inked(png: bytes, rgb: str) -> float:
    """Share of pixels within a small distance of a colour, to see that a series was actually drawn."""
    pixels = imread(io.BytesIO(png))[..., :3]
    target = [int(rgb[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    close = (abs(pixels - target) < 0.06).all(axis=-1)
    return float(close.mean())


CHARTS: dict[str, Callable[[Scores], Reply]] = {
    "radar Kon Tum 2023": lambda s: s.radar("Kon Tum", 2023),
    "radar Đồng Tháp 2024 with score targets": lambda s: s.radar("Đồng Tháp", 2024),
    "radar Khánh Hòa 2023 with group targets": lambda s: s.radar("Khánh Hòa", 2023),
    "radar Kon Tum 2015, six dimensions": lambda s: s.radar("Kon Tum", 2015),
    "trend Đồng Tháp, with gaps and a target": lambda s: s.trend("Đồng Tháp"),
    "trend Hồ Chí Minh": lambda s: s.trend("Hồ Chí Minh"),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_renders_whole(scores: Scores, name: str, caplog: pytest.LogCaptureFixture) -> None:
    answer = render_checked(lambda: CHARTS[name](scores), caplog)
    assert answer.image is not None and answer.image_name and answer.image_name.endswith(".png")
    assert size(answer.image) == (750, 750)
    assert 20_000 < len(answer.image) < 400_000
    assert inked(answer.image, charts.COLORS[0]) > 0.002  # the province's own line was drawn
    assert "Nguồn" in answer.text


def test_plan_targets_are_drawn_on_the_radar(scores: Scores) -> None:
    with_targets = here(scores.radar("Đồng Tháp", 2024)).image
    without = here(scores.radar("Kon Tum", 2023)).image
    assert with_targets is not None and without is not None
    # dong-thap-2024.yaml has a score target for every dimension in 2024: the red dotted line is there
    assert inked(with_targets, charts.COLORS[3]) > 0.001
    assert inked(without, charts.COLORS[3]) < 0.0002


def test_year_with_missing_dimensions_is_not_drawn(scores: Scores) -> None:
    # CSV: Đồng Tháp 2018 has no D2 and D4
    answer = scores.radar("Đồng Tháp", 2018)
    assert answer.image is None and answer.render is None and "thiếu điểm chỉ số 2, 4" in answer.text


def test_font_has_every_vietnamese_letter_and_label() -> None:
    font = FT2Font(font_manager.findfont(charts.FONT, fallback_to_default=False))
    charmap = font.get_charmap()
    labels = "".join(charts.SHORT.values()) + "".join(label for _, label, _ in charts.PARTS) + "–−≥·"
    missing = {c for c in VIETNAMESE + VIETNAMESE.upper() + labels if c.strip() and ord(c) not in charmap}
    assert missing == set()


def test_every_vietnamese_letter_renders_without_warning(caplog: pytest.LogCaptureFixture) -> None:
    def draw() -> Reply:
        series = [charts.Series(VIETNAMESE, [5.0] * 8, charts.COLORS[0])]
        return Reply("", image=charts.radar(VIETNAMESE.upper()[:60], list(VIETNAMESE[:8]), series, VIETNAMESE))

    assert render_checked(draw, caplog).image


def test_the_glyph_check_catches_a_missing_glyph() -> None:
    """The check above would see a failure: a character DejaVu Sans lacks does raise the warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.radar("漢字", ["a", "b", "c"], [charts.Series("x", [2.0, 3.0, 4.0], charts.COLORS[0])])
    assert any("Glyph" in str(w.message) for w in caught)
