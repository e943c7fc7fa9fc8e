"""Fetching every record of a paged action: concurrently where the API gives totals, checked for completeness.

`fetch_all` freezes the query's end time, splits it into windows when it is longer than the action allows,
fetches every page of every window, removes repeats and either returns a complete result or raises
IncompleteData saying exactly what is missing. Never a silently short list: every page is verified (see
pages.py) — a `data` that is null or not a page, a page identical to the one before it (a server ignoring
page_num), more records than announced — and one that fails is retried, then reported missing.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import anyio
from pydantic import ValidationError

from partnerboost_skill.api.errors import DeadlineExceeded, IncompleteData, PartnerBoostError
from partnerboost_skill.api.pages import (
    PageFault,
    count_of,
    describe_pages,
    next_cursor,
    page_value,
    runs,
    verified_records,
)
from partnerboost_skill.api.params import field_name, get_param, with_params
from partnerboost_skill.api.results import FetchResult, ProgressCallback, dedupe, merge_pages, report_progress
from partnerboost_skill.api.windows import range_in_use, split_windows
from partnerboost_skill.parsing import parse_time
from partnerboost_tools.base import Action, FrozenEnd, Paging

if TYPE_CHECKING:
    from partnerboost_skill.api.retrying import RetryingClient

logger = logging.getLogger("partnerboost")

MAX_PASSES = 3
"""How many times a listing is read again from the start when its total changes while it is being read."""

MAX_SEQUENTIAL_PAGES = 10_000


def frozen_end_rule(action_cls: type[Action]) -> FrozenEnd | None:
    rule = action_cls.frozen_end
    if rule is None and action_cls.window is not None:
        rule = FrozenEnd(action_cls.window.end_param, action_cls.window.start_param)
    if rule is None or field_name(action_cls, rule.end_param) is None:
        return None
    return rule


def freeze_end(action: Action, now: datetime) -> Action:
    """`action` with an open time range, or one ending after `now`, closed at `now`, so records arriving
    mid-fetch cannot shift pages. (A range that starts after `now` is left as it is.)"""
    rule = frozen_end_rule(type(action))
    if rule is None:
        return action
    end = get_param(action, rule.end_param)
    if end is None:
        if rule.start_param is not None and get_param(action, rule.start_param) is None:
            return action
    elif not (isinstance(end, datetime) and end > now):
        return action
    start = get_param(action, rule.start_of_range) if rule.start_of_range else None
    if isinstance(start, datetime) and start > now:
        return action
    try:
        return with_params(action, {rule.end_param: now})
    except ValidationError:
        return action


def end_at_newest_seen(action: Action, records: list[Any]) -> Action:
    """`action` ending at the newest record time in `records`, when that is earlier than its current end."""
    rule = frozen_end_rule(type(action))
    if rule is None or rule.record_time_key is None:
        return action
    newest = None
    for record in records:
        if not isinstance(record, dict):
            continue
        try:
            moment = parse_time(record.get(rule.record_time_key))
        except ValueError:
            continue
        if moment is not None and (newest is None or moment > newest):
            newest = moment
    current = get_param(action, rule.end_param)
    if newest is None or (isinstance(current, datetime) and newest >= current):
        return action
    try:
        return with_params(action, {rule.end_param: newest})
    except ValidationError:
        return action


def _checked(paging: Paging | None, action: Action) -> Callable[[Any], Any]:
    """The check each page's data must pass (a PageFault is retried by the client like a malformed answer)."""
    name = action.tool_name
    if paging is None:
        def listing(data: Any) -> Any:
            if data is None:
                raise PageFault(f"PartnerBoost answered {name} with data: null instead of records",
                                action=name)
            return data
        return listing
    return lambda data: verified_records(data, paging, name)


REPEATED_PAGE = ("it repeated the page before it exactly (the server may be ignoring "
                 "{param}); these records were not counted")


@dataclass
class _Progress:
    callback: ProgressCallback | None
    fetched: dict[int, int] = field(default_factory=dict)
    totals: dict[int, int | None] = field(default_factory=dict)
    windows: int = 1

    async def update(self, window: int, fetched: int, total: int | None) -> None:
        self.fetched[window] = fetched
        self.totals[window] = total
        known = [self.totals.get(i) for i in range(self.windows)]
        overall = sum(t for t in known if t is not None) if all(t is not None for t in known) else None
        await report_progress(self.callback, sum(self.fetched.values()), overall)


