"""Chinese chart labels: a CJK font installed after matplotlib built its font cache is found (and the cache
rewritten), and drawing warns about nothing, whichever fonts this machine has."""

from __future__ import annotations

import copy
import json
import logging
import warnings
from datetime import date
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from render_support import monitor, review

from partnerboost_skill.render import charts

STAND_IN = "DejaVu Sans Mono"
"""Plays the CJK font (the tests must pass on a machine without one): the same code path, a font every
matplotlib ships."""


@pytest.fixture
def fresh_font_lookup() -> object:
    charts.cjk_fonts.cache_clear()
    yield
    charts.cjk_fonts.cache_clear()


@pytest.mark.usefixtures("fresh_font_lookup")
def test_a_font_missing_from_a_stale_cache_is_added_and_the_cache_rewritten(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = font_manager.findfont(STAND_IN, fallback_to_default=False)
    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [font for font in font_manager.fontManager.ttflist if font.name != STAND_IN]
    monkeypatch.setattr(font_manager, "fontManager", stale)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: ["/nowhere/Other.ttf", path])
    monkeypatch.setattr(charts, "_CJK_FONTS", (STAND_IN,))
    monkeypatch.setattr(charts, "_CJK_FILE", charts.re.compile(r"DejaVuSansMono"))
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))

    assert charts.cjk_fonts() == (STAND_IN,)
    assert charts.labels_language("zh") == "zh"
    (cache,) = tmp_path.glob("fontlist-v*.json")
    assert STAND_IN in {font["name"] for font in json.loads(cache.read_text())["ttflist"]}


@pytest.mark.usefixtures("fresh_font_lookup")
def test_no_cjk_font_anywhere_means_english_labels_and_no_rewrite(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(charts, "_CJK_FONTS", ("No Such CJK Font",))
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    assert charts.cjk_fonts() == ()
    assert charts.labels_language("zh") == "en"
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_drawing_warns_about_nothing(
    lang: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No "findfont: Font family … not found" (one per missing family and weight) and no missing-glyph
    warnings: only installed families are asked for, bold titles included."""
    names = ["深圳推广", "Daily Savings Club", "@leo.cozy.nest"]
    day = [charts.DayCount(date(2026, 11, 14 + i), 300 + i) for i in range(7)]
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.review_chart(review(names), tmp_path / "r.png", lang)  # type: ignore[arg-type]
        charts.orders_chart(monitor(names), day, tmp_path / "o.png", lang)  # type: ignore[arg-type]
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")]
    messages = [str(w.message) for w in caught]
    assert not [m for m in messages if "font" in m.lower() or "glyph" in m.lower()]
