"""`partnerboost bot feishu`: a Feishu (Lark) bot over the official lark-oapi SDK's long connection.

The long connection (WebSocket, no public URL) delivers `im.message.receive_v1` events to `on_message`, which
hands each to the bot's own event loop (a worker thread) so the connection is never blocked. Answers go back
as replies to the question: one interactive card per message part (Feishu Markdown, at most one table and
4,000 characters each, as `--format feishu` renders them) with the chart uploaded as an image and shown in the
last card. A "Typing" reaction on the question shows the bot is working.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import lark_oapi as lark
from lark_oapi.api.im.v1 import (
    CreateImageRequest,
    CreateImageRequestBody,
    CreateMessageReactionRequest,
    CreateMessageReactionRequestBody,
    DeleteMessageReactionRequest,
    Emoji,
    EventMessage,
    P2ImMessageReceiveV1,
    ReplyMessageRequest,
    ReplyMessageRequestBody,
)

from partnerboost_skill.bots.core import Bot, Incoming, Reply
from partnerboost_skill.render import bot_text as texts

logger = logging.getLogger("partnerboost.bot.feishu")

TYPING_EMOJI = "Typing"
SEEN_MESSAGES = 1000
"""Message ids remembered to drop Feishu's re-deliveries of one event."""


def card(markdown: str, image_key: str | None = None) -> dict[str, Any]:
    """An interactive card (JSON 2.0): the Markdown, then the chart."""
    elements: list[dict[str, Any]] = [{"tag": "markdown", "content": markdown}]
    if image_key:
        elements.append({"tag": "img", "img_key": image_key, "alt": {"tag": "plain_text", "content": ""}})
    return {"schema": "2.0", "config": {"wide_screen_mode": True}, "body": {"elements": elements}}


def _post_text(content: dict[str, Any]) -> str:
    body = content
    if "content" not in body:  # a post in one or more languages: {"zh_cn": {...}, "en_us": {...}}
        found = (value for value in content.values() if isinstance(value, dict) and "content" in value)
        body = next(found, {})
    words = [body.get("title") or ""]
    for line in body.get("content") or []:
        parts = (str(item.get("text") or "").strip() for item in line if isinstance(item, dict))
        words.append(" ".join(part for part in parts if part))
    return "\n".join(word for word in words if word)


def message_text(message: EventMessage) -> str | None:
    """The text of a text or rich-text (post) message without its @-mentions; None for other kinds."""
    try:
        content = json.loads(message.content or "{}")
    except ValueError:
        return None
    if message.message_type == "text":
        text = str(content.get("text", ""))
    elif message.message_type == "post":
        text = _post_text(content)
    else:
        return None
    for mention in message.mentions or []:
        if mention.key:
            text = text.replace(mention.key, " ")
    return re.sub(r"@_user_\d+", " ", text).strip()


