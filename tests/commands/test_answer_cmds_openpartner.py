"""`--platform openpartner` on the answer commands, end to end on the sandbox (the demo serves both
platforms): the commission check, the same answers with what OpenPartner lacks shown as unavailable (never
zero), no chart drawn from order values it does not have, and `bill` answered by the commission check."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from answer_support import clean_env, run

from partnerboost_skill.sandbox import default_world
from partnerboost_skill.sandbox.openpartner import tenant_of

__all__ = ["clean_env"]
pytestmark = pytest.mark.usefixtures("clean_env")


def october_owed() -> dict[str, Decimal]:
    """Owed (accrued + approved) per currency, summed here from the tenant's raw records."""
    owed: dict[str, Decimal] = defaultdict(Decimal)
    for c in tenant_of(default_world()).commissions:
        if "2026-10-01" <= c["accruedAt"][:10] < "2026-11-01" and c["status"] in ("accrued", "approved"):
            owed[c["currency"]] += Decimal(c["amount"])
    return dict(owed)


def test_commissions_answers_what_is_owed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "commissions", "last month", "--platform", "openpartner", "--format", "json")
    assert code == 0, err
    result = json.loads(out)["result"]
    assert result["platform"] == "openpartner"
    assert {t["currency"]: Decimal(t["owed"]) for t in result["totals"]} == october_owed()


def test_review_on_openpartner_withholds_sales_and_draws_no_chart(
    capsys: pytest.CaptureFixture[str], clean_env: Path
) -> None:
    code, out, err = run(capsys, "review", "--platform", "openpartner")
    assert code == 0, err
    assert "OpenPartner data has no order values" in out
    assert "MEDIA:" not in out and "| Commission USD |" in out and "ROAS" not in out.split("_compared")[1]
    code, out, _ = run(capsys, "review", "--platform", "openpartner", "--format", "json")
    result = json.loads(out)["result"]
    assert result["group_by"] == "partner"
    assert {m["sales"] for m in result["totals"]["money"].values()} == {None}
    assert result["totals"]["clicks"] is None and "sales" in result["unavailable"]


def test_bill_on_openpartner_is_its_commission_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "bill", "--platform", "openpartner")
    assert code == 0, err
    assert "Commission check" in out and "OpenPartner issues no bills" in out


def test_an_unknown_platform_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        run(capsys, "orders", "--platform", "shopify")
    assert raised.value.code == 2
    assert "partnerboost" in capsys.readouterr().err


def test_ask_takes_the_platform_too(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "--platform", "openpartner", "check my bill from last month")
    assert code == 0, err
    assert "Understood: commission check" in out and "Owed USD" in out
