"""`partnerboost review|orders|bill|partners|compare` end to end on the sandbox.

The sandbox's clock is 2026-11-20 06:00 UTC.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from answer_support import clean_env, run

from partnerboost_skill import questions
from partnerboost_skill.api.errors import InvalidCredentials
from partnerboost_skill.commands import answer_cmds
from partnerboost_skill.config import Settings
from partnerboost_skill.render import MESSAGE_SEPARATOR
from partnerboost_skill.runtime import Connection

__all__ = ["clean_env"]
pytestmark = pytest.mark.usefixtures("clean_env")
PNG = b"\x89PNG\r\n\x1a\n"


def media_path(out: str) -> Path:
    lines = out.rstrip("\n").splitlines()
    assert lines[-1].startswith("MEDIA:/"), "the chart line comes last, alone on its line"
    path = Path(lines[-1].removeprefix("MEDIA:"))
    assert path.is_absolute() and path.read_bytes()[:8] == PNG
    return path


def test_review_says_demo_first_and_attaches_its_chart(capsys: pytest.CaptureFixture[str],
                                                       clean_env: Path) -> None:
    code, out, err = run(capsys, "review")
    assert code == 0, err
    assert out.splitlines()[0].startswith("⚠ Demo data")
    assert "Period: Aug 1 – Oct 31 2026 (UTC; the three most recent complete calendar months)" in out
    assert "| Website |" in out and "**What to do**" in out
    path = media_path(out)
    assert clean_env / "cache" in path.parents


def test_orders_for_discord_fit_the_limits(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chart = tmp_path / "out" / "orders.png"
    chart.parent.mkdir()  # folders are created only inside the cache folder
    code, out, _ = run(capsys, "orders", "last", "7", "days", "--format", "discord", "--chart", str(chart))
    assert code == 0
    assert media_path(out) == chart.resolve()
    *messages, media = out.rstrip("\n").split(f"\n{MESSAGE_SEPARATOR}\n")
    assert media == f"MEDIA:{chart.resolve()}", "the chart is a message of its own"
    assert messages[0].startswith("⚠ Demo data")
    for message in messages:
        assert len(message) <= 2000 and len(message.splitlines()) <= 17
    assert "Nov 14 – Nov 20 2026" in out


def test_bill_as_json_is_the_typed_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bill", "September 2026", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["demo"] is True and payload["answer"] == "bill" and payload["chart"] is None
    result = payload["result"]
    assert result["month"] == "2026-09"
    assert result["period"]["start"] == "2026-09-01T00:00:00Z" and result["period"]["timezone"] == "UTC"
    assert all(re.fullmatch(r"-?\d+\.\d{2}", amount) for amount in result["totals_by_currency"].values())
    assert "MEDIA:" not in out


def test_partners_in_chinese_for_feishu(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "partners", "--format", "feishu", "--lang", "zh")
    assert code == 0
    messages = out.rstrip("\n").split(f"\n{MESSAGE_SEPARATOR}\n")
    assert messages[0].startswith("⚠ 演示数据")
    assert "合作媒体" in out and "期间：2026-10-22 至 2026-11-20" in out
    assert all(len(message) <= 4000 for message in messages)
    assert "MEDIA:" not in out, "partners has no chart"


def test_compare_year_on_year(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compare", "October", "--against", "year", "--format", "json")
    assert code == 0
    result = json.loads(out)["result"]
    assert result["period"]["start"].startswith("2026-10-01")
    assert result["other_period"]["start"].startswith("2025-10-01")


def test_timezone_comes_from_the_settings(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERBOOST_TIMEZONE", "Asia/Shanghai")
    code, out, _ = run(capsys, "bill", "--format", "json")
    assert code == 0
    period = json.loads(out)["result"]["period"]
    assert period["timezone"] == "Asia/Shanghai" and period["start"] == "2026-10-01T00:00:00+08:00"


def test_without_a_configured_zone_periods_follow_the_account(capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARTNERBOOST_TIMEZONE")
    code, out, _ = run(capsys, "bill", "--format", "json")
    assert code == 0
    period = json.loads(out)["result"]["period"]
    # the demo account's info says America/Los_Angeles (sandbox world_catalog)
    assert period["timezone"] == "America/Los_Angeles" and period["start"].endswith("-07:00")
    code, out, _ = run(capsys, "bill")
    assert "(America/Los_Angeles" in out


def test_bad_period_exits_2_with_example_phrases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "review", "next", "fortnight")
    assert code == 2 and out == ""
    assert "'next fortnight'" in err and "'last three months'" in err and "'上个月'" in err
    assert "Traceback" not in err


def test_a_bill_needs_one_calendar_month(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "bill", "last", "three", "months")
    assert code == 2 and "one complete calendar month" in err


def test_bad_timezone_setting_exits_2_naming_the_variable(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERBOOST_TIMEZONE", "Mars/Olympus")
    code, _, err = run(capsys, "orders")
    assert code == 2 and "PARTNERBOOST_TIMEZONE" in err


def test_unknown_group_by_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "review", "--group-by", "zodiac")
    assert exit_info.value.code == 2
    assert "channel_type" in capsys.readouterr().err


def test_refresh_and_no_cache_reach_the_connection(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Settings] = []
    real_connect = answer_cmds.connect

    @asynccontextmanager
    async def spy(settings: Settings) -> AsyncIterator[Connection]:
        seen.append(settings)
        async with real_connect(settings) as conn:
            yield conn

    monkeypatch.setattr(answer_cmds, "connect", spy)
    assert run(capsys, "orders", "--no-chart", "--refresh", "--no-cache")[0] == 0
    assert run(capsys, "orders", "--no-chart")[0] == 0
    assert (seen[0].refresh, seen[0].use_cache) == (True, False)
    assert (seen[1].refresh, seen[1].use_cache) == (False, True)


def test_without_matplotlib_the_answer_comes_without_a_chart(capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = run(capsys, "orders")
    assert code == 0
    assert "MEDIA:" not in out and "Chart skipped" in err
    assert out.startswith("⚠ Demo data")


def test_partnerboost_errors_exit_1_without_a_traceback(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    async def refused(*_args: object, **_kwargs: object) -> None:
        raise InvalidCredentials("the API key was rejected (1001): check PARTNERBOOST_API_KEY", code=1001)

    monkeypatch.setattr(questions.answers, "monitor", refused)
    code, out, err = run(capsys, "orders", "--no-chart")
    assert code == 1 and out == ""
    assert "rejected" in err and "Traceback" not in err


def test_an_unknown_partner_status_is_a_usage_error_naming_the_allowed_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "partners", "--status", "friends")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--status" in err and "'joined'" in err and "'all'" in err


def test_a_reader_that_stops_early_is_not_an_error(clean_env: Path) -> None:
    """`partnerboost … | head`: the closed pipe ends the command quietly, without an 'internal error'."""
    binary = Path(sys.executable).parent / "partnerboost"
    command = [str(binary)] if binary.exists() else [sys.executable, "-m", "partnerboost_skill.cli"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
    env.update(HOME=str(clean_env), PARTNERBOOST_CACHE_DIR=str(clean_env / "cache"))
    process = subprocess.Popen([*command, "review", "--group-by", "partner", "--format", "json"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # well before the answer (about 170 KB) is written
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "error" not in err.lower() and "Traceback" not in err
