"""What every platform's client shares: one httpx2.AsyncClient, retries with backoff, rate-limit waits,
adaptive concurrency, per-action rate limiters, deadlines and every page of a listing (paging.py).

A platform's client (PartnerBoostClient, OpenPartnerClient) says only how one action becomes a request
(`_build`) and how an answer becomes data or a typed error (`_unwrap`); everything else is here, once.

`call(action)` sends one action and returns the data. Reads are retried with exponential backoff and full
jitter after timeouts, connection errors, 5xx and malformed JSON (up to `max_retries` times), and after rate
limits as the server asks (Retry-After; at most `max_rate_limit_wait` seconds of waiting in all, and every
request of the client waits, including those already queued for a slot). Writes are never retried.
`fetch_all(action)` reads every page (see paging.py). At most `concurrency` requests are in flight; a rate
limit halves that and successes grow it back (see concurrency.py).

Time is bounded twice: each HTTP request, body included, gets at most `timeout` seconds in all (httpx's read
timeout restarts with every chunk, so a trickling server would otherwise never time out), and every call
runs under the deadline of the answer it belongs to (deadline.py; its own `deadline` seconds outside one):
no retry or rate-limit wait starts that would end after it, and whatever is in flight when it passes is
cancelled with DeadlineExceeded, which says what the call was waiting for.
"""

from __future__ import annotations

import logging
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import Any, ClassVar, Self

import anyio
import httpx2

from partnerboost_skill.api.concurrency import AdaptiveLimit, Outcome
from partnerboost_skill.api.deadline import DEFAULT_DEADLINE_SECONDS, Deadline, ensure_deadline
from partnerboost_skill.api.errors import (
    CODE_MEANINGS,
    BadRequest,
    PartnerBoostError,
    RateLimited,
    UpstreamError,
)
from partnerboost_skill.api.paging import fetch_all as _fetch_all
from partnerboost_skill.api.redaction import Redactor, install_http_log_filter
from partnerboost_skill.api.results import FetchResult, ProgressCallback
from partnerboost_skill.api.windows import RateLimiter
from partnerboost_skill.api.wire import WireRequest
from partnerboost_tools.base import Action

logger = logging.getLogger("partnerboost")
install_http_log_filter()

USER_AGENT = "partnerboost-skill/0.1"
WRITE_UNCERTAIN = (
    " This was a write and it was not retried: it may or may not have been applied. Check the current state "
    "before trying again."
)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
Check = Callable[[Any], Any]


