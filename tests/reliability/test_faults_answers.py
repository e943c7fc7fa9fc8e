"""The analysis answers through a failing PartnerBoost: 5xx bursts, timeouts and hangs, malformed JSON,
rate-limit storms, pages that drift while fetched and a server that dies mid-fetch.

Every run ends in one of three ways, and nothing else: the complete answer, equal to the fault-free one to the
cent; an answer marked `complete=False` whose notes say what is missing; or a typed PartnerBoostError with a
clear message. Never a silently short answer, never an unexpected exception. Sleeps are fake (no real waiting)
except where a request must really hang for the client's timeout to fire.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import httpx2
import pytest
from mcp import Client
from reliability_support import (
    NOW,
    QUESTIONS,
    Burst,
    Counting,
    Deadline,
    DeepPagesFail,
    DiesAfter,
    FakeTime,
    client_on,
    connect_with,
    faulty_transport,
    figures,
    incomplete_notes,
)

from partnerboost_skill import answers
from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.api.errors import PartnerBoostError
from partnerboost_skill.config import Settings
from partnerboost_skill.periods import resolve_period
from partnerboost_skill.sandbox.faults import Faults
from partnerboost_skill.sandbox.world import World
from partnerboost_skill.server import build_server

pytestmark = pytest.mark.anyio

Outcome = Literal["complete", "incomplete", "error"]


async def ask(name: str, client) -> Answer | PartnerBoostError:  # type: ignore[no-untyped-def]
    """The answer, or the typed error it raised; any other exception fails the test as it propagates."""
    try:
        return await QUESTIONS[name](client)
    except PartnerBoostError as exc:
        return exc


def judge(name: str, got: Answer | PartnerBoostError, expected: Answer) -> Outcome:
    """Which of the three allowed endings this is; fails on a silently short or unclear one."""
    if isinstance(got, PartnerBoostError):
        assert got.message.strip() and "Traceback" not in got.message, got.message
        assert got.action, f"{name}: the error does not name the action: {got.message}"
        return "error"
    if got.complete:
        assert figures(got) == figures(expected), f"{name} says complete but its figures differ"
        return "complete"
    missing = incomplete_notes(got)
    assert missing, f"{name} is incomplete without saying what is missing: {got.notes}"
    assert all(len(note) > len("incomplete orders") for note in missing)
    return "incomplete"


@dataclass(frozen=True)
class Scenario:
    name: str
    build: Callable[[World, FakeTime], httpx2.AsyncBaseTransport]
    max_retries: int = 4
    timeout: float = 30.0


def sandbox_with(**knobs: object) -> Callable[[World, FakeTime], httpx2.AsyncBaseTransport]:
    def build(world: World, time: FakeTime) -> httpx2.AsyncBaseTransport:
        faults = Faults(sleep=time.sleep, clock=time.clock, **knobs)  # type: ignore[arg-type]
        return faulty_transport(world, faults, time)

    return build


async def run_all(world: World, baseline: dict[str, Answer], scenario: Scenario) -> Counter[Outcome]:
    time = FakeTime()
    transport = scenario.build(world, time)
    outcomes: Counter[Outcome] = Counter()
    options = {"max_retries": scenario.max_retries, "timeout": scenario.timeout}
    async with client_on(transport, time, **options) as client:
        for name in QUESTIONS:
            outcomes[judge(name, await ask(name, client), baseline[name])] += 1
    return outcomes


# --- retries absorb moderate faults: every answer complete and exact ---------------------------------------

RECOVERABLE = [
    Scenario("5xx at 20%", sandbox_with(error_rate=0.2, seed=1)),
    Scenario("malformed JSON at 25%", sandbox_with(malformed_rate=0.25, seed=2)),
    Scenario("hang then 504 at 20%", sandbox_with(hang_rate=0.2, hang_seconds=30, seed=3)),
    Scenario("rate-limit storm, 3 requests/s", sandbox_with(rate_limit_per_s=3, rate_limit_burst=3)),
    Scenario("latency 200-700 ms", sandbox_with(latency_ms=200, jitter_ms=500, seed=4)),
    Scenario("drift of 5 orders per request", sandbox_with(page_drift_orders_per_request=5, seed=5)),
    Scenario("burst of 6 consecutive 503s", lambda w, t: Burst(faulty_transport(w, None, t), 3, 8)),
]


@pytest.mark.parametrize("scenario", RECOVERABLE, ids=lambda s: s.name)
async def test_moderate_faults_still_give_the_exact_complete_answer(
    world: World, baseline: dict[str, Answer], scenario: Scenario
) -> None:
    outcomes = await run_all(world, baseline, scenario)
    assert outcomes == {"complete": len(QUESTIONS)}


# --- faults retries cannot absorb: incomplete or a clear error, never short -------------------------------

HARSH = [
    Scenario("5xx at 75%, one retry", sandbox_with(error_rate=0.75, seed=6), max_retries=1),
    Scenario("malformed JSON at 80%, one retry", sandbox_with(malformed_rate=0.8, seed=7), max_retries=1),
    Scenario("hang then 504 at 70%, no retry", sandbox_with(hang_rate=0.7, seed=8), max_retries=0),
    Scenario("rate limit asking for 200 s", sandbox_with(rate_limit_per_s=0.005, rate_limit_burst=5)),
    Scenario("burst of 150 consecutive 503s", lambda w, t: Burst(faulty_transport(w, None, t), 4, 153)),
    Scenario(
        "everything at once",
        sandbox_with(error_rate=0.3, malformed_rate=0.2, hang_rate=0.1, latency_ms=50, jitter_ms=400,
                     rate_limit_per_s=4, page_drift_orders_per_request=2, seed=9),
        max_retries=1,
    ),
]


@pytest.mark.parametrize("scenario", HARSH, ids=lambda s: s.name)
async def test_harsh_faults_give_an_incomplete_answer_or_a_clear_error(
    world: World, baseline: dict[str, Answer], scenario: Scenario
) -> None:
    outcomes = await run_all(world, baseline, scenario)
    assert sum(outcomes.values()) == len(QUESTIONS)
    assert outcomes["incomplete"] + outcomes["error"] > 0, "the faults never bit: the scenario tests nothing"


async def test_pages_that_never_arrive_make_answers_incomplete(
    world: World, baseline: dict[str, Answer]
) -> None:
    scenario = Scenario("order pages 3+ always 503",
                        lambda w, t: DeepPagesFail(faulty_transport(w, None, t), 3))
    outcomes = await run_all(world, baseline, scenario)
    assert outcomes["incomplete"] >= 3 and outcomes["error"] == 0, outcomes
    time = FakeTime()
    async with client_on(DeepPagesFail(faulty_transport(world, None, time), 3), time) as client:
        review = await answers.review(client, "last month", now=NOW)
    (note,) = incomplete_notes(review)
    assert note.startswith("incomplete orders 2026-09-01 .. 2026-11-01"), note
    assert re.search(r"pages 3–(\d+) of \1 \(records 401–", note) and "HTTP 503" in note, note  # one run
    assert review.totals.orders < baseline["review"].totals.orders


@pytest.mark.parametrize("alive", [0, 2, 6, 15, 30])
async def test_a_server_that_dies_mid_fetch(world: World, baseline: dict[str, Answer], alive: int) -> None:
    time = FakeTime()
    dying = DiesAfter(faulty_transport(world, None, time), alive)
    outcomes: Counter[Outcome] = Counter()
    async with client_on(dying, time, max_retries=2) as client:
        for name in QUESTIONS:
            outcomes[judge(name, await ask(name, client), baseline[name])] += 1
    assert outcomes["incomplete"] + outcomes["error"] > 0
    if alive == 0:
        assert outcomes == {"error": len(QUESTIONS)}


async def test_the_connection_error_says_what_failed(world: World) -> None:
    time = FakeTime()
    async with client_on(DiesAfter(faulty_transport(world, None, time), 0), time, max_retries=1) as client:
        error = await ask("review", client)
    assert isinstance(error, PartnerBoostError)
    assert "could not be sent or answered" in error.message and "ConnectError" in error.message
    assert "gave up after 2 attempts" in error.message


async def test_hanging_requests_time_out_on_the_clients_deadline(
    world: World, baseline: dict[str, Answer]
) -> None:
    """Requests that really hang (10 s) are cut at the client's 50 ms timeout and retried."""
    time = FakeTime()
    faults = Faults(hang_rate=0.15, hang_seconds=10, seed=12, sleep=asyncio.sleep)
    deadline = Deadline(faulty_transport(world, faults, time))
    async with client_on(deadline, time, timeout=0.05) as client:
        outcomes = Counter([judge(name, await ask(name, client), baseline[name]) for name in QUESTIONS])
    assert deadline.timeouts > 0
    assert outcomes == {"complete": len(QUESTIONS)}


