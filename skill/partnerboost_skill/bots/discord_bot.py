"""`partnerboost bot discord`: a Discord bot over discord.py.

It answers direct messages, and messages that mention it in a server channel, with the answer rendered by
`--format discord` (messages of at most 2,000 characters and 17 lines, tables as code blocks) and the chart
attached to the last message. Nothing it sends can ping anyone (allowed_mentions none). The channel shows
"typing…" while an answer is computed.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from partnerboost_skill.bots.core import Bot, Incoming, Reply

logger = logging.getLogger("partnerboost.bot.discord")


def intents() -> discord.Intents:
    chosen = discord.Intents.default()
    chosen.message_content = True
    return chosen


class DiscordBot(discord.Client):
    def __init__(self, bot: Bot, **options: Any) -> None:
        super().__init__(intents=intents(), **options)
        self.bot = bot

    def _question(self, message: discord.Message) -> str | None:
        """The text addressed to the bot, or None when the message is not for it."""
        me = self.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        text = message.content or ""
        if _server_id(message) is None:
            return text
        if not any(user.id == me.id for user in message.mentions):
            return None
        return re.sub(rf"<@!?{me.id}>", " ", text).strip()

    async def on_message(self, message: discord.Message) -> None:
        try:
            await self._respond(message)
        except Exception:
            logger.exception("a Discord message could not be handled")

    async def _respond(self, message: discord.Message) -> None:
        question = self._question(message)
        if question is None:
            return
        server = _server_id(message)
        incoming = Incoming(
            chat_id=str(message.channel.id), user_id=str(message.author.id), private=server is None,
            text=question, ids=(str(server),) if server is not None else (),
        )
        reply = await self.bot.handle(incoming, typing=message.channel.typing)
        if reply is not None:
            await send(message.channel, reply)


def _server_id(message: discord.Message) -> int | None:
    if message.guild is not None:
        return message.guild.id
    return getattr(message.channel, "guild_id", None)


async def send(channel: discord.abc.Messageable, reply: Reply) -> None:
    """Each message in order; the chart (and its note) with the last one; no mention can ping."""
    messages = reply.texts()
    if reply.chart and reply.chart_note:
        messages.append(reply.chart_note)
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        options: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
        if last and reply.chart:
            options["file"] = discord.File(reply.chart, filename=reply.chart.name)
        await channel.send(text, **options)


def serve(client: DiscordBot, token: str) -> None:
    """Connect to Discord and handle messages until interrupted (blocks)."""
    client.run(token, log_handler=None)
