"""The agent's and the bots' settings: from the environment or config.toml, each bad value named."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerboost_skill.config import (
    DEFAULT_AGENT_MAX_ROUNDS,
    DEFAULT_AGENT_MODEL,
    DEFAULT_AGENT_TIMEOUT,
    DEFAULT_AGENT_TOKEN_BUDGET,
    ConfigError,
    load_settings,
)


def no_file(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text("", encoding="utf-8")
    return {"PARTNERBOOST_CONFIG": str(path)}


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(no_file(tmp_path))
    assert (settings.agent_model, settings.agent_max_rounds, settings.agent_token_budget,
            settings.agent_timeout, settings.bot_allow) == (
        DEFAULT_AGENT_MODEL, DEFAULT_AGENT_MAX_ROUNDS, DEFAULT_AGENT_TOKEN_BUDGET, DEFAULT_AGENT_TIMEOUT, ())


def test_environment_values(tmp_path: Path) -> None:
    settings = load_settings({
        **no_file(tmp_path), "PARTNERBOOST_AGENT_MODEL": "claude-haiku-5-5",
        "PARTNERBOOST_AGENT_MAX_ROUNDS": "3",
        "PARTNERBOOST_AGENT_TOKEN_BUDGET": "50_000", "PARTNERBOOST_AGENT_TIMEOUT": "45.5",
        "PARTNERBOOST_BOT_ALLOW": " oc_abc, ou_def ,123456789012345678,oc_abc",
    })
    assert settings.agent_model == "claude-haiku-5-5"
    assert settings.agent_max_rounds == 3
    assert settings.agent_token_budget == 50000 and settings.agent_timeout == 45.5
    assert settings.bot_allow == ("oc_abc", "ou_def", "123456789012345678")


def test_config_file_values(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('agent_max_rounds = 4\nbot_allow = ["oc_1", "42"]\n', encoding="utf-8")
    settings = load_settings({"PARTNERBOOST_CONFIG": str(path)})
    assert settings.agent_max_rounds == 4 and settings.bot_allow == ("oc_1", "42")


@pytest.mark.parametrize(("name", "value"), [
    ("PARTNERBOOST_AGENT_MAX_ROUNDS", "0"), ("PARTNERBOOST_AGENT_MAX_ROUNDS", "many"),
    ("PARTNERBOOST_AGENT_TOKEN_BUDGET", "10"), ("PARTNERBOOST_AGENT_TIMEOUT", "-1"),
    ("PARTNERBOOST_AGENT_TIMEOUT", "nan"), ("PARTNERBOOST_AGENT_TIMEOUT", "inf"),
    ("PARTNERBOOST_AGENT_MODEL", "claude sonnet"), ("PARTNERBOOST_BOT_ALLOW", "oc_1,bad id"),
])
def test_bad_values_name_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({**no_file(tmp_path), name: value})