@dataclass
class _Pass:
    records: list[Any]
    total: int | None
    missing: list[str]
    requests: int
    drift: str | None = None


async def _numbered_pass(
    client: RetryingClient, action: Action, paging: Paging, progress: _Progress, window: int
) -> _Pass:
    check = _checked(paging, action)
    first_value = paging.first_number
    size = paging.max_size
    data = await client.call(with_params(action, {paging.page_param: first_value, paging.size_param: size}),
                             check=check)
    first_records = check(data)
    total_items = count_of(data, paging.total_items_key)
    total_pages = count_of(data, paging.total_pages_key)
    await progress.update(window, len(first_records), total_items)

    per_page = size
    if total_items is not None and 0 < len(first_records) < min(size, total_items):
        per_page = len(first_records)  # the server clamped the page size
    if total_pages is None and total_items is not None:
        total_pages = math.ceil(total_items / per_page) if per_page else 0
    if total_pages is None:
        return await _sequential_numbered(client, action, paging, progress, window, first_records, per_page)

    indexes = range(1, max(total_pages, 1))
    pages: dict[int, list[Any]] = {0: first_records}
    failures: dict[int, PartnerBoostError] = {}
    reported: dict[int, tuple[int | None, int | None]] = {}
    counted = [len(first_records)]
    requests = [1 + len(indexes)]

    async def fetch(index: int) -> list[Any] | None:
        value = page_value(paging, first_value, index, per_page)
        try:
            page_data = await client.call(
                with_params(action, {paging.page_param: value, paging.size_param: size}), check=check
            )
        except PartnerBoostError as exc:
            failures[index] = exc
            return None
        reported[index] = (count_of(page_data, paging.total_items_key),
                           count_of(page_data, paging.total_pages_key))
        return check(page_data)

    async def fetch_into(index: int) -> None:
        page = await fetch(index)
        if page is None:
            return
        pages[index] = page
        counted[0] += len(page)
        await progress.update(window, counted[0], total_items)

    async with anyio.create_task_group() as group:
        for index in indexes:
            group.start_soon(fetch_into, index)

    for index, before in _repeats(pages):  # read once more: a proxy may have served a stale copy
        requests[0] += 1
        again = await fetch(index)
        if again is not None and again != before:
            pages[index] = again
            continue
        pages.pop(index, None)
        failures.setdefault(index, PageFault(REPEATED_PAGE.format(param=paging.page_param),
                                             action=action.tool_name))

    in_order = [pages[index] for index in sorted(pages)]
    missing = _describe_failures(paging, failures, first_value, per_page, total_pages, total_items)
    delivered = sum(len(page) for page in pages.values())
    drift = _drift(total_items, total_pages, reported, delivered, bool(failures))
    # only a listing that moved while it was read can repeat records across pages (ids are deduped later)
    if drift is not None and paging.id_key is None:
        records = merge_pages(in_order, None)
    else:
        records = [record for page in in_order for record in page]
    unique = len(dedupe(records, paging.id_key)) if paging.id_key else len(records)
    if drift is None and total_items is not None and unique > total_items:
        drift = f"the pages held {unique:,} records, more than the {total_items:,} announced"
    return _Pass(records, total_items, missing, requests[0], drift)


def _repeats(pages: dict[int, list[Any]]) -> list[tuple[int, list[Any]]]:
    """(index, the page before it) for every page identical to the page before it; list equality stops at
    the first record that differs, so a healthy listing costs one comparison per page."""
    return [(index, pages[index - 1]) for index in sorted(pages)
            if index > 0 and pages[index] and pages[index] == pages.get(index - 1)]


def _drift(
    total_items: int | None,
    total_pages: int | None,
    reported: dict[int, tuple[int | None, int | None]],
    fetched: int,
    had_failures: bool,
) -> str | None:
    """Why the listing looks shifted (the total changed, or fewer records arrived than announced), or None."""
    for index, (items, pages) in sorted(reported.items()):
        if items is not None and total_items is not None and items != total_items:
            return f"the total changed from {total_items} to {items} records while paging (page {index + 1})"
        if pages is not None and total_pages is not None and pages != total_pages:
            return f"the page count changed from {total_pages} to {pages} while paging (page {index + 1})"
    if not had_failures and total_items is not None and fetched < total_items:
        return f"PartnerBoost announced {total_items} records but the pages held {fetched}"
    return None


