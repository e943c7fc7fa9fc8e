"""Only a short, plain yes confirms a previewed write."""

from __future__ import annotations

import pytest

from partnerboost_skill.agent.confirmation import is_confirmation


@pytest.mark.parametrize("reply", ["yes", "Yes!", "y", "ok, go ahead", "confirm", "Yes please", "do it",
                                   "确认", "好的，执行", "可以", "是的"])
def test_plain_confirmations(reply: str) -> None:
    assert is_confirmation(reply)


@pytest.mark.parametrize("reply", ["no", "yes?", "not yet", "don't", "wait", "yes but change the amount",
                                   "取消", "不要", "先别", "how are my orders", "",
                                   "yes " * 20, "ok, and what about last month's bill"])
def test_anything_else_is_not_a_confirmation(reply: str) -> None:
    assert not is_confirmation(reply)
