"""What an API does that its records do not say: the time zone of its text times and field names a merchant
told us (the `[fields]` table of the config file).

Text times without an offset ("2026-11-03 14:05:09") are read in the API's zone, chosen in this order:
configured (PARTNERBOOST_API_TIMEZONE), detected from the data, the account's own zone (account info), UTC.
Detection needs records fetched for a Unix-second window: the API filtered them by their true time, so every
text time minus the zone's offset must fall inside the window. With records spread over the window only one
whole-quarter-hour offset fits; that offset is the zone (the account's named zone when its offset agrees, so
daylight saving is followed). A detected zone is remembered for the rest of the connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np

from partnerboost_skill.config import ConfigError
from partnerboost_skill.parsing import zone_named
from partnerboost_skill.records.contracts import CONTRACTS

ZoneSource = Literal["configured", "detected", "account", "assumed"]
_STEP = 15 * 60
_EARLIEST_OFFSET, _LATEST_OFFSET = -12 * 3600, 14 * 3600


def checked_fields(fields: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The config file's [fields] table, every kind and column checked against the record contracts."""
    checked: dict[str, dict[str, str]] = {}
    for kind, names in fields.items():
        contract = next((c for name, c in CONTRACTS.items() if name == kind), None)
        if contract is None:
            raise ConfigError(f"[fields.{kind}] in the config file is not a record kind; use one of "
                              f"{', '.join(CONTRACTS)}")
        columns = {f.column for f in contract.fields}
        unknown = sorted(set(names) - columns)
        if unknown:
            raise ConfigError(f"[fields.{kind}] {unknown[0]}: not a column of {kind}; the columns are "
                              f"{', '.join(sorted(columns))}, each set to the API's field name")
        checked[kind] = dict(names)
    return checked


def zone_label(zone: tzinfo) -> str:
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None) or timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def iana_name(zone: tzinfo) -> str | None:
    """A name ZoneInfo reads for `zone`: its IANA key, Etc/GMT±N for a whole-hour offset, else None."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None) or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes % 60:
        return None
    hours = minutes // 60
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def _offset_at(zone: tzinfo, seconds: float) -> int:
    moment = datetime.fromtimestamp(seconds, UTC).astimezone(zone)
    return int((moment.utcoffset() or timedelta(0)).total_seconds())


@dataclass
class ZoneChoice:
    zone: tzinfo
    source: ZoneSource
    fits: bool = True
    """False when the records asked for a window do not fit it (then the note says so)."""
    candidates: tuple[int, ...] = ()
    """Every offset (seconds) the records would have fitted; several when they could not tell."""

    @property
    def label(self) -> str:
        return zone_label(self.zone)

    @property
    def settled(self) -> bool:
        """Whether the zone is known (configured or detected) rather than a guess among several."""
        return self.source in ("configured", "detected")


@dataclass
class Conventions:
    api_zone: tzinfo | None = None
    """PARTNERBOOST_API_TIMEZONE: the zone of the API's text times, when the merchant knows it."""
    account_zone: tzinfo | None = None
    """The account's own zone (account info), a prior when detection cannot decide."""
    fields: dict[str, dict[str, str]] = field(default_factory=dict)
    """[fields] from the config file: record kind → {column: the API's field name}."""
    detected: tzinfo | None = None
    choices: list[ZoneChoice] = field(default_factory=list)
    """Every zone chosen for text times during this connection (for doctor --data)."""
    end_inclusive: bool | None = None
    """Whether the API's time filters include their end second (None: not known; records/probe.py asks)."""
    probed: set[str] = field(default_factory=set)
    """What records/probe.py has already asked ('zone', 'end')."""

    @classmethod
    def from_settings(
        cls, api_timezone: str | None, fields: Mapping[str, Mapping[str, str]] | None = None
    ) -> Conventions:
        """Conventions from the settings; a [fields] table naming an unknown kind or column: ConfigError."""
        zone = zone_named(api_timezone) if api_timezone else None
        return cls(api_zone=zone, fields=checked_fields(fields or {}))

    def zone_for(self, naive_seconds: np.ndarray, window: tuple[float, float] | None) -> ZoneChoice:
        """The zone to read text times in; `naive_seconds` are those times read as if they were UTC, `window`
        the Unix-second range (inclusive) the records were asked for, when known."""
        fitting = self._fitting(naive_seconds, window)
        if self.api_zone is not None:
            fits = fitting is None or _offset_at(self.api_zone, _middle(window)) in fitting
            return self._chose(ZoneChoice(self.api_zone, "configured", fits))
        if fitting:
            middle = _middle(window)
            for prior, source in ((self.detected, "detected"), (self.account_zone, "account")):
                if (
                    prior is not None
                    and _offset_at(prior, middle) in fitting
                    and (len(fitting) == 1 or source == "detected")
                ):
                    self.detected = prior
                    return self._chose(ZoneChoice(prior, "detected"))
            if len(fitting) == 1:
                zone = timezone(timedelta(seconds=fitting[0]))
                self.detected = zone
                return self._chose(ZoneChoice(zone, "detected"))
            several = tuple(fitting)
            if self.account_zone is not None and _offset_at(self.account_zone, middle) in fitting:
                return self._chose(ZoneChoice(self.account_zone, "account", candidates=several))
            if 0 in fitting:
                return self._chose(ZoneChoice(UTC, "assumed", candidates=several))
            whole = [offset for offset in fitting if offset % 3600 == 0] or fitting
            middle_offset = timezone(timedelta(seconds=whole[len(whole) // 2]))
            return self._chose(ZoneChoice(middle_offset, "assumed", candidates=several))
        fits = fitting is None
        if self.detected is not None:
            return self._chose(ZoneChoice(self.detected, "detected", fits))
        if self.account_zone is not None:
            return self._chose(ZoneChoice(self.account_zone, "account", fits))
        return self._chose(ZoneChoice(UTC, "assumed", fits))

    def _chose(self, choice: ZoneChoice) -> ZoneChoice:
        if not any(c.label == choice.label and c.source == choice.source for c in self.choices):
            self.choices.append(choice)
        return choice

    @staticmethod
    def _fitting(naive_seconds: np.ndarray, window: tuple[float, float] | None) -> list[int] | None:
        """The offsets (seconds, whole quarter hours) that put every time inside the window; None without a
        window or times."""
        if window is None or not len(naive_seconds):
            return None
        low = float(np.max(naive_seconds)) - window[1]
        high = float(np.min(naive_seconds)) - window[0]
        first = max(_EARLIEST_OFFSET, int(np.ceil(low / _STEP)) * _STEP)
        return [offset for offset in range(first, min(_LATEST_OFFSET, int(high)) + 1, _STEP)]


def _middle(window: tuple[float, float] | None) -> float:
    return (window[0] + window[1]) / 2 if window else datetime.now(UTC).timestamp()


def describe(choice: ZoneChoice, what: str) -> str:
    """The note an answer carries about how `what`'s text times were read."""
    how = {
        "configured": "as PARTNERBOOST_API_TIMEZONE says",
        "detected": "detected from the records and the windows they were asked for",
        "account": "the account's time zone; the records alone could not tell",
        "assumed": "assumed; the records could not tell — set PARTNERBOOST_API_TIMEZONE if this is wrong",
    }[choice.source]
    note = f"{what} times without a time zone were read as {choice.label} ({how})"
    if not choice.fits:
        note += "; some records fall outside the window asked for in that zone"
    return note