async def test_hanging_requests_without_retries_leave_the_answer_incomplete(
    world: World, baseline: dict[str, Answer]
) -> None:
    time = FakeTime()
    faults = Faults(hang_rate=0.5, hang_seconds=10, seed=13, sleep=asyncio.sleep)
    deadline = Deadline(faulty_transport(world, faults, time))
    async with client_on(deadline, time, timeout=0.02, max_retries=0) as client:
        result = await ask("review", client)
    assert judge("review", result, baseline["review"]) in ("incomplete", "error")
    text = result.message if isinstance(result, PartnerBoostError) else " ".join(result.notes)
    assert "timed out" in text


async def test_rate_limits_are_waited_out_as_the_server_asks(
    world: World, baseline: dict[str, Answer]
) -> None:
    time = FakeTime()
    counting = Counting(faulty_transport(world, Faults(rate_limit_per_s=2, rate_limit_burst=2,
                                                       sleep=time.sleep, clock=time.clock), time))
    async with client_on(counting, time) as client:
        result = await ask("compare", client)
    assert judge("compare", result, baseline["compare"]) == "complete"
    granted = sum(1 for status in counting.statuses if status != 429)
    assert granted < len(counting.statuses), "the rate limit never bit"
    assert time.now - NOW.timestamp() >= (granted - 2) / 2, "requests went through faster than allowed"


