"""Commission check: a period's commissions (those accrued in it) by status and currency, what is owed,
what was reversed, per partner, and what needs a look. Platform-agnostic: it reads the commission ledger
(records.commissions), whichever platform it came from.

Definitions (per currency, exact from integer cents): owed = accrued + approved (earned, not yet paid, not
reversed); reversal rate = reversed commissions ÷ all commissions. Flags:
- reversal spike: a partner reversing far more of its commissions than the programme (the rule below);
- after revocation: commissions accrued after the partner's relationship ended (attribution should have
  skipped them; hold or reverse them).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

import numpy as np
import pandas as pd

from partnerboost_skill.analysis import metrics
from partnerboost_skill.analysis.results import (
    CommissionCheck,
    CommissionFlag,
    CommissionTotals,
    PartnerCommissions,
    PeriodEcho,
)
from partnerboost_skill.analysis.review import chance_of_at_least
from partnerboost_skill.periods import Period
from partnerboost_skill.records.commissions import COMMISSION_STATUSES

SPIKE_MIN_COMMISSIONS = 10
"""Reversal spike: a partner with at least this many commissions in the period ..."""
SPIKE_MIN_RATE = 0.20
"""... reversing at least 20 % of them ..."""
SPIKE_MIN_RATIO = 2.0
"""... at least twice the programme's reversal rate ..."""
SPIKE_MAX_CHANCE = 0.01
"""... and that many reversals would happen by chance less than 1 % of the time at the programme's rate."""
MAX_IDS = 20
THRESHOLDS: dict[str, float] = {
    "spike_min_commissions": SPIKE_MIN_COMMISSIONS,
    "spike_min_rate": SPIKE_MIN_RATE,
    "spike_min_ratio": SPIKE_MIN_RATIO,
    "spike_max_chance": SPIKE_MAX_CHANCE,
}


