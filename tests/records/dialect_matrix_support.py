"""Helpers for the dialect matrix: the world, the questions, an answer's figures, and the judge. No tests.

Imported by name (pytest puts this folder on sys.path).

What "equal" and "explained" mean is defined here, in `judge`:

- Every answer is flattened into figures: one path per number, flag, status or identity, lists keyed by what
  identifies their items (a group's key, a bill id, an order id, a metric and currency), never by position.
  Identities are compared as partners: a partner id, its channel (site) id, its PB medium code and its name
  all stand for the same partner of the world, so an answer keyed by channel id equals one keyed by partner
  id. Statuses are compared in the dialect's own vocabulary (a dialect that says "Approved" for both effective
  and paid cannot be asked to tell them apart). Money compares exactly (to the cent), rates to 1e-9.
  Wording (labels, names, rules, notes) is not a figure.
- A figure that differs from the canonical answer is EXPLAINED only when a note of the dialect's answer names
  the source the figure is computed from (a word of `CONCEPT_WORDS`, or the field the dialect uses for it)
  AND either the figure is omitted (None, or absent from the answer) or the answer says it is incomplete
  (`complete` is false). Clicks absent → conversion None and a note mentioning clicks: explained. Orders
  without a bill id → the bill's expected figure None and a note naming the bill id: explained.
- Every other difference is SILENT and fails: a different number in an answer that claims to be complete, a
  figure omitted with no note naming its source, a group that appears or disappears unexplained.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import partnerboost_skill.sandbox
from partnerboost_skill import answers
from partnerboost_skill.analysis.results import Answer
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.cli import main
from partnerboost_skill.config import Credentials
from partnerboost_skill.sandbox import SANDBOX_AMAZON_BASE_URL, SANDBOX_BASE_URL, sandbox_transport
from partnerboost_skill.sandbox import credentials as sandbox
from partnerboost_skill.sandbox.dialects import Dialect
from partnerboost_skill.sandbox.world import World, WorldConfig

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
MATRIX_WORLD = WorldConfig(seed=23, now=NOW, days=75, orders_per_day=15, n_partners=20)
"""Small enough for the whole matrix to run in seconds; October and most of September are complete."""
TZ = "America/Los_Angeles"
"""The world account's own zone; in-process answers are asked in it."""

BOUNDARY_SECONDS = (
    "2026-09-30T23:59:59-07:00",
    "2026-10-01T00:00:00-07:00",
    "2026-10-31T23:59:59-07:00",
    "2026-11-01T00:00:00-07:00",
    "2026-09-30T23:59:59+00:00",
    "2026-10-01T00:00:00+00:00",
    "2026-10-31T23:59:59+00:00",
    "2026-11-01T00:00:00+00:00",
)
"""Orders placed at the first and last second of September and October, in the account's zone and in UTC: an
API whose end bound is exclusive loses the last-second ones when asked for `… 23:59:59`."""

CREDENTIALS = Credentials(
    api_key=sandbox.SANDBOX_API_KEY,
    brand_id=sandbox.SANDBOX_BRAND_ID,
    brand_token=sandbox.SANDBOX_BRAND_TOKEN,
    brand_secret=sandbox.SANDBOX_BRAND_SECRET,
)


def matrix_world() -> World:
    """MATRIX_WORLD plus one order at each boundary second (a joined partner, 123.45 USD)."""
    world = World.generate(MATRIX_WORLD)
    joined = world.partners[world.partners["status"] == "joined"]["partner_id"].tolist()
    for index, moment in enumerate(BOUNDARY_SECONDS):
        world.add_order(
            order_id=f"EDGE{index}",
            order_time=datetime.fromisoformat(moment),
            partner_id=int(joined[index % len(joined)]),
            currency="USD",
            amount_cents=12_345,
            uid=f"EDGE-U{index}",
            device="pc",
        )
    return world


Question = Callable[[PartnerBoostClient], Awaitable[Answer]]