async def test_drift_inside_the_period_counts_each_order_once(world: World) -> None:
    """New orders arrive at the top of a newest-first listing on every request. The answer may include the
    first of them (they exist) but must count every order once: its figures equal the world's orders in the
    period plus exactly the earliest k new orders, for some k."""
    time = FakeTime()
    transport = faulty_transport(world, Faults(page_drift_orders_per_request=7, seed=14), time)
    async with client_on(transport, time) as client:
        result = await answers.monitor(client, "last 30 days", now=NOW)
    period = resolve_period("last 30 days", now=NOW)
    book = transport.app.state.sandbox.state.orders.cols  # type: ignore[attr-defined]
    drift = sorted(zip(book["t"].tolist(), book["amount"].tolist(), strict=True))
    drift = [(t, amount) for t, amount in drift if t > NOW.timestamp()]
    assert len(drift) > 20, "no drift happened"
    orders = world.orders_between(period.start, period.end)
    usd = orders[(orders["currency"] == "USD") & (orders["status"] != "void")]
    k = result.totals.orders - len(orders)
    assert result.complete, result.notes
    assert 0 <= k <= len(drift)
    expected_cents = int(usd["amount_cents"].sum()) + sum(amount for _, amount in drift[:k])
    assert result.totals.money["USD"].sales == Decimal(expected_cents) / 100


async def test_baseline_matches_the_worlds_ground_truth(world: World, baseline: dict[str, Answer]) -> None:
    """The reference the faulty runs are held to is itself right: October's orders and commission."""
    october = resolve_period("last month", now=NOW)
    orders = world.orders_between(october.start, october.end)
    valid = orders[orders["status"] != "void"]
    review = baseline["review"]
    assert review.complete
    assert review.totals.orders == len(orders)
    for currency, money in review.totals.money.items():
        cents = int(valid.loc[valid["currency"] == currency, "commission_cents"].sum())
        assert money.commission == Decimal(cents) / 100


# --- what the user of the MCP server sees ------------------------------------------------------------------

TOOL_CALLS: dict[str, tuple[str, dict[str, str]]] = {
    "review": ("review_performance", {"period": "last month"}),
    "monitor": ("monitor_orders", {"period": "last month"}),
    "bills": ("check_bill", {"period": "last month"}),
    "media": ("partner_media", {"period": "last two months", "status": "all"}),
    "compare": ("compare_periods", {"period": "last month", "group_by": "partner"}),
}
HEADLINE = ("totals", "totals_by_currency", "active_media", "changes")


@pytest.mark.parametrize(
    "faults",
    [
        {"error_rate": 0.75, "seed": 21},
        {"malformed_rate": 0.8, "seed": 22},
        {"error_rate": 0.2, "malformed_rate": 0.2, "hang_rate": 0.2, "seed": 23},
        {"rate_limit_per_s": 0.005, "rate_limit_burst": 4},
    ],
    ids=["5xx", "malformed", "mixed", "rate-limit"],
)
async def test_the_mcp_tools_report_faults_without_internals(
    world: World, baseline: dict[str, Answer], faults: dict[str, object]
) -> None:
    def build(time: FakeTime) -> httpx2.AsyncBaseTransport:
        return faulty_transport(world, Faults(sleep=time.sleep, clock=time.clock, **faults), time)  # type: ignore[arg-type]

    server = build_server(Settings(), connect=connect_with(build, max_retries=1))
    endings: Counter[str] = Counter()
    async with Client(server) as client:
        for name, (tool, arguments) in TOOL_CALLS.items():
            result = await client.call_tool(tool, arguments)
            text = "".join(block.text for block in result.content if block.type == "text")
            assert "Traceback" not in text and 'File "' not in text
            if result.is_error:
                assert "failed unexpectedly" not in text, text
                assert "PartnerBoost" in text or "request" in text, text
                endings["error"] += 1
                continue
            structured = result.structured_content
            expected = baseline[name].model_dump(mode="json")
            if structured["complete"]:
                for key in HEADLINE:
                    assert structured.get(key) == expected.get(key), f"{tool}: {key} differs"
                endings["complete"] += 1
            else:
                assert "Incomplete data" in text
                assert any(note.startswith("incomplete ") for note in structured["notes"])
                endings["incomplete"] += 1
    assert endings["error"] + endings["incomplete"] > 0, endings