def _describe_failures(
    paging: Paging,
    failures: dict[int, PartnerBoostError],
    first_value: int,
    per_page: int,
    total_pages: int | None,
    total_items: int | None,
) -> list[str]:
    """What is missing, one line per run of consecutive pages that failed the same way."""
    lines: list[str] = []
    for run in runs(list(failures)):
        group: list[int] = []
        for index in run:
            if group and failures[index].message != failures[group[-1]].message:
                lines.append(_missing_line(paging, group, failures, first_value, per_page, total_pages,
                                           total_items))
                group = []
            group.append(index)
        lines.append(_missing_line(paging, group, failures, first_value, per_page, total_pages, total_items))
    return lines


def _missing_line(
    paging: Paging, group: list[int], failures: dict[int, PartnerBoostError], first_value: int, per_page: int,
    total_pages: int | None, total_items: int | None,
) -> str:
    where = describe_pages(paging, group, first_value, per_page, total_pages, total_items)
    return f"{where}: {failures[group[0]].message}"


async def _sequential_numbered(
    client: RetryingClient,
    action: Action,
    paging: Paging,
    progress: _Progress,
    window: int,
    first_records: list[Any],
    per_page: int,
) -> _Pass:
    """Numbered pages without a total: read on until a short page."""
    check = _checked(paging, action)
    pages = [list(first_records)]
    fetched = len(first_records)
    requests = 1
    last_size = len(first_records)
    value = paging.first_number

    def ended(missing: list[str]) -> _Pass:
        return _Pass(merge_pages(pages, paging.id_key), None, missing, requests)  # no totals: drift unseen

    while last_size >= per_page > 0:
        if requests >= MAX_SEQUENTIAL_PAGES:
            return ended([f"everything after page {requests}: stopped at the page limit"])
        value = value + 1 if paging.kind == "page" else value + last_size
        try:
            page_action = with_params(action, {paging.page_param: value, paging.size_param: per_page})
            page = check(await client.call(page_action, check=check))
        except PartnerBoostError as exc:
            return ended([f"everything after record {fetched}: {exc.message}"])
        requests += 1
        if page and page == pages[-1]:
            return ended([f"everything after record {fetched}: page {requests} "
                          + REPEATED_PAGE.format(param=paging.page_param)])
        pages.append(page)
        fetched += len(page)
        last_size = len(page)
        await progress.update(window, fetched, None)
    return ended([])


async def _chained_pass(
    client: RetryingClient, action: Action, paging: Paging, progress: _Progress, window: int
) -> _Pass:
    """Cursor and has_more listings: each page says whether (and where) the next one is."""
    check = _checked(paging, action)
    value: Any = get_param(action, paging.page_param) if paging.kind == "cursor" else None
    if value is None:
        value = paging.first_page  # None: a cursor listing's first page is asked for without a cursor
    pages: list[list[Any]] = []
    fetched = 0
    total: int | None = None
    requests = 0
    seen_cursors: set[str] = set()

    def ended(missing: list[str]) -> _Pass:
        if paging.kind == "cursor":  # a cursor does not shift
            return _Pass([r for page in pages for r in page], total, missing, requests)
        return _Pass(merge_pages(pages, paging.id_key), total, missing, requests)  # numbered: drift unseen

    while True:
        if requests >= MAX_SEQUENTIAL_PAGES:
            return ended([f"everything after page {requests}: stopped at the page limit"])
        try:
            data = await client.call(with_params(action, {paging.page_param: value,
                                                          paging.size_param: paging.max_size}), check=check)
        except PartnerBoostError as exc:
            if requests == 0:
                raise
            return ended([f"everything after page {requests} ({fetched} records): {exc.message}"])
        requests += 1
        page = check(data)
        if page and pages and page == pages[-1]:
            return ended([f"everything after page {requests - 1} ({fetched} records): page {requests} "
                          + REPEATED_PAGE.format(param=paging.page_param)])
        pages.append(page)
        fetched += len(page)
        total = count_of(data, paging.total_items_key) if total is None else total
        await progress.update(window, fetched, total)
        if not page:
            break
        if paging.kind == "cursor":
            seen_cursors.add(str(value))
            next_value = next_cursor(data, paging)
            if next_value in (None, "", 0, "0"):
                break
            if str(next_value) in seen_cursors and paging.first_page is not None:
                break  # a numbered cursor (the brand report's "1") may come back at the end
            if str(next_value) in seen_cursors:  # an opaque cursor given twice: the listing loops
                return ended([f"everything after page {requests} ({fetched} records): the API answered a "
                              f"cursor it had already given ({str(next_value)[:40]!r}), so the rest cannot "
                              "be read without repeating pages"])
            value = next_value
        else:
            if not (isinstance(data, dict) and data.get("has_more")):
                break
            value = int(value) + 1
    return ended([])


