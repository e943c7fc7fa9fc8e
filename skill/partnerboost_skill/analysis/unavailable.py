"""Withholding what the data does not contain: a platform without order values (or clicks, or new-customer
flags) must answer "not available", never zero.

`withhold(result, lacking)` takes any answer and the measures its platform lacks, and:
- sales: every money figure derived from order values (sales, ROAS, ROI, AOV, effective commission rate,
  shares and changes of sales, order amounts) becomes None; the recommendations and comparisons that read
  them are left out; top contributors rank by commission instead;
- new_customers: the new-customer share becomes None;
- partner_attributes: the media's structure (by type, channel, country, group) is left out;
- clicks: nothing to blank (the provider gave no click rows, so clicks and conversion are None already);
then lists them in `unavailable` with one note. Pure: no platform is named here.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from partnerboost_skill.analysis.partners import TOP_CONTRIBUTORS
from partnerboost_skill.analysis.results import (
    AbnormalOrder,
    Answer,
    CurrencyFigures,
    GroupChange,
    Measure,
    MediumFigures,
    OrderMonitor,
    PartnerMedia,
    PerformanceReview,
    PeriodComparison,
)

ResultT = TypeVar("ResultT", bound=Answer)
MEASURES: tuple[Measure, ...] = ("sales", "clicks", "new_customers", "partner_attributes")
SALES_FIELDS = ("sales", "roas", "roi", "aov", "effective_commission_rate", "share_of_sales",
                "previous_sales", "sales_change")
SALES_METRICS = frozenset({"sales", "roas", "roi", "aov", "effective_commission_rate", "share_of_sales"})
SALES_RULES = frozenset({"scale", "cut", "concentration"})
SALES_FLAGS = frozenset({"amount_outlier", "commission_rate_outlier"})
WORDS = {
    "sales": "order values (sales, ROAS, ROI, AOV)",
    "clicks": "clicks (and conversion)",
    "new_customers": "new-customer flags",
    "partner_attributes": "partner types, channels, countries and devices",
}


def _walk(value: Any) -> Iterable[BaseModel]:
    """Every model inside `value` (fields, lists, dict values), depth first."""
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)


def _without_sales(result: Answer) -> None:
    for model in list(_walk(result)):
        if isinstance(model, CurrencyFigures):
            for name in SALES_FIELDS:
                setattr(model, name, None)
        elif isinstance(model, AbnormalOrder):
            model.amount = None
            model.flags = [flag for flag in model.flags if flag.code not in SALES_FLAGS]
        elif isinstance(model, GroupChange):
            model.changes = [c for c in model.changes if c.metric not in SALES_METRICS]
        elif isinstance(model, MediumFigures):
            model.sales = {}
    if isinstance(result, PerformanceReview):
        result.concentration = []
        result.recommendations = [r for r in result.recommendations if r.kind not in SALES_RULES]
    elif isinstance(result, PeriodComparison):
        result.changes = [c for c in result.changes if c.metric not in SALES_METRICS]
    elif isinstance(result, OrderMonitor):
        for code in SALES_FLAGS:
            result.abnormal_counts.pop(code, None)
        result.abnormal_orders = [o for o in result.abnormal_orders if o.flags]
    elif isinstance(result, PartnerMedia):
        result.top_contributors = _top_by_commission(result.media)


def _top_by_commission(media: list[MediumFigures]) -> dict[str, list[MediumFigures]]:
    currencies = sorted({currency for m in media for currency in m.commission})
    return {currency: _top_earners(media, currency) for currency in currencies}


def _top_earners(media: list[MediumFigures], currency: str) -> list[MediumFigures]:
    earning = [m for m in media if m.commission.get(currency, Decimal(0)) > 0]
    return sorted(earning, key=lambda m: (-m.commission[currency], m.name))[:TOP_CONTRIBUTORS]


def withhold(result: ResultT, lacking: Iterable[str]) -> ResultT:
    """`result` with the lacking measures blanked (see the module docstring) and listed in `unavailable`."""
    missing = [measure for measure in MEASURES if measure in set(lacking)]
    if not missing:
        return result
    if "sales" in missing:
        _without_sales(result)
    if "new_customers" in missing and isinstance(result, OrderMonitor):
        result.new_customer_share = None
    if "partner_attributes" in missing and isinstance(result, PartnerMedia):
        result.structure = {}
    result.unavailable = missing
    words = ", ".join(WORDS[measure] for measure in missing)
    result.notes.append(f"not in this data: {words}; shown as n/a, never as zero")
    return result
