"""The bots' channel-neutral rules: the allow-list, set-up only in a private chat, the key never echoed, one
question at a time per chat with a typing indicator, a clear reply when answering fails."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from bot_support import CLAUDE_KEY, DISCORD_TOKEN

from partnerboost_skill.bots.core import Bot, Incoming, Reply
from partnerboost_skill.config import Credentials, Settings
from partnerboost_skill.render.i18n import Lang

PB_KEY = "pbk_live_9d8c7b6a5f4e3d2c"
NEW_KEY = "pbk_new_1a2b3c4d5e6f7a8b"
pytestmark = pytest.mark.anyio


@dataclass
class Recorder:
    """An answerer that records what it was asked (and can be made to wait, fail or leak)."""

    said: str = "The answer."
    questions: list[tuple[str, str, Lang]] = field(default_factory=list)
    gate: asyncio.Event | None = None
    fail: bool = False
    reloaded: list[Settings] = field(default_factory=list)
    resets: list[str] = field(default_factory=list)

    async def answer(self, chat_id: str, question: str, lang: Lang) -> Reply:
        self.questions.append((chat_id, question, lang))
        if self.gate:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError(f"boom {PB_KEY}")
        return Reply([self.said])

    async def reset(self, chat_id: str) -> None:
        self.resets.append(chat_id)

    async def reload(self, settings: Settings) -> None:
        self.reloaded.append(settings)


@dataclass
class SetupRecorder:
    ok: bool = True
    keys: list[str] = field(default_factory=list)

    async def __call__(self, key: str) -> tuple[bool, str]:
        self.keys.append(key)
        return (True, "merchant: account Demo Shop") if self.ok else (False, "PartnerBoost rejected the key")


def make_bot(answerer: Recorder, setup: SetupRecorder | None = None, allow: tuple[str, ...] = ("u1",)) -> Bot:
    settings = Settings(credentials=Credentials(api_key=PB_KEY), bot_allow=allow)
    return Bot(settings, "discord", answerer, setup or SetupRecorder(), secrets=(CLAUDE_KEY, DISCORD_TOKEN),
               load_settings=lambda: settings.model_copy(update={"timezone": "Asia/Shanghai"}))


def dm(text: str, user: str = "u1", chat: str = "dm1") -> Incoming:
    return Incoming(chat_id=chat, user_id=user, private=True, text=text)


def group(text: str, user: str = "u1", chat: str = "g1", server: str = "s1") -> Incoming:
    return Incoming(chat_id=chat, user_id=user, private=False, text=text, ids=(server,))


async def test_only_allowed_chats_users_or_servers_get_answers() -> None:
    answerer = Recorder()
    bot = make_bot(answerer, allow=("u1", "g2", "s9"))
    refused = await bot.handle(dm("how are orders", user="stranger", chat="dm9"))
    assert refused is not None and "dm9, stranger" in refused.messages[0]
    assert "PARTNERBOOST_BOT_ALLOW" in refused.messages[0]
    assert answerer.questions == []
    for allowed in (dm("q", user="u1"), group("q", user="x", chat="g2"), group("q", user="x", server="s9")):
        assert await bot.handle(allowed) == Reply(["The answer."])
    assert len(answerer.questions) == 3


async def test_whoami_answers_anyone_with_their_ids() -> None:
    reply = await make_bot(Recorder(), allow=()).handle(group("/whoami", user="u7", chat="g7", server="s7"))
    assert reply is not None and "g7, u7, s7" in reply.messages[0]


async def test_the_question_keeps_its_language() -> None:
    answerer = Recorder()
    await make_bot(answerer).handle(dm("  上个月账单  "))
    assert answerer.questions == [("dm1", "上个月账单", "zh")]


async def test_one_question_at_a_time_per_chat_with_a_typing_indicator() -> None:
    gate = asyncio.Event()
    answerer = Recorder(gate=gate)
    bot = make_bot(answerer)
    typing_entered: list[str] = []

    @asynccontextmanager
    async def typing() -> AsyncIterator[None]:
        typing_entered.append("on")
        yield
        typing_entered.append("off")

    first = asyncio.create_task(bot.handle(dm("review last month"), typing=typing))
    await asyncio.sleep(0.05)
    assert typing_entered == ["on"]
    second = await bot.handle(dm("and the bill?"), typing=typing)
    assert second is not None and "still answering your previous question" in second.messages[0]
    other_chat = asyncio.create_task(bot.handle(dm("hi", user="u1", chat="dm2")))
    await asyncio.sleep(0.05)
    gate.set()
    assert await first == Reply(["The answer."])
    assert await other_chat == Reply(["The answer."])
    assert typing_entered == ["on", "off"]
    assert [q[1] for q in answerer.questions] == ["review last month", "hi"]
    assert not bot.busy("dm1")


async def test_setup_in_a_group_never_uses_or_repeats_the_key() -> None:
    setup = SetupRecorder()
    answerer = Recorder(said=f"I saw {NEW_KEY} somewhere")
    bot = make_bot(answerer, setup)
    reply = await bot.handle(group(f"/setup {NEW_KEY}"))
    assert reply is not None and "did not use that key" in reply.messages[0]
    assert setup.keys == []
    later = await bot.handle(group("anything"))
    assert later is not None and NEW_KEY not in later.messages[0] and "[redacted]" in later.messages[0]


async def test_setup_in_a_private_chat_saves_the_key_and_reloads() -> None:
    setup = SetupRecorder()
    answerer = Recorder()
    bot = make_bot(answerer, setup)
    reply = await bot.handle(dm(f"/setup {NEW_KEY}"))
    assert setup.keys == [NEW_KEY]
    assert reply is not None
    assert "PartnerBoost is connected (merchant: account Demo Shop)" in reply.messages[0]
    assert NEW_KEY not in reply.messages[0]
    assert [s.timezone for s in answerer.reloaded] == ["Asia/Shanghai"]


async def test_setup_is_refused_to_strangers_and_for_keys_that_cannot_be_keys() -> None:
    setup = SetupRecorder()
    bot = make_bot(Recorder(), setup)
    stranger = await bot.handle(dm(f"/setup {NEW_KEY}", user="stranger"))
    assert stranger is not None and "answers only the chats and people" in stranger.messages[0]
    short = await bot.handle(dm("/setup abc"))
    assert short is not None and "does not look like an API key" in short.messages[0]
    how = await bot.handle(dm("/setup"))
    assert how is not None and "Send /setup followed by your PartnerBoost API key" in how.messages[0]
    assert setup.keys == []


async def test_a_failure_is_a_clear_reply_and_secrets_never_leave() -> None:
    bot = make_bot(Recorder(fail=True))
    reply = await bot.handle(dm("how are orders"))
    assert reply == Reply(["Sorry, I could not answer that (an internal error); please try again."])
    leaky = make_bot(Recorder(said=f"keys: {PB_KEY} {CLAUDE_KEY} {DISCORD_TOKEN}"))
    said = (await leaky.handle(dm("q")) or Reply([])).messages[0]
    assert said == "keys: [redacted] [redacted] [redacted]"


async def test_reset_and_help() -> None:
    answerer = Recorder()
    bot = make_bot(answerer)
    reset = await bot.handle(dm("/reset"))
    assert answerer.resets == ["dm1"] and reset is not None and "forgot our conversation" in reset.messages[0]
    help_reply = await bot.handle(dm("/help"))
    assert help_reply is not None and "review the last three months" in help_reply.messages[0]
    assert await bot.handle(dm("   ")) is None