def _sums(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per key: commissions and cents per status."""
    data = pd.DataFrame({key: frame[key].astype(str).to_numpy(dtype=object) for key in keys})
    status = frame["status"].astype(str).to_numpy(dtype=object)
    cents = frame["amount_cents"].to_numpy(dtype=np.int64)
    data["commissions"] = 1
    for name in COMMISSION_STATUSES:
        hit = status == name
        data[f"{name}_n"] = hit.astype(np.int64)
        data[f"{name}_cents"] = np.where(hit, cents, 0)
    return data.groupby(keys, sort=True).sum()


def _totals(row: pd.Series, currency: str) -> CommissionTotals:
    cents = {name: int(row[f"{name}_cents"]) for name in COMMISSION_STATUSES}
    return CommissionTotals(
        currency=currency,
        commissions=int(row["commissions"]),
        counts={name: int(row[f"{name}_n"]) for name in COMMISSION_STATUSES},
        accrued=metrics.money(cents["accrued"]),
        approved=metrics.money(cents["approved"]),
        paid=metrics.money(cents["paid"]),
        reversed=metrics.money(cents["reversed"]),
        owed=metrics.money(cents["accrued"] + cents["approved"]),
        reversal_rate=metrics.ratio(int(row["reversed_n"]), int(row["commissions"])),
    )


def check_commissions(commissions: pd.DataFrame, period: Period, *, now: datetime) -> CommissionCheck:
    """The commissions accrued in `period`, with the statuses known at `now`."""
    chosen = metrics.in_period(commissions, period, column="accrued_at").reset_index(drop=True)
    notes: list[str] = []
    if chosen.empty:
        notes.append(f"no commissions accrued in {period.label}")
    totals = [] if chosen.empty else [
        _totals(row, str(currency)) for currency, row in _sums(chosen, ["currency"]).iterrows()
    ]
    partners = _partners(chosen)
    flags = [*_spikes(chosen, partners), *_after_end(chosen)]
    if period.as_of is not None:
        notes.append(f"{period.label} is not over yet: commissions accrued later in it are not included")
    return CommissionCheck(
        period=PeriodEcho.of(period),
        as_of=now,
        totals=totals,
        partners=partners,
        flags=flags,
        thresholds=THRESHOLDS,
        notes=notes,
    )


def _partners(chosen: pd.DataFrame) -> list[PartnerCommissions]:
    if chosen.empty:
        return []
    names = dict(zip(chosen["partner_id"].astype(str), chosen["partner_name"].astype(str), strict=True))
    ended = chosen.drop_duplicates(subset=["partner_id"]).set_index("partner_id")["partner_ended_at"]
    result = []
    for key, row in _sums(chosen, ["partner_id", "currency"]).iterrows():
        partner_id, currency = cast(tuple[str, str], key)
        totals = _totals(row, str(currency))
        moment = ended.get(partner_id)
        result.append(PartnerCommissions(
            partner_id=str(partner_id), partner_name=names.get(str(partner_id), ""), currency=str(currency),
            commissions=totals.commissions, accrued=totals.accrued, approved=totals.approved,
            paid=totals.paid, reversed=totals.reversed, owed=totals.owed, reversal_rate=totals.reversal_rate,
            ended_at=None if moment is None or pd.isna(moment) else pd.Timestamp(moment).to_pydatetime(),
        ))
    result.sort(key=lambda p: (p.currency, -p.owed, -p.commissions, p.partner_name, p.partner_id))
    return result


def _spikes(chosen: pd.DataFrame, partners: list[PartnerCommissions]) -> list[CommissionFlag]:
    """Partners reversing far more than the programme (counted over all currencies)."""
    if chosen.empty:
        return []
    reversed_ = chosen["status"].astype(str).to_numpy() == "reversed"
    programme = float(reversed_.mean())
    by_partner = pd.DataFrame({"partner": chosen["partner_id"].astype(str).to_numpy(dtype=object),
                               "reversed": reversed_}).groupby("partner")["reversed"].agg(["size", "sum"])
    names = {p.partner_id: p.partner_name for p in partners}
    flags = []
    for partner_id, row in by_partner.iterrows():
        n, k = int(row["size"]), int(row["sum"])
        rate = k / n
        if n < SPIKE_MIN_COMMISSIONS or rate < SPIKE_MIN_RATE or rate < SPIKE_MIN_RATIO * programme:
            continue
        chance = chance_of_at_least(k, n, programme) if programme > 0 else 0.0
        if chance >= SPIKE_MAX_CHANCE:
            continue
        mine = chosen[(chosen["partner_id"].astype(str) == partner_id).to_numpy() & reversed_]
        flags.append(CommissionFlag(
            code="reversal_spike", partner_id=str(partner_id), partner_name=names.get(str(partner_id), ""),
            commissions=k, amount=None,
            detail=f"{k} of {n} commissions reversed ({rate:.0%}; the programme reverses {programme:.1%})",
            commission_ids=sorted(mine["commission_id"].astype(str))[:MAX_IDS],
            evidence={"reversed": k, "commissions": n, "reversal_rate": round(rate, 6),
                      "programme_rate": round(programme, 6),
                      "chance_at_programme_rate": float(f"{chance:.3g}")},
        ))
    flags.sort(key=lambda f: -float(f.evidence["reversal_rate"] or 0))
    return flags


def _after_end(chosen: pd.DataFrame) -> list[CommissionFlag]:
    """Commissions accrued after their partner's relationship ended, per partner and currency."""
    ended = chosen["partner_ended_at"]
    late = chosen[(ended.notna() & (chosen["accrued_at"] > ended)).to_numpy()]
    flags = []
    for (partner_id, currency), group in late.groupby(["partner_id", "currency"], sort=True):
        end = pd.Timestamp(group["partner_ended_at"].iloc[0])
        cents = int(group["amount_cents"].sum())
        counted = group["status"].astype(str).value_counts().sort_index()
        statuses = ", ".join(f"{n} {status}" for status, n in counted.items())
        flags.append(CommissionFlag(
            code="after_revocation", partner_id=str(partner_id),
            partner_name=str(group["partner_name"].iloc[0]), currency=str(currency),
            commissions=len(group), amount=metrics.money(cents),
            detail=f"{len(group)} commission(s) of {metrics.money(cents)} {currency} accrued after the "
                   f"partner was revoked on {end:%Y-%m-%d %H:%M} UTC ({statuses})",
            commission_ids=sorted(group["commission_id"].astype(str))[:MAX_IDS],
            evidence={"commissions": len(group), "revoked_at": end.isoformat(),
                      "first_after": pd.Timestamp(group["accrued_at"].min()).isoformat()},
        ))
    return flags
