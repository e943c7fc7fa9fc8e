"""Orders for a time range from the cache where they can no longer change, from PartnerBoost where they can.

The cache keeps orders by UTC day. For a range, every day is one of:
- settled and cached after it settled → read from the cache, no request;
- recent (inside the settle window) and cached → checked: one list_stats request per run of days within a
  month compares counts (and sums) per status with the cached orders; a run that differs is checked day by
  day, and only the days that differ are refetched;
- anything else (not cached, cached before it settled, unreadable, `refresh`) → fetched.
Fetched days are read in chunks of up to two weeks at the largest page size, all chunks at once (the client
bounds the requests in flight), and saved as they arrive. The result is one orders frame, newest first, as
`records.frames.orders_frame` builds it from the same records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import anyio
import numpy as np
import pandas as pd

from partnerboost_skill.api.errors import IncompleteData, PartnerBoostError
from partnerboost_skill.api.results import FetchResult, ProgressCallback, report_progress
from partnerboost_skill.records.frames import empty_orders
from partnerboost_skill.records.source import OrdersFetch, Source
from partnerboost_skill.store.backend import DayInfo, StoredBody
from partnerboost_skill.store.codec import CodecError, Labels, Part, assemble, decode, encode, part_of
from partnerboost_skill.store.freshness import (
    DAY_SECONDS,
    SettlePolicy,
    day_of,
    day_start,
    days_label,
    moment_label,
    plural,
)
from partnerboost_skill.store.guard import StoreSession
from partnerboost_skill.store.memo import OrderMemo
from partnerboost_skill.store.signatures import Signature, api_signature, comparable, part_signature
from partnerboost_tools.merchant import MerchantListTransactions, MerchantTransactionStats

CHUNK_DAYS = 14
"""Days per fetch: few partly filled pages, yet frames are built and saved while other chunks still arrive."""
_NS = 1_000_000_000


@dataclass
class _Plan:
    final: list[int] = field(default_factory=list)
    check: list[int] = field(default_factory=list)
    fetch: list[int] = field(default_factory=list)
    fetched_at: dict[int, int] = field(default_factory=dict)


@dataclass
class _Outcome:
    parts: list[tuple[int, Part]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    requests: int = 0
    total: int = 0
    windows: int = 0
    shared: int = 0
    """Days another question (or replica) fetched while this one waited, read from the store."""
    notes: list[str] = field(default_factory=list)
    """What reading the fetched records found (zones, missing values)."""


def compact(part: Part) -> Part:
    """The part with labels no row uses dropped (a day keeps only its own partners, coupons, ...)."""
    columns: dict[str, Labels | np.ndarray] = {}
    for name, column in part.columns.items():
        if not isinstance(column, Labels):
            columns[name] = column
            continue
        used = np.unique(column.codes[column.codes >= 0]).astype(np.int64)
        renumber = np.full(len(column.labels) + 1, -1, dtype=np.int64)
        renumber[used] = np.arange(len(used))
        codes = renumber[column.codes.astype(np.int64)]
        columns[name] = Labels(codes, [column.labels[i] for i in used])
    return Part(part.rows, columns, dict(part.kinds))


def split_by_day(part: Part) -> dict[int, Part]:
    days = part.times_ns() // (DAY_SECONDS * _NS)
    return {int(day): compact(part.take(np.flatnonzero(days == day))) for day in np.unique(days)}


def encode_days(days: list[int], part: Part) -> dict[int, tuple[int, bytes]]:
    """Each day's orders encoded (days without orders too: they are known to be empty)."""
    by_day = split_by_day(part) if part.rows else {}
    empty = compact(part.take(np.zeros(0, dtype=np.int64)))
    return {day: (by_day.get(day, empty).rows, encode(by_day.get(day, empty))) for day in days}


def _months(days: list[int]) -> list[list[int]]:
    """Runs of consecutive days that stay within one calendar month."""
    runs: list[list[int]] = []
    for day in sorted(days):
        moment = datetime.fromtimestamp(day * DAY_SECONDS, UTC)
        if runs:
            previous = datetime.fromtimestamp(runs[-1][-1] * DAY_SECONDS, UTC)
            if day == runs[-1][-1] + 1 and (moment.year, moment.month) == (previous.year, previous.month):
                runs[-1].append(day)
                continue
        runs.append([day])
    return runs


def _chunks(days: list[int], size: int) -> list[list[int]]:
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1 and len(runs[-1]) < size:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _add(total: Signature, more: Signature) -> Signature:
    for key, value in more.items():
        total[key] = total.get(key, 0) + value
    return {key: value for key, value in total.items() if value}


def is_plain_range(action: MerchantListTransactions) -> bool:
    """True when the query is only a closed time range (the cacheable kind)."""
    chosen = action.model_dump(exclude_none=True, exclude={"page_num", "page_size"})
    return set(chosen) == {"trans_time_start", "trans_time_end"}


