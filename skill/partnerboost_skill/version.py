"""The one version number: the installed distribution's, which is pyproject.toml's (SKILL.md repeats it)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "partnerboost-skill"
UNKNOWN = "0+unknown"


def package_version() -> str:
    """`partnerboost-skill`'s installed version, or "0+unknown" when the code runs without being installed."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return UNKNOWN
