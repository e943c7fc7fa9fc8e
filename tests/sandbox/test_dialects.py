"""The sandbox dialects: each serves the same world, consistently, deterministically, in its declared shape.

Records are read here with a small reader of the familiar formats ("$1,234.56", "1.234,56 €", "USD 12.00",
epoch ms, UTC+8 text, ISO with offset) and the paths each dialect declares; list4 and list_stats must agree
under the dialect's own semantics (exclusive ends, void orders without commission, merged statuses), and both
must agree with the world's own frames.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from test_app_support import call, client_for, data_of, fixed_app, unix

from partnerboost_skill.cli import main
from partnerboost_skill.sandbox import sandbox_transport
from partnerboost_skill.sandbox.app import create_app
from partnerboost_skill.sandbox.dialects import DIALECTS, Dialect, dialect_named, formats
from partnerboost_skill.sandbox.world import World, WorldConfig

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
START, END = unix("2026-10-01"), unix("2026-10-31T23:59:59")
EDGE_ID = "EDGE-LAST-SECOND"
NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
_MISSING = object()


@pytest.fixture(scope="module")
def world() -> World:
    """A small private world with one extra order at exactly END (the last second an inclusive end keeps)."""
    world = World.generate(WorldConfig(seed=5, now=NOW, days=45, orders_per_day=20, n_partners=20))
    joined = int(world.partners[world.partners["status"] == "joined"]["partner_id"].iloc[0])
    world.add_order(order_id=EDGE_ID, order_time=datetime.fromtimestamp(END, UTC), partner_id=joined,
                    currency="USD", amount_cents=10_000)
    return world


def dig(record: Mapping[str, Any], path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def where(fields: Mapping[str, Any], name: str) -> str:
    target = fields.get(name, name)
    assert target is not None, f"{name} is dropped"
    return target if isinstance(target, str) else target[0]


def read_money(value: Any) -> int:
    """Cents from any money form a dialect writes (read independently of the dialect's code)."""
    if isinstance(value, int | float):
        return int(Decimal(str(value)) * 100)
    text = str(value).replace("\u00a0", " ").strip()
    text = re.sub(r"^[A-Z]{3} ", "", text).lstrip("$£€").removesuffix(" €")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d{2}", text):
        text = text.replace(".", "").replace(",", ".")
    return int(Decimal(text.replace(",", "")) * 100)


def read_time(value: Any, zone: str) -> int:
    """Unix seconds from any time form a dialect writes; text without an offset is in `zone`."""
    if isinstance(value, int):
        return value // 1000 if value > 10**11 else value
    text = str(value)
    if text.isdigit():
        return int(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return int(moment.timestamp())


def money_entries(value: Any) -> dict[str, int]:
    if isinstance(value, list):
        return {entry["currency"]: read_money(entry["amount"]) for entry in value}
    return {currency: read_money(amount) for currency, amount in (value or {}).items()}


async def all_orders(client, dialect: Dialect) -> tuple[list[dict], int]:  # type: ignore[no-untyped-def]
    records: list[dict] = []
    page = 1
    while True:
        params = {"trans_time_start": START, "trans_time_end": END, "page_num": page, "page_size": 200}
        data = data_of(await call(client, "merchant_list_transactions", params))
        assert data["total_page"] == -(-data["total_size"] // 200)
        records += data["list"]
        if page >= data["total_page"]:
            return records, data["total_size"]
        page += 1


def world_orders(world: World, exclusive: bool) -> dict[str, tuple[int, str, str, int, int]]:
    """"order_id@time" → (time, status, currency, amount cents, commission cents) of the window's orders."""
    orders = world.orders
    seconds = orders["order_time"].astype("int64") // 10**9
    inside = (seconds >= START) & ((seconds < END) if exclusive else (seconds <= END))
    rows = orders[inside.to_numpy()]
    return {
        f"{row.order_id}@{int(row.order_time.timestamp())}": (
            int(row.order_time.timestamp()), row.status, row.currency, row.amount_cents, row.commission_cents
        )
        for row in rows.itertuples()
    }


@pytest.mark.parametrize("name", list(DIALECTS))
async def test_orders_and_their_statistics_agree_with_the_world_under_the_dialects_own_semantics(
    world: World, name: str
) -> None:
    d = DIALECTS[name]
    fields = d.order_fields
    async with client_for(fixed_app(world, dialect=name)) as client:
        records, total = await all_orders(client, d)
        stats = data_of(await call(client, "merchant_transaction_stats",
                                   {"trans_time_start": START, "trans_time_end": END}))
    truth = world_orders(world, d.exclusive_end)
    assert total == len(records) == len(truth) > 400
    assert any(key.startswith(EDGE_ID) for key in truth) is not d.exclusive_end

    words = {status: d.statuses.get(status, status) for status in ("new", "effective", "paid", "void")}
    counts: dict[str, int] = {}
    amounts: dict[str, dict[str, int]] = {}
    commissions: dict[str, dict[str, int]] = {}
    seen = {}
    for record in records:
        when = read_time(dig(record, where(fields, "order_time")), d.time_zone)
        key = f"{dig(record, where(fields, 'order_id'))}@{when}"
        _, status, currency, amount, commission = truth[key]
        word = dig(record, d.status_label) if d.status_label else dig(record, where(fields, "status"))
        assert word == words[status]
        if d.status_codes:
            assert dig(record, where(fields, "status")) == d.status_codes[status]
        if d.paid_flag:
            assert formats.flag(int(status == "paid"), d.bool_style) == dig(record, d.paid_flag)
        assert dig(record, where(fields, "currency")) == currency
        assert read_money(dig(record, where(fields, "sale_amount"))) == amount
        written = dig(record, where(fields, "sale_comm"))
        if status == "void" and d.void_commission != "keep":
            assert written is (_MISSING if d.void_commission == "absent" else None)
        else:
            assert read_money(written) == commission
            commissions.setdefault(word, {}).setdefault(currency, 0)
            commissions[word][currency] += commission
        counts[word] = counts.get(word, 0) + 1
        amounts.setdefault(word, {}).setdefault(currency, 0)
        amounts[word][currency] += amount
        seen[key] = True
    assert len(seen) == len(truth)

    s = d.stats_fields
    assert dig(stats, where(s, "total_size")) == total
    assert {w: c for w, c in dig(stats, where(s, "status_count")).items() if c} == counts
    by_status = dig(stats, where(s, "by_status"))
    for word, count in counts.items():
        entry = by_status[word]
        assert entry["count"] == count
        assert money_entries(dig(entry, where(s, "sale_amount"))) == amounts[word]
        assert money_entries(dig(entry, where(s, "sale_comm"))) == commissions.get(word, {})


@pytest.mark.parametrize("name", list(DIALECTS))
async def test_performance_rows_and_bills_keep_the_defaults_figures(world: World, name: str) -> None:
    d = DIALECTS[name]
    window = {"start_date": START, "end_date": END, "group_by": "medium", "page_size": 200}
    async with client_for(create_app(world, dialect="default")) as plain, \
            client_for(create_app(world, dialect=name)) as spoken:
        rows = data_of(await call(spoken, "merchant_performance_list", window))["list"]
        default_rows = data_of(await call(plain, "merchant_performance_list", window))["list"]
        bills = data_of(await call(spoken, "merchant_list_bills", {"page_size": 200}))["list"]
        default_bills = data_of(await call(plain, "merchant_list_bills", {"page_size": 200}))["list"]
    p = d.performance_fields
    key = {"channel_id": "medium_id", "medium_code": "medium_code", "partner_id": "partner_id"}[d.medium_key]
    if not d.exclusive_end:  # an exclusive end leaves out END's clicks; the default includes them
        by_key = {row[key]: row for row in default_rows}
        assert len(rows) == len(default_rows) > 5
        for row in rows:
            expected = by_key[read_key(dig(row, where(p, "medium_id")))]
            clicks = dig(row, where(p, "clicks")) if p.get("clicks", "clicks") is not None else _MISSING
            assert clicks in (_MISSING, expected["clicks"])
            assert dig(row, where(p, "orders")) == expected["orders"]
            assert money_entries(dig(row, where(p, "sale_comm"))) == money_entries(expected["sale_comm"])

    b = d.bill_fields
    assert len(bills) == len(default_bills) > 5
    for bill, default in zip(bills, default_bills, strict=True):
        commission = read_money(dig(bill, where(b, "amount")))
        assert commission == read_money(default["amount"])
        if d.bill_fee_bp is not None:
            fee, total = read_money(dig(bill, where(b, "fee"))), read_money(dig(bill, where(b, "total")))
            assert total == commission + fee
            assert abs(fee * 10_000 - commission * d.bill_fee_bp) <= 5_000  # rounded to the cent
        if d.bill_period == "dates":
            first, last = (dig(bill, path) for path in d.bill_period_fields)
            assert first == f"{default['period']}-01" and last[:7] == default["period"]
            days = datetime.fromisoformat(last).toordinal() + 1 - datetime.fromisoformat(first).toordinal()
            assert days in (28, 29, 30, 31)
        elif d.bill_period == "compact":
            assert dig(bill, where(b, "period")) == default["period"].replace("-", "")
        else:
            assert dig(bill, where(b, "period")) == default["period"]


def read_key(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() else value


async def test_an_exclusive_end_leaves_out_the_orders_of_its_end_second_in_list4_and_list_stats(
    world: World,
) -> None:
    window = {"trans_time_start": END, "trans_time_end": END}
    answers = {}
    for name in ("default", "dashboard_display"):
        async with client_for(create_app(world, dialect=name)) as client:
            listed = data_of(await call(client, "merchant_list_transactions", window))
            stats = data_of(await call(client, "merchant_transaction_stats", window))
        answers[name] = (listed["total_size"], stats["total_size"], [r["order_id"] for r in listed["list"]])
    assert answers["default"] == (1, 1, [EDGE_ID])
    assert answers["dashboard_display"] == (0, 0, [])


def test_money_and_time_forms_are_the_familiar_ones() -> None:
    assert formats.money("1234.56", "USD", "symbol") == "$1,234.56"
    assert formats.money("1273.57", "GBP", "locale") == "£1,273.57"
    assert formats.money("1234.56", "EUR", "locale") == "1.234,56 €"
    assert formats.money("1234.56", "EUR", "symbol") == "€1,234.56"
    assert formats.money("-0.05", "USD", "symbol") == "-$0.05"
    assert formats.money("12.00", "USD", "code") == "USD 12.00"
    assert formats.money("217.58", "USD", "number") == 217.58
    assert json.dumps(formats.money("1234567.89", "USD", "number")) == "1234567.89"
    moment = int(datetime(2026, 11, 3, 6, 5, 9, tzinfo=UTC).timestamp())
    assert formats.time(moment, "local_text", "Asia/Shanghai") == "2026-11-03 14:05:09"
    assert formats.time(moment, "iso_offset", "America/Los_Angeles") == "2026-11-02T22:05:09-08:00"
    assert formats.time(moment, "unix_ms", "UTC") == moment * 1000
    assert formats.time(moment, "unix_text", "UTC") == str(moment)


@pytest.mark.parametrize("name", list(DIALECTS))
async def test_a_dialect_answers_the_same_bytes_every_time(world: World, name: str) -> None:
    bodies = []
    for _ in range(2):
        async with client_for(fixed_app(world, dialect=name)) as client:
            for tool, params in (
                ("merchant_list_transactions", {"trans_time_start": START, "trans_time_end": END}),
                ("merchant_transaction_stats", {"trans_time_start": START, "trans_time_end": END}),
                ("merchant_performance_totals", {"start_date": START, "end_date": END}),
                ("merchant_list_bills", {}),
                ("merchant_account_info", {}),
                ("brand_list_publishers", {}),
            ):
                response = await call(client, tool, params)
                data_of(response)
                bodies.append(response.content)
    half = len(bodies) // 2
    assert bodies[:half] == bodies[half:]


async def test_the_default_dialect_is_the_sandbox_as_it_was(world: World) -> None:
    window = {"trans_time_start": START, "trans_time_end": END, "page_size": 50}
    async with client_for(create_app(world)) as before, \
            client_for(create_app(world, dialect="default")) as now:
        for tool, params in (("merchant_list_transactions", window), ("merchant_list_bills", {}),
                             ("merchant_performance_list", {"start_date": START, "end_date": END})):
            assert (await call(before, tool, params)).content == (await call(now, tool, params)).content
    assert DIALECTS["default"].traits() == {}
    assert all(d.traits() for n, d in DIALECTS.items() if n != "default")


def test_dialects_are_named_by_name_and_an_unknown_name_lists_the_known_ones(world: World) -> None:
    assert dialect_named("Camel-Java") is DIALECTS["camel_java"]
    assert dialect_named(None) is DIALECTS["default"]
    with pytest.raises(ValueError, match="known: default, publisher_api"):
        sandbox_transport(world, dialect="soap_xml")


def test_the_sandbox_command_serves_the_dialect_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerboost_skill.sandbox import serve

    served: dict[str, Any] = {}
    monkeypatch.setattr(serve, "run_sandbox", lambda **kwargs: served.update(kwargs))
    assert main(["sandbox", "--dialect", "beijing_time"]) == 0
    assert served["dialect"] == "beijing_time"
    text = serve.banner("http://x", seed=7, orders=1, faults=serve.Faults(), dialect="beijing_time")
    assert "dialect beijing_time" in text.splitlines()[0]


def test_the_docs_describe_every_dialect() -> None:
    contracts = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    section = contracts.split("## Sandbox dialects", 1)[1].split("\n## ", 1)[0]
    for name, dialect in DIALECTS.items():
        assert f"`{name}`" in section, name
        for trait in dialect.traits():
            assert trait in section, f"{name}: the docs do not mention {trait}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--dialect" in readme


async def test_every_field_a_dialect_renames_is_a_field_the_default_records_carry(world: World) -> None:
    """A field map naming a field the default records no longer carry would silently stop applying."""
    window = {"start_date": START, "end_date": END}
    async with client_for(fixed_app(world)) as client:
        order = data_of(await call(client, "merchant_list_transactions", {"page_size": 1}))["list"][0]
        stats = data_of(await call(client, "merchant_transaction_stats", {}))
        rows = [
            row
            for group_by in ("day", "week", "month", "medium", "channel")
            for row in data_of(await call(client, "merchant_performance_list",
                                          {**window, "group_by": group_by, "page_size": 1}))["list"]
        ]
        bill = data_of(await call(client, "merchant_list_bills", {"page_size": 1}))["list"][0]
        account = data_of(await call(client, "merchant_account_info", {}))
        publisher = data_of(await call(client, "brand_list_publishers", {}))["list"][0]
    carried = {
        "order_fields": set(order),
        "stats_fields": set(stats) | {key for entry in stats["by_status"].values() for key in entry},
        "performance_fields": {key for row in rows for key in row},
        "bill_fields": set(bill) | {"fee", "total"},
        "account_fields": set(account),
        "publisher_fields": set(publisher),
    }
    for name, dialect in DIALECTS.items():
        for table, keys in carried.items():
            unknown = set(getattr(dialect, table)) - keys
            assert not unknown, f"{name}.{table} renames fields the default records do not carry: {unknown}"
