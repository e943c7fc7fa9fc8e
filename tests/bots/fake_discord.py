"""A fake Discord REST API on loopback (discord.py's Route.BASE points at it): who the bot is, typing, and
messages with their attachments, recorded so tests read what discord.py really sent."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT_ID = "1100000000000000001"
BOT_USER = {"id": BOT_ID, "username": "partnerboost", "discriminator": "0", "global_name": None,
            "avatar": None, "bot": True}


@dataclass
class Sent:
    channel_id: str
    payload: dict[str, Any]
    files: list[tuple[str, bytes]] = field(default_factory=list)
    authorization: str = ""


class FakeDiscord:
    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.typing: list[str] = []
        self.app = Starlette(routes=[
            Route("/api/v10/users/@me", self._me, methods=["GET"]),
            Route("/api/v10/oauth2/applications/@me", self._application, methods=["GET"]),
            Route("/api/v10/channels/{channel_id}/typing", self._typing, methods=["POST"]),
            Route("/api/v10/channels/{channel_id}/messages", self._message, methods=["POST"]),
        ])

    async def _me(self, request: Request) -> JSONResponse:
        return JSONResponse(BOT_USER)

    async def _application(self, request: Request) -> JSONResponse:
        return JSONResponse({"id": BOT_ID, "name": "partnerboost", "description": "", "icon": None,
                             "bot_public": False, "bot_require_code_grant": False, "owner": BOT_USER,
                             "verify_key": "0" * 64, "flags": 0})

    async def _typing(self, request: Request) -> Response:
        self.typing.append(request.path_params["channel_id"])
        return Response(status_code=204)

    async def _message(self, request: Request) -> JSONResponse:
        channel_id = request.path_params["channel_id"]
        sent = Sent(channel_id, {}, authorization=request.headers.get("authorization", ""))
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            sent.payload = json.loads(str(form["payload_json"]))
            for key, value in form.multi_items():
                if key.startswith("files[") and hasattr(value, "read"):
                    sent.files.append((value.filename or "", await value.read()))
        else:
            sent.payload = await request.json()
        self.sent.append(sent)
        return JSONResponse({
            "id": str(2000 + len(self.sent)), "channel_id": channel_id, "author": BOT_USER,
            "content": sent.payload.get("content", ""), "timestamp": "2026-11-20T10:00:00+00:00",
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": False, "type": 0,
        })


def message_payload(content: str, *, channel_id: str = "3000", author_id: str = "4000",
                    guild_id: str | None = None, mentions: list[dict[str, Any]] | None = None,
                    message_id: str = "5000") -> dict[str, Any]:
    """A MESSAGE_CREATE payload as Discord's gateway sends it."""
    payload: dict[str, Any] = {
        "id": message_id, "channel_id": channel_id, "content": content, "type": 0, "tts": False,
        "timestamp": "2026-11-20T09:59:00+00:00", "edited_timestamp": None, "pinned": False,
        "mention_everyone": False, "mentions": mentions or [], "mention_roles": [], "attachments": [],
        "embeds": [], "author": {"id": author_id, "username": "merchant", "discriminator": "0",
                                 "global_name": "Merchant", "avatar": None},
    }
    if guild_id is not None:
        payload["guild_id"] = guild_id
    return payload
