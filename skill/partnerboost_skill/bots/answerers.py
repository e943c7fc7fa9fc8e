"""Where the bots' answers come from: the agent (ANTHROPIC_API_KEY set) or the rule router.

The rule router runs `partnerboost ask --no-agent --format <channel>` in a child process: the same answer, the
same off-topic refusal and the same exit codes as on the command line, isolated per question and killed at
the deadline. The agent keeps one conversation per chat (so a previewed write can be confirmed with "yes") and
falls back to the rules when Claude is unavailable.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections import OrderedDict
from contextlib import AsyncExitStack
from pathlib import Path

from partnerboost_skill.agent.present import present
from partnerboost_skill.agent.session import Agent, AgentTimeout, AgentUnavailable, Conversation, open_agent
from partnerboost_skill.bots.core import Reply
from partnerboost_skill.config import OTHER_SECRET_VARS, Settings
from partnerboost_skill.render import MESSAGE_SEPARATOR
from partnerboost_skill.render import bot_text as texts
from partnerboost_skill.render.formats import Format
from partnerboost_skill.render.i18n import Lang

MAX_CONVERSATIONS = 500
"""Chats whose conversation the agent remembers (the least recently used is forgotten first)."""
SETUP_TIMEOUT = 60.0
EXIT_UPSTREAM, EXIT_USAGE = 1, 2


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "partnerboost_skill.cli", *args]


def child_env() -> dict[str, str]:
    """The environment for a child `partnerboost`: without the secrets it has no use for."""
    return {name: value for name, value in os.environ.items() if name not in OTHER_SECRET_VARS}


async def run_cli(args: list[str], timeout: float, stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run `partnerboost ARGS`; (exit code, stdout, stderr). Raises TimeoutError after killing it."""
    process = await asyncio.create_subprocess_exec(
        *cli_command(*args), env=child_env(),
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    code = process.returncode if process.returncode is not None else -1
    return code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def paragraph(text: str) -> str:
    """The CLI's error message as one line, without its `partnerboost: ` prefix."""
    return " ".join(text.split()).removeprefix("partnerboost: ").strip()


def parse_answer(stdout: str) -> Reply:
    """The CLI's messages (separated by ---8<---) and its `MEDIA:` chart line, as a Reply."""
    reply = Reply([])
    for part in stdout.strip("\n").split(f"\n{MESSAGE_SEPARATOR}\n"):
        lines = part.split("\n")
        media = [line for line in lines if line.startswith("MEDIA:")]
        rest = "\n".join(line for line in lines if not line.startswith("MEDIA:")).strip()
        if media:
            path = Path(media[-1].removeprefix("MEDIA:").strip())
            reply.chart = path if path.is_file() else None
            if rest and "\n" not in rest and len(rest) < 200:
                reply.chart_note = rest
                continue
        if rest:
            reply.messages.append(rest)
    return reply


class RuleAnswerer:
    def __init__(self, settings: Settings, fmt: Format) -> None:
        self.settings = settings
        self.fmt = fmt

    async def answer(self, chat_id: str, question: str, lang: Lang) -> Reply:
        timeout = self.settings.agent_timeout
        try:
            args = ["ask", "--no-agent", "--format", self.fmt, "--", question]
            code, out, err = await run_cli(args, timeout)
        except TimeoutError:
            return Reply([texts.text("timeout", lang, seconds=timeout)])
        if code == 0:
            return parse_answer(out)
        if code == EXIT_UPSTREAM:
            return Reply([texts.text("upstream", lang, detail=paragraph(err))])
        if code == EXIT_USAGE:
            return Reply([texts.text("bad_question", lang, detail=paragraph(err))])
        return Reply([texts.text("failed", lang)])

    async def reset(self, chat_id: str) -> None:
        return None

    async def reload(self, settings: Settings) -> None:
        self.settings = settings


class AgentAnswerer:
    def __init__(self, settings: Settings, fmt: Format, api_key: str, secrets: tuple[str, ...] = ()) -> None:
        self.settings = settings
        self.fmt = fmt
        self.api_key = api_key
        self.secrets = secrets
        self.rules = RuleAnswerer(settings, fmt)
        self._conversations: OrderedDict[str, Conversation] = OrderedDict()
        self._stack: AsyncExitStack | None = None
        self._agent: Agent | None = None

    async def start(self) -> AgentAnswerer:
        self._stack = AsyncExitStack()
        self._agent = await self._stack.enter_async_context(
            open_agent(self.settings, self.api_key, extra_secrets=self.secrets))
        return self

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack, self._agent = None, None

    def _conversation(self, chat_id: str) -> Conversation:
        conversation = self._conversations.pop(chat_id, None) or Conversation()
        self._conversations[chat_id] = conversation
        while len(self._conversations) > MAX_CONVERSATIONS:
            self._conversations.popitem(last=False)
        return conversation

    async def answer(self, chat_id: str, question: str, lang: Lang) -> Reply:
        if self._agent is None:
            await self.start()
        assert self._agent is not None
        try:
            reply = await self._agent.answer(self._conversation(chat_id), question, lang=lang, fmt=self.fmt)
        except AgentTimeout:
            return Reply([texts.text("timeout", lang, seconds=self.settings.agent_timeout)])
        except AgentUnavailable:
            fallback = await self.rules.answer(chat_id, question, lang)
            fallback.messages.insert(0, texts.text("agent_fallback", lang))
            return fallback
        shown = present(reply, lang=lang, fmt=self.fmt, settings=self.settings, can_confirm=True)
        return Reply(shown.messages, shown.chart, shown.note)

    async def reset(self, chat_id: str) -> None:
        self._conversations.pop(chat_id, None)

    async def reload(self, settings: Settings) -> None:
        self.settings = settings
        await self.rules.reload(settings)
        self._conversations.clear()
        await self.close()
        await self.start()


async def save_key(key: str) -> tuple[bool, str]:
    """`partnerboost init --api-key -` with the key on its standard input: (saved, what it said)."""
    try:
        code, out, err = await run_cli(["init", "--api-key", "-"], SETUP_TIMEOUT, stdin=key.encode() + b"\n")
    except TimeoutError:
        return False, "PartnerBoost did not answer in time"
    lines = [line.strip("✓ ").strip() for line in (out + "\n" + err).splitlines() if line.strip()]
    if code == 0:
        checked = [line for line in lines if line.startswith(("merchant", "brand", "publisher", "amazon"))]
        return True, "; ".join(checked) or "saved"
    return False, paragraph(err or out)
