"""`partnerboost bot feishu`: sample im.message.receive_v1 events, fed through lark-oapi's own dispatcher
(what the long connection calls), become replies sent by the real SDK to a fake Feishu Open API on
loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from bot_support import CLAUDE_KEY, FEISHU_APP_ID, FEISHU_APP_SECRET
from fake_claude import answers, asks_tool, first_match
from fake_feishu import IMAGE_KEY, FakeFeishu, message_event
from loopback import LoopbackServer

from partnerboost_skill.bots import feishu_bot
from partnerboost_skill.commands.bot_cmd import make_bot
from partnerboost_skill.config import load_settings

pytestmark = pytest.mark.anyio
SALES = r"sales USD ([\d,]+\.\d\d)"


@pytest.fixture
def feishu() -> Iterator[FakeFeishu]:
    fake = FakeFeishu()
    with LoopbackServer(fake.app) as server:
        fake.url = server.url  # type: ignore[attr-defined]
        yield fake


async def deliver(fake: FakeFeishu, *events: bytes, claude_key: str | None,
                  allow: str = "ou_merchant_1") -> Any:
    settings = load_settings().model_copy(update={"bot_allow": (allow,)})
    bot = make_bot("feishu", settings, (FEISHU_APP_ID, FEISHU_APP_SECRET), claude_key)
    api = feishu_bot.api_client(FEISHU_APP_ID, FEISHU_APP_SECRET, domain=fake.url)  # type: ignore[attr-defined]
    adapter = feishu_bot.FeishuBot(bot, api, asyncio.get_running_loop())
    dispatcher = adapter.dispatcher()
    for event in events:
        dispatcher._do_without_validation(event)  # exactly what lark's ws client does with each event frame
    await asyncio.wait_for(adapter.drain(), 120)
    return bot


def sent_text(fake: FakeFeishu) -> str:
    bodies = (call.body.decode("utf-8", "replace") for call in fake.calls
              if "tenant_access_token" not in call.path)
    return "\n".join(bodies)


async def test_a_question_becomes_cards_with_the_agents_answer_and_the_chart(
    account: str, fake_claude: Any, feishu: FakeFeishu
) -> None:
    claude = fake_claude([
        asks_tool("review_performance", {"period": "last month"}),
        lambda body: answers(f"上个月销售额为 **USD {first_match(SALES, body)}**，网站渠道表现最好。"),
    ])
    await deliver(feishu, message_event("上个月各渠道表现如何"), claude_key=CLAUDE_KEY)
    sales = first_match(SALES, claude.requests[1])
    assert "Simplified Chinese" in claude.requests[0]["system"][1]["text"]

    (typing_on,) = feishu.to("/reactions")
    assert typing_on.path == "/open-apis/im/v1/messages/om_question_1/reactions"
    assert typing_on.json() == {"reaction_type": {"emoji_type": "Typing"}}
    assert len(feishu.to("/reactions/reaction-1", "DELETE")) == 1, "the typing reaction is removed"
    (upload,) = feishu.to("/im/v1/images")
    assert b"\x89PNG\r\n\x1a\n" in upload.body and b'name="image_type"' in upload.body

    cards = feishu.replies()
    assert all(call.path == "/open-apis/im/v1/messages/om_question_1/reply" for call in feishu.to("/reply"))
    assert all(card["schema"] == "2.0" for card in cards)
    markdown = [card["body"]["elements"][0]["content"] for card in cards]
    assert f"USD {sales}" in "\n".join(markdown)
    assert all(len(text) <= 4000 for text in markdown)
    assert cards[-1]["body"]["elements"][-1] == {"tag": "img", "img_key": IMAGE_KEY,
                                                 "alt": {"tag": "plain_text", "content": ""}}
    everything = sent_text(feishu)
    for secret in (FEISHU_APP_SECRET, CLAUDE_KEY, account):
        assert secret not in everything


async def test_without_a_claude_key_the_rule_router_answers_in_feishu_format(
    account: str, feishu: FakeFeishu
) -> None:
    await deliver(feishu, message_event("上个月账单", message_id="om_bill"), claude_key=None)
    cards = feishu.replies()
    first = cards[0]["body"]["elements"][0]["content"]
    assert first.startswith("理解为：账单核对，上个月")
    assert "**账单核对" in "\n".join(card["body"]["elements"][0]["content"] for card in cards)
    assert feishu.to("/im/v1/images") == [], "a bill has no chart"
    assert account not in sent_text(feishu)


async def test_groups_strangers_set_up_and_redeliveries(account: str, feishu: FakeFeishu) -> None:
    key_in_group = message_event("@_user_1 /setup pbk_leaked_1234567890", message_id="om_g1",
                                 chat_type="group",
                                 mentions=[{"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "bot"}])
    stranger = message_event("how are orders", message_id="om_s1", open_id="ou_stranger", chat_id="oc_other")
    picture = message_event("", message_id="om_p1", message_type="image", content={"image_key": "img_x"})
    await deliver(feishu, key_in_group, stranger, stranger, picture, claude_key=None)
    by_message = {call.path.split("/")[5]: json.loads(call.json()["content"]) for call in feishu.to("/reply")}
    assert set(by_message) == {"om_g1", "om_s1", "om_p1"}, "the redelivered event is answered once"
    leaked = by_message["om_g1"]["body"]["elements"][0]["content"]
    assert "did not use that key" in leaked and "pbk_leaked_1234567890" not in sent_text(feishu)
    refused = by_message["om_s1"]["body"]["elements"][0]["content"]
    assert "oc_other, ou_stranger" in refused and "PARTNERBOOST_BOT_ALLOW" in refused
    assert "只能读取文字消息" in by_message["om_p1"]["body"]["elements"][0]["content"]
    assert feishu.to("/reactions") == [], "nothing was answered, so nothing was typing"


def test_post_messages_and_mentions_are_read_as_plain_text() -> None:
    from lark_oapi.api.im.v1 import EventMessage

    post = EventMessage({"message_type": "post", "content": json.dumps(
        {"zh_cn": {"title": "问题", "content": [[{"tag": "at", "user_id": "@_user_1"},
                                               {"tag": "text", "text": "最近订单怎么样"}]]}}),
        "mentions": [{"key": "@_user_1"}]})
    assert feishu_bot.message_text(post) == "问题\n最近订单怎么样"
    text = EventMessage({"message_type": "text", "content": json.dumps({"text": "@_user_1 上个月账单"}),
                         "mentions": [{"key": "@_user_1"}]})
    assert feishu_bot.message_text(text) == "上个月账单"
