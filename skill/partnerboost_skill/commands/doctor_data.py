"""`partnerboost doctor --data`: what the reader makes of the account's records, field names only.

Fetches one small page of each record kind the answers use (orders, order statistics, performance rows,
bills, account info, the partner list with brand credentials), maps it onto the record contracts and prints
which API field each column is read from, what could not be mapped and the conventions detected (time and
money formats, the zone of text times, whether time filters include their end second). Never a value: the
output is meant to be sent to support.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.config import Settings
from partnerboost_skill.records import values as v
from partnerboost_skill.records.contracts import BILLS, CLICKS, ORDERS, PARTNERS, Contract
from partnerboost_skill.records.mapping import flatten
from partnerboost_skill.records.probe import settle
from partnerboost_skill.records.read import (
    ReadReport,
    RecordShapeError,
    read_account,
    read_bills,
    read_clicks,
    read_orders,
    read_partners,
)
from partnerboost_skill.records.source import Source, records_of
from partnerboost_skill.records.stats import read_stats
from partnerboost_skill.runtime import connect
from partnerboost_tools.base import Action
from partnerboost_tools.brand import BrandListPublishers
from partnerboost_tools.merchant import (
    MerchantAccountInfo,
    MerchantListBills,
    MerchantListTransactions,
    MerchantPerformanceList,
    MerchantTransactionStats,
)

PAGE = 50
TIMEOUT = 60.0
_FORMATTED = {"time": "time", "money": "money"}


def _print(text: str = "") -> None:
    print(text)


def _first_page(data: Any) -> list[dict[str, Any]]:
    rows = data.get("list") if isinstance(data, dict) else data
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _report(title: str, contract: Contract, records: list[dict[str, Any]], report: ReadReport) -> None:
    _print(f"{title}: {report.records} record{'s' if report.records != 1 else ''} read")
    if not records:
        return
    raw = flatten(records)
    for field in contract.fields:
        key = report.mapping.get(field.column)
        if key is None:
            if field.required:
                _print(f"  {field.column:<18} ✗ NOT FOUND (tried: {', '.join(field.names)})")
            continue
        how = " (from the config file's [fields])" if field.column in report.configured else ""
        shape = f" — {v.describe_format(raw[key], field.kind)}" if field.kind in _FORMATTED else ""
        _print(f"  {field.column:<18} ← {key}{shape}{how}")
    if report.absent:
        _print(f"  not in these records: {', '.join(report.absent)}")
    if report.unmapped:
        _print(f"  fields nothing reads: {', '.join(report.unmapped)}")
    if report.dropped:
        _print(f"  {report.dropped} record(s) would be left out (a required value is missing or unreadable)")
    if report.zone is not None:
        _print(f"  text times read as {report.zone.label} ({report.zone.source})")


async def _section(title: str, job: Callable[[], Any]) -> None:
    try:
        await job()
    except RecordShapeError as error:
        _print(f"{title}: ✗ {error.message}")
    except PartnerBoostError as error:
        _print(f"{title}: ✗ could not be fetched ({error.message})")


async def _inspect(source: Source, now: datetime) -> None:
    start, end = now - timedelta(days=30), now
    window = (start.timestamp(), end.timestamp())

    async def account() -> None:
        found = read_account(await source.call(MerchantAccountInfo()))
        _print(f"account info: time zone field {'found' if 'timezone' in found else 'not found'}")

    async def orders() -> None:
        data = await source.call(
            MerchantListTransactions(page_size=PAGE, trans_time_start=start, trans_time_end=end)
        )
        records = _first_page(data)
        _report(
            "orders (transaction/list4)",
            ORDERS,
            records,
            read_orders(records, conventions=source.conventions, window=window).report,
        )

    async def stats() -> None:
        figures = read_stats(
            await source.call(MerchantTransactionStats(trans_time_start=start, trans_time_end=end))
        )
        if figures is None:
            _print("order statistics (transaction/list_stats): ✗ not an object")
            return
        parts = [
            f"total {'✓' if figures.total is not None else '✗'}",
            f"counts per status {'✓' if figures.counts is not None else '✗'}",
            f"money per status {'✓' if figures.money else '✗'}",
        ]
        _print(f"order statistics (transaction/list_stats): {', '.join(parts)}")

    async def clicks() -> None:
        action: Action = MerchantPerformanceList(
            start_date=start, end_date=end, group_by="medium", page_size=PAGE
        )
        records = _first_page(await source.call(action))
        report = read_clicks(records, start=start, end=end, conventions=source.conventions).report
        _report("performance rows (performance/list_v2)", CLICKS, records, report)

    async def bills() -> None:
        action = MerchantListBills(time_start=now - timedelta(days=120), time_end=end, page_size=PAGE)
        records = _first_page(await source.call(action))
        _report(
            "bills (account/billing_list)",
            BILLS,
            records,
            read_bills(records, conventions=source.conventions).report,
        )

    async def partners() -> None:
        if not source.credentials.has_family("brand"):
            _print("partner list (brand publisher/list): skipped (no brand API credentials)")
            return
        records = records_of(await source.fetch_all(BrandListPublishers(), allow_partial=True))[:PAGE]
        _report(
            "partner list (brand publisher/list)",
            PARTNERS,
            records,
            read_partners(records, conventions=source.conventions).report,
        )

    await settle(source, zone=True, end=True)  # the conventions first: the sections read with them
    for title, job in (
        ("account info", account),
        ("orders", orders),
        ("order statistics", stats),
        ("performance rows", clicks),
        ("bills", bills),
        ("partner list", partners),
    ):
        await _section(title, job)
        _print()
    conventions = source.conventions
    ends = {
        True: "include their end second",
        False: "exclude their end second (asked: [t, t] is empty)",
        None: "could not be determined (no order to ask about)",
    }[conventions.end_inclusive]
    _print("conventions:")
    _print(f"  time filters {ends}")
    zone = conventions.api_zone or conventions.detected
    if zone is not None:
        source_word = "configured" if conventions.api_zone is not None else "detected"
        _print(
            f"  text times without an offset: {pd.Timestamp(now).tz_convert(zone).tzname()} ({source_word})"
        )
    else:
        _print("  text times without an offset: none seen, or their zone could not be told")
    if conventions.fields:
        _print(
            f"  [fields] overrides: {', '.join(f'{k}.{c}' for k, m in conventions.fields.items() for c in m)}"
        )


async def _run(settings: Settings) -> bool:
    async with connect(settings.model_copy(update={"use_cache": False})) as conn:
        if conn.demo:
            _print("(no credentials: this describes the built-in sandbox)")
        await asyncio.wait_for(_inspect(conn.source, conn.now or datetime.now(UTC)), TIMEOUT)
    return True


def run_data(settings: Settings) -> int:
    _print("PartnerBoost doctor --data — field names and formats only, never values: safe to send to support")
    _print()
    try:
        asyncio.run(_run(settings))
    except TimeoutError:
        _print(f"✗ stopped after {TIMEOUT:.0f} s")
        return 1
    except PartnerBoostError as error:
        _print(f"✗ {error.message}")
        return 1
    return 0