GROUP_BYS = ("channel_type", "partner", "partner_type", "country", "device", "month", "medium")


def _review(group_by: str) -> Question:
    return lambda c: answers.review(c, "last month", group_by, now=NOW, tz=TZ)


QUESTIONS: dict[str, Question] = {
    **{f"review-{g}": _review(g) for g in GROUP_BYS},
    "orders": lambda c: answers.monitor(c, "last 7 days", now=NOW, tz=TZ),
    "bill": lambda c: answers.bills(c, "last month", now=NOW, tz=TZ),
    "partners": lambda c: answers.media(c, "last 30 days", status="all", now=NOW, tz=TZ),
    "compare": lambda c: answers.compare(c, "last month", "previous", "partner", now=NOW, tz=TZ),
}
"""Every answer, in process, on the entry points of partnerboost_skill.analysis.answers."""

CLI_COMMANDS: dict[str, tuple[str, ...]] = {
    "review": ("review", "last month", "--group-by", "partner"),
    "orders": ("orders",),
    "bill": ("bill",),
    "partners": ("partners", "--status", "all"),
    "compare": ("compare", "last month"),
    "ask": ("ask", "how did each partner do last month"),
}
"""Every command, through `partnerboost … --format json` with the cache on and no time zone configured."""


def client_on(world: World, dialect: str) -> PartnerBoostClient:
    return PartnerBoostClient(
        CREDENTIALS,
        base_url=SANDBOX_BASE_URL,
        amazon_base_url=SANDBOX_AMAZON_BASE_URL,
        transport=sandbox_transport(world, dialect=dialect),
        max_retries=0,
    )


async def answer(world: World, dialect: str, question: str) -> Answer | Exception:
    """The answer as JSON-ready data, or the exception it raised (never raised here)."""
    async with client_on(world, dialect) as client:
        try:
            return await QUESTIONS[question](client)
        except Exception as exc:  # the judge reports it; the matrix must see every outcome
            return exc


@dataclass(frozen=True)
class CliRun:
    code: int
    out: str
    err: str

    @property
    def result(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.out)["result"]
        except (ValueError, KeyError, TypeError):
            return None


