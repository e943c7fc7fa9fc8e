"""What every CLI command shares: error reporting and turning library errors into one clear paragraph."""

from __future__ import annotations

import sys
import textwrap


class UsageError(Exception):
    """Bad input from the user: printed as one paragraph, exit code 2, no traceback."""


def fail(message: str, code: int = 2) -> int:
    text = textwrap.fill(
        f"partnerboost: {message}", width=100, break_long_words=False, break_on_hyphens=False
    )
    print(text, file=sys.stderr)
    return code


def note(message: str) -> None:
    print(message, file=sys.stderr)
