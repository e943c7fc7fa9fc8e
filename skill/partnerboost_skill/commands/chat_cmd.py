"""`partnerboost chat` (a conversation with the agent) and the agent branch of `partnerboost ask`.

Both need ANTHROPIC_API_KEY: Claude answers with the MCP server's own tools, in process (skill.agent). `ask`
without the key, or with --no-agent, keeps its rule-based routing (commands.ask_cmd).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from partnerboost_skill.commands.answer_cmds import add_output_options, settings_from
from partnerboost_skill.commands.common import UsageError, fail, note
from partnerboost_skill.config import Settings
from partnerboost_skill.render import join_messages
from partnerboost_skill.render.i18n import Lang
from partnerboost_skill.routing import language_of

if TYPE_CHECKING:
    from partnerboost_skill.agent.session import Agent, AgentReply

API_KEY_VAR = "ANTHROPIC_API_KEY"
EXIT_UPSTREAM = 1
QUIT_WORDS = {"exit", "quit", "/exit", "/quit", "退出"}


def api_key() -> str | None:
    """The Claude API key from the environment, or None (then answers come from the rule router)."""
    value = os.environ.get(API_KEY_VAR, "").strip()
    return value or None


def wants_agent(args: argparse.Namespace) -> bool:
    return api_key() is not None and not getattr(args, "no_agent", False)


def _output(agent: Agent, args: argparse.Namespace, settings: Settings, reply_lang: Lang,
            reply: AgentReply, *, can_confirm: bool) -> str:
    from partnerboost_skill.agent.present import present, reply_json

    chart_wanted = args.format != "json" and not getattr(args, "no_chart", False)
    chart_path = Path(args.chart).expanduser().resolve() if getattr(args, "chart", None) else None
    shown = present(reply, lang=reply_lang, fmt="markdown" if args.format == "json" else args.format,
                    settings=settings, chart=chart_wanted or chart_path is not None, chart_path=chart_path,
                    can_confirm=can_confirm)
    if args.format == "json":
        return agent.redact(reply_json(reply, reply_lang, shown.chart))
    messages = list(shown.messages)
    if shown.chart:
        media = f"MEDIA:{shown.chart}"
        if shown.note:
            media = f"{shown.note}\n{media}"
        if args.format == "markdown":
            messages[-1] = f"{messages[-1]}\n\n{media}"
        else:
            messages.append(media)
    return agent.redact(join_messages(messages))


def ask_with_agent(args: argparse.Namespace, question: str) -> int | None:
    """Answer `question` with the agent and print it; None when Claude is unavailable (the caller then
    answers with the rule router, after a note on stderr)."""
    from partnerboost_skill.agent.session import AgentTimeout, AgentUnavailable, Conversation, open_agent

    key = api_key()
    assert key is not None
    settings = settings_from(args)
    lang: Lang = args.lang or language_of(question)

    async def run() -> str:
        async with open_agent(settings, key) as agent:
            reply = await agent.answer(Conversation(), question, lang=lang, fmt=args.format)
            return _output(agent, args, settings, lang, reply, can_confirm=False)

    try:
        text = asyncio.run(run())
    except AgentUnavailable as exc:
        note(f"partnerboost: the agent is unavailable ({exc}); answering with the built-in router instead.")
        return None
    except AgentTimeout as exc:
        return fail(f"{exc}. Try a narrower question, or raise PARTNERBOOST_AGENT_TIMEOUT.", EXIT_UPSTREAM)
    print(text)
    sys.stdout.flush()
    return 0


async def _chat(args: argparse.Namespace, settings: Settings, key: str) -> int:
    from partnerboost_skill.agent.session import AgentTimeout, AgentUnavailable, Conversation, open_agent

    conversation = Conversation()
    interactive = sys.stdin.isatty()
    async with open_agent(settings, key) as agent:
        if interactive:
            note("PartnerBoost chat: ask about your orders, channels, bills or partners (exit to quit).")
        while True:
            if interactive:
                print("› ", end="", file=sys.stderr, flush=True)
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                return 0
            question = line.strip()
            if not question:
                continue
            if question.lower() in QUIT_WORDS:
                return 0
            lang: Lang = args.lang or language_of(question)
            try:
                reply = await agent.answer(conversation, question, lang=lang, fmt=args.format)
            except AgentTimeout as exc:
                note(f"partnerboost: {exc}. Try a narrower question.")
                continue
            except AgentUnavailable as exc:
                return fail(str(exc), EXIT_UPSTREAM)
            print(_output(agent, args, settings, lang, reply, can_confirm=True))
            print(flush=True)


def run_chat(args: argparse.Namespace) -> int:
    from partnerboost_skill.agent.session import AgentError

    key = api_key()
    if key is None:
        raise UsageError(f"chat needs {API_KEY_VAR} (a Claude API key) in the environment. Without one, ask "
                         "single questions with partnerboost ask \"...\" (rule-based, no model).")
    settings = settings_from(args)
    try:
        return asyncio.run(_chat(args, settings, key))
    except AgentError as exc:
        return fail(str(exc), EXIT_UPSTREAM)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "chat",
        help="talk with the agent (needs ANTHROPIC_API_KEY): follow-up questions, confirmed writes",
        description="A conversation with the PartnerBoost agent: Claude answers with the same tools the MCP "
        "server offers, every figure checked against the data. One question per line; a write is previewed "
        "and performed only when you answer yes. Needs ANTHROPIC_API_KEY; PARTNERBOOST_AGENT_MODEL, "
        "PARTNERBOOST_AGENT_MAX_ROUNDS, PARTNERBOOST_AGENT_TOKEN_BUDGET and PARTNERBOOST_AGENT_TIMEOUT bound "
        "each answer.",
    )
    add_output_options(parser, chart=True)
    parser.set_defaults(handler=run_chat)
