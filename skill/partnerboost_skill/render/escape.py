"""Text from the API (partner names, remarks, coupon codes) made inert for each chat format.

Whatever a partner calls itself, the rendered answer must not turn it into a link, an image, a mention
(@everyone, @here, <@123>, Feishu <at>), HTML or formatting, and it must not break a table row or a code
block.
Every escaper first cleans the text: control and invisible characters removed, whitespace collapsed to one
line, length capped.
"""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT = 60
"""API strings longer than this are cut with an ellipsis: answers stay short, injected prose stays small."""

ZWSP = "\u200b"
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]<>|&])")
# Links and mentions are broken with visible look-alikes (a fullwidth colon, dot or at sign) placed only where
# a chat app would act: never with invisible characters, which a merchant would copy along with a name.
_URL_SCHEME = re.compile(r"(?<=\w):(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")
_LAST_DOMAIN_DOT = re.compile(r"(?<=\w)\.(?=[A-Za-z]{2}[A-Za-z0-9-]*(?![A-Za-z0-9-])(?!\.\w))")
"""The dot before a domain's last label ("evil.example", "shop.example.com"): breaking it is enough."""
_MENTION = re.compile(r"(?i)@(?=everyone\b|here\b|[!&]?\d)")
_FEISHU_HOMOGLYPHS = str.maketrans({
    "<": "‹", ">": "›", "[": "［", "]": "］", "*": "∗", "~": "∼", "`": "ˋ", "|": "｜", "\\": "＼",
})
_ENTITY = re.compile(r"&(?=#?\w+;)")
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def clean(text: object, limit: int = MAX_TEXT) -> str:
    """One line of plain text: no control or invisible characters, single spaces, at most `limit` chars."""
    raw = "" if text is None else str(text)
    chars = []
    for char in raw:
        category = unicodedata.category(char)
        if char in "\t\n\r\v\f\x85\u2028\u2029":
            chars.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or _INVISIBLE.match(char):
            continue
        else:
            chars.append(char)
    flat = " ".join("".join(chars).split())
    if len(flat) > limit:
        flat = flat[: max(limit - 1, 1)].rstrip() + "…"
    return flat


def _defang(text: str) -> str:
    """Break what chat apps turn into links or mentions, including bare domains ("evil.com")."""
    return _LAST_DOMAIN_DOT.sub("．", _no_urls_or_mentions(text))


def _no_urls_or_mentions(text: str) -> str:
    text = _URL_SCHEME.sub("：", text)
    text = _WWW.sub(r"\1．", text)
    return _MENTION.sub("＠", text)


def markdown(text: object, limit: int = MAX_TEXT) -> str:
    """Inert CommonMark / GFM / Discord text: every syntax character backslash-escaped, links defanged."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _defang(clean(text, limit)))


def code(text: object, limit: int = MAX_TEXT) -> str:
    """Text inside a fenced code block: it cannot close the fence, mentions cannot ping and URLs stay plain
    (formatting is not parsed inside code blocks)."""
    return _no_urls_or_mentions(clean(text, limit)).replace("`", "ˋ")


def feishu(text: object, limit: int = MAX_TEXT) -> str:
    """Inert Feishu card Markdown: the characters that build links, <at> mentions, tags, tables and emphasis
    are swapped for look-alikes (Feishu has no reliable backslash escape); an underscore inside a word
    stays."""
    swapped = _ENTITY.sub("＆", _defang(clean(text, limit)).translate(_FEISHU_HOMOGLYPHS))
    return _EDGE_UNDERSCORE.sub("＿", swapped)


def display_width(text: str) -> int:
    """Columns the text takes in a monospace font (CJK and other wide characters count two)."""
    return sum(0 if unicodedata.combining(c) or c == ZWSP else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit_width(text: str, width: int) -> str:
    """Cut `text` to at most `width` display columns (with an ellipsis when cut)."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = display_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"
