"""What both chat bots do, whatever the channel: who may ask, set-up, one question at a time per chat,
answers.

    bot = Bot(settings, fmt="discord", answerer=await open_answerer(settings, "discord"), secrets=[token])
    reply = await bot.handle(Incoming(chat_id=..., user_id=..., private=True, text="上个月账单", ids=(...)),
                             typing=channel.typing)

- Only chats, users or servers on the allow-list (PARTNERBOOST_BOT_ALLOW) get answers; anyone else is told
  their ids, so the owner can add them.
- `/setup KEY` saves a PartnerBoost API key (checked with one cheap call, as `partnerboost init`), and only in
  a private chat: in a group the key is not used, and the reply asks to delete the message. The key is never
  echoed: every reply is redacted of every known secret.
- One question at a time per chat: a second one while the first runs is answered "still working"; the
  channel's typing indicator runs while an answer is computed.
- Answers come from the agent when ANTHROPIC_API_KEY is set, from the rule router otherwise (bots.answerers);
  a PartnerBoost failure or a deadline gives a clear reply, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from partnerboost_skill.api.redaction import Redactor
from partnerboost_skill.config import Settings
from partnerboost_skill.render import bot_text as texts
from partnerboost_skill.render.formats import Format
from partnerboost_skill.render.i18n import Lang
from partnerboost_skill.routing import language_of

logger = logging.getLogger("partnerboost.bot")

MAX_QUESTION = 2000
SETUP_COMMANDS = ("/setup", "/init", "/设置")
Typing = Callable[[], AbstractAsyncContextManager[object]]


@dataclass(frozen=True)
class Incoming:
    """One text message to the bot, in channel-neutral terms."""

    chat_id: str
    user_id: str
    private: bool
    text: str
    ids: tuple[str, ...] = ()
    """Every id the allow-list may name for this message (chat or channel, user, server)."""


@dataclass
class Reply:
    messages: list[str]
    chart: Path | None = None
    chart_note: str | None = None

    def texts(self) -> list[str]:
        return [message for message in self.messages if message.strip()]


class Answerer(Protocol):
    """Turns a question into a reply: the agent, or the rule router."""

    async def answer(self, chat_id: str, question: str, lang: Lang) -> Reply: ...

    async def reset(self, chat_id: str) -> None: ...

    async def reload(self, settings: Settings) -> None: ...


class SetupRunner(Protocol):
    async def __call__(self, key: str) -> tuple[bool, str]: ...


@dataclass
class Bot:
    settings: Settings
    fmt: Format
    answerer: Answerer
    setup: SetupRunner
    secrets: Sequence[str] = ()
    load_settings: Callable[[], Settings] | None = None
    _busy: set[str] = field(default_factory=set)
    _extra_secrets: list[str] = field(default_factory=list)

    @property
    def redact(self) -> Redactor:
        return Redactor([*self.settings.credentials.secret_values(), *self.secrets, *self._extra_secrets])

    def allowed(self, incoming: Incoming) -> bool:
        allow = set(self.settings.bot_allow)
        return bool(allow & {incoming.chat_id, incoming.user_id, *incoming.ids})

    def busy(self, chat_id: str) -> bool:
        return chat_id in self._busy

    async def handle(self, incoming: Incoming, typing: Typing | None = None) -> Reply | None:
        """The reply to one message (None: nothing to say). Never raises for a user's message."""
        text = " ".join(incoming.text.split())
        if not text:
            return None
        lang = language_of(text)
        command, _, rest = text.partition(" ")
        command = command.lower()
        if command in ("/whoami", "/id"):
            return self._say(texts.text("whoami", lang, ids=self._ids(incoming)))
        if command in SETUP_COMMANDS:
            return await self._setup(incoming, rest.strip(), lang)
        if not self.allowed(incoming):
            logger.info("ignored a message from a chat or user not on the allow-list")
            return self._say(texts.text("not_allowed", lang, ids=self._ids(incoming)))
        if command in ("/help", "/start", "/帮助"):
            return self._say(texts.text("help", lang))
        if command in ("/reset", "/重置"):
            await self.answerer.reset(incoming.chat_id)
            return self._say(texts.text("reset", lang))
        if self.busy(incoming.chat_id):
            return self._say(texts.text("busy", lang))
        return await self._answer(incoming, text[:MAX_QUESTION], lang, typing)

    async def _answer(self, incoming: Incoming, question: str, lang: Lang, typing: Typing | None) -> Reply:
        self._busy.add(incoming.chat_id)
        try:
            async with typing() if typing else nullcontext():
                reply = await self.answerer.answer(incoming.chat_id, question, lang)
        except Exception:
            logger.exception("answering failed")
            reply = Reply([texts.text("failed", lang)])
        finally:
            self._busy.discard(incoming.chat_id)
        return Reply([self.redact(message) for message in reply.texts()] or [texts.text("failed", lang)],
                     reply.chart, reply.chart_note)

    async def _setup(self, incoming: Incoming, key: str, lang: Lang) -> Reply:
        if key:
            self._extra_secrets.append(key)
        if not incoming.private:
            return self._say(texts.text("setup_private_only" if not key else "setup_leaked", lang))
        if not self.allowed(incoming):
            return self._say(texts.text("not_allowed", lang, ids=self._ids(incoming)))
        if not key:
            return self._say(texts.text("setup_how", lang))
        if not re.fullmatch(r"[\x21-\x7e]{8,200}", key):
            return self._say(texts.text("setup_bad_key", lang))
        ok, detail = await self.setup(key)
        if not ok:
            return self._say(texts.text("setup_failed", lang, detail=detail))
        if self.load_settings is not None:
            self.settings = self.load_settings()
            await self.answerer.reload(self.settings)
        return self._say(texts.text("setup_done", lang, detail=detail))

    def _ids(self, incoming: Incoming) -> str:
        return ", ".join(dict.fromkeys((incoming.chat_id, incoming.user_id, *incoming.ids)))

    def _say(self, message: str) -> Reply:
        return Reply([self.redact(message)])


async def guarded(coro: asyncio.Future[Reply | None] | asyncio.Task[Reply | None]) -> Reply | None:
    """Await a reply, logging (never raising) anything unexpected: a bot keeps running."""
    try:
        return await coro
    except Exception:
        logger.exception("a message could not be handled")
        return None