async def fetch_pages(
    client: RetryingClient,
    action: Action,
    *,
    progress: _Progress | None = None,
    window: int = 0,
) -> FetchResult:
    """Every page of one window of `action` (no splitting, no freezing). Page 1 errors are raised."""
    progress = progress or _Progress(None)
    paging = type(action).paging
    if paging is None:
        check = _checked(None, action)
        data = await client.call(action, check=check)
        if isinstance(data, list):
            records = data
        elif isinstance(data, dict) and isinstance(data.get("list"), list):
            records = data["list"]
        else:
            records = [data]
        await progress.update(window, len(records), len(records))
        return FetchResult(records, None, True, [], 1)
    if paging.kind in ("cursor", "has_more"):
        result = await _chained_pass(client, action, paging, progress, window)
        return FetchResult(result.records, result.total, not result.missing, result.missing, result.requests)

    requests = 0
    for attempt in range(1, MAX_PASSES + 1):
        result = await _numbered_pass(client, action, paging, progress, window)
        requests += result.requests
        if result.drift is None:
            break
        if attempt < MAX_PASSES:
            logger.info("%s: %s; reading it again (pass %d)", action.tool_name, result.drift, attempt + 1)
            action = end_at_newest_seen(action, result.records)
    missing = list(result.missing)
    if result.drift is not None:
        missing.append(f"{result.drift}; records may be missing or repeated after {MAX_PASSES} attempts")
    return FetchResult(result.records, result.total, not missing, missing, requests)


def _window_label(action: Action) -> str:
    pair = range_in_use(action)
    if pair is None:
        return ""
    wire = action.to_wire()
    start_param, end_param = pair
    return f"{start_param}={wire.get(start_param)} to {end_param}={wire.get(end_param)}"


async def fetch_all(
    client: RetryingClient,
    action: Action,
    *,
    on_progress: ProgressCallback | None = None,
    allow_partial: bool = False,
) -> FetchResult:
    """Every record of `action`: end time frozen, windows split and merged, pages fetched and de-duplicated.

    Raises IncompleteData (carrying what was fetched) when some pages failed for good, unless allow_partial,
    in which case the result says complete=False and lists what is missing. A window whose time ran out
    (DeadlineExceeded) is missing like a failed one while other windows arrived.
    """
    now = datetime.fromtimestamp(client.clock(), UTC)
    windows = split_windows(freeze_end(action, now))
    progress = _Progress(on_progress, windows=len(windows))
    results: dict[int, FetchResult] = {}
    errors: dict[int, PartnerBoostError] = {}

    async def fetch_window(index: int, piece: Action) -> None:
        try:
            results[index] = await fetch_pages(client, piece, progress=progress, window=index)
        except PartnerBoostError as exc:
            errors[index] = exc

    if len(windows) == 1:
        results[0] = await fetch_pages(client, windows[0], progress=progress)
    else:
        async with anyio.create_task_group() as group:
            for index, piece in enumerate(windows):
                group.start_soon(fetch_window, index, piece)

    fatal = [errors[i] for i in sorted(errors)
             if not errors[i].retryable and not isinstance(errors[i], DeadlineExceeded)]
    if fatal or (errors and not results):
        raise (fatal or [errors[min(errors)]])[0]

    records: list[Any] = []
    missing: list[str] = []
    totals: list[int | None] = []
    requests = 0
    for index, piece in enumerate(windows):
        prefix = f"window {_window_label(piece)}: " if len(windows) > 1 else ""
        if index in errors:
            missing.append(f"{prefix}all records: {errors[index].message}")
            totals.append(None)
            continue
        result = results[index]
        records.extend(result.records)
        missing.extend(prefix + text for text in result.missing)
        totals.append(result.total)
        requests += result.requests
    paging = type(action).paging
    records = dedupe(records, paging.id_key if paging else None)
    total = sum(t for t in totals if t is not None) if all(t is not None for t in totals) else None
    result = FetchResult(records, total, not missing, missing, requests, len(windows))
    if missing and not allow_partial:
        expected = f"{total}" if total is not None else "an unknown number of"
        raise IncompleteData(
            f"{action.tool_name}: fetched {len(records)} of {expected} records; "
            f"missing: {'; '.join(missing)}",
            records=records, total=total, missing=missing, action=action.tool_name,
        )
    return result
