"""Keeping every tool answer under a size a model's context can afford.

The limit counts UTF-8 bytes of the text content. Lists are cut (never silently: the caller records what was
left out); the largest count that fits is found by bisection over the rendered text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_TEXT_BYTES = 20_000
SMALL_PAGE = 20
"""Page size of the raw list tools when the caller does not ask for one."""


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def size_of(text: str) -> int:
    return len(text.encode("utf-8"))


def largest_fitting(count: int, fits: Callable[[int], bool]) -> int:
    """The largest k in [0, count] with fits(k), for a `fits` that holds up to some k and fails above it."""
    low, high = 0, count
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def longest_list_path(value: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], int] | None:
    """The path to the list holding the most serialised bytes inside `value` (dicts and lists walked)."""
    best: tuple[tuple[Any, ...], int] | None = None
    if isinstance(value, list):
        best = (path, size_of(json_text(value))) if value else None
        children: list[tuple[Any, Any]] = list(enumerate(value)) if len(value) <= 50 else []
    elif isinstance(value, dict):
        children = list(value.items())
    else:
        return None
    for key, child in children:
        found = longest_list_path(child, (*path, key))
        if found is not None and (best is None or found[1] > best[1]):
            best = found
    return best


def get_path(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def set_path(value: Any, path: tuple[Any, ...], new: Any) -> None:
    """Put `new` at `path` inside `value`, copying the containers on the way (never the ones it passes by), so
    a structure shared with the caller is not changed: only `value` itself is written to."""
    parent = value
    for key in path[:-1]:
        child = parent[key]
        child = list(child) if isinstance(child, list) else dict(child)
        parent[key] = child
        parent = child
    parent[path[-1]] = new


def describe_path(path: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in path) or "the list"


@dataclass(frozen=True)
class Cut:
    """One list that was shortened to fit."""

    path: tuple[Any, ...]
    shown: int
    original: int

    def describe(self) -> str:
        return (f"{describe_path(self.path)}: showing {self.shown} of {self.original} "
                f"(cut to stay under {MAX_TEXT_BYTES // 1000} KB)")


def shrink_lists(value: Any, fits: Callable[[Any], bool], *, max_rounds: int = 20) -> list[Cut]:
    """Cut the biggest lists inside `value` until `fits(value)`; return what was cut. Only `value` (a dict or
    list) is written to: the containers inside it are copied where a list is cut, never changed."""
    originals: dict[tuple[Any, ...], int] = {}
    for _ in range(max_rounds):
        if fits(value):
            break
        found = longest_list_path(value)
        if found is None:
            break
        path = found[0]
        items = get_path(value, path)
        originals.setdefault(path, len(items))

        def fits_with(k: int, path: tuple[Any, ...] = path, items: list[Any] = items) -> bool:
            set_path(value, path, items[:k])
            return fits(value)

        keep = largest_fitting(len(items), fits_with)
        if keep == len(items):  # the list is not the problem alone: halve it and look again
            keep = len(items) // 2
        set_path(value, path, items[:keep])
    return [Cut(path, len(get_path(value, path)), count) for path, count in originals.items()]
