"""A fake Feishu Open API on loopback: the endpoints the bot calls (token, reactions, image upload, reply),
recording every request so tests can read what the real lark-oapi SDK sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

IMAGE_KEY = "img_v3_fake_chart"


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class FakeFeishu:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.app = Starlette(routes=[
            Route("/open-apis/auth/v3/tenant_access_token/internal", self._token, methods=["POST"]),
            Route("/open-apis/im/v1/messages/{message_id}/reactions", self._react, methods=["POST"]),
            Route("/open-apis/im/v1/messages/{message_id}/reactions/{reaction_id}", self._ok,
                  methods=["DELETE"]),
            Route("/open-apis/im/v1/images", self._image, methods=["POST"]),
            Route("/open-apis/im/v1/messages/{message_id}/reply", self._reply, methods=["POST"]),
        ])

    async def _record(self, request: Request) -> Call:
        call = Call(request.method, request.url.path, dict(request.headers), await request.body())
        self.calls.append(call)
        return call

    async def _token(self, request: Request) -> JSONResponse:
        await self._record(request)
        return JSONResponse({"code": 0, "msg": "ok", "tenant_access_token": "t-fake-tenant-token",
                             "expire": 7200})

    async def _react(self, request: Request) -> JSONResponse:
        await self._record(request)
        return JSONResponse({"code": 0, "msg": "success", "data": {"reaction_id": "reaction-1"}})

    async def _ok(self, request: Request) -> JSONResponse:
        await self._record(request)
        return JSONResponse({"code": 0, "msg": "success", "data": {}})

    async def _image(self, request: Request) -> JSONResponse:
        await self._record(request)
        return JSONResponse({"code": 0, "msg": "success", "data": {"image_key": IMAGE_KEY}})

    async def _reply(self, request: Request) -> JSONResponse:
        await self._record(request)
        reply_id = f"om_reply_{len(self.calls)}"
        return JSONResponse({"code": 0, "msg": "success", "data": {"message_id": reply_id}})

    def to(self, path_part: str, method: str = "POST") -> list[Call]:
        return [call for call in self.calls if path_part in call.path and call.method == method]

    def replies(self) -> list[dict[str, Any]]:
        """The cards sent as replies, in order."""
        sent = []
        for call in self.to("/reply"):
            body = call.json()
            assert body["msg_type"] == "interactive"
            sent.append(json.loads(body["content"]))
        return sent


def message_event(text: str, *, message_id: str = "om_question_1", chat_id: str = "oc_chat_1",
                  chat_type: str = "p2p", open_id: str = "ou_merchant_1", message_type: str = "text",
                  content: dict[str, Any] | None = None,
                  mentions: list[dict[str, Any]] | None = None) -> bytes:
    """An im.message.receive_v1 event exactly as Feishu's long connection delivers it (schema 2.0)."""
    payload = {
        "schema": "2.0",
        "header": {"event_id": f"ev_{message_id}", "event_type": "im.message.receive_v1",
                   "create_time": "1795154245000", "token": "", "app_id": "cli_test", "tenant_key": "tk"},
        "event": {
            "sender": {"sender_id": {"union_id": "on_union_1", "user_id": "uid_1", "open_id": open_id},
                       "sender_type": "user", "tenant_key": "tk"},
            "message": {"message_id": message_id, "root_id": "", "parent_id": "",
                        "create_time": "1795154245000", "update_time": "1795154245000",
                        "chat_id": chat_id, "chat_type": chat_type,
                        "message_type": message_type,
                        "content": json.dumps(content if content is not None else {"text": text},
                                              ensure_ascii=False),
                        "mentions": mentions or []},
        },
    }
    return json.dumps(payload, ensure_ascii=False).encode()