@contextmanager
def _cli_on(world: World, dialect: str, home: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        import os

        for name in list(os.environ):
            if name.startswith("PARTNERBOOST_"):
                patch.delenv(name)
        patch.setenv("HOME", str(home))
        patch.setenv("PARTNERBOOST_CACHE_DIR", str(home / "cache"))
        patch.setattr(partnerboost_skill.sandbox, "_default_world", world)
        spoken = partial(sandbox_transport, dialect=dialect)
        patch.setattr(partnerboost_skill.sandbox, "sandbox_transport", spoken)
        yield


def run_cli(
    world: World, dialect: str, command: str, home: Path, capsys: pytest.CaptureFixture[str]
) -> CliRun:
    """One CLI command on the demo sandbox speaking `dialect`, with a fresh cache under `home`."""
    with _cli_on(world, dialect, home):
        capsys.readouterr()
        code = main([*CLI_COMMANDS[command], "--format", "json"])
        out, err = capsys.readouterr()
    return CliRun(code, out, err)


# ------------------------------------------------------------------------------------------------ figures
SKIPPED = frozenset({
    "label", "partner_name", "name", "medium_name", "detail", "rule", "action", "phrase", "convention",
    "complete", "notes", "thresholds", "bill_no", "note", "key",
})
"""Wording, not figures (and `key`, which already names its list item)."""
IDENTITIES = frozenset({"key", "group", "partner_id", "medium", "medium_code"})


def partner_identities(world: World) -> dict[str, str]:
    """Every way to name a partner (id, channel id, PB code, name) → its partner id."""
    names: dict[str, str] = {}
    for row in world.partners.itertuples():
        partner = str(row.partner_id)
        for alias in (row.partner_id, row.channel_id, row.medium_code, row.name):
            names[str(alias)] = partner
    return names


@dataclass(frozen=True)
class Vocabulary:
    """How to compare identities and statuses of one dialect's answers with the canonical ones."""

    partners: dict[str, str]
    dialect: Dialect

    def identity(self, value: Any) -> Any:
        return self.partners.get(str(value), value) if value is not None else None

    def status(self, value: Any, context: str) -> Any:
        if value is None:
            return None
        d = self.dialect
        words = {"bills": d.bill_statuses, "media": d.publisher_statuses}.get(context, d.statuses)
        codes = {str(code): status for status, code in d.status_codes.items()} if context == "orders" else {}
        text = codes.get(str(value), str(value))
        spoken = {canonical.lower(): word.lower() for canonical, word in words.items()}
        return spoken.get(text.lower(), text.lower())


def _context(path: str) -> str:
    if path.startswith(("bills", "totals_by_status")):
        return "bills"
    if path.startswith(("media", "top_contributors")):
        return "media"
    return "orders"


def _item_key(item: Any, index: int, vocab: Vocabulary, path: str, seen: dict[str, int]) -> str:
    if not isinstance(item, dict):
        return str(index)
    if "order_id" in item:
        base = str(item["order_id"])
    elif "bill_id" in item:
        base = str(item["bill_id"])
    elif "metric" in item:
        base = f"{item['metric']}:{item.get('currency')}"
    elif "kind" in item and "group" in item:
        base = f"{item['kind']}:{vocab.identity(item['group'])}:{item.get('currency')}"
    elif "key" in item:
        base = str(vocab.identity(item["key"]))
    elif "partner_id" in item and "share_of_sales" in item:
        base = str(item.get("currency"))
    elif "partner_id" in item:
        base = str(vocab.identity(item.get("partner_id") or item.get("medium")))
    elif "code" in item:
        base = str(item["code"])
    elif "value" in item:
        base = str(item["value"])
    elif "status" in item and "currency" in item:
        base = f"{vocab.status(item['status'], _context(path))}:{item['currency']}"
    else:
        base = str(index)
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"


def figures(result: dict[str, Any], vocab: Vocabulary) -> dict[str, Any]:
    """The answer's figures (a JSON dump of the result model) as {path: comparable value}."""
    flat: dict[str, Any] = {}

    def walk(value: Any, path: str, leaf: str) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                if key not in SKIPPED:
                    walk(child, f"{path}/{key}" if path else key, key)
            return
        if isinstance(value, list):
            seen: dict[str, int] = {}
            for index, item in enumerate(value):
                walk(item, f"{path}[{_item_key(item, index, vocab, path, seen)}]", leaf)
            if not value:
                flat[path] = []
            return
        if leaf in IDENTITIES:
            value = vocab.identity(value)
        elif leaf == "status":
            value = vocab.status(value, _context(path))
        flat[path] = value

    walk(result, "", "")
    return flat


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, int | float) and isinstance(b, int | float):
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        return False
    if isinstance(a, str) and isinstance(b, str) and a != b:
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return False
    return a == b


# ------------------------------------------------------------------------------------------------- judge
CONCEPT_WORDS: dict[str, tuple[str, ...]] = {
    "clicks": ("click",),
    "bill id": ("bill id", "bill_id", "payment_id", "payment id"),
    "commission": ("commission",),
    "sale amount": ("sale amount", "sale_amount", "sales amount"),
    "status": ("status",),
    "partner": ("partner id", "partner_id"),
    "medium code": ("medium code", "medium_code"),
}
"""A note explains a figure's difference only when it names the figure's source (these words or the
dialect's own field for it)."""

_CONCEPT_FIELDS: dict[str, tuple[str, str]] = {
    "clicks": ("performance_fields", "clicks"),
    "bill id": ("order_fields", "payment_id"),
    "commission": ("order_fields", "sale_comm"),
    "sale amount": ("order_fields", "sale_amount"),
    "status": ("order_fields", "status"),
    "partner": ("order_fields", "partner_id"),
    "medium code": ("order_fields", "medium_code"),
}

