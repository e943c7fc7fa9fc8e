"""`partnerboost doctor`: names what is configured (never values) and checks that PartnerBoost answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from answer_support import clean_env, run
from pydantic import SecretStr

from partnerboost_skill.api.errors import UpstreamError
from partnerboost_skill.commands import doctor_cmd
from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.runtime import Connection

__all__ = ["clean_env"]
pytestmark = pytest.mark.usefixtures("clean_env")
SECRET = "pbk_live_doctor_secret_value_42"


def test_without_credentials_the_sandbox_answers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "doctor")
    assert code == 0
    assert "none: every answer uses the built-in sandbox" in out
    assert "merchant API  – not configured (needs PARTNERBOOST_API_KEY)" in out
    assert "✓ the built-in sandbox answered merchant_account_info" in out
    assert "MCP toolsets  analysis, api; API actions of merchant" in out
    assert "timezone      UTC" in out


def test_credentials_are_named_with_their_source_never_shown(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             clean_env: Path) -> None:
    monkeypatch.setenv("PARTNERBOOST_API_KEY", SECRET)
    config = clean_env / "pb.toml"
    config.write_text('publisher_token = "pub-token-from-file-123456"\n')
    config.chmod(0o644)
    monkeypatch.setenv("PARTNERBOOST_CONFIG", str(config))
    code, out, err = run(capsys, "doctor", "--offline")
    assert code == 0
    assert "PARTNERBOOST_API_KEY (environment)" in out
    assert "PARTNERBOOST_PUBLISHER_TOKEN (config file)" in out
    assert "merchant API  ✓ configured" in out and "publisher API ✓ configured" in out
    assert "readable by others" in out, "a config file others can read is flagged"
    for secret in (SECRET, "pub-token-from-file-123456"):
        assert secret not in out + err
        assert secret[-8:] not in out + err


def test_a_failing_check_exits_1(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    class Failing:
        credentials = Credentials(api_key=SecretStr(SECRET))

        async def call(self, _action: Any) -> Any:
            raise UpstreamError("PartnerBoost answered HTTP 503; try again later", http_status=503)

    @asynccontextmanager
    async def broken(_settings: Settings) -> AsyncIterator[Connection]:
        client: Any = Failing()
        yield Connection(source=client, demo=False, now=datetime(2026, 11, 20, tzinfo=UTC))

    monkeypatch.setattr(doctor_cmd, "connect", broken)
    code, out, err = run(capsys, "doctor")
    assert code == 1, err
    assert "connection    ✗ PartnerBoost answered HTTP 503" in out


def test_unreadable_configuration_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERBOOST_CONFIG", "/nonexistent/partnerboost.toml")
    code, out, err = run(capsys, "doctor")
    assert code == 2 and out == "" and "PARTNERBOOST_CONFIG" in err
