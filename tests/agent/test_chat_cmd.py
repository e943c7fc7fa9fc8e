"""`partnerboost chat`: one question per line, the conversation remembered, the key never shown."""

from __future__ import annotations

import io
from typing import Any

import pytest
from agent_support import CLAUDE_KEY
from fake_claude import answers, asks_tool

from partnerboost_skill.cli import main


def test_chat_answers_each_line_with_the_conversation_so_far(
    fake_claude: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_claude([
        asks_tool("partner_media", {"period": "last 30 days"}),
        answers("You work with the media listed over the last 30 days."),
        answers("最近30天的媒体如上。"),
    ])
    lines = "which media do I work with?\n\n用中文说\nexit\nnever read\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    code = main(["chat", "--format", "discord"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(fake.requests) == 3
    assert "You work with the media listed over the last 30 days." in out
    assert "最近30天的媒体如上。" in out
    history = fake.requests[2]["messages"]
    assert [message["role"] for message in history] == ["user", "assistant", "user"]
    assert history[1]["content"][0]["text"] == "You work with the media listed over the last 30 days."
    assert "Simplified Chinese" in fake.requests[2]["system"][1]["text"]
    assert CLAUDE_KEY not in out + err


def test_chat_without_a_key_says_what_to_set(capsys: pytest.CaptureFixture[str], clean_env: Any) -> None:
    code = main(["chat"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "chat needs ANTHROPIC_API_KEY" in err and "partnerboost ask" in err
