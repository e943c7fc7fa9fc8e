"""`partnerboost bot`: the channel's credentials named when missing, never printed; logs redacted."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

import pytest
from bot_support import DISCORD_TOKEN, FEISHU_APP_ID, FEISHU_APP_SECRET

from partnerboost_skill.cli import main
from partnerboost_skill.commands.bot_cmd import RedactingFormatter, bot_settings


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_missing_credentials_are_named(clean_env: Any, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    code, said = run(capsys, "bot", "discord")
    assert code == 2 and "needs DISCORD_BOT_TOKEN in the environment" in said
    monkeypatch.setenv("FEISHU_APP_ID", FEISHU_APP_ID)
    code, said = run(capsys, "bot", "feishu")
    assert code == 2 and "needs FEISHU_APP_SECRET in the environment" in said
    assert FEISHU_APP_ID not in said


def test_the_allow_list_joins_the_setting_and_the_flags(
    clean_env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERBOOST_BOT_ALLOW", "oc_1, ou_2")
    args = argparse.Namespace(allow=["ou_2", " 123 ", ""])
    assert bot_settings(args).bot_allow == ("oc_1", "ou_2", "123")


def test_log_lines_and_tracebacks_never_carry_a_secret() -> None:
    formatter = RedactingFormatter(lambda text: text.replace(DISCORD_TOKEN, "[redacted]")
                                   .replace(FEISHU_APP_SECRET, "[redacted]"))
    try:
        raise RuntimeError(f"login failed for {DISCORD_TOKEN}")
    except RuntimeError:
        record = logging.getLogger("t").makeRecord("t", logging.ERROR, __file__, 1, "secret %s",
                                                   (FEISHU_APP_SECRET,), exc_info=sys.exc_info())
    line = formatter.format(record)
    assert "login failed for [redacted]" in line and "secret [redacted]" in line
    assert DISCORD_TOKEN not in line and FEISHU_APP_SECRET not in line
