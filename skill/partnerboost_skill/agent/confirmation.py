"""Whether a user's message confirms the write the agent previewed in its previous answer.

Only a short, unambiguous reply counts ("yes", "confirm", "go ahead", "确认", "好的，执行"); anything with a
negation or a new question does not, and then the previewed write is dropped.
"""

from __future__ import annotations

import re

_YES_EN = (r"y|yes|yep|yeah|ok|okay|sure|confirm(?:ed)?|i confirm|go ahead|do it|proceed|approved?|"
           r"send it|yes please|please do|correct")
_YES_ZH = r"是|是的|好|好的|可以|行|确认|确定|同意|执行|发送|没问题|对"
_NEGATION = re.compile(
    r"(?i)\b(?:no|not|don'?t|do not|never|cancel|stop|wait|abort|hold)\b|不|别|取消|否|停|等"
)
_SEPARATORS = re.compile(r"[\s,，.。!！、;；:：~]+")
_MAX_LENGTH = 40


def is_confirmation(message: str) -> bool:
    text = " ".join(message.strip().lower().split())
    if not text or len(text) > _MAX_LENGTH or "?" in text or "？" in text or _NEGATION.search(text):
        return False
    words = [word for word in _SEPARATORS.split(text) if word]
    if not words:
        return False
    pattern = rf"(?:{_YES_EN})(?: (?:{_YES_EN}))*(?: please| thanks| thank you)?"
    english = re.fullmatch(pattern, " ".join(words))
    chinese = all(re.fullmatch(rf"(?:{_YES_ZH}|请|吧|了|的|啊|呀|执行吧)+", word) for word in words)
    return bool(english) or chinese
