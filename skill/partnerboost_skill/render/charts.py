"""PNG charts for chat, drawn headless with matplotlib (Agg): readable on a phone.

- review: sales and ROAS per group, side by side, in the main currency (top groups + "Other").
- orders: orders per day, with the days that have flagged orders marked and counted.

Large fonts, few bars, labelled axes, the currency in the axis title. matplotlib is optional: without it
`ChartUnavailable` is raised and the caller skips the chart with a note.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from partnerboost_skill.analysis.results import CurrencyFigures, OrderMonitor, PerformanceReview
from partnerboost_skill.render import doc_common as common
from partnerboost_skill.render import escape, i18n
from partnerboost_skill.render.chart_path import write_png
from partnerboost_skill.render.doc_review import shown_groups
from partnerboost_skill.render.i18n import Lang

TOP_GROUPS = 5
DPI = 150
WIDTH_IN = 8.0
FONT = 15
_CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC",
    "Hiragino Sans GB", "Noto Sans CJK TC", "Noto Sans CJK JP", "Arial Unicode MS",
)
"""Font families that draw Simplified Chinese, best first (Debian: `apt-get install fonts-noto-cjk`)."""
_CJK_FILE = re.compile(
    r"(?i)cjk|sourcehan|wqy|wenquanyi|droidsansfallback|simhei|msyh|pingfang|hiragino|stheiti|notosanssc|arialuni"
)
_BAR = "#2f6db5"
_BAR_OTHER = "#9bb3d1"
_ROAS = "#2f9e6b"
_FLAG = "#d1452f"


class ChartUnavailable(RuntimeError):
    """matplotlib is not installed."""


@dataclass(frozen=True)
class DayCount:
    day: date
    orders: int


_LABELS: dict[str, dict[Lang, str]] = {
    "review_title": {"en": "Sales and ROAS by {group}", "zh": "按{group}的销售额与 ROAS"},
    "sales_axis": {"en": "Sales ({cur})", "zh": "销售额（{cur}）"},
    "roas_axis": {"en": "ROAS (×)", "zh": "ROAS（倍）"},
    "orders_title": {"en": "Orders per day", "zh": "每日订单"},
    "orders_axis": {"en": "Orders", "zh": "订单数"},
    "day_axis": {"en": "Day ({tz})", "zh": "日期（{tz}）"},
    "flagged": {"en": "Days with flagged orders (count)", "zh": "有异常订单的日期（数量）"},
    "other": {"en": "Other", "zh": "其他"},
    "earlier": {"en": "Earlier", "zh": "更早"},
    "so_far": {"en": "(so far)", "zh": "（截至目前）"},
}


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ChartUnavailable("matplotlib is not installed") from None
    matplotlib.use("Agg", force=True)
    return matplotlib


def _chart_lang(lang: Lang) -> tuple[Lang, list[str]]:
    """Chinese labels only when a CJK font is installed (otherwise they would print as boxes)."""
    cjk = list(cjk_fonts())
    if lang == "zh" and cjk:
        return "zh", [*cjk, "DejaVu Sans"]
    return "en", ["DejaVu Sans", *cjk]


@lru_cache(maxsize=1)
def cjk_fonts() -> tuple[str, ...]:
    """The installed font families that draw Chinese, best first.

    matplotlib lists fonts from a cache built on its first run; a CJK font installed later is missing from it.
    Then its files are added and the cache is written again, once, so later runs find the font straight away.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    found = _known_cjk(manager)
    if found:
        return found
    files = [path for path in font_manager.findSystemFonts() if _CJK_FILE.search(Path(path).name)]
    if not files:
        return ()
    for path in files:
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
    found = _known_cjk(manager)
    if found:
        cache = Path(_matplotlib().get_cachedir(), f"fontlist-v{font_manager.FontManager.__version__}.json")
        try:
            font_manager.json_dump(manager, cache)
        except OSError as exc:
            logging.getLogger("partnerboost").debug("matplotlib font cache not rewritten: %s", exc)
    return found


def _known_cjk(manager: Any) -> tuple[str, ...]:
    installed = {font.name for font in manager.ttflist}
    return tuple(name for name in _CJK_FONTS if name in installed)


def labels_language(lang: Lang) -> Lang:
    """The language a chart asked for in `lang` is labelled in: English when no CJK font is installed
    (the caller says so next to the chart)."""
    try:
        _matplotlib()
    except ChartUnavailable:
        return lang
    return _chart_lang(lang)[0]


