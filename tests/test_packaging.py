"""What gets built, installed and copied: one version everywhere, a launcher that runs from the skill folder,
a wheel with every package, and a lean skill bundle (what ClawHub publishes and OpenClaw copies)."""

from __future__ import annotations

import fnmatch
import re
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest
from mcp import Client

from partnerboost_skill.cli import main
from partnerboost_skill.server.app import build_server
from partnerboost_skill.version import package_version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
SKILL = (ROOT / "SKILL.md").read_text()
LAUNCHER = ROOT / "scripts" / "partnerboost.py"
PACKAGES = ("skill/partnerboost_skill", "tools/partnerboost_tools", "prompts/partnerboost_prompts")
BUNDLE_LIMIT = 5 * 1024 * 1024
"""A few MB: the skill and its code. OpenClaw's own check in the issue is 20 MB."""


def skill_version() -> str:
    match = re.search(r"^version: (\S+)$", SKILL.split("\n---\n", 1)[0], re.MULTILINE)
    assert match, "SKILL.md's frontmatter has a version (ClawHub reads it)"
    return match.group(1)


# --- one version ---------------------------------------------------------------------------------------


def test_one_version_in_pyproject_skill_md_and_the_installed_package() -> None:
    version = PROJECT["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "plain semver: ClawHub and PyPI both accept it"
    assert skill_version() == version
    assert package_version() == version, "the installed metadata is stale: reinstall with pip install -e ."


def test_the_cli_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"partnerboost {PROJECT['version']}"


@pytest.mark.anyio
async def test_the_mcp_server_reports_the_version() -> None:
    async with Client(build_server()) as client:
        info = client.server_info
    assert info.name == "partnerboost" and info.version == PROJECT["version"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- the launcher OpenClaw runs ---------------------------------------------------------------------------


def inline_metadata(path: Path) -> dict:
    """The PEP 723 `script` block, read the way the specification's reference regex does."""
    pattern = r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$"
    blocks = [m for m in re.finditer(pattern, path.read_text()) if m.group("type") == "script"]
    assert len(blocks) == 1
    content = "".join(line[2:] if line.startswith("# ") else line[1:]
                      for line in blocks[0].group("content").splitlines(keepends=True))
    return tomllib.loads(content)


def test_the_launcher_installs_this_folder_and_nothing_else() -> None:
    """`uv run scripts/partnerboost.py` builds its environment from pyproject.toml (one list of dependencies)
    and imports the code in place (editable), so a skill update takes effect without a rebuild."""
    metadata = inline_metadata(LAUNCHER)
    assert metadata["requires-python"] == PROJECT["requires-python"]
    assert metadata["dependencies"] == [PROJECT["name"]]
    source = metadata["tool"]["uv"]["sources"][PROJECT["name"]]
    assert (LAUNCHER.parent / source["path"]).resolve() == ROOT and source["editable"] is True
    assert "partnerboost_skill.cli import main" in LAUNCHER.read_text()


# --- what is built ----------------------------------------------------------------------------------------


def test_the_wheel_holds_every_package_and_its_templates(tmp_path: Path) -> None:
    builders = pytest.importorskip("hatchling.builders.wheel")
    wheel = Path(next(iter(builders.WheelBuilder(str(ROOT)).build(directory=str(tmp_path),
                                                                    versions=["standard"]))))
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    sources = [path for package in PACKAGES for path in (ROOT / package).rglob("*")
               if path.is_file() and "__pycache__" not in path.parts]
    expected = {str(path.relative_to(ROOT / path.relative_to(ROOT).parts[0])) for path in sources}
    assert expected <= set(names), expected - set(names)
    assert any(name.endswith(".zh.md") for name in names), "prompt templates are package data"
    assert not [name for name in names if name.startswith(("tests/", "bench/", "skill/", "tools/"))]
    def member(suffix: str) -> str:
        return archive.read(next(n for n in names if n.endswith(suffix))).decode()

    assert f"Version: {PROJECT['version']}" in member("dist-info/METADATA")
    assert "partnerboost = partnerboost_skill.cli:main" in member("entry_points.txt")


# --- the lean skill bundle ----------------------------------------------------------------------------------

_SIMPLE_PATTERN = re.compile(r"/?[\w.*-]+/?")


def ignore_patterns(name: str) -> list[str]:
    lines = [line.strip() for line in (ROOT / name).read_text().splitlines()]
    patterns = [line for line in lines if line and not line.startswith("#")]
    for pattern in patterns:
        assert _SIMPLE_PATTERN.fullmatch(pattern), f"{name}: {pattern!r} is beyond what ignored() reads"
    return patterns


def ignored(relative: str, patterns: list[str]) -> bool:
    """gitignore semantics for the simple patterns our ignore files use: `name`, `name/`, `/name`, `*.ext`."""
    parts = relative.split("/")
    for pattern in patterns:
        anchored, directory = pattern.startswith("/"), pattern.endswith("/")
        name = pattern.strip("/")
        candidates = parts[:-1] if directory else parts
        if anchored:
            candidates = candidates[:1]
        if any(fnmatch.fnmatchcase(part, name) for part in candidates):
            return True
    return False


def bundle(root: Path) -> dict[str, int]:
    """What `clawhub skill publish` uploads from `root`: every file except .git/ and node_modules/, the
    .gitignore and .clawhubignore patterns and any path with a segment starting with a dot (clawhub 0.23)."""
    patterns = [".git/", "node_modules/", *ignore_patterns(".gitignore"), *ignore_patterns(".clawhubignore")]
    files = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not ignored(relative, patterns) and not any(
            part.startswith(".") for part in relative.split("/")
        ):
            files[relative] = path.stat().st_size
    return files


def test_the_skill_bundle_is_the_skill_and_its_code() -> None:
    files = bundle(ROOT)
    assert sum(files.values()) < BUNDLE_LIMIT, f"{sum(files.values()):,} bytes"
    assert not [f for f in files if f.startswith(("tests/", "bench/", "docs/", ".venv/", ".git/"))]
    assert not [f for f in files if "__pycache__" in f or f.endswith((".pyc", ".png"))]
    needed = {"SKILL.md", "README.md", "LICENSE", "pyproject.toml", "scripts/partnerboost.py"}
    needed |= {f"{package}/__init__.py" for package in PACKAGES}
    assert needed <= set(files), needed - set(files)
    tracked_code = {str(p.relative_to(ROOT)) for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    assert tracked_code <= set(files), "the launcher imports the code in place: all of it ships"


def test_git_archives_leave_out_what_clawhub_leaves_out() -> None:
    """`git archive` and GitHub's source archives drop export-ignore paths: the same as .clawhubignore."""
    attributes = [line.split() for line in (ROOT / ".gitattributes").read_text().splitlines()
                  if line.strip() and not line.startswith("#")]
    exported = {path.strip("/") for path, *attrs in attributes if "export-ignore" in attrs}
    skipped = {pattern.strip("/") for pattern in ignore_patterns(".clawhubignore")}
    assert exported == skipped


def test_a_git_install_copies_a_few_megabytes() -> None:
    """`openclaw skills install git:<repo>` copies the committed files but .git (it reads no ignore file)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True,
                                timeout=30).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    tracked = [ROOT / name for name in listed.split("\0") if name]
    size = sum(path.stat().st_size for path in tracked if path.is_file())
    assert size < 20 * 1024 * 1024, f"{size:,} bytes"
    assert not [p for p in tracked if {".venv", "__pycache__", ".pytest_cache"} & set(p.parts)]
