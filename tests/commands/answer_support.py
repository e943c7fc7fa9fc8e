"""Shared by the answer, ask, init and doctor command tests: a clean environment and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from partnerboost_skill.cli import main


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No credentials, no config file, caches and charts under tmp_path: commands run on the sandbox."""
    for name in list(os.environ):
        if name.startswith(("PARTNERBOOST_", "OPENPARTNER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PARTNERBOOST_CACHE_DIR", str(tmp_path / "cache"))
    # periods in UTC (without it they follow the demo account's own zone, America/Los_Angeles: see
    # test_answer_cmds.py::test_without_a_configured_zone_periods_follow_the_account)
    monkeypatch.setenv("PARTNERBOOST_TIMEZONE", "UTC")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
