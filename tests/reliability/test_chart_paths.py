"""`--chart PATH` writes nothing but a regular .png file (issue #12, point 3). Agents build these arguments:
a link, a device or pipe, someone's notes named `.png`, a folder, a missing folder outside the cache, `..`
tricks — each is refused with exit 2 and one clear line, before anything is fetched, and nothing on disk
changes. A previous chart is replaced; a folder inside the cache is created.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from partnerboost_skill.cli import main
from partnerboost_skill.render.chart_path import PNG_SIGNATURE, ChartPathError, chart_target, write_png


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("PARTNERBOOST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PARTNERBOOST_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def chart(capsys: pytest.CaptureFixture[str], path: Path | str) -> tuple[int, str, float]:
    started = time.monotonic()
    code = main(["orders", "last 7 days", "--chart", str(path)])
    _, err = capsys.readouterr()
    return code, " ".join(err.split()), time.monotonic() - started


def snapshot(folder: Path) -> dict[str, tuple[int, bytes | str]]:
    """Every entry under `folder` with its type and content (or link target): what must not change."""
    seen: dict[str, tuple[int, bytes | str]] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                seen[str(path)] = (info.st_mode, os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                seen[str(path)] = (info.st_mode, path.read_bytes())
            else:
                seen[str(path)] = (info.st_mode, "")
    return seen


def refused(capsys: pytest.CaptureFixture[str], home: Path, path: Path | str, why: str) -> None:
    before = snapshot(home)
    code, err, elapsed = chart(capsys, path)
    assert code == 2, err
    assert why in err and "Traceback" not in err, err
    assert elapsed < 5, "refused before fetching anything"
    after = snapshot(home)
    assert {k: v for k, v in after.items() if "/cache" not in k} == {
        k: v for k, v in before.items() if "/cache" not in k}


def test_a_symbolic_link_is_never_followed(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    victim = home / "victim.txt"
    victim.write_text("precious")
    (home / "link.png").symlink_to(victim)
    refused(capsys, home, home / "link.png", "is a symbolic link")
    assert victim.read_text() == "precious"
    (home / "dangling.png").symlink_to(home / "would-be-created.png")
    refused(capsys, home, home / "dangling.png", "is a symbolic link")
    assert not (home / "would-be-created.png").exists()


def test_a_pipe_or_device_is_never_replaced(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    os.mkfifo(home / "pipe.png")
    refused(capsys, home, home / "pipe.png", "not a regular file")
    try:
        os.mknod(home / "device.png", 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    except PermissionError:
        return
    refused(capsys, home, home / "device.png", "not a regular file")
    assert stat.S_ISCHR(os.lstat(home / "device.png").st_mode)


def test_a_file_that_is_not_a_chart_is_never_replaced(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    (home / "notes.png").write_text("my notes, misnamed")
    refused(capsys, home, home / "notes.png", "not a PNG chart")
    (home / "folder.png").mkdir()
    refused(capsys, home, home / "folder.png", "not a regular file")


def test_only_png_names(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    for name in ("chart.txt", "chart", ".bashrc", "chart.png.sh"):
        refused(capsys, home, home / name, "must name a .png file")


def test_no_folder_is_created_outside_the_cache(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    refused(capsys, home, home / "new" / "deep" / "chart.png", "does not exist; create it first")
    assert not (home / "new").exists()
    refused(capsys, home, home / "cache" / ".." / "escaped" / "chart.png", "does not exist; create it first")
    assert not (home / "escaped").exists()


def test_a_previous_chart_is_replaced_and_cache_folders_are_created(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    inside = home / "cache" / "mine" / "orders.png"
    code, err, _ = chart(capsys, inside)
    assert code == 0, err
    first = inside.read_bytes()
    assert first.startswith(PNG_SIGNATURE)
    outside = home / "orders.png"
    outside.write_bytes(first)
    code, err, _ = chart(capsys, outside)
    assert code == 0, err
    assert outside.read_bytes().startswith(PNG_SIGNATURE)
    assert not [p for p in home.rglob(".chart-*")], "no temporary file left"


def test_a_link_slipped_in_after_the_check_is_still_refused(tmp_path: Path) -> None:
    """Between the argument check and the write an agent may swap a link in; the write checks again."""
    target = chart_target(tmp_path / "chart.png", tmp_path / "cache")
    victim = tmp_path / "victim"
    victim.write_text("precious")
    target.symlink_to(victim)

    def draw(temp: str) -> None:
        Path(temp).write_bytes(PNG_SIGNATURE + b"chart")

    with pytest.raises(ChartPathError, match="symbolic link"):
        write_png(target, draw)
    assert victim.read_text() == "precious" and target.is_symlink()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".chart-")] == []
