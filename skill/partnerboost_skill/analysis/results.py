"""Typed results of the analyses: what the renderers, the MCP tools and the CLI show.

Money is `Decimal` with two places (exact, from integer cents). Money is never summed across currencies:
every money figure lives in a per-currency map (`money: {"USD": ..., "EUR": ...}`) next to the counts (clicks,
orders) that do not depend on currency. Undefined ratios (zero clicks, zero commission) are None, never
inf/NaN.
Every result echoes its resolved period and says whether the data behind it was complete.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from partnerboost_skill.periods import Period

GroupBy = Literal["channel_type", "partner", "partner_type", "country", "device", "month", "medium"]
GROUP_BY_CHOICES: tuple[str, ...] = (
    "channel_type",
    "partner",
    "partner_type",
    "country",
    "device",
    "month",
    "medium",
)
RecommendationKind = Literal["scale", "fix", "watch", "cut", "concentration"]
ReasonCode = Literal[
    "voided",
    "duplicate_order_number",
    "amount_outlier",
    "commission_rate_outlier",
    "burst",
    "repeat_customer",
    "void_spike",
]
Evidence = dict[str, float | int | str | None]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")


class PeriodEcho(_Model):
    """The exact range an answer covers."""

    start: datetime
    end: datetime
    timezone: str
    label: str
    convention: str
    phrase: str

    @classmethod
    def of(cls, period: Period) -> PeriodEcho:
        return cls(
            start=period.start,
            end=period.end,
            timezone=period.timezone,
            label=period.label,
            convention=period.convention,
            phrase=period.phrase,
        )


Measure = Literal["sales", "clicks", "new_customers", "partner_attributes"]
"""What a platform may not provide at all: order values, clicks, new-customer flags, partner types /
channels / countries / devices."""


class Answer(_Model):
    """Common to every answer: the period, and whether the data behind it was complete."""

    period: PeriodEcho
    complete: bool = True
    notes: list[str] = Field(default_factory=list)
    platform: str = Field("partnerboost", description="where the data came from: partnerboost or openpartner")
    unavailable: list[Measure] = Field(
        default_factory=list,
        description="measures this platform does not provide: their figures are null (n/a), never zero")


class CurrencyFigures(_Model):
    """Money figures of one group in one currency. Sales and commission count non-void orders only."""

    currency: str
    orders: int
    valid_orders: int
    sales: Decimal | None = Field(description="None when the platform reports no order values")
    commission: Decimal
    roas: float | None = Field(description="sales ÷ commission")
    roi: float | None = Field(description="(sales − commission) ÷ commission")
    aov: Decimal | None = Field(description="sales ÷ valid orders")
    effective_commission_rate: float | None = Field(description="commission ÷ sales")
    share_of_sales: float | None = Field(description="this group's share of all sales in this currency")
    previous_sales: Decimal | None = None
    sales_change: float | None = Field(default=None, description="relative change vs the previous period")


class GroupFigures(_Model):
    """One group's figures (or the totals): currency-independent counts plus a per-currency money map."""

    key: str
    label: str
    clicks: int | None = Field(description="None when clicks cannot be attributed to this dimension")
    orders: int
    valid_orders: int
    void_orders: int
    conversion_rate: float | None = Field(description="valid orders ÷ clicks")
    void_rate: float | None
    money: dict[str, CurrencyFigures]
    previous_valid_orders: int | None = None
    valid_orders_change: float | None = None


class Concentration(_Model):
    """The top partner's share of a currency's sales."""

    currency: str
    partner_id: str
    partner_name: str
    share_of_sales: float | None
    partners_with_sales: int


class Recommendation(_Model):
    """What to do about one group, and the figures that triggered it. The rule each kind follows is
    PerformanceReview.thresholds; what to do is worded by render (i18n.ACTIONS), in the answer's language."""

    kind: RecommendationKind
    group: str
    label: str
    currency: str | None = None
    evidence: Evidence


class PerformanceReview(Answer):
    group_by: GroupBy
    previous_period: PeriodEcho
    totals: GroupFigures
    previous_totals: GroupFigures
    groups: list[GroupFigures]
    concentration: list[Concentration]
    recommendations: list[Recommendation]
    thresholds: dict[str, float]


class OrderFlag(_Model):
    code: ReasonCode
    detail: str


class AbnormalOrder(_Model):
    order_id: str
    time: datetime
    partner_id: str
    partner_name: str
    medium: str
    currency: str
    amount: Decimal | None = Field(description="None when the platform reports no order values")
    commission: Decimal | None = Field(description="None when the order's record carried no commission")
    status: str
    flags: list[OrderFlag]


class DayOrders(_Model):
    """Orders placed on one day of the period (in the period's time zone), void ones included."""

    day: date
    orders: int
    valid_orders: int