@lru_cache(maxsize=8)
def _covered(fonts: tuple[str, ...]) -> frozenset[int]:
    """The code points the fonts can draw."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    points: set[int] = set()
    for name in fonts:
        try:
            path = font_manager.findfont(name, fallback_to_default=False)
        except ValueError:
            continue
        points.update(FT2Font(path).get_charmap())
    return frozenset(points)


def _label(key: str, lang: Lang, **values: object) -> str:
    return _LABELS[key][lang].format(**values)


def _plain(text: object, fonts: Sequence[str], fallback: str, width: int = 18) -> str:
    """API text as a chart label: one clean line, short, `$` kept literal (no mathtext), and only
    characters the fonts can draw (no boxes); `fallback` (e.g. the id) when too little of it is drawable."""
    covered = _covered(tuple(fonts))
    cleaned = escape.clean(text, 60)
    drawable = " ".join("".join(c for c in cleaned if ord(c) in covered or c.isspace()).split())
    if drawable != cleaned and sum(c.isalnum() for c in drawable) < 3:
        drawable = fallback
    return escape.fit_width(drawable, width).replace("$", r"\$")


def _style(fonts: list[str]) -> Any:
    """Chart fonts for the duration of one drawing (rcParams are process-wide; this restores them)."""
    style = {"font.size": FONT, "font.family": "sans-serif", "font.sans-serif": fonts}
    return _matplotlib().rc_context(style)


def _figure(height: float) -> Any:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    figure.set_facecolor("white")
    return figure


def _short_money(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.2f}{suffix}"
    return f"{value:,.0f}"


def _save(figure: Any, path: Path) -> Path:
    """Only a regular .png file, never through a link, never over anything but an earlier chart."""

    def draw(temp: str) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            figure.savefig(temp, format="png", dpi=DPI)

    return write_png(path, draw)


def review_chart(review: PerformanceReview, path: Path, lang: Lang = "en", top: int = TOP_GROUPS) -> Path:
    """Sales (bars) and ROAS (bars) per group in the main currency: the top groups and "Other"."""
    _matplotlib()
    lang, fonts = _chart_lang(lang)
    with _style(fonts):
        return _save(_review_figure(review, lang, top, fonts), path)


def _sales(figures: CurrencyFigures) -> Decimal:
    """A group's sales (the review chart is drawn only where the platform reports order values)."""
    if figures.sales is None:
        raise ValueError("the review chart needs sales; this platform reports none")
    return figures.sales


def _review_figure(review: PerformanceReview, lang: Lang, top: int, fonts: list[str]) -> Any:
    cur = common.main_currency(review.totals) or "USD"
    with_money = review.model_copy(update={"groups": [g for g in review.groups if cur in g.money]})
    shown, rest = shown_groups(with_money, cur, top)
    labels, sales, roas = [], [], []
    for group in shown:
        known = i18n.name(i18n.VALUE_NAMES, group.key, lang)
        labels.append(known or _plain(group.label, fonts, fallback=f"ID {group.key}"))
        sales.append(float(_sales(group.money[cur])))
        roas.append(group.money[cur].roas)
    colors = [_BAR] * len(labels)
    if rest:
        rest_sales = sum((_sales(g.money[cur]) for g in rest), Decimal(0))
        rest_commission = sum((g.money[cur].commission for g in rest), Decimal(0))
        name = _label("earlier" if review.group_by == "month" else "other", lang)
        # "Other" closes the list; "Earlier" months open it, so the months stay in calendar order.
        at = 0 if review.group_by == "month" else len(labels)
        labels.insert(at, f"{name} ({len(rest)})")
        sales.insert(at, float(rest_sales))
        roas.insert(at, float(rest_sales / rest_commission) if rest_commission else None)
        colors.insert(at, _BAR_OTHER)

    rows = max(len(labels), 1)
    figure = _figure(2.2 + 0.75 * rows)
    left, right = figure.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 2]})
    positions = list(range(rows))[::-1][: len(labels)]
    left.barh(positions, sales, color=colors, height=0.6)
    left.set_yticks(positions, labels, fontsize=FONT)
    left.set_xlabel(_label("sales_axis", lang, cur=cur), fontsize=FONT)
    left.set_xlim(0, max(sales, default=1) * 1.35 or 1)
    for y, value in zip(positions, sales, strict=True):
        left.text(value, y, f" {_short_money(value)}", va="center", fontsize=FONT - 1)
    roas_values = [value or 0.0 for value in roas]
    right.barh(positions, roas_values, color=_ROAS, height=0.6)
    right.set_xlabel(_label("roas_axis", lang), fontsize=FONT)
    right.set_xlim(0, max(roas_values, default=1) * 1.35 or 1)
    for y, ratio in zip(positions, roas, strict=True):
        label = " n/a" if ratio is None else f" {ratio:.1f}"
        right.text(ratio or 0.0, y, label, va="center", fontsize=FONT - 1)
    for axis in (left, right):
        axis.spines[["top", "right"]].set_visible(False)
        axis.tick_params(axis="x", labelsize=FONT - 3)
        _few_ticks(axis)
    grouped_by = i18n.name(i18n.GROUP_NAMES, review.group_by, lang) or review.group_by
    period = i18n.period_label(review.period.start, review.period.end, review.period.label, lang)
    figure.suptitle(f"{_label('review_title', lang, group=grouped_by)}\n{period} ({review.period.timezone})",
                    fontsize=FONT + 3, fontweight="bold")
    return figure


