"""Ground-truth labels for the anomalies the world generator injects on purpose."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

AnomalyKind = Literal[
    "burst",
    "duplicate_order",
    "amount_outlier",
    "commission_rate_outlier",
    "void_spike",
    "repeat_customer",
    "bill_mismatch",
]
ANOMALY_KINDS: tuple[AnomalyKind, ...] = (
    "burst",
    "duplicate_order",
    "amount_outlier",
    "commission_rate_outlier",
    "void_spike",
    "repeat_customer",
    "bill_mismatch",
)


@dataclass(frozen=True)
class Anomaly:
    """One injected anomaly.

    order_ids: every order the anomaly consists of (a duplicated id appears once; empty for `bill_mismatch`,
    whose unit is the bill named in `detail`). month: `YYYY-MM` of the anomaly. detail: kind-specific facts
    (times, factors, bill id and amounts), JSON-safe.
    """

    kind: AnomalyKind
    order_ids: tuple[str, ...]
    partner_id: int
    month: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["order_ids"] = list(self.order_ids)
        return record
