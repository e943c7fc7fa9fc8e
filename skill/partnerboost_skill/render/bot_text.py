"""What the chat bots say on their own (help, set-up, refusals, failures), in English and Chinese."""

from __future__ import annotations

from partnerboost_skill.render.i18n import Lang

_TEXT: dict[str, dict[Lang, str]] = {
    "help": {
        "en": "Ask me about your PartnerBoost programme, e.g. \"review the last three months\", \"how are "
              "recent orders doing?\", \"check my bill from last month\", \"which media am I partnering "
              "with?\". /reset forgets our conversation; /setup KEY (in a private chat only) connects your "
              "PartnerBoost account; /whoami shows your ids.",
        "zh": "可以问我 PartnerBoost 联盟计划的数据，例如“复盘最近三个月”“最近订单怎么样”"
              "“上个月账单”“我合作的媒体有哪些”。/reset 清空对话；/setup KEY（仅限私聊）"
              "连接您的 PartnerBoost 账户；/whoami 显示您的 ID。",
    },
    "whoami": {
        "en": "Your ids here: {ids}. The bot's owner adds one of them to PARTNERBOOST_BOT_ALLOW.",
        "zh": "您在这里的 ID：{ids}。请机器人管理员把其中一个加入 PARTNERBOOST_BOT_ALLOW。",
    },
    "not_allowed": {
        "en": "This bot answers only the chats and people its owner allowed. Your ids: {ids} — ask the owner "
              "to add one to PARTNERBOOST_BOT_ALLOW.",
        "zh": "此机器人只回答管理员允许的会话和用户。您的 ID：{ids}——"
              "请管理员把其中一个加入 PARTNERBOOST_BOT_ALLOW。",
    },
    "busy": {
        "en": "I'm still answering your previous question here; ask again when it is done.",
        "zh": "我还在回答这个会话里的上一个问题，请稍后再问。",
    },
    "reset": {
        "en": "Done: I forgot our conversation (and any write waiting for your yes).",
        "zh": "已清空我们的对话（以及等待您确认的写操作）。",
    },
    "failed": {
        "en": "Sorry, I could not answer that (an internal error); please try again.",
        "zh": "抱歉，出现内部错误，暂时无法回答，请稍后再试。",
    },
    "upstream": {
        "en": "PartnerBoost did not answer: {detail}",
        "zh": "PartnerBoost 未能返回数据：{detail}",
    },
    "bad_question": {
        "en": "{detail}",
        "zh": "{detail}",
    },
    "timeout": {
        "en": "No answer within {seconds:g} s; try a narrower question (e.g. a shorter period).",
        "zh": "{seconds:g} 秒内未能得到答案，请缩小问题范围（例如更短的时间段）。",
    },
    "agent_fallback": {
        "en": "(Claude is unavailable right now, so this answer comes from the built-in rules.)",
        "zh": "（Claude 暂时不可用，以下回答来自内置规则。）",
    },
    "setup_how": {
        "en": "Send /setup followed by your PartnerBoost API key, here in this private chat. I check it with "
              "one call, save it for this bot only and never repeat it.",
        "zh": "请在此私聊中发送 /setup 加上您的 PartnerBoost API 密钥。"
              "我会用一次调用验证并仅为本机器人保存，绝不复述密钥。",
    },
    "setup_private_only": {
        "en": "Set-up works only in a private chat with me. Never paste a key in a group.",
        "zh": "设置只能在与我的私聊中进行。请勿在群聊中粘贴密钥。",
    },
    "setup_leaked": {
        "en": "I did not use that key: set-up works only in a private chat with me. Please delete your "
              "message now, and replace the key in PartnerBoost if others may have seen it.",
        "zh": "我没有使用该密钥：设置只能在与我的私聊中进行。请立即删除您的消息；"
              "如果他人可能已看到，请在 PartnerBoost 中更换密钥。",
    },
    "setup_bad_key": {
        "en": "That does not look like an API key (no spaces, 8 to 200 characters). Copy it again from the "
              "PartnerBoost dashboard.",
        "zh": "这看起来不像 API 密钥（不含空格，8 到 200 个字符）。请从 PartnerBoost 后台重新复制。",
    },
    "setup_failed": {
        "en": "The key was not saved: {detail}",
        "zh": "密钥未保存：{detail}",
    },
    "setup_done": {
        "en": "PartnerBoost is connected ({detail}). Please delete your message with the key.",
        "zh": "PartnerBoost 已连接（{detail}）。请删除您发送密钥的那条消息。",
    },
    "text_only": {
        "en": "I read text messages only; please type your question.",
        "zh": "我只能读取文字消息，请直接输入您的问题。",
    },
}


def text(key: str, lang: Lang, **values: object) -> str:
    return _TEXT[key][lang].format(**values)
