"""SKILL.md, the Dockerfile and the README's main job agree with the code they describe."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import httpx2
import pytest

from partnerboost_skill.cli import build_parser
from partnerboost_skill.config import ENV_VARS, OTHER_ENV_VARS
from partnerboost_skill.render import MESSAGE_SEPARATOR
from partnerboost_skill.routing import route
from partnerboost_skill.sandbox.world import DEFAULT_NOW
from partnerboost_skill.server.transports import HEALTH_PATH

ROOT = Path(__file__).resolve().parents[2]
SKILL = (ROOT / "SKILL.md").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def frontmatter() -> dict[str, str]:
    match = re.match(r"---\n(.*?)\n---\n", SKILL, re.DOTALL)
    assert match, "SKILL.md starts with a frontmatter block"
    fields = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(": ")
        assert sep and re.fullmatch(r"[a-z-]+", key), f"one `key: value` per line, got {line!r}"
        fields[key] = value
    return fields


def openclaw() -> dict[str, Any]:
    return json.loads(frontmatter()["metadata"])["openclaw"]


def subcommands() -> set[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return set(action.choices)  # type: ignore[arg-type]


def test_frontmatter_has_what_openclaw_and_clawhub_read() -> None:
    fields = frontmatter()
    assert fields["name"] == "partnerboost"
    assert fields["version"] == PYPROJECT["project"]["version"]
    assert len(fields["description"]) > 80 and "Use when" in fields["description"]
    meta = openclaw()
    assert meta["emoji"]
    assert meta["primaryEnv"] == "PARTNERBOOST_API_KEY"


def test_the_skill_needs_only_uv_so_the_model_sees_it_before_any_key() -> None:
    """No `requires.env`: OpenClaw hides a skill whose variables are missing, and then the model could run
    neither the demo nor `init`. The one binary is uv, which builds the environment from the skill folder."""
    meta = openclaw()
    assert meta["requires"] == {"bins": ["uv"]}
    assert all(spec["bins"] == ["uv"] for spec in meta["install"])
    assert {spec["kind"] for spec in meta["install"]} <= {"brew", "node", "go", "uv", "download"}
    body = SKILL.split("\n---\n", 1)[1]
    assert "uv run {baseDir}/scripts/partnerboost.py review" in body
    assert (ROOT / "scripts" / "partnerboost.py").is_file()


ENV_PREFIXES = "PARTNERBOOST|OPENPARTNER|ANTHROPIC|FEISHU|DISCORD"
ENV_NAME = re.compile(rf"""["'`]((?:{ENV_PREFIXES})_[A-Z0-9_]*[A-Z0-9])(?:=[^"'`]*)?["'`]""")
"""A variable name as a whole string literal (or quoted in text, `NAME=1` included): what code reads from the
environment or names in a message; constants like PARTNERBOOST_FAMILIES or OPENPARTNER_ACTIONS are code."""


def code_env_vars() -> set[str]:
    names: set[str] = set()
    for folder in ("skill", "tools"):
        for path in (ROOT / folder).rglob("*.py"):
            names.update(ENV_NAME.findall(path.read_text()))
    return names


def test_the_scan_finds_both_platforms_variables() -> None:
    found = code_env_vars()
    assert {"PARTNERBOOST_API_KEY", "PARTNERBOOST_MCP_TOKEN", "OPENPARTNER_API_KEY", "OPENPARTNER_BASE_URL",
            "OPENPARTNER_WEBHOOK_SECRET"} <= found
    assert not {"PARTNERBOOST_FAMILIES", "OPENPARTNER_ACTIONS"} & found


def test_every_environment_variable_the_code_reads_is_declared() -> None:
    declared = {entry["name"] for entry in openclaw()["envVars"]}
    assert declared == set(ENV_VARS.values()) | set(OTHER_ENV_VARS)
    assert code_env_vars() <= declared, code_env_vars() - declared
    assert not [entry["name"] for entry in openclaw()["envVars"] if entry["required"]], \
        "every variable is optional: without credentials the skill runs its demo"


def test_every_command_the_skill_mentions_exists() -> None:
    mentioned = set(re.findall(r"\bpartnerboost ([a-z]+)", SKILL.split("\n---\n", 1)[1]))
    expected = {"review", "orders", "bill", "partners", "compare", "ask", "init", "doctor", "call", "serve"}
    assert expected <= mentioned
    assert mentioned <= subcommands()


def test_the_body_covers_setup_channels_charts_writes_and_mcp() -> None:
    body = SKILL.split("\n---\n", 1)[1]
    for needle in ("init --api-key -", "never repeat", "--format discord", "--format feishu", "MEDIA:",
                   MESSAGE_SEPARATOR, "--confirm", "openclaw config set skills.entries.partnerboost.apiKey"):
        assert needle.lower() in body.lower(), needle
    mcp = re.search(r"openclaw mcp set partnerboost '(\{.*?\})'", body)
    assert mcp and json.loads(mcp.group(1)) == {
        "command": "uv", "args": ["run", "{baseDir}/scripts/partnerboost.py", "serve"]}
    assert len(body) < 6000, "short enough for a model to read in one go"


def test_the_example_questions_route_to_the_command_in_their_row() -> None:
    rows = re.findall(r"^\| (\".*?) \| `partnerboost (\w+)", SKILL, re.MULTILINE)
    assert len(rows) >= 5
    for questions, command in rows:
        for question in re.findall(r'"([^"]+)"', questions):
            kind = route(question, now=DEFAULT_NOW).kind
            assert kind == command, f"{question!r} routes to {kind}, the table says {command}"
        assert re.search(r"[\u4e00-\u9fff]", questions), "each row has a Chinese example"


# --- Dockerfile -----------------------------------------------------------------------------------

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instruction(name: str) -> str:
    text = DOCKERFILE.replace("\\\n", " ")
    values = re.findall(rf"^{name}\s+(.*)$", text, re.MULTILINE)
    assert values, f"the Dockerfile has {name}"
    return values[-1].strip()


def docker_cmd() -> list[str]:
    return json.loads(instruction("CMD"))


def test_dockerfile_runs_the_http_server_as_a_non_root_user() -> None:
    assert instruction("FROM") == "python:3.11-slim"
    assert instruction("USER") not in ("root", "0")
    assert "pip install '.[hosted]'" in instruction("RUN")  # with PostgreSQL and the tenants' encryption
    assert docker_cmd() == ["partnerboost", "serve", "--http", "--host", "0.0.0.0", "--port", "8000"]
    args = build_parser().parse_args(docker_cmd()[1:])
    assert (args.command, args.http, args.host, args.port) == ("serve", True, "0.0.0.0", 8000)


def test_dockerfile_bakes_in_no_credentials() -> None:
    secrets = {ENV_VARS[name] for name in ("api_key", "brand_id", "brand_token", "brand_secret",
                                           "publisher_token", "amazon_token", "mcp_token")}
    for line in DOCKERFILE.replace("\\\n", " ").splitlines():
        if line.startswith(("ENV", "ARG")):
            assert not any(secret in line for secret in secrets), line


def healthcheck_command() -> list[str]:
    health = instruction("HEALTHCHECK")
    return json.loads(health[health.index("CMD") + 3:].strip())


def test_healthcheck_probes_the_servers_health_path_on_the_served_port() -> None:
    command = healthcheck_command()
    port = docker_cmd()[docker_cmd().index("--port") + 1]
    assert command[:2] == ["python", "-c"]
    assert f"127.0.0.1:{port}{HEALTH_PATH}" in command[2]


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.skipif(not _port_free(8000), reason="port 8000 is in use on this machine")
def test_the_image_command_and_health_check_work_outside_docker(tmp_path: Path) -> None:
    """No Docker engine here: run the image's CMD as is, then its HEALTHCHECK command against it."""
    binary = Path(sys.executable).parent / "partnerboost"
    fallback = [sys.executable, "-m", "partnerboost_skill.cli"]
    command = [str(binary) if binary.exists() else "", *docker_cmd()[1:]]
    if not binary.exists():
        command = [*fallback, *docker_cmd()[1:]]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERBOOST_")}
    env.update(HOME=str(tmp_path), PARTNERBOOST_MCP_TOKEN="t" * 40)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx2.get(f"http://127.0.0.1:8000{HEALTH_PATH}", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not become healthy"
            time.sleep(0.2)
        check = healthcheck_command()
        done = subprocess.run([sys.executable, *check[1:]], env=env, timeout=10)
        assert done.returncode == 0, shlex.join(check)
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- README ---------------------------------------------------------------------------------------


def test_readme_main_job_is_a_review_and_there_are_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```\n(.*?)\n```", section, re.DOTALL)
    assert len(blocks) == 2
    assert blocks[0].endswith("&& .venv/bin/partnerboost review")
    ci = [line for line in (ROOT / ".ci/run").read_text().splitlines()
          if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert blocks[1] == ci[-1]  # the lines before it start services (.ci/postgres)


# --- every command SKILL.md shows parses --------------------------------------------------------------

PLACEHOLDERS = {"<action>": "merchant_list_bills", "<write action>": "brand_void_order", "THE_KEY": "x",
                "<command>": "doctor"}
"""What the placeholders in SKILL.md's commands stand for."""
LAUNCHER = "uv run {baseDir}/scripts/partnerboost.py"
"""How SKILL.md runs the CLI from the skill folder; `partnerboost …` in its body is short for this."""


def skill_commands() -> list[tuple[str, list[str]]]:
    """Every `partnerboost …` in SKILL.md's body as argv, with the `--flag value` snippets of its table row
    (e.g. "add `--group-by partner`") appended one at a time."""
    body = SKILL.split("\n---\n", 1)[1]
    found = []
    for line in body.splitlines():
        snippets = re.findall(r"`([^`]*)`", line)
        snippets = [s.replace(LAUNCHER, "partnerboost") for s in snippets]
        commands = [m.group(1) for s in snippets if (m := re.search(r"(?:^|\| )(partnerboost .*)", s))]
        extras, flag = [], None
        for snippet in snippets:
            if re.fullmatch(r"--[a-z-]+ [\w-]+", snippet):
                extras.append(snippet)
                flag = snippet.split()[0]
            elif flag and re.fullmatch(r"\w+", snippet):  # "`--group-by partner`, `country`, ..."
                extras.append(f"{flag} {snippet}")
        for command in commands:
            for placeholder, value in PLACEHOLDERS.items():
                command = command.replace(placeholder, value)
            argv = shlex.split(command.replace("…", ""))[1:]
            found.append((command, argv))
            if line.startswith("|"):
                found += [(f"{command} {extra}", argv + extra.split()) for extra in extras]
    return found


def test_every_command_in_skill_md_parses_with_its_flags() -> None:
    commands = skill_commands()
    assert len(commands) >= 15
    parser = build_parser()
    for text, argv in commands:
        try:
            args = parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"SKILL.md shows a command the CLI refuses: {text}")
        assert getattr(args, "handler", None), text


def test_every_flag_skill_md_names_belongs_to_a_command() -> None:
    body = SKILL.split("\n---\n", 1)[1]
    named = set(re.findall(r"`(--[a-z][a-z-]*)", body))
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    known = {option for command in sub.choices.values()  # type: ignore[union-attr]
             for action in command._actions for option in action.option_strings}
    assert named and named <= known, named - known
