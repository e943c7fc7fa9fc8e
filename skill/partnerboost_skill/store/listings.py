"""Small listings (performance rows, bills, the partner list) cached whole, per query.

A listing whose time range has settled is served from the cache once it was fetched after settling. Any other
listing is fetched live and saved; when that live fetch fails for a passing reason (rate limit, outage), the
last saved copy is served instead, with a note saying how old it is.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.api.params import get_param
from partnerboost_skill.api.results import FetchResult, ProgressCallback
from partnerboost_skill.records.source import Source
from partnerboost_skill.store.backend import Listing
from partnerboost_skill.store.freshness import SettlePolicy, day_of, days_label, moment_label
from partnerboost_skill.store.guard import StoreSession
from partnerboost_tools.base import Action, Cached


def cached_kind(action: Action) -> Cached | None:
    """How the cache keeps this action's listing (the action class says: `Action.cached`), None if not."""
    return type(action).cached

_PAGING_PARAMS = {"page_num", "page_size", "page", "limit", "first", "cursor"}


def _seconds(value: object) -> int | None:
    return int(value.timestamp()) if isinstance(value, datetime) else None


def listing_key(action: Action, fingerprint: str) -> str:
    params = {k: v for k, v in action.to_wire().items() if k not in _PAGING_PARAMS}
    text = json.dumps(
        [action.tool_name, fingerprint, params], sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def describe(action: Action) -> str:
    kind = cached_kind(action)
    assert kind is not None
    start = _seconds(get_param(action, kind.start_param)) if kind.start_param else None
    end = _seconds(get_param(action, kind.end_param)) if kind.end_param else None
    if start is None or end is None:
        return kind.label
    return f"{kind.label} {days_label(day_of(start), day_of(end))}"


class ListingCache:
    def __init__(
        self,
        client: Source,
        session: StoreSession,
        policy: SettlePolicy,
        now: int,
        *,
        refresh: bool,
    ) -> None:
        self.client = client
        self.session = session
        self.policy = policy
        self.now = now
        self.refresh = refresh

    def range_end(self, action: Action) -> int | None:
        """The end of the listing's time range as an exclusive Unix second (the API's end is inclusive)."""
        kind = cached_kind(action)
        assert kind is not None
        end = _seconds(get_param(action, kind.end_param)) if kind.end_param else None
        return None if end is None else end + 1

    async def fetch_all(
        self, action: Action, on_progress: ProgressCallback | None, *, allow_partial: bool
    ) -> FetchResult:
        key = listing_key(action, self.client.credentials.fingerprint(type(action).family))
        range_end = self.range_end(action)
        saved = None if self.refresh else await self.session.run(lambda s: s.listing(key), None)
        if saved is not None and not saved.intact:
            self.session.note(
                f"the cached {describe(action)} no longer matched the checksum saved with the data and "
                "were fetched again"
            )
            saved = None
        saved_records = _records(saved)
        if (
            saved is not None
            and saved_records is not None
            and range_end is not None
            and self.policy.is_final(range_end, saved.fetched_at, self.now)
        ):
            note = (
                f"{describe(action)} from the local cache (settled; fetched {moment_label(saved.fetched_at)})"
            )
            return FetchResult(saved_records, saved.total, True, [], 0, 1, [*self.session.notes, note])
        try:
            result = await self.client.fetch_all(action, on_progress, allow_partial=allow_partial)
        except PartnerBoostError as error:
            if not error.retryable or saved is None or saved_records is None:
                raise
            note = (
                f"{describe(action)}: PartnerBoost could not be read ({error.message}); using the copy saved "
                f"{moment_label(saved.fetched_at)}"
            )
            return FetchResult(saved_records, saved.total, True, [], 0, 1, [*self.session.notes, note])
        if result.complete and self.session.writable:
            body = json.dumps(result.records, separators=(",", ":"), ensure_ascii=False).encode()
            await self.session.run(
                lambda s: s.save_listing(
                    key,
                    action.tool_name,
                    range_end=range_end,
                    fetched_at=self.now,
                    total=result.total,
                    body=body,
                ),
                None,
                writes=True,
            )
        result.notes = [*result.notes, *self.session.notes]
        return result


def _records(saved: Listing | None) -> list[object] | None:
    if saved is None:
        return None
    try:
        records = json.loads(saved.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return records if isinstance(records, list) else None
