"""The agent loop on a small sandbox world: writes only previewed until the user confirms in the next message,
conversation memory, tool errors told to the model."""

from __future__ import annotations

from typing import Any

import pytest
from agent_support import CLAUDE_KEY
from fake_claude import answers, asks_tool, result_text, tool_results
from server_support import connect_to

from partnerboost_skill.agent.session import Conversation, PendingWrite, open_agent
from partnerboost_skill.config import Settings
from partnerboost_skill.sandbox.world import World
from partnerboost_skill.server import build_server

NEW_ORDER = {"order_number": "AGENT-TEST-0001", "currency": "usd", "trans_time": "2026-11-19T10:00:00Z",
             "amount": "42.50", "quantity": 1}
pytestmark = pytest.mark.anyio


def server_on(world: World) -> Any:
    return build_server(Settings(), toolsets="all", allow_writes=True, connect=connect_to(world))


async def test_a_write_is_previewed_even_with_confirm_and_performed_only_after_the_user_says_yes(
    fake_claude: Any, small_world: World
) -> None:
    orders_before = len(small_world.orders)
    fake = fake_claude([
        asks_tool("brand_create_order", {**NEW_ORDER, "confirm": True}),
        answers("This would create order AGENT-TEST-0001 for USD 42.50. Reply yes to create it."),
        answers("Done: the order was created."),
    ])
    conversation = Conversation()
    async with open_agent(Settings(), CLAUDE_KEY, server=server_on(small_world)) as agent:
        first = await agent.answer(conversation, "create an order AGENT-TEST-0001 of 42.50 USD")
        preview = result_text(tool_results(fake.requests[1])[0])
        assert "confirm was ignored" in preview and "Preview only: nothing was sent" in preview
        assert len(small_world.orders) == orders_before
        assert first.pending == [PendingWrite("brand_create_order", NEW_ORDER)]
        assert first.unverified == [], "42.50 is in the preview"

        second = await agent.answer(conversation, "yes")
    assert len(small_world.orders) == orders_before + 1
    (performed,) = second.calls
    assert performed.name == "brand_create_order" and performed.sent_write
    assert performed.arguments == NEW_ORDER, "exactly what was previewed"
    note = fake.requests[2]["messages"][-1]["content"][-1]["text"]
    assert "the user confirmed, so the write brand_create_order was performed exactly as previewed" in note
    assert second.pending == []


@pytest.mark.parametrize("reply", ["no, wait", "yes, but change the amount to 50?", "how are my orders"])
async def test_anything_but_a_plain_confirmation_drops_the_previewed_write(
    fake_claude: Any, small_world: World, reply: str
) -> None:
    orders_before = len(small_world.orders)
    fake_claude([asks_tool("brand_create_order", NEW_ORDER), answers("Reply yes to create it."),
                 answers("Understood.")])
    conversation = Conversation()
    async with open_agent(Settings(), CLAUDE_KEY, server=server_on(small_world)) as agent:
        await agent.answer(conversation, "create an order")
        later = await agent.answer(conversation, reply)
    assert later.calls == [] and conversation.pending == []
    assert len(small_world.orders) == orders_before


async def test_the_next_question_carries_the_conversation_so_far(
    fake_claude: Any, small_world: World
) -> None:
    fake = fake_claude([answers("You can ask about orders, bills and partners."), answers("Sure.")])
    conversation = Conversation()
    async with open_agent(Settings(), CLAUDE_KEY, server=server_on(small_world)) as agent:
        await agent.answer(conversation, "what can you do?")
        await agent.answer(conversation, "and in Chinese?")
    texts = [[block["text"] for block in message["content"]] for message in fake.requests[1]["messages"]]
    assert texts == [["what can you do?"], ["You can ask about orders, bills and partners."],
                     ["and in Chinese?"]]


async def test_tool_errors_and_unknown_tools_reach_the_model_as_errors(
    fake_claude: Any, small_world: World
) -> None:
    fake = fake_claude([
        asks_tool("review_performance", {"period": "next blue moon"}),
        asks_tool("guess_the_weather", {}, "toolu_2"),
        answers("I could not read that period."),
    ])
    async with open_agent(Settings(), CLAUDE_KEY, server=server_on(small_world)) as agent:
        reply = await agent.answer(Conversation(), "review next blue moon")
    (period_error,) = tool_results(fake.requests[1])
    assert period_error["is_error"] is True
    assert "period: cannot read 'next blue moon' as a period" in result_text(period_error)
    (unknown,) = tool_results(fake.requests[2])
    assert unknown["is_error"] is True and "Unknown tool 'guess_the_weather'" in result_text(unknown)
    assert [call.output.is_error for call in reply.calls] == [True, True]
    assert reply.text == "I could not read that period."
