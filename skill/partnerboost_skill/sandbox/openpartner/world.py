"""The sandbox's OpenPartner tenant: the PartnerBoost world's brand running a second program on OpenPartner.

Deterministic for a world: its partners are the first OpenPartner-eligible partners of the PartnerBoost
world (same names and emails; joined → activated, pending → invited, terminated → revoked), and their
commissions are drawn from the world's seed over the last `days` days before the world's `now`, in
OpenPartner's record shape (shared/reference/openpartner-api.md): ULID ids, decimal-string amounts, ISO 8601
UTC times.

Lifecycle against `now`: a commission is `accrued`, becomes `approved` once its campaign's holdback has passed
(plus a few days of review), and `paid` by the payout run on the 1st of the next month; about 6 % are
`reversed` during the holdback. Injected anomalies (`anomalies`): a reversal spike (one partner reverses
almost half of its commissions in the last complete month) and commissions accrued after a partner was
revoked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

TENANT_ID = "01JCSANDBOXTENANT000000000"
TENANT_SLUG = "sandbox-brand"
N_PARTNERS = 36
DAYS = 200
COMMISSIONS_PER_DAY = 20.0
REVERSAL_SHARE = 0.06
SPIKE_REVERSAL_SHARE = 0.45
AFTER_REVOCATION = 5
APPROVAL_DAYS = (0, 6)
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    holdback_days: int


CAMPAIGNS = (
    Campaign("01JC0CAMPAIGNEVERGREEN0001", "Evergreen", 30),
    Campaign("01JC0CAMPAIGNCREATORS00002", "Creators 2026", 14),
)
CAMPAIGN_WEIGHTS = (0.7, 0.3)


@dataclass
class OpenPartnerTenant:
    """The tenant's records exactly as the API serves them (dicts), plus the injected anomalies."""

    now: datetime
    partners: list[dict[str, Any]]
    commissions: list[dict[str, Any]]
    """Newest accrual first, as OpenPartner lists them."""
    anomalies: list[dict[str, Any]] = field(default_factory=list)
    slug: str = TENANT_SLUG
    tenant_id: str = TENANT_ID


