"""Charts: real phone-sized PNGs drawn headless; hostile names cannot break them; no matplotlib, no crash."""

from __future__ import annotations

import struct
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from render_support import HOSTILE_NAMES, monitor, review

from partnerboost_skill.render import charts
from partnerboost_skill.render.chart_path import chart_target

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def days(count: int = 7) -> list[charts.DayCount]:
    return [charts.DayCount(date(2026, 11, 14 + i), 300 + 10 * i) for i in range(count)]


def test_review_chart_is_a_wide_enough_png(tmp_path: Path) -> None:
    path = charts.review_chart(review([f"Partner {i}" for i in range(30)]), tmp_path / "r.png")
    assert path == (tmp_path / "r.png").resolve() and path.stat().st_size > 10_000
    width, height = png_size(path)
    assert width >= 1000 and height >= 500


def test_review_chart_survives_hostile_names_and_zh(tmp_path: Path) -> None:
    names = [*HOSTILE_NAMES, "$x^2$ \\frac{1}{0}", "深圳推广"]
    for lang in ("en", "zh"):
        path = charts.review_chart(review(names), tmp_path / f"h-{lang}.png", lang)  # type: ignore[arg-type]
        png_size(path)


def test_orders_chart_marks_flagged_days(tmp_path: Path) -> None:
    result = monitor(["A", "B", "C", "D"])
    flagged = charts.flagged_days(result)
    assert sum(flagged.values()) == 4 and set(flagged) <= {d.day for d in days()}
    path = charts.orders_chart(result, days(), tmp_path / "o.png")
    width, _ = png_size(path)
    assert width >= 1000 and path.stat().st_size > 10_000


def test_flagged_days_count_local_days_and_ignore_plain_voids() -> None:
    result = monitor(["A", "B"])
    result.period.timezone = "Asia/Shanghai"
    result.abnormal_orders[0].time = datetime(2026, 11, 14, 20, 0, tzinfo=UTC)  # Nov 15 in Shanghai
    result.abnormal_orders[1].flags[0].code = "voided"
    assert charts.flagged_days(result) == {date(2026, 11, 15): 1}


def test_chart_writes_atomically_into_a_new_folder_inside_the_cache(tmp_path: Path) -> None:
    target = chart_target(tmp_path / "deep" / "er" / "chart.png", cache_dir=tmp_path)
    charts.review_chart(review(), target)
    assert [p.name for p in target.parent.iterdir()] == ["chart.png"]


def test_default_path_falls_back_when_the_cache_is_not_writable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    path = charts.default_path(blocker, "review", date(2026, 8, 1), date(2026, 11, 1), "channel_type-en")
    assert path.name == "review-2026-08-01-2026-11-01-channel_type-en.png"
    assert blocker not in path.parents


def test_missing_matplotlib_raises_chart_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(charts.ChartUnavailable):
        charts.review_chart(review(), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def drawn_labels(monkeypatch: pytest.MonkeyPatch, result: object, lang: str = "en") -> list[str]:
    """The group labels a review chart draws (top to bottom), read from the figure itself."""
    figures: list[object] = []
    monkeypatch.setattr(charts, "_save", lambda figure, path: figures.append(figure) or path)
    charts.review_chart(result, Path("unused.png"), lang)  # type: ignore[arg-type]
    (figure,) = figures
    left = figure.axes[0]  # type: ignore[attr-defined]
    ticks = sorted(zip(left.get_yticks(), (t.get_text() for t in left.get_yticklabels()), strict=True))
    return [text for _, text in reversed(ticks)]


def test_chart_labels_only_use_characters_the_font_can_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    names = ["绿色优惠日报", "小红书 Anna 美妆", "💄💄💄", "Daily $avings"]
    labels = drawn_labels(monkeypatch, review(names))
    if charts.labels_language("zh") == "en":  # no CJK font here: what cannot be drawn is left out
        drawable = set(FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap())
        for label in labels:
            assert all(ord(c) in drawable or c.isspace() for c in label), label
        assert labels[:4] == ["ID 1000", "Anna", "ID 1002", r"Daily \$avings"]


def test_a_chart_by_month_keeps_calendar_order(monkeypatch: pytest.MonkeyPatch) -> None:
    result = review([f"2026-{m:02d}" for m in range(12, 0, -1)], group_by="month")
    keyed = [g.model_copy(update={"key": g.label}) for g in result.groups]
    result = result.model_copy(update={"groups": keyed})
    labels = drawn_labels(monkeypatch, result)
    assert labels == ["Earlier (7)", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]


def test_chinese_day_labels_are_numeric(monkeypatch: pytest.MonkeyPatch) -> None:
    figures: list[object] = []
    monkeypatch.setattr(charts, "_save", lambda figure, path: figures.append(figure) or path)
    # as if a CJK font were installed
    monkeypatch.setattr(charts, "_chart_lang", lambda lang: (lang, ["DejaVu Sans"]))
    charts.orders_chart(monitor(["A"]), days(), Path("unused.png"), "zh")
    (figure,) = figures
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]  # type: ignore[attr-defined]
    assert labels[0] == "11-14" and not any("Nov" in label for label in labels)