class _NotRemembered(Exception):
    """A day's signature is not in memory: the check needs the decoded day."""


class OrderSync:
    def __init__(
        self,
        client: Source,
        session: StoreSession,
        policy: SettlePolicy,
        now: int,
        *,
        refresh: bool = False,
        chunk_days: int = CHUNK_DAYS,
        memo: OrderMemo | None = None,
    ) -> None:
        self.client = client
        self.session = session
        self.policy = policy
        self.now = now
        self.refresh = refresh
        self.chunk_days = chunk_days
        self.memo = memo
        self._progress: dict[str, tuple[int, int | None]] = {}
        self._planned: dict[int, int] = {}
        """When each stored day had been fetched as this question planned (to see another's fetch land)."""

    async def orders(
        self, start: int, end: int, on_progress: ProgressCallback | None = None, *, allow_partial: bool = True
    ) -> OrdersFetch:
        """Orders placed from `start` to `end` (Unix seconds, both included, as list4's filters take them)."""
        first, last = day_of(start), day_of(end)
        plan = await self._plan(first, last)
        key = self._memo_key(plan, start, end)
        remembered = self.memo.frame(key) if self.memo is not None and key is not None else None
        checked: tuple[list[int], list[int], int] | None = None
        cached: dict[int, Part] = {}
        if remembered is not None:
            try:
                checked = await self._verify(plan.check, {})
            except _NotRemembered:
                remembered = None
            else:
                if checked[0]:  # a recent day changed: read the days as usual (without asking again)
                    remembered = None
        if remembered is None:
            cached = await self._read(plan)
            from_cache = sum(part.rows for part in cached.values())
        else:
            from_cache = len(remembered)
        await self._report(on_progress, "cache", from_cache, from_cache)
        if checked is None:
            checked = await self._verify([d for d in plan.check if d in cached], cached)
        refetch, verified, check_requests = checked
        known = cached if remembered is None else dict.fromkeys(plan.final + plan.check)
        to_fetch = sorted({*plan.fetch, *refetch, *(d for d in plan.final + plan.check if d not in known)})
        outcome = await self._fetch(to_fetch, on_progress)

        if remembered is not None:
            frame = remembered.copy()
        else:
            frame = self._assemble(cached, plan.final + verified, outcome.parts, start, end)
            if key is not None and not to_fetch and self.memo is not None:
                self.memo.keep_frame(key, frame.copy())

        final_days = [day for day in plan.final if day in known]
        oldest = min((plan.fetched_at[day] for day in final_days), default=None)
        notes = self._notes(first, last, final_days, oldest, verified, to_fetch)
        if outcome.shared:
            notes.append(
                f"{plural(outcome.shared, 'day')} of orders were being fetched by another request for this "
                "account and were read from the cache once it had saved them"
            )
        notes = [*self.session.notes, *outcome.notes, *notes]
        result = FetchResult(
            [],
            len(frame),
            not outcome.missing,
            outcome.missing,
            outcome.requests + check_requests,
            max(outcome.windows, 1),
            notes,
        )
        if outcome.missing and not allow_partial:
            raise IncompleteData(
                f"merchant_list_transactions: fetched {len(frame)} orders; "
                f"missing: {'; '.join(outcome.missing)}",
                records=[],
                total=None,
                missing=outcome.missing,
                action="merchant_list_transactions",
            )
        return OrdersFetch(frame, result)

    def _memo_key(self, plan: _Plan, start: int, end: int) -> tuple[tuple[int, int], ...] | None:
        """(start, end) and every day's fetched_at, when every day of the range is in the store."""
        if self.memo is None or plan.fetch:
            return None
        days = sorted(plan.final + plan.check)
        return ((start, end), *((day, self._planned[day]) for day in days))

    @staticmethod
    def _assemble(
        cached: dict[int, Part], days: list[int], fetched: list[tuple[int, Part]], start: int, end: int
    ) -> pd.DataFrame:
        pieces = [(day, cached[day]) for day in days if day in cached]
        pieces += fetched
        pieces.sort(key=lambda item: item[0], reverse=True)
        start_ns, end_ns = start * _NS, (end + 1) * _NS
        trimmed = []
        for _, part in pieces:
            times = part.times_ns()
            inside = (times >= start_ns) & (times < end_ns)
            trimmed.append(part if inside.all() else part.take(inside))
        return assemble(trimmed, empty_orders())

    # ------------------------------------------------------------------------------------------ planning
    async def _plan(self, first: int, last: int) -> _Plan:
        plan = _Plan()
        stored: dict[int, DayInfo] = await self.session.run(lambda s: s.order_days(first, last), {})
        self._planned = {day: info.fetched_at for day, info in stored.items()}
        known = {} if self.refresh else stored
        cutoff = self.policy.cutoff(self.now)
        for day in range(first, last + 1):
            info = known.get(day)
            ends = day_start(day + 1)
            if info is None:
                plan.fetch.append(day)
            elif self.policy.is_final(ends, info.fetched_at, self.now):
                plan.final.append(day)
                plan.fetched_at[day] = info.fetched_at
            elif ends <= cutoff:
                plan.fetch.append(day)  # copied before it settled: fetch once more, then it is final
            else:
                plan.check.append(day)
        return plan

    async def _read(self, plan: _Plan) -> dict[int, Part]:
        wanted = plan.final + plan.check
        if not wanted:
            return {}
        return await self._read_days(wanted)

    async def _read_days(self, days: list[int]) -> dict[int, Part]:
        """The stored days that read back intact; damaged or altered ones are forgotten, with a note."""
        bodies: dict[int, StoredBody] = await self.session.run(lambda s: s.order_bodies(days), {})
        parts: dict[int, Part] = {}
        unreadable: list[int] = []
        altered: list[int] = []
        for day, stored in bodies.items():
            try:
                part = decode(stored.body)
            except CodecError:
                unreadable.append(day)
                continue
            if stored.intact:  # only a body as it was saved is used (decode trusts its labels to be text)
                parts[day] = part
            else:
                altered.append(day)
        if unreadable:
            self.session.note(
                f"{plural(len(unreadable), 'cached day')} of orders could not be read and were refetched"
            )
        if altered:
            changed = "it was" if len(altered) == 1 else "they were"
            self.session.note(
                f"{plural(len(altered), 'cached day')} of orders ({days_label(min(altered), max(altered))}) "
                f"no longer matched the checksum saved with the data and {changed} refetched"
            )
        if unreadable or altered:
            bad = unreadable + altered
            await self.session.run(lambda s: s.forget_days(bad), None, writes=True)
        return parts

    # ---------------------------------------------------------------------------------------- checking
    async def _stats(self, days: list[int]) -> tuple[frozenset[str], Signature] | None:
        action = MerchantTransactionStats(
            trans_time_start=datetime.fromtimestamp(day_start(days[0]), UTC),
            trans_time_end=datetime.fromtimestamp(day_start(days[-1] + 1) - 1, UTC),
        )
        try:
            return api_signature(await self.client.call(action))
        except PartnerBoostError:
            return None

    def _cached_signature(self, days: list[int], parts: dict[int, Part], kinds: frozenset[str]) -> Signature:
        total: Signature = {}
        for day in days:
            total = _add(total, self._day_signature(day, parts, kinds))
        return total

    def _day_signature(self, day: int, parts: dict[int, Part], kinds: frozenset[str]) -> Signature:
        fetched_at = self._planned.get(day)
        if self.memo is not None and fetched_at is not None:
            remembered = self.memo.signature(day, fetched_at, kinds)
            if remembered is not None:
                return remembered
        if day not in parts:
            raise _NotRemembered(day)
        signature = part_signature(parts[day], kinds)
        if self.memo is not None and fetched_at is not None:
            self.memo.keep_signature(day, fetched_at, kinds, signature)
        return signature

    async def _verify(self, days: list[int], parts: dict[int, Part]) -> tuple[list[int], list[int], int]:
        """(days to refetch, days confirmed, requests made)."""
        if not days:
            return [], [], 0
        blocks = _months(days)
        answers: dict[int, tuple[frozenset[str], Signature] | None] = {}
        requests = len(blocks)

        async def ask(index: int, block: list[int]) -> None:
            answers[index] = await self._stats(block)

        async with anyio.create_task_group() as group:
            for index, block in enumerate(blocks):
                group.start_soon(ask, index, block)

        refetch: list[int] = []
        confirmed: list[int] = []
        suspects: list[int] = []
        for index, block in enumerate(blocks):
            answer = answers[index]
            if answer is None:
                refetch += block  # no usable statistics: refetch to be sure
            elif comparable(self._cached_signature(block, parts, answer[0]), answer[1]) == answer[1]:
                confirmed += block
            elif len(block) == 1:
                refetch += block
            else:
                suspects += block
        if suspects:
            per_day: dict[int, tuple[frozenset[str], Signature] | None] = {}
            requests += len(suspects)

            async def ask_day(day: int) -> None:
                per_day[day] = await self._stats([day])

            async with anyio.create_task_group() as group:
                for day in suspects:
                    group.start_soon(ask_day, day)
            for day in suspects:
                answer = per_day[day]
                if answer is not None and comparable(
                    self._cached_signature([day], parts, answer[0]), answer[1]
                ) == answer[1]:
                    confirmed.append(day)
                else:
                    refetch.append(day)
        if confirmed:
            await self.session.run(lambda s: s.mark_checked(confirmed, self.now), None, writes=True)
        return refetch, confirmed, requests

    # ----------------------------------------------------------------------------------------- fetching
    async def _report(
        self, callback: ProgressCallback | None, key: str, done: int, total: int | None
    ) -> None:
        if callback is None:
            return
        self._progress[key] = (done, total)
        values = list(self._progress.values())
        overall = (
            sum(t for _, t in values if t is not None) if all(t is not None for _, t in values) else None
        )
        await report_progress(callback, sum(d for d, _ in values), overall)

    async def _fetch(self, days: list[int], on_progress: ProgressCallback | None) -> _Outcome:
        outcome = _Outcome()
        if not days:
            return outcome
        chunks = _chunks(days, self.chunk_days)
        outcome.windows = len(chunks)
        failures: list[PartnerBoostError] = []

        async def fetch_chunk(chunk: list[int]) -> None:
            key = f"days {chunk[0]}"

            async def progress(done: int, total: int | None) -> None:
                await self._report(on_progress, key, done, total)

            async with self.session.claiming(chunk) as waited:
                if waited and await self._take_saved(chunk, outcome):
                    return
                await fetch_claimed(chunk, progress)

        async def fetch_claimed(chunk: list[int], progress: ProgressCallback) -> None:
            action = MerchantListTransactions(
                trans_time_start=datetime.fromtimestamp(day_start(chunk[0]), UTC),
                trans_time_end=datetime.fromtimestamp(day_start(chunk[-1] + 1) - 1, UTC),
            )
            try:
                got = await self.client.fetch_orders_frame(action, progress, allow_partial=True)
            except PartnerBoostError as error:
                if not error.retryable:
                    failures.append(error)
                    return
                outcome.missing.append(f"orders {days_label(chunk[0], chunk[-1])}: {error.message}")
                return
            result = got.result
            outcome.requests += result.requests
            outcome.missing += [f"orders {days_label(chunk[0], chunk[-1])}: {m}" for m in result.missing]
            outcome.notes += [note for note in result.notes if note not in outcome.notes]
            part = await anyio.to_thread.run_sync(part_of, got.frame)
            outcome.parts.append((chunk[0], part))
            outcome.total += part.rows
            if result.complete:
                await self._save(chunk, part)

        async with anyio.create_task_group() as group:
            for chunk in chunks:
                group.start_soon(fetch_chunk, chunk)
        if failures:
            raise failures[0]
        return outcome

    async def _take_saved(self, chunk: list[int], outcome: _Outcome) -> bool:
        """After waiting for another fetch of these days: use what it saved, if it saved every one of them."""
        infos: dict[int, DayInfo] = await self.session.run(lambda s: s.order_days(chunk[0], chunk[-1]), {})
        landed = [
            day for day in chunk if day in infos and infos[day].fetched_at != self._planned.get(day)
        ]
        if len(landed) != len(chunk):
            return False
        parts = await self._read_days(chunk)
        if len(parts) != len(chunk):
            return False
        outcome.parts.extend(parts.items())
        outcome.total += sum(part.rows for part in parts.values())
        outcome.shared += len(chunk)
        return True

    async def _save(self, chunk: list[int], part: Part) -> None:
        if not self.session.writable:
            return
        bodies = await anyio.to_thread.run_sync(encode_days, chunk, part)
        await self.session.run(lambda s: s.save_order_days(bodies, self.now), None, writes=True)

    # ------------------------------------------------------------------------------------------- notes
    def _notes(
        self,
        first: int,
        last: int,
        final: list[int],
        oldest: int | None,
        verified: list[int],
        fetched: list[int],
    ) -> list[str]:
        """How fresh the orders are; nothing when every day was fetched live just now."""
        if not final and not verified:
            return []
        window = self.policy.settle.days
        pieces: list[str] = []
        if final:
            when = f"; fetched {moment_label(oldest)}" if oldest is not None else ""
            pieces.append(f"{days_label(min(final), max(final))} from the local cache (settled{when})")
        recent = sorted({*verified, *(d for d in fetched if day_start(d + 1) > self.policy.cutoff(self.now))})
        if recent:
            refetched = len(recent) - len(verified)
            pieces.append(
                f"{days_label(recent[0], recent[-1])} (inside the {window}-day settle window) checked live "
                f"against PartnerBoost's order statistics"
                + (f", {plural(refetched, 'day')} refetched" if refetched else ", unchanged")
            )
        settled_fetched = [d for d in fetched if day_start(d + 1) <= self.policy.cutoff(self.now)]
        if settled_fetched:
            saved = " and saved" if self.session.writable else ""
            pieces.append(f"{plural(len(settled_fetched), 'settled day')} fetched live{saved}")
        return [f"orders {days_label(first, last)} (UTC days): " + "; ".join(pieces)]