_LEAF_CONCEPTS: dict[str, str] = {
    "matched_by": "bill id",
    "clicks": "clicks",
    "conversion_rate": "clicks",
    "median_conversion_rate": "clicks",
    "expected": "bill id",
    "difference": "bill id",
    "covered_orders": "bill id",
    "reconciled": "bill id",
    "commission": "commission",
    "roas": "commission",
    "roi": "commission",
    "effective_commission_rate": "commission",
    "sales": "sale amount",
    "aov": "sale amount",
    "share_of_sales": "sale amount",
    "previous_sales": "sale amount",
    "sales_change": "sale amount",
    "amount": "sale amount",
    "orders": "status",
    "valid_orders": "status",
    "void_orders": "status",
    "void_rate": "status",
    "previous_valid_orders": "status",
    "valid_orders_change": "status",
    "voided_orders": "status",
    "partners_with_sales": "partner",
}


_RECOMMENDATION_CONCEPTS: dict[str, str] = {
    "scale": "clicks",
    "fix": "clicks",
    "watch": "status",
    "cut": "commission",
    "concentration": "sale amount",
}
"""What each recommendation's rule cannot be judged without (review.py: scale and fix compare conversion)."""


def concept_of(path: str) -> str | None:
    """The source a figure is computed from, judged by where it sits and what it is called."""
    if path.startswith("discrepancies"):
        return "bill id"
    if path.startswith("recommendations["):
        return _RECOMMENDATION_CONCEPTS.get(path.removeprefix("recommendations[").split(":", 1)[0])
    leaf = path.rsplit("/", 1)[-1].split("[", 1)[0]
    if leaf == "medium_code":
        return "medium code"
    if leaf in IDENTITIES:
        return "partner"
    if "changes[" in path and leaf in ("a", "b", "difference", "change"):
        metric = path.rsplit("changes[", 1)[1].split(":", 1)[0]
        return _LEAF_CONCEPTS.get(metric, "status")
    return _LEAF_CONCEPTS.get(leaf)


def explains(note: str, concept: str, dialect: Dialect) -> bool:
    text = note.lower()
    words = list(CONCEPT_WORDS[concept])
    table, field = _CONCEPT_FIELDS[concept]
    wire = getattr(dialect, table).get(field)
    if isinstance(wire, str):
        words.append(wire.lower())
    return any(word in text for word in words)


_MISSING = object()


def judge(canonical: dict[str, Any], got: dict[str, Any], vocab: Vocabulary) -> list[str]:
    """The silent differences of `got` against `canonical` (both JSON dumps of a result); [] when none."""
    expected, actual = figures(canonical, vocab), figures(got, vocab)
    notes = [str(note) for note in got.get("notes", [])]
    incomplete = got.get("complete") is False
    silent = []
    for path in sorted(set(expected) | set(actual)):
        want, have = expected.get(path, _MISSING), actual.get(path, _MISSING)
        if path.endswith("/fee") and vocab.dialect.bill_fee_bp and want in (None, _MISSING):
            continue  # the dialect bills a fee the default world does not: an extra figure, not another one
        if want is not _MISSING and have is not _MISSING and same(want, have):
            continue
        concept = concept_of(path)
        named = concept is not None and any(explains(note, concept, vocab.dialect) for note in notes)
        omitted = have is _MISSING or have is None or have == [] or have == ""
        if named and (omitted or incomplete):
            continue
        shown = lambda v: "absent" if v is _MISSING else repr(v)  # noqa: E731
        silent.append(f"{path}: canonical {shown(want)}, dialect {shown(have)}")
    return silent


def outcome_text(result: Answer | Exception) -> str:
    if isinstance(result, Exception):
        return f"{type(result).__name__}: {result}"
    return "answered"
