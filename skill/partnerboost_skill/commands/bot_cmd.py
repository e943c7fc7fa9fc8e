"""`partnerboost bot feishu|discord`: answer merchants' questions in a Feishu or Discord chat.

Needs the optional extra (`pip install 'partnerboost-skill[bots]'`) and the channel's credentials from the
environment: FEISHU_APP_ID and FEISHU_APP_SECRET, or DISCORD_BOT_TOKEN. Answers come from the agent when
ANTHROPIC_API_KEY is set, from the rule router otherwise. Only the ids on the allow-list
(PARTNERBOOST_BOT_ALLOW and --allow) get answers.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence

from partnerboost_skill.api.redaction import Redactor, install_http_log_filter
from partnerboost_skill.bots.core import Answerer, Bot
from partnerboost_skill.commands.answer_cmds import settings_from
from partnerboost_skill.commands.common import UsageError, note
from partnerboost_skill.config import Settings
from partnerboost_skill.render.formats import Format

CHANNEL_VARS: dict[str, tuple[str, ...]] = {
    "feishu": ("FEISHU_APP_ID", "FEISHU_APP_SECRET"),
    "discord": ("DISCORD_BOT_TOKEN",),
}
EXTRA = "pip install 'partnerboost-skill[bots]'"
logger = logging.getLogger("partnerboost.bot")


class RedactingFormatter(logging.Formatter):
    """Every log line (tracebacks included) without any known secret."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def log_redacted(secrets: Sequence[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(Redactor(secrets)))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    install_http_log_filter()


def credentials(channel: str) -> tuple[str, ...]:
    values = tuple(os.environ.get(name, "").strip() for name in CHANNEL_VARS[channel])
    missing = [name for name, value in zip(CHANNEL_VARS[channel], values, strict=True) if not value]
    if missing:
        where = ("the app credentials from the Feishu developer console" if channel == "feishu"
                 else "the bot token from the Discord developer portal")
        raise UsageError(f"partnerboost bot {channel} needs {' and '.join(missing)} in the environment "
                         f"({where}).")
    return values


def bot_settings(args: argparse.Namespace) -> Settings:
    settings = settings_from(args)
    given = (item.strip() for item in args.allow if item.strip())
    allow = tuple(dict.fromkeys([*settings.bot_allow, *given]))
    return settings.model_copy(update={"bot_allow": allow})


def make_bot(channel: str, settings: Settings, tokens: Sequence[str], claude_key: str | None,
             load_settings: Callable[[], Settings] | None = None) -> Bot:
    """The bot for `channel`: the agent when a Claude key is given, the rules otherwise."""
    from partnerboost_skill.bots.answerers import AgentAnswerer, RuleAnswerer, save_key

    fmt: Format = "feishu" if channel == "feishu" else "discord"
    answerer: Answerer = (AgentAnswerer(settings, fmt, claude_key, tuple(tokens)) if claude_key
                          else RuleAnswerer(settings, fmt))
    secrets = (*tokens, *((claude_key,) if claude_key else ()))
    return Bot(settings, fmt, answerer, save_key, secrets=secrets, load_settings=load_settings)


def run(args: argparse.Namespace) -> int:
    channel: str = args.channel
    try:
        if channel == "feishu":
            from partnerboost_skill.bots import feishu_bot
        else:
            from partnerboost_skill.bots import discord_bot
    except ImportError as exc:
        raise UsageError(
            f"partnerboost bot {channel} needs the bots extra ({exc.name} is missing): {EXTRA}") from None
    from partnerboost_skill.commands.chat_cmd import api_key

    tokens = credentials(channel)
    settings = bot_settings(args)
    claude_key = api_key()
    log_redacted([*tokens, *([claude_key] if claude_key else []), *settings.credentials.secret_values()])
    bot = make_bot(channel, settings, tokens, claude_key, load_settings=lambda: bot_settings(args))
    if not settings.bot_allow:
        note("No chat or user is allowed yet: message the bot /whoami, then add the id to "
             "PARTNERBOOST_BOT_ALLOW (or --allow ID) and restart.")
    source = "the agent (Claude)" if claude_key else "the rules"
    note(f"PartnerBoost bot on {channel}: answers from {source}; {len(settings.bot_allow)} allowed id(s). "
         "Ctrl-C stops it.")
    if channel == "feishu":
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="partnerboost-bot", daemon=True).start()
        app_id, app_secret = tokens
        feishu = feishu_bot.FeishuBot(bot, feishu_bot.api_client(app_id, app_secret), loop)
        feishu_bot.serve(feishu, app_id, app_secret)
    else:
        discord_bot.serve(discord_bot.DiscordBot(bot), tokens[0])
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "bot",
        help="answer questions in a Feishu or Discord chat (optional extra: bots)",
        description="Run a chat bot that answers merchants' questions in their channel's format, with the "
        "chart. feishu: official lark-oapi SDK, long connection (no public URL); needs FEISHU_APP_ID and "
        "FEISHU_APP_SECRET. discord: discord.py; needs DISCORD_BOT_TOKEN (and the message content intent). "
        "Answers come from the agent when ANTHROPIC_API_KEY is set, from the rules otherwise. Only allowed "
        "chats/users get answers; /setup KEY in a private chat connects the PartnerBoost account. "
        f"Install with: {EXTRA}",
    )
    parser.add_argument("channel", choices=tuple(CHANNEL_VARS), help="the chat service")
    parser.add_argument("--allow", action="append", default=[], metavar="ID",
                        help="a chat, channel, server or user id to answer (repeatable; adds to "
                        "PARTNERBOOST_BOT_ALLOW)")
    parser.set_defaults(handler=run)
