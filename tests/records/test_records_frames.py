"""Records → frames: one schema whatever the source's field names, exact cents, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from partnerboost_skill.records.frames import (
    ORDER_COLUMNS,
    FrameError,
    bills_frame,
    clicks_frame,
    concat_orders,
    orders_frame,
    partners_frame,
    read_orders,
)
from partnerboost_skill.records.read import missing_commission_note
from partnerboost_skill.sandbox.world import World

LIST4 = {
    "order_id": "LP1",
    "order_time": 1788220800,
    "partner_id": 12345,
    "partner_name": "@mia.styles",
    "channel_id": 555001,
    "medium_code": "PB00000001",
    "partner_channel_type": "SOCIAL_NETWORK",
    "partner_type": "influencer",
    "partner_location": "us",
    "partner_group": "VIP Influencers",
    "client_device": "Mobile",
    "currency": "usd",
    "sale_amount": "123.45",
    "sale_comm": "12.35",
    "comm_rate": "10.00%",
    "status": "effective",
    "void_reason": "",
    "is_new_customer": 1,
    "coupon_code": "MIA15",
    "uid": "C1000001",
    "quantity": 1,
    "sku": "SKU-1",
    "trans_type": "normal",
    "payment_id": 0,
}


def test_list4_record_maps_onto_the_schema() -> None:
    frame = orders_frame([LIST4])
    assert list(frame.columns) == list(ORDER_COLUMNS)
    row = frame.iloc[0]
    assert row["order_id"] == "LP1"
    assert row["time"] == pd.Timestamp("2026-09-01T00:00:00Z")  # 1788220800 is 2026-09-01 00:00 UTC
    assert (row["partner_id"], row["medium"], row["medium_code"]) == ("12345", "555001", "PB00000001")
    assert (row["channel_type"], row["partner_type"], row["country"], row["device"]) == (
        "SOCIAL_NETWORK",
        "influencer",
        "US",
        "mobile",
    )
    assert (row["currency"], row["amount_cents"], row["commission_cents"]) == ("USD", 12345, 1235)
    assert row["status"] == "effective" and not row["is_void"] and row["is_new_customer"]
    assert row["bill_id"] == ""  # payment_id 0 means not billed
    assert frame["amount_cents"].dtype == np.int64 and str(frame["time"].dtype) == "datetime64[ns, UTC]"


def test_other_api_names_map_to_the_same_columns() -> None:
    brand_report = {
        "trans_id": "X9",
        "trans_time": "2026-09-01T10:00:00Z",
        "amount": "50",
        "commission": 5,
        "currency": "EUR",
        "status": "Rejected",
        "publisher_id": 7,
        "mid": 42,
    }
    postback = {
        "order_number": "Y1",
        "create_time": "2026-09-01 10:00:00",
        "sales": 19.99,
        "commission_amount": "2.00",
        "currency_code": "GBP",
        "order_status": "pending",
    }
    frame = orders_frame([brand_report, postback])
    assert list(frame["order_id"]) == ["X9", "Y1"]
    assert list(frame["amount_cents"]) == [5000, 1999]
    assert list(frame["commission_cents"]) == [500, 200]
    assert list(frame["status"].astype(str)) == ["void", "new"]
    assert list(frame["is_void"]) == [True, False]
    assert list(frame["partner_id"].astype(str)) == ["7", ""]
    assert list(frame["medium"].astype(str)) == ["42", ""]
    # a naive text time is read as UTC
    assert frame["time"].iloc[1] == pd.Timestamp("2026-09-01T10:00:00Z")


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("0.10", 10),
        ("0.2", 20),
        ("12", 1200),
        ("1,234.50", 123450),
        ("12.345", 1235),
        ("12.344", 1234),
        ("-3.10", -310),
        ("99999999.99", 9999999999),
        (0.1, 10),
        (19.99, 1999),
        (7, 700),
    ],
)
def test_money_is_exact_cents(text: object, cents: int) -> None:
    record = {**LIST4, "sale_amount": text}
    assert int(orders_frame([record])["amount_cents"].iloc[0]) == cents


def test_money_sum_is_exact_where_floats_drift() -> None:
    # 0.1 + 0.2 != 0.3 in binary floating point; in cents it is exact.
    records = [{**LIST4, "order_id": f"A{i}", "sale_amount": text} for i, text in enumerate(["0.10", "0.20"])]
    assert orders_frame(records)["amount_cents"].sum() == 30


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1788220800, "2026-09-01T00:00:00Z"),
        ("1788220800", "2026-09-01T00:00:00Z"),
        (1788220800000, "2026-09-01T00:00:00Z"),
        ("2026-09-01T08:00:00+08:00", "2026-09-01T00:00:00Z"),
        ("2026-09-01", "2026-09-01T00:00:00Z"),
        (datetime(2026, 9, 1, tzinfo=UTC), "2026-09-01T00:00:00Z"),
    ],
)
def test_times_in_every_format_become_utc(value: object, expected: str) -> None:
    frame = orders_frame([{**LIST4, "order_time": value}])
    assert frame["time"].iloc[0] == pd.Timestamp(expected)


def test_missing_required_field_names_the_field_and_the_names_tried() -> None:
    record = {key: value for key, value in LIST4.items() if key != "sale_amount"}
    with pytest.raises(FrameError) as caught:
        orders_frame([record])
    message = str(caught.value)
    assert "amount_cents" in message and "sale_amount" in message and "order_amount" in message
    assert "sale_comm" in message  # the names the records do have
    assert "[fields.orders]" in message  # and how to name the field


def test_orders_without_a_commission_field_count_zero_and_say_so() -> None:
    records = [{key: value for key, value in LIST4.items() if key != "sale_comm"},
               {**LIST4, "order_id": "LP2", "status": "void", "sale_comm": None}]
    read = read_orders(records)
    assert list(read.frame["commission_cents"]) == [0, 0]
    note = missing_commission_note(read.frame)
    assert note is not None and note.startswith("2 of 2 orders had no commission (1 of them void)")


def test_one_record_without_a_value_is_left_out_and_counted() -> None:
    records = [LIST4, {**LIST4, "order_id": "LP2", "currency": None}]
    read = read_orders(records)
    assert list(read.frame["order_id"]) == ["LP1"]
    assert read.report.dropped == 1
    assert "1 of 2 orders were left out: 1 without a currency in 'currency'" in read.report.notes


def test_unreadable_money_leaves_the_record_out_and_names_field_and_value() -> None:
    read = read_orders([LIST4, {**LIST4, "order_id": "LP2", "sale_amount": "twelve"}])
    assert list(read.frame["order_id"]) == ["LP1"]
    (note,) = [n for n in read.report.notes if "left out" in n]
    assert "'sale_amount'" in note and "'twelve'" in note


def test_unreadable_time_leaves_the_record_out_and_names_field_and_value() -> None:
    read = read_orders([LIST4, {**LIST4, "order_id": "LP2", "order_time": "yesterday-ish"}])
    assert list(read.frame["order_id"]) == ["LP1"]
    (note,) = [n for n in read.report.notes if "left out" in n]
    assert "'order_time'" in note and "'yesterday-ish'" in note


def test_empty_records_give_an_empty_frame_with_the_schema() -> None:
    frame = orders_frame([])
    assert frame.empty and list(frame.columns) == list(ORDER_COLUMNS)
    assert frame["amount_cents"].dtype == np.int64


def test_text_from_the_api_loses_control_characters() -> None:
    frame = orders_frame([{**LIST4, "partner_name": "Evil\x1b[31m Blog\n", "uid": "C1\x07"}])
    assert frame["partner_name"].iloc[0] == "Evil[31m Blog"
    assert frame["uid"].iloc[0] == "C1"


def test_world_orders_round_trip_exactly(world: World, orders: pd.DataFrame) -> None:
    source = world.orders
    assert len(orders) == len(source)
    assert np.array_equal(orders["amount_cents"].to_numpy(), source["amount_cents"].to_numpy())
    assert np.array_equal(orders["commission_cents"].to_numpy(), source["commission_cents"].to_numpy())
    assert (orders["time"].to_numpy() == source["order_time"].to_numpy()).all()
    assert list(orders["order_id"]) == list(source["order_id"])
    assert (orders["is_void"].to_numpy() == (source["status"] == "void").to_numpy()).all()


def test_concat_keeps_the_schema_and_merges_categories() -> None:
    first = orders_frame([LIST4])
    second = orders_frame([{**LIST4, "order_id": "LP2", "currency": "EUR", "partner_location": "DE"}])
    combined = concat_orders([first, second])
    assert list(combined["currency"].astype(str)) == ["USD", "EUR"]
    assert isinstance(combined["country"].dtype, pd.CategoricalDtype)


def test_clicks_rows_carry_their_window() -> None:
    start, end = datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
    frame = clicks_frame(
        [
            {"medium_id": 555001, "medium_name": "Blog", "clicks": "1,200", "orders": 5},
            {"date": "2026-09-01", "clicks": 3},
            {"month": "2026-09", "clicks": 4},
            {"week": "2026-W36", "clicks": 5},
        ],
        start=start,
        end=end,
    )
    assert list(frame["clicks"]) == [1200, 3, 4, 5]
    assert frame["start"].iloc[0] == pd.Timestamp(start) and frame["end"].iloc[0] == pd.Timestamp(end)
    assert frame["start"].iloc[1] == pd.Timestamp("2026-09-01T00:00Z")
    assert frame["end"].iloc[1] == pd.Timestamp("2026-09-02T00:00Z")
    assert frame["end"].iloc[2] == pd.Timestamp("2026-10-01T00:00Z")
    assert frame["start"].iloc[3] == pd.Timestamp(
        "2026-08-31T00:00Z"
    )  # ISO week 36 of 2026 starts Mon Aug 31
    assert frame["medium"].iloc[0] == "555001"


def test_day_rows_are_cut_to_the_queried_window() -> None:
    # Shanghai's August is 2026-07-31 16:00 .. 2026-08-31 16:00 UTC; the API answers with UTC day rows.
    start, end = datetime(2026, 7, 31, 16, tzinfo=UTC), datetime(2026, 8, 31, 16, tzinfo=UTC)
    rows = [
        {"date": "2026-07-31", "clicks": 8},
        {"date": "2026-08-15", "clicks": 9},
        {"date": "2026-08-31", "clicks": 7},
    ]
    frame = clicks_frame(rows, start=start, end=end)
    assert list(frame["start"]) == [
        pd.Timestamp(start), pd.Timestamp("2026-08-15T00:00Z"), pd.Timestamp("2026-08-31T00:00Z")
    ]
    assert list(frame["end"]) == [
        pd.Timestamp("2026-08-01T00:00Z"), pd.Timestamp("2026-08-16T00:00Z"), pd.Timestamp(end)
    ]


def test_clicks_without_a_clicks_field_fail_clearly() -> None:
    with pytest.raises(FrameError, match="no field for 'clicks'"):
        clicks_frame(
            [{"medium_id": 1}], start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2026, 2, 1, tzinfo=UTC)
        )


def test_bills_frame_reads_billing_list_records() -> None:
    frame = bills_frame(
        [
            {
                "id": 71615,
                "bill_no": "BILL-202606-71615",
                "mid": 152304,
                "medium_name": "@hazel",
                "period": "2026-06",
                "currency": "USD",
                "amount": "53.19",
                "order_count": 20,
                "status": "Paid",
                "payment_method": "balance",
                "payment_type": "commission",
                "create_time": 1782871200,
                "paid_time": None,
            }
        ]
    )
    row = frame.iloc[0]
    assert (row["bill_id"], row["month"], row["commission_cents"], row["status"]) == (
        "71615",
        "2026-06",
        5319,
        "paid",
    )
    assert pd.isna(row["paid_at"]) and row["created_at"] == pd.Timestamp(1782871200, unit="s", tz="UTC")


def test_partners_frame_reads_publisher_list_records() -> None:
    frame = partners_frame(
        [
            {
                "partner_id": 10736,
                "medium_id": 152304,
                "medium_name": "@hazel",
                "medium_code": "PB12345678",
                "partner_type": "influencer",
                "channel_type": "social_network",
                "country": "us",
                "group_id": 302,
                "group_name": "Content Creators",
                "commission_rate": "10.00%",
                "status": "joined",
                "joined_at": 1700000000,
            }
        ]
    )
    row = frame.iloc[0]
    assert (row["partner_id"], row["medium"], row["name"], row["channel_type"], row["country"]) == (
        "10736",
        "152304",
        "@hazel",
        "SOCIAL_NETWORK",
        "US",
    )
    assert row["commission_rate"] == pytest.approx(0.10)
