"""`partnerboost init`: verified with one cheap call, saved 0600 atomically, the key never printed."""

from __future__ import annotations

import io
import stat
import sys
import tomllib
from pathlib import Path

import httpx2
import pytest
from answer_support import clean_env, run

from partnerboost_skill.commands import init_cmd
from partnerboost_skill.config import load_settings
from partnerboost_skill.sandbox import SANDBOX_AMAZON_BASE_URL, SANDBOX_BASE_URL, sandbox_transport
from partnerboost_skill.sandbox.credentials import (
    SANDBOX_API_KEY,
    SANDBOX_BRAND_ID,
    SANDBOX_BRAND_SECRET,
    SANDBOX_BRAND_TOKEN,
)

__all__ = ["clean_env"]


@pytest.fixture
def config_file(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PARTNERBOOST_CONFIG in a folder that does not exist yet; verification uses the in-process sandbox."""
    path = clean_env / "conf" / "partnerboost" / "config.toml"
    monkeypatch.setenv("PARTNERBOOST_CONFIG", str(path))
    monkeypatch.setenv("PARTNERBOOST_BASE_URL", SANDBOX_BASE_URL)
    monkeypatch.setenv("PARTNERBOOST_AMAZON_BASE_URL", SANDBOX_AMAZON_BASE_URL)
    monkeypatch.setattr(init_cmd, "transport_for_tests", sandbox_transport())
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_never_shown(secret: str, *texts: str) -> None:
    """Not the secret, nor any 8-character piece of it (a last-4 hint is the most allowed)."""
    for text in texts:
        for start in range(len(secret) - 7):
            assert secret[start:start + 8] not in text


def test_init_saves_a_private_file_and_never_prints_the_key(capsys: pytest.CaptureFixture[str],
                                                            config_file: Path) -> None:
    code, out, err = run(capsys, "init", "--api-key", SANDBOX_API_KEY)
    assert code == 0, err
    assert mode(config_file) == 0o600 and mode(config_file.parent) == 0o700
    assert_never_shown(SANDBOX_API_KEY, out, err)
    assert "openclaw config set skills.entries.partnerboost.apiKey <your key>" in out
    assert "✓ merchant: account Lumen & Pine" in out
    assert load_settings().credentials.value("api_key") == SANDBOX_API_KEY
    assert sorted(p.name for p in config_file.parent.iterdir()) == ["config.toml"], "no temp file left"


def test_the_key_can_come_from_standard_input(capsys: pytest.CaptureFixture[str], config_file: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SANDBOX_API_KEY + "\n"))
    code, out, err = run(capsys, "init", "--api-key", "-")
    assert code == 0, err
    assert tomllib.loads(config_file.read_text())["partnerboost"]["api_key"] == SANDBOX_API_KEY
    assert_never_shown(SANDBOX_API_KEY, out, err)


def test_a_rejected_key_writes_nothing(capsys: pytest.CaptureFixture[str], config_file: Path) -> None:
    wrong = "pbk_live_0123456789abcdef0123"
    code, out, err = run(capsys, "init", "--api-key", wrong)
    assert code == 1
    assert "rejected" in err and "nothing was saved" in err
    assert not config_file.exists()
    assert_never_shown(wrong, out, err)


def test_no_verify_saves_without_any_request(capsys: pytest.CaptureFixture[str], config_file: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_request: httpx2.Request) -> httpx2.Response:
        raise AssertionError("--no-verify must not call PartnerBoost")

    monkeypatch.setattr(init_cmd, "transport_for_tests", httpx2.MockTransport(refuse))
    code, out, err = run(capsys, "init", "--api-key", "offline-key-0000000000", "--no-verify")
    assert code == 0, err
    assert mode(config_file) == 0o600
    assert_never_shown("offline-key-0000000000", out, err)


def test_existing_settings_are_kept_and_a_loose_mode_is_fixed(capsys: pytest.CaptureFixture[str],
                                                              config_file: Path) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[partnerboost]\ntimezone = "Asia/Shanghai"\napi_key = "old-key-123456789"\n')
    config_file.chmod(0o644)
    code, _, err = run(capsys, "init", "--api-key", SANDBOX_API_KEY)
    assert code == 0, err
    saved = tomllib.loads(config_file.read_text())["partnerboost"]
    assert saved == {"timezone": "Asia/Shanghai", "api_key": SANDBOX_API_KEY}
    assert mode(config_file) == 0o600


def test_brand_credentials_are_verified_together(capsys: pytest.CaptureFixture[str],
                                                 config_file: Path) -> None:
    code, out, err = run(capsys, "init", "--brand-id", SANDBOX_BRAND_ID, "--brand-token", SANDBOX_BRAND_TOKEN,
                         "--brand-secret", SANDBOX_BRAND_SECRET)
    assert code == 0, err
    assert "✓ brand" in out
    for secret in (SANDBOX_BRAND_TOKEN, SANDBOX_BRAND_SECRET):
        assert_never_shown(secret, out, err)
    assert load_settings().credentials.has_family("brand")


def test_partial_brand_credentials_are_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                     config_file: Path) -> None:
    code, _, err = run(capsys, "init", "--brand-id", SANDBOX_BRAND_ID)
    err = err.replace("-\n", "-")  # the shared error printer wraps lines at hyphens
    assert code == 2 and "--brand-token" in err and "--brand-secret" in err
    assert not config_file.exists()


@pytest.mark.parametrize("value", ["", "has space 1234567", "tab\there"])
def test_malformed_values_are_refused(capsys: pytest.CaptureFixture[str], config_file: Path,
                                      value: str) -> None:
    code, out, err = run(capsys, "init", "--api-key", value)
    assert code == 2 and "--api-key" in err
    assert not config_file.exists()
    if len(value) >= 8:
        assert_never_shown(value, out, err)


def test_init_needs_a_credential(capsys: pytest.CaptureFixture[str], config_file: Path) -> None:
    code, _, err = run(capsys, "init")
    assert code == 2 and "--api-key" in err


def test_coupon_token_is_saved_beside_the_key(capsys: pytest.CaptureFixture[str], config_file: Path) -> None:
    coupon = "coupon-token-0f1e2d3c4b5a69788796"
    code, out, err = run(capsys, "init", "--api-key", SANDBOX_API_KEY, "--coupon-token", coupon)
    assert code == 0, err
    assert load_settings().credentials.value("coupon_token") == coupon
    assert mode(config_file) == 0o600
    assert_never_shown(coupon, out, err)


def test_help_shows_a_printf_line_that_can_be_pasted(capsys: pytest.CaptureFixture[str]) -> None:
    from partnerboost_skill.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["init", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    # argparse prints descriptions without %-formatting: a doubled %% would reach the merchant as typed
    assert "printf '%s' \"$KEY\" | partnerboost init --api-key -" in shown
