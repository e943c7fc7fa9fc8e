"""`partnerboost actions` and `partnerboost call`: listing, running on the sandbox, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnerboost_skill.cli import main
from partnerboost_tools.catalogue import ACTIONS


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("PARTNERBOOST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PARTNERBOOST_CACHE_DIR", str(tmp_path / "cache"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_actions_json_lists_every_catalogue_action(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "actions", "--json")
    rows = json.loads(out)
    assert code == 0
    assert [r["name"] for r in rows] == list(ACTIONS)
    assert len(rows) == 11 + 15 + 9 + 9 + 8
    by_name = {r["name"]: r for r in rows}
    assert by_name["merchant_list_transactions"]["endpoint"] == "POST /a/transaction/list4"
    assert by_name["brand_create_order"]["writes"] is True
    assert by_name["merchant_list_bills"]["writes"] is False
    revoke = "POST <OpenPartner API base>/partners/{partner_id}/revoke"
    assert by_name["openpartner_revoke_partner"]["endpoint"] == revoke
    assert by_name["openpartner_revoke_partner"]["writes"] is True


def test_call_without_credentials_runs_on_sandbox_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "call", "merchant_list_transactions", "--param", "page_size=3", "--json")
    assert code == 0
    assert "Demo data" in err
    data = json.loads(out)
    assert len(data["list"]) == 3
    assert data["total_size"] > 3


def test_call_all_pages_returns_every_record(capsys: pytest.CaptureFixture[str]) -> None:
    params = ["--param", "trans_time_start=2026-11-18", "--param", "trans_time_end=2026-11-19"]
    code, out, _ = run(capsys, "call", "merchant_transaction_stats", *params, "--json")
    total = json.loads(out)["total_size"]
    code, out, _ = run(capsys, "call", "merchant_list_transactions", *params, "--all-pages", "--json")
    data = json.loads(out)
    assert code == 0
    assert total > 200, "the day should need more than one page at the largest page size"
    assert data["count"] == len(data["list"]) == total


def test_windowed_action_is_split_into_allowed_spans(capsys: pytest.CaptureFixture[str]) -> None:
    # the publisher click report allows one hour per request: three hours come back whole, not as error 1011
    span = ["--param", "begin_date=2026-11-18T00:00:00Z", "--param", "end_date=2026-11-18T03:00:00Z"]
    code, out, err = run(capsys, "call", "publisher_list_clicks", *span, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["count"] == len(data["list"]) > 0
    hours = {r["click_time"][:13] for r in data["list"]}
    assert len(hours) == 3


def test_list_parameter_accepts_comma_separated_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "call", "merchant_list_transactions", "--param", "trans_status=void,paid",
                       "--param", "page_size=50", "--json")
    assert code == 0
    assert {r["status"] for r in json.loads(out)["list"]} <= {"void", "paid"}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["call", "merchant_list_transactionz"], "Did you mean: merchant_list_transactions"),
        (["call", "merchant_performance_chart", "--param", "start_date=2026-09-01", "--param",
          "end_date=2026-10-01", "--param", "group_by=year"], "group_by: 'year' is not allowed"),
        (["call", "merchant_list_transactions", "--param", "page_sise=5"], "page_sise: unknown parameter"),
        (["call", "merchant_performance_totals"], "start_date: required"),
        (["call", "merchant_list_transactions", "--param", "page_size=0"], "page_size"),
        (["call", "merchant_list_transactions", "--params", "{not json"], "--params is not valid JSON"),
        (["call", "merchant_list_transactions", "--param", "novalue"], "--param expects key=value"),
    ],
)
def test_bad_input_is_one_paragraph_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str],
                                           expected: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert expected in " ".join(err.split())
    assert "Traceback" not in err


def test_missing_credentials_for_a_family_names_the_variables(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERBOOST_API_KEY", "merchant-key-only")
    code, _, err = run(capsys, "call", "brand_list_publishers")
    assert code == 2
    assert "PARTNERBOOST_BRAND_TOKEN" in err
    assert "merchant-key-only" not in err


def test_write_action_previews_without_confirm(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "call", "brand_void_order", "--param", "order_number=X-1")
    preview = json.loads(out)
    assert code == 0
    assert preview["preview"] is True
    assert preview["params"] == {"order_number": "X-1"}
    assert "--confirm" in preview["note"]


def test_readme_test_command_is_what_ci_runs() -> None:
    root = Path(__file__).resolve().parents[2]
    ci_lines = [line for line in (root / ".ci/run").read_text().splitlines()
                if line.strip() and not line.startswith(("#", "set ", "cd "))]
    readme = (root / "README.md").read_text()
    *services, command = ci_lines
    assert f"```\n{command}\n```" in readme
    # before it, CI only starts the services some tests need (they skip without them), as the README says
    assert services == ["source .ci/postgres"]
    assert "source .ci/postgres" in readme
