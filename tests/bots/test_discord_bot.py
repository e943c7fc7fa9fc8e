"""`partnerboost bot discord`: MESSAGE_CREATE payloads become discord.py Message objects (through discord.py's
own connection state, as its gateway does) and the bot's replies go out through discord.py's HTTP client to a
fake Discord REST API on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from bot_support import CLAUDE_KEY, DISCORD_TOKEN
from fake_claude import answers, asks_tool, first_match
from fake_discord import BOT_ID, FakeDiscord, message_payload
from loopback import LoopbackServer

from partnerboost_skill.bots.discord_bot import DiscordBot
from partnerboost_skill.commands.bot_cmd import make_bot
from partnerboost_skill.config import load_settings

pytestmark = pytest.mark.anyio
SALES = r"sales USD ([\d,]+\.\d\d)"


@pytest.fixture
async def discord_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    with LoopbackServer(fake.app) as server:
        monkeypatch.setattr(discord.http.Route, "BASE", f"{server.url}/api/v10")
        yield fake


async def client_for(claude_key: str | None, allow: tuple[str, ...] = ("4000",)) -> DiscordBot:
    settings = load_settings().model_copy(update={"bot_allow": allow})
    client = DiscordBot(make_bot("discord", settings, (DISCORD_TOKEN,), claude_key))
    await client.login(DISCORD_TOKEN)  # GET /users/@me on the fake: the bot knows who it is
    return client


async def receive(client: DiscordBot, payload: dict[str, Any]) -> None:
    """What discord.py does with a MESSAGE_CREATE event, awaiting the bot's on_message."""
    channel, _ = client._connection._get_guild_channel(payload)  # type: ignore[arg-type]
    message = discord.Message(state=client._connection, channel=channel, data=payload)  # type: ignore[arg-type]
    await client.on_message(message)


async def test_a_direct_message_gets_discord_sized_messages_and_the_chart(
    account: str, fake_claude: Any, discord_api: FakeDiscord
) -> None:
    long_tail = " ".join(f"Point {i}: keep the website channel on its current budget." for i in range(60))
    claude = fake_claude([
        asks_tool("review_performance", {"period": "last month"}),
        lambda body: answers(f"Sales last month: **USD {first_match(SALES, body)}** @everyone\n\n"
                             f"{long_tail}"),
    ])
    client = await client_for(CLAUDE_KEY)
    try:
        await receive(client, message_payload("how did my channels do last month?"))
    finally:
        await client.close()
    sales = first_match(SALES, claude.requests[1])
    assert discord_api.typing and set(discord_api.typing) == {"3000"}, "typing… while answering"
    sent = discord_api.sent
    assert len(sent) >= 2
    for message in sent:
        content = message.payload["content"]
        assert len(content) <= 2000 and content.count("\n") + 1 <= 17
        assert message.payload["allowed_mentions"] == {"parse": []}
        assert message.authorization == f"Bot {DISCORD_TOKEN}"
    text = "\n".join(message.payload["content"] for message in sent)
    assert f"USD {sales}" in text and "@everyone" not in text
    assert [len(message.files) for message in sent] == [0] * (len(sent) - 1) + [1]
    name, data = sent[-1].files[0]
    assert name.endswith(".png") and data[:8] == b"\x89PNG\r\n\x1a\n"
    for secret in (DISCORD_TOKEN, CLAUDE_KEY, account):
        assert secret not in text


async def test_in_a_server_it_answers_only_when_mentioned(account: str, discord_api: FakeDiscord) -> None:
    client = await client_for(None, allow=("7000",))
    mention = {"id": BOT_ID, "username": "partnerboost", "discriminator": "0", "avatar": None, "bot": True}
    try:
        await receive(client, message_payload("check my bill", guild_id="7000", message_id="5001"))
        assert discord_api.sent == [] and discord_api.typing == []
        await receive(client, message_payload(f"<@{BOT_ID}> check my bill from last month", guild_id="7000",
                                              mentions=[mention], message_id="5002"))
    finally:
        await client.close()
    assert discord_api.typing and set(discord_api.typing) == {"3000"}
    text = "\n".join(message.payload["content"] for message in discord_api.sent)
    assert text.startswith("Understood: bill check, last month")
    assert all(len(message.payload["content"]) <= 2000 for message in discord_api.sent)


async def test_strangers_are_told_their_ids_and_the_bot_ignores_itself(
    account: str, discord_api: FakeDiscord
) -> None:
    client = await client_for(None, allow=())
    try:
        await receive(client, message_payload("hello", author_id=BOT_ID, message_id="5003"))
        await receive(client, message_payload("how are orders", author_id="4444", message_id="5004"))
    finally:
        await client.close()
    (refusal,) = discord_api.sent
    assert "3000, 4444" in refusal.payload["content"] and discord_api.typing == []