def ulid(moment_ms: int, entropy: int) -> str:
    """A ULID (26 Crockford base32 characters: 48-bit time in ms, then 80 bits of `entropy`)."""
    value = (moment_ms & ((1 << 48) - 1)) << 80 | (entropy & ((1 << 80) - 1))
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def iso(moment: datetime | pd.Timestamp) -> str:
    """ISO 8601 in UTC with milliseconds, as JavaScript's toISOString writes it."""
    stamp = pd.Timestamp(moment).tz_convert("UTC")
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def _ms(moment: pd.Timestamp) -> int:
    return int(moment.value // 1_000_000)


def _entropy(rng: np.random.Generator) -> int:
    high, low = (int(x) for x in rng.integers(0, 2**40, size=2))
    return high << 40 | low


def generate_tenant(
    world: Any, *, days: int = DAYS, per_day: float = COMMISSIONS_PER_DAY
) -> OpenPartnerTenant:
    """The tenant of a PartnerBoost sandbox `World` (deterministic for the world's seed and now)."""
    now = pd.Timestamp(world.config.now).tz_convert("UTC")
    seed = int(hashlib.sha256(f"openpartner:{world.config.seed}".encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    partners, weights = _partners(world.partners, now, rng)
    commissions = _commissions(partners, weights, now, days, per_day, rng)
    anomalies = [
        _reversal_spike(commissions, partners, now, rng),
        _after_revocation(commissions, partners, now, rng),
    ]
    commissions.sort(key=lambda c: (c["accruedAt"], c["id"]), reverse=True)
    return OpenPartnerTenant(now=now.to_pydatetime(), partners=partners, commissions=commissions,
                             anomalies=anomalies)


def _partners(
    source: pd.DataFrame, now: pd.Timestamp, rng: np.random.Generator
) -> tuple[list[dict[str, Any]], np.ndarray]:
    eligible = source[source["status"].isin(["joined", "pending", "terminated"])].head(N_PARTNERS)
    partners: list[dict[str, Any]] = []
    weights = []
    sizes = (rng.permutation(len(eligible)) + 1.0) ** -0.6
    for size, row in zip(sizes, eligible.to_dict("records"), strict=True):
        status = str(row["status"])
        joined = row["joined_at"] if status != "pending" else None
        created = (pd.Timestamp(joined) if joined is not None and not pd.isna(joined)
                   else now - pd.Timedelta(days=int(rng.integers(2, 40))))
        created = created - pd.Timedelta(days=int(rng.integers(1, 6)), seconds=int(rng.integers(0, 86_400)))
        revoked = row["terminated_at"] if status == "terminated" else None
        activated = None if status == "pending" or joined is None else pd.Timestamp(joined)
        partner: dict[str, Any] = {
            "id": ulid(_ms(created), _entropy(rng)),
            "tenantId": TENANT_ID,
            "email": str(row["email"]).lower(),
            "name": str(row["name"]),
            "metadata": {},
            "createdAt": iso(created),
            "updatedAt": iso(pd.Timestamp(revoked) if revoked is not None else activated or created),
            "activatedAt": None if activated is None else iso(activated),
            "revokedAt": None if revoked is None else iso(pd.Timestamp(revoked)),
            "revokeReason": None if revoked is None else "Terms violation: coupon leakage",
        }
        partners.append(partner)
        weights.append(0.0 if status == "pending" else float(size))
    return partners, np.asarray(weights)


def _active_between(partners: list[dict[str, Any]], moments_ms: np.ndarray) -> np.ndarray:
    """[moment, partner] → whether the partner was active (activated, not yet revoked) then."""
    never = np.iinfo(np.int64).max
    activated = np.array([_ms_of(p["activatedAt"], never) for p in partners], dtype=np.int64)
    revoked = np.array([_ms_of(p["revokedAt"], never) for p in partners], dtype=np.int64)
    at = moments_ms[:, None]
    return (activated[None, :] <= at) & (at < revoked[None, :])


def _ms_of(moment: str | None, default: int) -> int:
    return default if moment is None else _ms(pd.Timestamp(moment))


def _commissions(
    partners: list[dict[str, Any]], weights: np.ndarray, now: pd.Timestamp, days: int, per_day: float,
    rng: np.random.Generator,
) -> list[dict[str, Any]]:
    day_ms = 86_400_000
    first = _ms(now.normalize()) - days * day_ms
    starts = first + np.arange(days + 1, dtype=np.int64) * day_ms
    weekend = pd.to_datetime(starts, unit="ms", utc=True).day_of_week.to_numpy() >= 5
    counts = rng.poisson(per_day * np.where(weekend, 1.15, 1.0))
    active = _active_between(partners, starts)
    revoked = np.array([_ms_of(p["revokedAt"], np.iinfo(np.int64).max) for p in partners], dtype=np.int64)
    now_ms = _ms(now)
    records: list[dict[str, Any]] = []
    for day, count in enumerate(counts):
        p = np.where(active[day], weights, 0.0)
        if count == 0 or p.sum() <= 0:
            continue
        chosen = rng.choice(len(partners), size=int(count), p=p / p.sum())
        times = starts[day] + rng.integers(0, day_ms, size=int(count))
        for index, accrued in zip(chosen, times, strict=True):
            if accrued < min(now_ms, revoked[index]):  # attribution skips a partner once revoked
                records.append(_commission(partners[int(index)], int(accrued), now_ms, rng))
    return records


def _iso_ms(moment_ms: int) -> str:
    stamp = datetime.fromtimestamp(moment_ms // 1000, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment_ms % 1000:03d}Z"


def _commission(
    partner: dict[str, Any], accrued_ms: int, now_ms: int, rng: np.random.Generator,
    *, reversed_: bool | None = None,
) -> dict[str, Any]:
    day_ms, hour_ms = 86_400_000, 3_600_000
    campaign = CAMPAIGNS[0 if rng.random() < CAMPAIGN_WEIGHTS[0] else 1]
    currency = "EUR" if rng.random() < 0.15 else "USD"
    cents = int(min(max(round(float(np.exp(rng.normal(np.log(1800), 0.7)))), 150), 40_000))
    mature = accrued_ms + campaign.holdback_days * day_ms
    approve = mature + int(rng.integers(*APPROVAL_DAYS)) * day_ms + int(rng.integers(0, 24)) * hour_ms
    reverse = bool(rng.random() < REVERSAL_SHARE) if reversed_ is None else reversed_
    record: dict[str, Any] = {
        "id": ulid(accrued_ms, _entropy(rng)),
        "attributionId": ulid(accrued_ms, _entropy(rng)),
        "partnerId": partner["id"],
        "amount": str(Decimal(cents).scaleb(-2)),
        "currency": currency,
        "status": "accrued",
        "accruedAt": _iso_ms(accrued_ms),
        "approvedAt": None,
        "paidAt": None,
        "payoutId": None,
        "holdbackDays": campaign.holdback_days,
        "campaignId": campaign.id,
        "campaignName": campaign.name,
        "matureAt": _iso_ms(mature),
    }
    if reverse:
        record["status"] = "reversed"
        return record
    _advance(record, approve, now_ms)
    return record


def _advance(record: dict[str, Any], approve_ms: int, now_ms: int) -> None:
    """Approve after the holdback and pay in the payout run on the 1st of the following month, 09:00 UTC."""
    if approve_ms > now_ms:
        return
    record["status"] = "approved"
    record["approvedAt"] = _iso_ms(approve_ms)
    approved = datetime.fromtimestamp(approve_ms // 1000, UTC)
    year, month = (approved.year + 1, 1) if approved.month == 12 else (approved.year, approved.month + 1)
    payout_ms = int(datetime(year, month, 1, 9, tzinfo=UTC).timestamp()) * 1000
    if payout_ms <= now_ms:
        record["status"] = "paid"
        record["paidAt"] = _iso_ms(payout_ms)
        digest = hashlib.sha256(f"{record['partnerId']}:{payout_ms}".encode()).digest()
        record["payoutId"] = "po_" + ulid(payout_ms, int.from_bytes(digest[:10], "big"))


def _last_complete_month(now: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    end = now.normalize().replace(day=1)
    return end - pd.DateOffset(months=1), end


def _reversal_spike(
    commissions: list[dict[str, Any]], partners: list[dict[str, Any]], now: pd.Timestamp,
    rng: np.random.Generator,
) -> dict[str, Any]:
    """The third busiest partner of the last complete month reverses about 45 % of that month's
    commissions that are not paid yet."""
    start, end = _last_complete_month(now)
    first, last = iso(start), iso(end)
    in_month = [c for c in commissions if first <= c["accruedAt"] < last]
    counts: dict[str, int] = {}
    for c in in_month:
        counts[c["partnerId"]] = counts.get(c["partnerId"], 0) + 1
    ranked = sorted(counts, key=lambda pid: (-counts[pid], pid))
    partner_id = ranked[min(2, len(ranked) - 1)]
    own = [c for c in in_month if c["partnerId"] == partner_id and c["status"] in ("accrued", "approved")]
    chosen = [c for c in own if rng.random() < SPIKE_REVERSAL_SHARE]
    for record in chosen:
        record.update(status="reversed", approvedAt=None, paidAt=None, payoutId=None)
    total = sum(1 for c in in_month if c["partnerId"] == partner_id)
    reversed_total = sum(1 for c in in_month if c["partnerId"] == partner_id and c["status"] == "reversed")
    return {
        "kind": "reversal_spike",
        "partner_id": partner_id,
        "partner_name": next(p["name"] for p in partners if p["id"] == partner_id),
        "month": start.strftime("%Y-%m"),
        "commission_ids": sorted(c["id"] for c in chosen),
        "detail": {"commissions": total, "reversed": reversed_total},
    }


def _after_revocation(
    commissions: list[dict[str, Any]], partners: list[dict[str, Any]], now: pd.Timestamp,
    rng: np.random.Generator,
) -> dict[str, Any]:
    """A revoked partner with commissions accrued after the revocation (attribution should have skipped
    them). The most recently revoked partner is used; one is revoked 40 days ago when none is."""
    revoked = [p for p in partners if p["revokedAt"] is not None and pd.Timestamp(p["revokedAt"]) < now]
    if revoked:
        partner = max(revoked, key=lambda p: p["revokedAt"])
    else:
        partner = next(p for p in partners if p["activatedAt"] is not None)
        moment = now - pd.Timedelta(days=40)
        partner.update(revokedAt=iso(moment), revokeReason="Terms violation: coupon leakage",
                       updatedAt=iso(moment))
    revoked_at = pd.Timestamp(partner["revokedAt"])
    span_ms = max(int((now - revoked_at).total_seconds() * 1000) - 3_600_000, 1)
    added = []
    for _ in range(AFTER_REVOCATION):
        moment = revoked_at + pd.Timedelta(milliseconds=int(rng.integers(3_600_000, 3_600_000 + span_ms)))
        accrued = min(moment, now - pd.Timedelta(minutes=1))
        added.append(_commission(partner, _ms(accrued), _ms(now), rng, reversed_=False))
    commissions.extend(added)
    return {
        "kind": "commission_after_revocation",
        "partner_id": partner["id"],
        "partner_name": partner["name"],
        "month": revoked_at.strftime("%Y-%m"),
        "commission_ids": sorted(c["id"] for c in added),
        "detail": {"revoked_at": partner["revokedAt"], "commissions": len(added)},
    }


def utc(moment: str | None) -> datetime | None:
    """An ISO time of a record as an aware datetime (None stays None)."""
    return None if moment is None else datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)


__all__ = ["TENANT_SLUG", "OpenPartnerTenant", "generate_tenant", "iso", "ulid", "utc"]
