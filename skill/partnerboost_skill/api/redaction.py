"""Hiding credential values in any text that may reach a log, an error or the user."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4
"""Shorter values (a one-digit brand id, say) are not hidden: replacing them would garble every number."""


class Redactor:
    """Replaces every known secret value, raw or URL-encoded, with a fixed marker."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if len(secret) < MIN_SECRET_LENGTH:
                continue
            forms.update({secret, quote(secret, safe=""), quote_plus(secret)})
        self._forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text

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
