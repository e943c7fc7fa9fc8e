"""`partnerboost doctor --data` on every sandbox dialect: it names the mapping and the conventions it found,
and never a value (its output is meant to be sent to support)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialect_matrix_support import _cli_on, matrix_world

from partnerboost_skill.cli import main
from partnerboost_skill.sandbox import credentials as sandbox
from partnerboost_skill.sandbox.dialects import DIALECTS
from partnerboost_skill.sandbox.world import World


@pytest.fixture(scope="module")
def world() -> World:
    return matrix_world()


def doctor(world: World, dialect: str, home: Path, capsys: pytest.CaptureFixture[str]) -> str:
    with _cli_on(world, dialect, home):
        capsys.readouterr()
        assert main(["doctor", "--data"]) == 0
        return capsys.readouterr().out


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_doctor_data_names_every_required_field_and_no_value(
    world: World, dialect: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = doctor(world, dialect, tmp_path, capsys)
    for column in ("order_id", "time", "currency", "amount_cents", "status", "bill_id"):
        assert f"  {column:<18} ← " in out, f"{dialect}: {column} not mapped\n{out}"
    assert f"  {'month':<18} ← " in out or f"  {'period_start':<18} ← " in out, out
    problems = [line for line in out.split("conventions:")[0].splitlines() if "✗" in line]
    if DIALECTS[dialect].performance_fields.get("clicks", "clicks") is None:  # a dialect without clicks
        assert len(problems) == 1 and "no field for 'clicks'" in problems[0], out
    else:
        assert not problems, out
    assert "conventions:" in out and "time filters " in out
    orders = world.orders
    values = [str(orders["order_id"].iloc[0]), str(world.partners["name"].iloc[0]),
              str(orders["uid"].iloc[0]), sandbox.SANDBOX_API_KEY, "USD 1", "$"]
    for value in values:
        assert value not in out, f"{dialect}: the output shows a value ({value!r})"


def test_doctor_data_says_what_the_conventions_are(world: World, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    plain = doctor(world, "default", tmp_path / "a", capsys)
    assert "time filters include their end second" in plain
    assert "time               ← order_time — Unix seconds (numbers)" in plain
    beijing = doctor(world, "beijing_time", tmp_path / "b", capsys)
    assert "time filters exclude their end second" in beijing
    assert "← order_time — text without a time zone" in beijing
    assert "text times without an offset: UTC+08:00 (detected)" in beijing
    assert "commission_cents   ← commission" in beijing and "total_cents        ← amount" in beijing
    camel = doctor(world, "camel_java", tmp_path / "c", capsys)
    assert "← orderTime — Unix milliseconds" in camel and "clicks             ← clickCount" in camel
    display = doctor(world, "dashboard_display", tmp_path / "d", capsys)
    assert "amount_cents       ← sale_amount — text with a currency sign or code" in display


def test_a_fields_table_in_the_config_file_overrides_the_mapping(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[fields.orders]\nvoid_reason = "trans_type"\n', encoding="utf-8")
    monkeypatch.setenv("PARTNERBOOST_CONFIG", str(config))
    with _cli_on(world, "default", tmp_path):
        monkeypatch.setenv("PARTNERBOOST_CONFIG", str(config))
        capsys.readouterr()
        assert main(["doctor", "--data"]) == 0
        out = capsys.readouterr().out
    assert "void_reason        ← trans_type (from the config file's [fields])" in out
