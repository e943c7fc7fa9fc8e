"""Frames ↔ compact bytes, column by column, and many stored pieces back into one frame fast.

A stored piece (a `Part`) keeps each column the way numpy holds it: categories as small integer codes plus
their labels, integers and times as raw int64, flags as bytes, free text as a JSON list. Decoding is
`np.frombuffer` per column and one JSON parse, so a million cached orders come back without building a Python
object per field.
No pickle: a cache file that someone else can write must never be able to run code.

Layout: MAGIC, the header length (4 bytes, little endian), the JSON header (rows, and per column its name,
kind, byte length, and labels or text), then the column buffers in header order.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

MAGIC = b"PBPART1\n"
_LENGTH = struct.Struct("<I")
Kind = Literal["category", "int64", "float64", "bool", "time", "text"]


class CodecError(ValueError):
    """Bytes that are not a stored part (damaged or from another format), or a frame that cannot be stored."""


@dataclass
class Labels:
    """A categorical column: codes into `labels` (−1 means missing)."""

    codes: np.ndarray
    labels: list[str]


Column = Labels | np.ndarray


@dataclass
class Part:
    """A piece of a frame as plain arrays. `kinds` says how each column becomes a pandas column again."""

    rows: int
    columns: dict[str, Column] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)

    def take(self, positions: np.ndarray) -> Part:
        """The rows at `positions` (an index array or boolean mask)."""
        taken: dict[str, Column] = {}
        for name, column in self.columns.items():
            taken[name] = (
                Labels(column.codes[positions], column.labels)
                if isinstance(column, Labels)
                else column[positions]
            )
        rows = int(positions.sum()) if positions.dtype == bool else len(positions)
        return Part(rows, taken, dict(self.kinds))

    def times_ns(self, name: str = "time") -> np.ndarray:
        column = self.columns[name]
        if isinstance(column, Labels):
            raise CodecError(f"column {name!r} is not a time column")
        return column


def part_of(frame: pd.DataFrame) -> Part:
    """A frame as a Part (no copy of numeric columns). Raises CodecError for a column type it cannot store."""
    part = Part(len(frame))
    for name in frame.columns:
        series = frame[name]
        dtype = series.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            labels = [str(label) for label in dtype.categories]
            part.columns[name] = Labels(series.cat.codes.to_numpy(), labels)
            part.kinds[name] = "category"
        elif isinstance(dtype, pd.DatetimeTZDtype) or dtype.kind == "M":
            utc = series.dt.tz_convert("UTC") if isinstance(dtype, pd.DatetimeTZDtype) else series
            part.columns[name] = utc.to_numpy(dtype="datetime64[ns]").view(np.int64)
            part.kinds[name] = "time"
        elif dtype.kind == "b":
            part.columns[name] = series.to_numpy(dtype=bool)
            part.kinds[name] = "bool"
        elif dtype.kind in "iu":
            part.columns[name] = series.to_numpy(dtype=np.int64)
            part.kinds[name] = "int64"
        elif dtype.kind == "f":
            part.columns[name] = series.to_numpy(dtype=np.float64)
            part.kinds[name] = "float64"
        elif pd.api.types.is_string_dtype(dtype):
            values = series.to_numpy(dtype=object, na_value="")
            part.columns[name] = values
            part.kinds[name] = "text"
        else:
            raise CodecError(f"column {name!r} has type {dtype}, which the store cannot keep")
    return part


def encode(part: Part) -> bytes:
    columns: list[dict[str, object]] = []
    header: dict[str, object] = {"rows": part.rows, "columns": columns}
    buffers: list[bytes] = []
    for name, column in part.columns.items():
        kind = part.kinds[name]
        entry: dict[str, object] = {"name": name, "kind": kind}
        if isinstance(column, Labels):
            codes = column.codes.astype(_code_dtype(len(column.labels)), copy=False)
            entry["labels"] = column.labels
            entry["code_type"] = codes.dtype.str
            payload = codes.tobytes()
        elif kind == "text":
            entry["values"] = [str(value) for value in column.tolist()]
            payload = b""
        elif kind == "bool":
            payload = column.astype(np.uint8).tobytes()
        else:
            payload = np.ascontiguousarray(column).tobytes()
        entry["bytes"] = len(payload)
        columns.append(entry)
        buffers.append(payload)
    head = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    return b"".join([MAGIC, _LENGTH.pack(len(head)), head, *buffers])


def decode(blob: bytes) -> Part:
    """The Part stored in `blob`; CodecError when the bytes are damaged."""
    try:
        return _decode(memoryview(blob))
    except CodecError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, struct.error, UnicodeDecodeError) as error:
        raise CodecError(f"damaged stored part ({type(error).__name__}: {error})") from None


def _decode(view: memoryview) -> Part:
    if bytes(view[: len(MAGIC)]) != MAGIC:
        raise CodecError("not a stored part (unknown format)")
    offset = len(MAGIC)
    (head_length,) = _LENGTH.unpack_from(view, offset)
    offset += _LENGTH.size
    header = json.loads(bytes(view[offset : offset + head_length]))
    offset += head_length
    rows = int(header["rows"])
    part = Part(rows)
    for entry in header["columns"]:
        name, kind, size = str(entry["name"]), entry["kind"], int(entry["bytes"])
        if offset + size > len(view):
            raise CodecError(f"stored part is cut short in column {name!r}")
        payload = view[offset : offset + size]
        offset += size
        column: Column
        if kind == "category":
            codes = np.frombuffer(payload, dtype=np.dtype(entry["code_type"]))
            labels = entry["labels"]  # written as text by encode(); read only from a body whose checksum held
            if not isinstance(labels, list):
                raise CodecError(f"stored part has no label list for column {name!r}")
            if len(codes) and int(codes.max()) >= len(labels):
                raise CodecError(f"stored part has codes beyond the labels of column {name!r}")
            column = Labels(codes, labels)
        elif kind == "text":
            column = np.array(entry["values"], dtype=object)
        elif kind == "bool":
            column = np.frombuffer(payload, dtype=np.uint8).astype(bool)
        elif kind in ("int64", "time"):
            column = np.frombuffer(payload, dtype=np.int64)
        elif kind == "float64":
            column = np.frombuffer(payload, dtype=np.float64)
        else:
            raise CodecError(f"stored part has a column of unknown kind {kind!r}")
        length = len(column.codes) if isinstance(column, Labels) else len(column)
        if length != rows:
            raise CodecError(f"stored part has {length} values in column {name!r} for {rows} rows")
        part.columns[name] = column
        part.kinds[name] = kind
    if offset != len(view):
        raise CodecError("stored part has trailing bytes")
    return part


def _code_dtype(count: int) -> np.dtype:
    for dtype in (np.int8, np.int16, np.int32):
        if count < np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def assemble(parts: list[Part], template: pd.DataFrame) -> pd.DataFrame:
    """The parts, in order, as one frame with `template`'s columns and dtypes.

    Categories are merged (sorted labels; unused ones dropped, except "") so the result is what the frame
    builder gives for the same rows.
    """
    parts = [part for part in parts if part.rows]
    if not parts:
        return template.iloc[0:0].copy()
    data: dict[str, object] = {}
    for name in template.columns:
        dtype = template[name].dtype
        pieces = [piece for part in parts if (piece := part.columns.get(name)) is not None]
        if len(pieces) < len(parts):
            raise CodecError(f"a stored part lacks column {name!r}")
        if isinstance(dtype, pd.CategoricalDtype):
            data[name] = _merge_labels([_as_labels(piece) for piece in pieces])
            continue
        values = np.concatenate([_as_array(piece) for piece in pieces])
        if isinstance(dtype, pd.DatetimeTZDtype):
            data[name] = pd.Series(values.view("datetime64[ns]")).dt.tz_localize("UTC")
        elif pd.api.types.is_string_dtype(dtype) and dtype.kind != "O":
            data[name] = pd.Series(values, dtype=dtype)
        else:
            data[name] = pd.Series(values).astype(dtype)
    return pd.DataFrame(data)


def _as_labels(column: Column) -> Labels:
    if isinstance(column, Labels):
        return column
    raise CodecError("a stored part keeps a categorical column as plain values")


def _as_array(column: Column) -> np.ndarray:
    if isinstance(column, Labels):
        return np.asarray([*column.labels, ""], dtype=object)[np.where(column.codes < 0, -1, column.codes)]
    return column


def _merge_labels(columns: list[Labels]) -> pd.Categorical[str]:
    # "" stays a category even when unused, as in the frames the analysis builds (it stands for "absent")
    merged = sorted({"", *(label for column in columns for label in column.labels)})
    lookup = np.array(merged, dtype=object)
    codes = []
    for column in columns:
        mapping = np.searchsorted(lookup, np.array(column.labels, dtype=object)).astype(np.int64)
        mapping = np.append(mapping, -1)  # code −1 (missing) stays missing
        codes.append(mapping[column.codes.astype(np.int64)])
    joined = np.concatenate(codes)
    used = np.zeros(len(merged) + 1, dtype=bool)
    used[joined] = True
    used = used[:-1]
    used[0] = True
    renumber = np.cumsum(used) - 1
    renumber = np.append(renumber, -1)
    labels = [label for label, keep in zip(merged, used, strict=True) if keep]
    return pd.Categorical.from_codes(renumber[joined].astype(np.int64), categories=pd.Index(labels))
