"""Hiding credential values in any text that may reach a log, an error or the user."""

from __future__ import annotations

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
