"""PARTNERBOOST_SETTLE_DAYS: how old orders must be before the cache treats them as final."""

from pathlib import Path

import pytest

from partnerboost_skill.config import ConfigError, load_settings


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    return {"PARTNERBOOST_CONFIG": str(tmp_path / "config.toml"), **values}


def test_the_settle_window_defaults_to_90_days(tmp_path):
    assert load_settings(_env(tmp_path)).settle_days == 90


def test_the_settle_window_comes_from_the_environment(tmp_path):
    assert load_settings(_env(tmp_path, PARTNERBOOST_SETTLE_DAYS=" 30 ")).settle_days == 30


def test_the_settle_window_comes_from_the_config_file(tmp_path):
    (tmp_path / "config.toml").write_text("settle_days = 45\n", encoding="utf-8")
    assert load_settings({"PARTNERBOOST_CONFIG": str(tmp_path / "config.toml")}).settle_days == 45


@pytest.mark.parametrize("value", ["-1", "ninety", "2.5", "99999"])
def test_a_bad_settle_window_names_the_variable_and_the_allowed_values(tmp_path, value):
    with pytest.raises(ConfigError, match=r"PARTNERBOOST_SETTLE_DAYS must be a whole number of days from 0"):
        load_settings(_env(tmp_path, PARTNERBOOST_SETTLE_DAYS=value))