class FeishuBot:
    """Feishu's events in, the bot's replies out."""

    def __init__(self, bot: Bot, api: lark.Client, loop: asyncio.AbstractEventLoop) -> None:
        self.bot = bot
        self.api = api
        self.loop = loop
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._in_flight: set[concurrent.futures.Future[None]] = set()

    def dispatcher(self) -> lark.EventDispatcherHandler:
        return lark.EventDispatcherHandler.builder("", "").register_p2_im_message_receive_v1(
            self.on_message).build()

    def on_message(self, data: P2ImMessageReceiveV1) -> None:
        """Called by the SDK on its connection's loop: schedule the work and return at once."""
        future = asyncio.run_coroutine_threadsafe(self.process(data), self.loop)
        self._in_flight.add(future)
        future.add_done_callback(self._in_flight.discard)

    async def drain(self) -> None:
        """Wait until every message received so far is answered (on shutdown, and in tests)."""
        while self._in_flight:
            await asyncio.gather(*(asyncio.wrap_future(f) for f in list(self._in_flight)))

    def _first_time(self, message_id: str) -> bool:
        if message_id in self._seen:
            return False
        self._seen[message_id] = None
        while len(self._seen) > SEEN_MESSAGES:
            self._seen.popitem(last=False)
        return True

    async def process(self, data: P2ImMessageReceiveV1) -> None:
        try:
            await self._process(data)
        except Exception:
            logger.exception("a Feishu message could not be handled")

    async def _process(self, data: P2ImMessageReceiveV1) -> None:
        event = data.event
        if event is None or event.message is None or event.sender is None:
            return
        message, sender = event.message, event.sender
        if sender.sender_type not in (None, "user") or not message.message_id:
            return
        if not self._first_time(message.message_id):
            return
        ids = sender.sender_id
        open_id = (ids.open_id if ids else None) or ""
        text = message_text(message)
        if text is None:
            both = f'{texts.text("text_only", "zh")}\n{texts.text("text_only", "en")}'
            await self.send(message.message_id, Reply([both]))
            return
        incoming = Incoming(
            chat_id=message.chat_id or "", user_id=open_id, private=message.chat_type == "p2p", text=text,
            ids=tuple(value for value in (ids.user_id, ids.union_id) if value) if ids else (),
        )
        message_id = message.message_id
        reply = await self.bot.handle(incoming, typing=lambda: self.typing(message_id))
        if reply is not None:
            await self.send(message_id, reply)

    @asynccontextmanager
    async def typing(self, message_id: str) -> AsyncIterator[None]:
        request = CreateMessageReactionRequest.builder().message_id(message_id).request_body(
            CreateMessageReactionRequestBody.builder().reaction_type(
                Emoji.builder().emoji_type(TYPING_EMOJI).build()).build()).build()
        create = self.api.im.v1.message_reaction.create
        response = await self._call(create, request, "add the typing reaction")
        reaction_id = response.data.reaction_id if response is not None and response.data else None
        try:
            yield
        finally:
            if reaction_id:
                remove = DeleteMessageReactionRequest.builder().message_id(message_id).reaction_id(
                    reaction_id).build()
                await self._call(self.api.im.v1.message_reaction.delete, remove, "remove the typing reaction")

    async def upload(self, path: Path) -> str | None:
        with path.open("rb") as image:
            request = CreateImageRequest.builder().request_body(
                CreateImageRequestBody.builder().image_type("message").image(image).build()).build()
            response = await self._call(self.api.im.v1.image.create, request, "upload the chart")
        return response.data.image_key if response is not None and response.data else None

    async def send(self, message_id: str, reply: Reply) -> None:
        messages = reply.texts()
        image_key = await self.upload(reply.chart) if reply.chart else None
        if image_key and reply.chart_note:
            messages.append(reply.chart_note)
        for index, text in enumerate(messages):
            last = index == len(messages) - 1
            content = json.dumps(card(text, image_key if last else None), ensure_ascii=False)
            request = ReplyMessageRequest.builder().message_id(message_id).request_body(
                ReplyMessageRequestBody.builder().msg_type("interactive").content(content).build()).build()
            await self._call(self.api.im.v1.message.reply, request, "send the answer")

    async def _call(self, method: Any, request: Any, what: str) -> Any:
        """One Feishu API call in a worker thread (the SDK's calls block); failures are logged, not raised."""
        try:
            response = await asyncio.to_thread(method, request)
        except Exception as exc:
            logger.warning("could not %s: %s", what, self.bot.redact(str(exc)))
            return None
        if not response.success():
            logger.warning("could not %s: Feishu code %s, %s", what, response.code,
                           self.bot.redact(str(response.msg)))
            return None
        return response


def serve(feishu: FeishuBot, app_id: str, app_secret: str) -> None:
    """Connect to Feishu over the SDK's long connection and handle events until interrupted (blocks)."""
    from lark_oapi import ws

    client = ws.Client(app_id, app_secret, event_handler=feishu.dispatcher(), log_level=lark.LogLevel.WARNING)
    client.start()


def api_client(app_id: str, app_secret: str, domain: str | None = None) -> lark.Client:
    builder = lark.Client.builder().app_id(app_id).app_secret(app_secret).log_level(lark.LogLevel.WARNING)
    if domain:
        builder = builder.domain(domain)
    return builder.build()
