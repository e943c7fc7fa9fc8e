"""Where a chart may be written. Agents build `--chart PATH` arguments, so the path is treated as untrusted:
the chart is only ever a regular `.png` file, never written through a symbolic link, never replacing anything
but an earlier chart (a PNG file), and no folder is created outside the cache folder. A refused path is a
`ChartPathError` that says why.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ChartPathError(OSError):
    """A chart path that is refused; `reason` says why (also its strerror, so callers that report OSErrors
    report it)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(errno.EPERM, reason, str(path))
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"--chart {self.path}: {self.reason}"


def _absolute(path: Path | str) -> Path:
    """Absolute and normalised, without following symbolic links."""
    return Path(os.path.abspath(Path(path).expanduser()))


def _inside(folder: Path, root: Path) -> bool:
    return Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(root.expanduser()))


def check_replaceable(path: Path) -> None:
    """Nothing at `path`, or an earlier chart (a regular file starting with the PNG signature)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ChartPathError(path, f"cannot be inspected ({exc.strerror})") from None
    if stat.S_ISLNK(info.st_mode):
        raise ChartPathError(path, "is a symbolic link; charts are never written through links")
    if not stat.S_ISREG(info.st_mode):
        raise ChartPathError(path, "exists and is not a regular file (a folder, device, pipe or socket); "
                                   "refusing to replace it")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            head = handle.read(len(PNG_SIGNATURE))
    except OSError as exc:
        raise ChartPathError(path, f"exists and cannot be read ({exc.strerror}); refusing to replace "
                                   "it") from None
    if head != PNG_SIGNATURE:
        raise ChartPathError(path, "exists and is not a PNG chart; refusing to replace it (choose a new "
                                   "name)")


def chart_target(requested: Path | str, cache_dir: Path) -> Path:
    """The absolute path a `--chart` argument may be written to, its folder created only inside `cache_dir`;
    ChartPathError otherwise."""
    path = _absolute(requested)
    if path.suffix.lower() != ".png":
        raise ChartPathError(path, "must name a .png file (e.g. --chart ~/charts/review.png)")
    check_replaceable(path)
    folder = path.parent
    if os.path.isdir(folder):
        return path
    if os.path.lexists(folder):
        raise ChartPathError(path, f"{folder} is not a folder")
    if not _inside(folder, cache_dir):
        raise ChartPathError(path, f"the folder {folder} does not exist; create it first (folders are only "
                                   f"created inside the cache folder {cache_dir})")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ChartPathError(path, f"the folder {folder} cannot be created ({exc.strerror})") from None
    return path


def write_png(path: Path, draw: Callable[[str], None]) -> Path:
    """Have `draw(temp_path)` write the PNG next to `path`, then move it into place: checked again just
    before, and a rename replaces a directory entry (a link itself, never what it points to)."""
    path = _absolute(path)
    if path.suffix.lower() != ".png":
        raise ChartPathError(path, "must name a .png file")
    check_replaceable(path)
    if not os.path.isdir(path.parent):
        raise ChartPathError(path, f"the folder {path.parent} does not exist")
    handle, temp = tempfile.mkstemp(prefix=".chart-", suffix=".png", dir=path.parent)
    os.close(handle)
    try:
        draw(temp)
        check_replaceable(path)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return path