class OrderMonitor(Answer):
    previous_period: PeriodEcho
    totals: GroupFigures
    previous_totals: GroupFigures
    new_customer_share: float | None
    best_channels: list[GroupFigures]
    abnormal_orders: list[AbnormalOrder]
    abnormal_counts: dict[str, int]
    thresholds: dict[str, float]
    daily_orders: list[DayOrders] = Field(default_factory=list)


class BillLine(_Model):
    bill_id: str
    bill_no: str
    medium: str
    medium_name: str
    month: str
    currency: str
    amount: Decimal
    order_count: int
    status: str
    payment_method: str
    payment_type: str
    created_at: datetime | None
    paid_at: datetime | None
    expected: Decimal | None = Field(description="valid commission of the orders this bill covers")
    covered_orders: int
    difference: Decimal | None = Field(description="amount − expected")
    fee: Decimal | None = Field(None, description="a fee billed on top of the commission (not in amount)")


class BillTotal(_Model):
    status: str
    currency: str
    bills: int
    amount: Decimal


class Discrepancy(_Model):
    bill_id: str
    bill_no: str
    medium: str
    medium_name: str
    currency: str
    billed: Decimal
    expected: Decimal
    difference: Decimal
    billed_orders: int
    counted_orders: int
    voided_orders: int = Field(description="orders carrying this bill id that are void now")
    note: str


class BillCheck(Answer):
    month: str
    bills: list[BillLine]
    totals_by_status: list[BillTotal]
    totals_by_currency: dict[str, Decimal]
    discrepancies: list[Discrepancy]
    matched_by: Literal["bill_id", "medium", "partner", "currency"] = Field(
        "bill_id",
        description="how bills were matched with orders: the orders' bill id, or (without one) the bill's "
        "medium or partner, month and currency; currency: only the month's totals could be compared",
    )
    reconciled: bool


class MediumFigures(_Model):
    partner_id: str
    medium: str
    medium_code: str
    name: str
    partner_type: str
    channel_type: str
    country: str
    group: str
    status: str
    joined_at: datetime | None
    active: bool
    clicks: int | None
    orders: int
    valid_orders: int
    sales: dict[str, Decimal]
    commission: dict[str, Decimal]


class Breakdown(_Model):
    value: str
    media: int
    share: float
    active: int


class PartnerMedia(Answer):
    status_filter: str | None
    derived_from_activity: bool = Field(
        description="True when no partner list was available: only media "
        "with clicks or orders in the period are shown"
    )
    media: list[MediumFigures]
    structure: dict[str, list[Breakdown]]
    active_media: int
    dormant_media: int
    top_contributors: dict[str, list[MediumFigures]]


class MetricChange(_Model):
    metric: str
    currency: str | None = None
    a: Decimal | float | int | None
    b: Decimal | float | int | None
    difference: Decimal | float | int | None
    change: float | None = Field(description="(a − b) ÷ b; None when b is zero or either side is undefined")


class GroupChange(_Model):
    key: str
    label: str
    changes: list[MetricChange]


class PeriodComparison(Answer):
    other_period: PeriodEcho
    totals: GroupFigures
    other_totals: GroupFigures
    changes: list[MetricChange]
    group_by: GroupBy
    groups: list[GroupChange]


CommissionStatus = Literal["accrued", "approved", "paid", "reversed"]
CommissionFlagCode = Literal["reversal_spike", "after_revocation"]


class CommissionTotals(_Model):
    """One currency's commissions of the period by status (exact money)."""

    currency: str
    commissions: int
    counts: dict[str, int] = Field(description="commissions per status")
    accrued: Decimal = Field(description="accrued, awaiting approval")
    approved: Decimal = Field(description="approved, awaiting payout")
    paid: Decimal
    reversed: Decimal
    owed: Decimal = Field(description="accrued + approved: earned and not yet paid or reversed")
    reversal_rate: float | None = Field(description="reversed commissions ÷ all commissions")


class PartnerCommissions(_Model):
    partner_id: str
    partner_name: str
    currency: str
    commissions: int
    accrued: Decimal
    approved: Decimal
    paid: Decimal
    reversed: Decimal
    owed: Decimal
    reversal_rate: float | None
    ended_at: datetime | None = Field(description="when the partner relationship ended (revoked), if it did")


class CommissionFlag(_Model):
    code: CommissionFlagCode
    partner_id: str
    partner_name: str
    currency: str | None = None
    commissions: int
    amount: Decimal | None
    detail: str
    commission_ids: list[str] = Field(description="the commissions concerned (at most 20)")
    evidence: Evidence


class CommissionCheck(Answer):
    """The commission ledger of a period (commissions accrued in it): per status and currency, what is owed,
    what was reversed, per partner, and what needs a look."""

    as_of: datetime = Field(description="the statuses are those known at this time")
    totals: list[CommissionTotals]
    partners: list[PartnerCommissions]
    flags: list[CommissionFlag]
    thresholds: dict[str, float]
