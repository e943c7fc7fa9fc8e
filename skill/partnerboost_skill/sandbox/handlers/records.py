"""Shaping world data into wire records: JSON-safe values, money as decimal strings, times as Unix seconds."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from partnerboost_skill.sandbox.handlers.money import cents_text


def unix_seconds(value: Any) -> int | None:
    """A pandas/py datetime (or NaT/None) as Unix seconds."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        return None
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(UTC)
    return int(stamp.timestamp())


def plain(value: Any) -> Any:
    """numpy/pandas scalars → Python; timestamps → Unix seconds; containers recursively."""
    if isinstance(value, Mapping):
        return jsonable(value)
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, pd.Timestamp | datetime | np.datetime64):
        return unix_seconds(value)
    if value is pd.NaT:
        return None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(float(value)) else float(value)
    return value


def jsonable(record: Mapping[str, Any]) -> dict[str, Any]:
    """A world record as JSON: `x_cents` keys become `x` decimal strings, times become Unix seconds."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key.endswith("_cents"):
            out[key.removesuffix("_cents")] = (
                None if value is None or pd.isna(value) else cents_text(int(value))
            )
        else:
            out[key] = plain(value)
    return out


def string_keyed(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts keyed by column name (pandas types the keys as merely Hashable)."""
    return [{str(key): value for key, value in row.items()} for row in frame.to_dict("records")]


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [jsonable(row) for row in string_keyed(frame)]


def paged(records: Sequence[Mapping[str, Any]], total: int, page_num: int, page_size: int) -> dict[str, Any]:
    """The merchant paged shape."""
    return {
        "list": records,
        "total_size": total,
        "total_page": -(-total // page_size) if total else 0,
        "page_size": page_size,
        "page_num": page_num,
        "current_size": len(records),
    }


def page_of(frame: pd.DataFrame, page_num: int, page_size: int) -> pd.DataFrame:
    start = (page_num - 1) * page_size
    return frame.iloc[start : start + page_size]
