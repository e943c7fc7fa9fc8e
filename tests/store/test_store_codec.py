"""Stored parts: a frame comes back exactly; damaged bytes are refused; statistics match the cached orders."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from store_support import NOW, Sandbox

from partnerboost_skill.records.frames import empty_orders, orders_frame
from partnerboost_skill.sandbox import bulk_records as sandbox_records
from partnerboost_skill.store.codec import CodecError, assemble, decode, encode, part_of
from partnerboost_skill.store.orders import compact, split_by_day
from partnerboost_skill.store.signatures import api_signature, part_signature
from partnerboost_tools.merchant import MerchantTransactionStats

JULY = (datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC))


@pytest.fixture
def july(world) -> pd.DataFrame:
    return orders_frame(sandbox_records.order_records(world, *JULY))


def test_a_frame_survives_encoding_unchanged(july):
    back = assemble([decode(encode(part_of(july)))], empty_orders())
    pd.testing.assert_frame_equal(back, july)


def test_days_stored_apart_assemble_into_the_frame_built_from_all_their_records(world):
    """Newest first, categories merged and sorted as the frame builder makes them from all the records."""
    records = sandbox_records.order_records(world, *JULY)
    records = records.sort_values("order_time", ascending=False, kind="stable", ignore_index=True)
    days = split_by_day(part_of(orders_frame(records.iloc[:0]) if records.empty else orders_frame(records)))
    assert len(days) == 31
    stored = [decode(encode(days[day])) for day in sorted(days, reverse=True)]
    one_day = [decode(encode(days[max(days)]))]
    pd.testing.assert_frame_equal(assemble(stored, empty_orders()), orders_frame(records))
    # a single day's part has only its own categories, as if built from that day's records alone
    last_day = records[records["order_time"] >= records["order_time"].max() // 86_400 * 86_400]
    pd.testing.assert_frame_equal(assemble(one_day, empty_orders()), orders_frame(last_day))


def test_compacting_drops_labels_no_row_uses(july):
    part = part_of(july)
    one_partner = part.take(np.flatnonzero(july["partner_id"].astype(str) == str(july["partner_id"].iloc[0])))
    small = compact(one_partner)
    assert small.columns["partner_id"].labels == [str(july["partner_id"].iloc[0])]
    assert len(encode(small)) < len(encode(one_partner))


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"garbage" + blob,
        lambda blob: blob[: len(blob) // 2],
        lambda blob: blob + b"\x00",
        lambda blob: blob.replace(b'"rows":', b'"rows":9'),
        lambda blob: b"",
    ],
)
def test_damaged_bytes_are_refused(july, damage):
    with pytest.raises(CodecError):
        decode(damage(encode(part_of(july))))


def test_an_unstorable_column_is_refused():
    with pytest.raises(CodecError, match="column 'when'"):
        part_of(pd.DataFrame({"when": pd.Series([pd.Timedelta(1)])}))


@pytest.mark.anyio
async def test_the_sandbox_statistics_match_the_same_orders_computed_locally(world, july):
    async with Sandbox.over(world).client() as client:
        data = await client.call(
            MerchantTransactionStats(trans_time_start=JULY[0], trans_time_end=JULY[1].timestamp() - 1)
        )
    parsed = api_signature(data)
    assert parsed is not None
    kinds, figures = parsed
    assert kinds == {"count", "status_count", "status_money"}
    assert part_signature(part_of(july), kinds) == figures
    # one order fewer no longer matches
    assert part_signature(part_of(july.iloc[1:]), kinds) != figures
    assert JULY[1] < NOW


@pytest.mark.parametrize(
    "data",
    [None, [], {}, {"stats": 3}, {"by_status": {"paid": {"count": "x"}}}, {"total_size": 120}],
)
def test_statistics_without_known_figures_are_unusable(data):
    assert api_signature(data) is None


def test_counts_alone_are_enough_to_compare(july):
    counts = july["status"].astype(str).value_counts().to_dict()
    parsed = api_signature({"total_size": len(july), "status_count": counts})
    assert parsed is not None
    kinds, figures = parsed
    assert kinds == {"count", "status_count"}
    assert part_signature(part_of(july), kinds) == figures
