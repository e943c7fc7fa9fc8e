"""Hiding credential values in any text that may reach a log, an error or the user."""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4
"""Shorter values (a one-digit brand id, say) are not hidden: replacing them would garble every number."""
MIN_DERIVED_LENGTH = 8
"""A base64 fragment shorter than this is not hidden: it would match ordinary words."""


def _base64_fragments(raw: bytes) -> set[str]:
    """The base64 text `raw` produces wherever it sits in an encoded string: for each of the three byte
    alignments, the characters that depend on `raw` alone (standard and URL-safe alphabets)."""
    fragments: set[str] = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        first = -(-8 * offset // 6)  # the first character whose 6 bits all come from `raw`
        last = (8 * (offset + len(raw))) // 6
        fragment = encoded[first:last]
        if len(fragment) >= MIN_DERIVED_LENGTH:
            fragments.update({fragment, fragment.replace("+", "-").replace("/", "_")})
    return fragments


class Redactor:
    """Replaces every known secret value with a fixed marker: as given, in any letter case, URL-encoded,
    hex-encoded, and inside base64 text (e.g. a server echoing `base64(key)` or a Basic credential)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        any_case: set[str] = set()
        exact: set[str] = set()
        for secret in secrets:
            if len(secret) < MIN_SECRET_LENGTH:
                continue
            raw = secret.encode()
            every_byte = "".join(f"%{byte:02x}" for byte in raw)
            any_case.update({secret, quote(secret, safe=""), quote_plus(secret), raw.hex(), every_byte})
            exact.update(_base64_fragments(raw))
        forms = [(form, True) for form in any_case] + [(form, False) for form in exact - any_case]
        forms.sort(key=lambda item: len(item[0]), reverse=True)
        self._forms = [form for form, _ in forms]
        self._pattern = re.compile("|".join(
            f"(?i:{re.escape(form)})" if ignore_case else re.escape(form) for form, ignore_case in forms
        )) if forms else None

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(REDACTED, text)

    def __bool__(self) -> bool:
        return bool(self._forms)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every value in `secrets` replaced by a marker."""
    return Redactor(secrets)(text)


_QUERY_SECRET = re.compile(r"([?&](?:token|bid)=)[^&#\s\"']*", re.IGNORECASE)
"""The credentials that travel in URLs: the brand API's bid and token, the publisher API's token."""
HTTP_LOGGERS = ("httpx2", "httpcore2")


def hide_query_secrets(text: str) -> str:
    """`text` with the value of every credential query parameter in its URLs replaced by a marker."""
    return _QUERY_SECRET.sub(rf"\g<1>{REDACTED}", text)


class QuerySecretFilter(logging.Filter):
    """Scrubs credential query parameters from the request URLs HTTP libraries log (httpx2 logs every request
    line at INFO, so any INFO-level logging setup would otherwise print the brand and publisher tokens)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = hide_query_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_http_log_filter() -> None:
    """Attach QuerySecretFilter to the HTTP libraries' loggers, once."""
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, QuerySecretFilter) for existing in logger.filters):
            logger.addFilter(QuerySecretFilter())