class RetryingClient(ABC):
    """The shared client machinery. Use as `async with SomeClient(...) as client: ...`. Pass `transport`
    (e.g. an httpx2.MockTransport or a sandbox's ASGI transport) or an existing `http_client` (which is then
    not closed by this client)."""

    platform: ClassVar[str]
    """The platform's name as messages say it."""

    def __init__(
        self,
        *,
        secrets: Iterable[str] = (),
        transport: httpx2.AsyncBaseTransport | None = None,
        http_client: httpx2.AsyncClient | None = None,
        timeout: float = 30.0,
        max_retries: int = 4,
        concurrency: int = 8,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        max_retry_wait: float = 60.0,
        max_rate_limit_wait: float = 300.0,
        deadline: float = DEFAULT_DEADLINE_SECONDS,
        clock: Clock = time.time,
        sleep: Sleep = anyio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self.timeout = timeout
        self.max_retries = max_retries
        self.concurrency = concurrency
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_wait = max_retry_wait
        """The longest single wait a server may ask for (Retry-After); asked for more, the call gives up."""
        self.max_rate_limit_wait = max_rate_limit_wait
        """The most one call waits for rate limits in all before giving up."""
        self.deadline_seconds = deadline
        """The deadline of a call or fetch_all made outside an answer's deadline (see deadline.py)."""
        self.clock = clock
        self.sleep = sleep
        self._jitter = jitter
        self.redact = Redactor(secrets)
        self._transport = transport
        self._http = http_client
        self._owns_http = http_client is None
        self._limit: AdaptiveLimit | None = None
        self._limiters: dict[str, RateLimiter] = {}
        self._resume_at = 0.0
        """After a rate limit, no request of this client starts before this time (clock seconds)."""
        self.http_requests = 0
        """HTTP requests sent, retries included."""

    # ------------------------------------------------------------------------------------------ platform
    @abstractmethod
    def _build(self, action: Action) -> WireRequest:
        """The request for `action` as sent, auth included (raises MissingCredentials before any waiting)."""

    @abstractmethod
    def _unwrap(self, response: httpx2.Response, action: Action) -> Any:
        """The data of a successful answer, or raise the typed PartnerBoostError for it."""

    def _rebuild_after_wait(self) -> bool:
        """Whether a request that waited (for a rate limit or a slot) must be built again (signed dates)."""
        return False

    # ------------------------------------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> Self:
        self._client()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    def _client(self) -> httpx2.AsyncClient:
        if self._http is None:
            self._http = httpx2.AsyncClient(
                transport=self._transport,
                timeout=httpx2.Timeout(self.timeout),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                limits=httpx2.Limits(max_connections=max(self.concurrency, 1) * 2),
            )
        return self._http

    def _limiter(self, action: Action) -> RateLimiter | None:
        window = type(action).window
        if window is None or window.requests_per_minute is None:
            return None
        limiter = self._limiters.get(action.tool_name)
        if limiter is None:
            limiter = RateLimiter(window.requests_per_minute, clock=self.clock, sleep=self.sleep)
            self._limiters[action.tool_name] = limiter
        return limiter

    async def call(self, action: Action, *, check: Check | None = None) -> Any:
        """Send one action and return its unwrapped `data`; raise a PartnerBoostError subclass on failure.

        A read is retried after a retryable failure (timeout, 5xx, malformed answer, or `data` that fails
        `check`) up to `max_retries` times. A rate-limit answer is no failure of the request: it is sent again
        when the server allows, for at most `max_rate_limit_wait` seconds of waiting in all (`max_retries=0`
        retries nothing). Everything ends by the deadline in force (DeadlineExceeded).
        """
        with ensure_deadline(self.deadline_seconds) as deadline:
            waiting = [f"waiting for {self.platform} to answer {action.tool_name}"]
            with anyio.CancelScope(deadline=anyio.current_time() + deadline.remaining()):
                return await self._call(action, check, deadline, waiting)
            raise deadline.exceeded(waiting[0], action=action.tool_name)

    async def _call(self, action: Action, check: Check | None, deadline: Deadline, waiting: list[str]) -> Any:
        failures = 0
        limited = 0
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._attempt(action, attempt, check)
            except PartnerBoostError as exc:
                if action.writes:
                    if isinstance(exc, UpstreamError):
                        exc.message += WRITE_UNCERTAIN
                    raise
                if not exc.retryable:
                    raise
                rate_limited = isinstance(exc, RateLimited)
                if rate_limited:
                    limited += 1
                else:
                    failures += 1
                wait = self._retry_wait(exc, limited if rate_limited else failures)
                if rate_limited:
                    give_up = wait is None or waited + wait > self.max_rate_limit_wait
                else:
                    give_up = wait is None or failures > self.max_retries
                if give_up or wait is None or self.max_retries == 0:
                    if self.max_retries > 0:
                        exc.message += f" (gave up after {attempt} attempt{'s' if attempt > 1 else ''})"
                    raise
                waiting[0] = self._waiting_for(action, exc, attempt)
                if wait is not None and wait >= deadline.remaining():
                    raise deadline.exceeded(f"{waiting[0]}; the next attempt would start after the deadline",
                                            action=action.tool_name) from None
                reason = self.redact(f"{type(exc).__name__}: {exc.message}")
                if rate_limited:
                    logger.warning("%s: rate limited on attempt %d (%s); retrying in %.1f s",
                                   action.tool_name, attempt, reason, wait)
                else:
                    logger.warning("%s: attempt %d of %d failed (%s); retrying in %.1f s",
                                   action.tool_name, failures, 1 + self.max_retries, reason, wait)
                if rate_limited:
                    waited += wait
                    # every request of this client waits, not only this one (see _attempt)
                    self._resume_at = max(self._resume_at, self.clock() + wait)
                else:
                    await self.sleep(wait)

    def _waiting_for(self, action: Action, exc: PartnerBoostError, attempts: int) -> str:
        tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
        if isinstance(exc, RateLimited):
            said = CODE_MEANINGS.get(exc.code or 0, "too many requests")
            code = f"code {exc.code}" if exc.code is not None else f"HTTP {exc.http_status}"
            return f"{self.platform} kept rate-limiting {action.tool_name} ({code}: {said}; {tries})"
        return f"{action.tool_name} kept failing ({tries}; last: {exc.message})"

    def _retry_wait(self, exc: PartnerBoostError, count: int) -> float | None:
        """Seconds to wait before the next attempt after the `count`-th failure (or rate limit) of its kind;
        None when the server asks for longer than we wait."""
        if isinstance(exc, RateLimited):
            if exc.retry_after is not None:
                return exc.retry_after if exc.retry_after <= self.max_retry_wait else None
            ceiling = min(self.max_retry_wait, 2.0 * 2 ** min(count - 1, 30))
            return ceiling / 2 + self._jitter() * ceiling / 2
        return self._jitter() * min(self.backoff_cap, self.backoff_base * 2 ** min(count - 1, 30))

    async def _attempt(self, action: Action, attempt: int, check: Check | None = None) -> Any:
        request = self._build(action)  # missing credentials fail here, before any waiting
        limiter = self._limiter(action)
        if limiter is not None:
            await limiter.acquire()
        limit = self.concurrency_limit
        waited_for = 0.0
        while True:
            resume_at = self._resume_at
            if resume_at > waited_for and resume_at > self.clock():
                await self.sleep(resume_at - self.clock())
                waited_for = resume_at
            ticket = await limit.acquire()
            if self._resume_at <= max(waited_for, self.clock()):
                break
            limit.release(ticket)  # a rate limit arrived while this request queued for a slot: wait it out
        if (waited_for or limiter is not None) and self._rebuild_after_wait():
            request = self._build(action)
        try:
            response = await self._send(action, request, attempt)
        finally:
            limit.release(ticket)  # the answer has arrived: the next request may go while this one is parsed
        outcome: Outcome = "other"
        try:
            data = self._unwrap(response, action)
            if check is not None:
                check(data)
            outcome = "ok"
            return data
        except RateLimited:
            outcome = "rate_limited"
            raise
        finally:
            limit.adapt(ticket, outcome)

    @property
    def concurrency_limit(self) -> AdaptiveLimit:
        """Requests in flight: at most `concurrency`, halved on each rate limit, grown back on successes."""
        if self._limit is None:
            self._limit = AdaptiveLimit(self.concurrency)
        return self._limit

    async def _send(self, action: Action, request: WireRequest, attempt: int) -> httpx2.Response:
        started = time.perf_counter()
        self.http_requests += 1
        try:
            with anyio.move_on_after(self.timeout) as bounded:
                response = await self._client().request(
                    request.method, request.url, params=tuple(request.query) or None, json=request.json,
                    headers=request.headers,
                )
        except httpx2.InvalidURL as exc:
            raise self._unsendable(action, exc) from None
        except httpx2.TimeoutException as exc:
            raise self._transport_error(action, "timed out", exc) from None
        except httpx2.RequestError as exc:
            raise self._transport_error(action, "could not be sent or answered", exc) from None
        if bounded.cancelled_caught:
            raise UpstreamError(f"The request for {action.tool_name} timed out: no complete answer within "
                                f"{self.timeout:g} s.", action=action.tool_name)
        logger.debug(
            "%s %s (%s) attempt %d -> HTTP %d in %.0f ms",
            request.method, action.tool_name, type(action).family, attempt, response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    def _unsendable(self, action: Action, exc: Exception) -> BadRequest:
        """A request whose URL cannot be built (a part over 64 KiB): name the longest parameter."""
        sizes = {name: len(str(value)) for name, value in action.to_wire().items()}
        longest = max(sizes, key=lambda name: sizes[name], default=None)
        about = f" `{longest}` is {sizes[longest]:,} characters long; shorten it." if longest else ""
        return BadRequest(
            f"The request for {action.tool_name} cannot be sent ({self.redact(str(exc))[:200]}).{about}",
            parameter=longest, action=action.tool_name,
        )

    def _transport_error(self, action: Action, what: str, exc: Exception) -> UpstreamError:
        detail = self.redact(str(exc)) or type(exc).__name__
        return UpstreamError(
            f"The request for {action.tool_name} {what} ({type(exc).__name__}: {detail}).",
            action=action.tool_name,
        )

    async def fetch_all(
        self, action: Action, on_progress: ProgressCallback | None = None, *, allow_partial: bool = False
    ) -> FetchResult:
        """Every record of a paged (and possibly windowed) action; see skill.api.paging.fetch_all."""
        with ensure_deadline(self.deadline_seconds):
            return await _fetch_all(self, action, on_progress=on_progress, allow_partial=allow_partial)