def _tick(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:g}{suffix}"
    return f"{value:g}"


def _few_ticks(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.xaxis.set_major_locator(MaxNLocator(nbins=3))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _tick(value)))


def flagged_days(monitor: OrderMonitor) -> dict[date, int]:
    """Flagged orders per local day (orders that are only voided do not count as anomalies)."""
    zone = ZoneInfo(monitor.period.timezone)
    days: Counter[date] = Counter()
    for order in monitor.abnormal_orders:
        if any(flag.code != "voided" for flag in order.flags):
            days[order.time.astimezone(zone).date()] += 1
    return dict(days)


def orders_chart(monitor: OrderMonitor, daily: list[DayCount], path: Path, lang: Lang = "en",
                 today: date | None = None) -> Path:
    """Orders per day as bars; days with flagged orders get a red marker and the count. `today` (local) is
    drawn lighter and labelled "so far": it is not over yet."""
    _matplotlib()
    lang, fonts = _chart_lang(lang)
    with _style(fonts):
        return _save(_orders_figure(monitor, daily, lang, today), path)


def _orders_figure(monitor: OrderMonitor, daily: list[DayCount], lang: Lang, today: date | None) -> Any:
    days = sorted(daily, key=lambda d: d.day)
    flagged = flagged_days(monitor)
    figure = _figure(5.2)
    axis = figure.subplots()
    xs = list(range(len(days)))
    counts = [d.orders for d in days]
    colors = [_BAR_OTHER if today is not None and d.day >= today else _BAR for d in days]
    axis.bar(xs, counts, color=colors, width=0.7, label=_label("orders_axis", lang))
    top = max(counts, default=1) or 1
    marked_x = [x for x, d in zip(xs, days, strict=True) if flagged.get(d.day)]
    if marked_x:
        heights = [counts[x] + top * 0.06 for x in marked_x]
        axis.scatter(marked_x, heights, marker="v", s=160, color=_FLAG, zorder=3,
                     label=_label("flagged", lang))
        for x, height in zip(marked_x, heights, strict=True):
            axis.text(x, height + top * 0.04, str(flagged[days[x].day]), ha="center", color=_FLAG,
                      fontsize=FONT - 1, fontweight="bold")
    step = max(1, round(len(days) / 7))
    so_far = f"\n{_label('so_far', lang)}"
    day_format = "%m-%d" if lang == "zh" else "%b %d"
    names = [d.day.strftime(day_format) + (so_far if d.day == today else "") for d in days]
    axis.set_xticks(xs[::step], names[::step], fontsize=FONT - 3)
    axis.set_ylim(0, top * 1.3)
    axis.set_ylabel(_label("orders_axis", lang), fontsize=FONT)
    axis.set_xlabel(_label("day_axis", lang, tz=monitor.period.timezone), fontsize=FONT - 1)
    axis.spines[["top", "right"]].set_visible(False)
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=FONT - 3, frameon=False)
    period = i18n.period_label(monitor.period.start, monitor.period.end, monitor.period.label, lang)
    figure.suptitle(f"{_label('orders_title', lang)} · {period}", fontsize=FONT + 3, fontweight="bold")
    return figure


def default_path(cache_dir: Path, kind: str, start: date, end: date, extra: str = "") -> Path:
    """Where an automatic chart goes: the cache's charts folder, or the temp dir if that is not writable."""
    name = f"{kind}-{start.isoformat()}-{end.isoformat()}{'-' + extra if extra else ''}.png"
    for folder in (cache_dir.expanduser() / "charts", Path(tempfile.gettempdir()) / "partnerboost-charts"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder / name
    return Path(tempfile.gettempdir()) / name
