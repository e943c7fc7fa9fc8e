"""What a dialect is: every way it departs from the default records, as one frozen dataclass of traits.

A dialect serves the same world as the default sandbox. The default handlers build their records first; the
dialect then renames, nests, drops and re-formats fields (docs/contracts.md "Sandbox dialects") and may change
one convention of the requests (exclusive end bounds). Field maps name a default field and where it goes:
a dotted path nests it (`"publisher.id"`), a tuple writes it to several places, None drops it. Fields a map
does not name keep their default name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, Literal

Target = str | tuple[str, ...] | None
FieldMap = Mapping[str, Target]

TimeStyle = Literal["unix", "unix_text", "unix_ms", "local_text", "iso_offset"]
"""unix: 1762146309 · unix_text: "1762146309" · unix_ms: 1762146309000 · local_text: "2026-11-03 14:05:09"
in `time_zone`, no offset · iso_offset: "2026-11-02T22:05:09-08:00" in `time_zone`."""

MoneyStyle = Literal["decimal", "number", "symbol", "locale", "code"]
"""decimal: "1234.56" · number: 1234.56 (JSON number) · symbol: "$1,234.56", "£1,234.56", "€1,234.56" ·
locale: "$1,234.56", "£1,234.56", "1.234,56 €" (the euro written the continental way) ·
code: "USD 1234.56"."""

VoidCommission = Literal["keep", "null", "absent"]
"""What a void order's commission is: the default figure, JSON null, or no field at all."""

BoolStyle = Literal["int", "bool", "yes_no"]
IdStyle = Literal["int", "text"]
MediumKey = Literal["channel_id", "medium_code", "partner_id"]
"""Which of a partner's identities the performance rows' medium key carries."""
MoneyMap = Literal["map", "list"]
"""Money per currency as {"USD": ...} or as [{"currency": "USD", "amount": ...}]."""
BillPeriod = Literal["month", "dates", "compact"]
"""A bill's month as "2026-10", as first and last day ("2026-10-01", "2026-10-31"), or as "202610"."""
ZoneStyle = Literal["iana", "display"]
"""The account's time zone as "America/Los_Angeles" or "(UTC-08:00) America/Los_Angeles"."""


def _empty() -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Dialect:
    """One way PartnerBoost might really shape its records. The defaults are the default sandbox's shape."""

    name: str
    summary: str
    """One line: what it looks like."""
    plausible: str = ""
    """Why a real PartnerBoost (or an API like it) might answer this way."""

    # --- conventions -----------------------------------------------------------------------------------
    exclusive_end: bool = False
    """trans_time_end, end_date and time_end exclude their end second (list4, list_stats, performance,
    bills)."""

    # --- value formats (every endpoint) ----------------------------------------------------------------
    time_style: TimeStyle = "unix"
    time_zone: str = "UTC"
    money_style: MoneyStyle = "decimal"
    bool_style: BoolStyle = "int"
    id_style: IdStyle = "int"

    # --- orders (list4, nearly_list) -------------------------------------------------------------------
    order_fields: FieldMap = field(default_factory=_empty)
    statuses: Mapping[str, str] = field(default_factory=_empty)
    """Default order status → the dialect's word; two statuses may share a word (then see paid_flag)."""
    status_codes: Mapping[str, int] = field(default_factory=_empty)
    """Default order status → a numeric code written as the status; the word then goes to status_label."""
    status_label: str | None = None
    paid_flag: str | None = None
    """A field saying 1/0 whether the order is paid (for dialects whose status merges effective and paid)."""
    void_commission: VoidCommission = "keep"
    unbilled: Any = 0
    """The bill id of an order not billed yet (0, None, "")."""

    # --- list_stats ------------------------------------------------------------------------------------
    stats_fields: FieldMap = field(default_factory=_empty)

    # --- performance rows (list_v2, charts_v2, charts_total) ------------------------------------------
    performance_fields: FieldMap = field(default_factory=_empty)
    medium_key: MediumKey = "channel_id"
    money_map: MoneyMap = "map"

    # --- bills (billing_list) --------------------------------------------------------------------------
    bill_fields: FieldMap = field(default_factory=_empty)
    bill_period: BillPeriod = "month"
    bill_period_fields: tuple[str, str] = ("start_date", "end_date")
    """Where the first and last day go when bill_period is "dates"."""
    bill_fee_bp: int | None = None
    """A service fee of this many basis points of the commission; the bill then carries commission, fee and
    their total in the fields bill_fields names for "amount", "fee" and "total"."""
    bill_statuses: Mapping[str, str] = field(default_factory=_empty)

    # --- account_info and the brand's publisher list ---------------------------------------------------
    account_fields: FieldMap = field(default_factory=_empty)
    zone_style: ZoneStyle = "iana"
    publisher_fields: FieldMap = field(default_factory=_empty)
    publisher_statuses: Mapping[str, str] = field(default_factory=_empty)

    def __post_init__(self) -> None:
        if self.status_codes and not self.status_label:
            raise ValueError(f"dialect {self.name}: status_codes need a status_label field for the word")
        if self.bill_fee_bp is not None and not {"fee", "total"} <= set(self.bill_fields):
            raise ValueError(f"dialect {self.name}: a bill fee needs bill_fields for 'fee' and 'total'")

    @cached_property
    def is_default(self) -> bool:
        return self.traits() == {}

    def traits(self) -> dict[str, Any]:
        """Every trait that differs from the default shape (for the docs and the test ids)."""
        default = Dialect(name=self.name, summary=self.summary, plausible=self.plausible)
        skip = {"name", "summary", "plausible"}
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in skip and getattr(self, f.name) != getattr(default, f.name)
        }
