"""Imports run one way (docs/contracts.md "Layers"): catalogue → client → records → cache | analysis →
answers → render → questions → surfaces. A module may import its own group and lower layers only; two
groups of one layer (the cache and the analysis) never import each other; the sandbox is imported only where
a demo or a test needs it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "skill" / "partnerboost_skill"
CATALOGUE = ROOT / "tools" / "partnerboost_tools"

LAYERS: dict[str, int] = {
    "tools": 0,
    "parsing": 1, "version": 1, "input_errors": 1,
    "config": 2, "periods": 2,
    "api": 3,
    "records": 4,
    "store": 5, "analysis": 5,
    "answers": 6, "tenants": 6,
    "runtime": 7, "render": 7,
    "questions": 8,
    "routing_words": 9, "server": 9,
    "routing": 10,
    "agent": 11,
    "bots": 12,
    "commands": 13,
    "cli": 14,
}
"""Every group (a subpackage or a module of partnerboost_skill, or the catalogue) and its layer."""
SANDBOX_USERS = frozenset({"runtime", "commands", "sandbox"})
"""The sandbox serves the demo (runtime), `partnerboost sandbox` (commands), tests and benchmarks."""
SANDBOX_MAY_IMPORT = frozenset({"tools", "parsing", "input_errors", "config", "api", "records"})


def _group(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "partnerboost_tools":
        return "tools"
    if parts[0] != "partnerboost_skill" or len(parts) < 2:
        return None
    return parts[1]


def imports(path: Path) -> list[tuple[str, int]]:
    """(imported group, line) of every absolute import of our packages in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "partnerboost_skill" else [
                f"partnerboost_skill.{alias.name}" for alias in node.names
            ]
        for name in names:
            group = _group(name)
            if group is not None:
                found.append((group, node.lineno))
    return found


def _source_group(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def test_every_group_has_a_layer() -> None:
    groups = {_source_group(path) for path in PACKAGE.rglob("*.py")} - {"__init__", "sandbox"}
    assert groups <= set(LAYERS), f"place these in LAYERS: {sorted(groups - set(LAYERS))}"


def test_imports_run_down_the_layers() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _source_group(path)
        if source == "__init__":
            continue
        for target, line in imports(path):
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if target == source:
                continue
            if source == "sandbox":
                if target not in SANDBOX_MAY_IMPORT:
                    wrong.append(f"{where} (the sandbox stays below the records)")
            elif target == "sandbox":
                if source not in SANDBOX_USERS:
                    wrong.append(f"{where} (only the demo path and the sandbox command use the sandbox)")
            elif LAYERS[target] >= LAYERS[source]:
                wrong.append(f"{where} (layer {LAYERS[target]} ≥ {LAYERS[source]})")
    assert not wrong, "\n".join(wrong)


def test_the_catalogue_imports_nothing_of_the_program() -> None:
    for path in sorted(CATALOGUE.rglob("*.py")):
        assert all(group == "tools" for group, _ in imports(path)), path
