"""The fault probes of issue #12, rerun by hand: `python bench/probe_faults.py [--cap 200] [--only hang,...]`.

For each probe it starts `partnerboost sandbox --fault NAME` (this checkout) on a free loopback port and runs
one CLI answer against it as a live account (PARTNERBOOST_BASE_URL pointing at the sandbox, the sandbox's
credentials, an empty cache folder), then prints how long the answer took, its exit code, whether it claimed
to be complete and its last line of stderr.

- stuck upstreams (hang after accept, trickle, endless code 1002): the answer must end within the deadline
  (PARTNERBOOST_DEADLINE_SECONDS, default 120 s) with a clear message;
- lying upstreams (page_num ignored; `data: null`; `data: {}`): the answer must not say complete;
- key echoes (upper-cased, base64, hex, ...): no form of the key may appear on stdout or stderr.

`--python` and `--pythonpath` run the CLI from another checkout (e.g. an older commit, for before/after
figures); the sandbox always runs from this one. `--cap` kills an answer that has not ended after that many
seconds (reported as "killed"). Servers are stopped on the way out, whatever happens.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SANDBOX_KEY = "pbk_sandbox_4f1c2e9a7b"
PERIOD = "2026-09-01..2026-10-31"
"""Inside the sandbox world (which ends on 2026-11-20), about 18,000 orders at 300 a day."""


@dataclass(frozen=True)
class Probe:
    name: str
    fault: str
    argv: tuple[str, ...]
    kind: str  # stuck | lying | secret


PROBES: tuple[Probe, ...] = (
    Probe("hang after accept", "hang", ("orders", PERIOD, "--no-chart", "--format", "json"), "stuck"),
    Probe("trickle (2 bytes/s)", "trickle", ("orders", PERIOD, "--no-chart", "--format", "json"), "stuck"),
    Probe("endless code 1002", "rate-limit-forever", ("orders", PERIOD, "--no-chart", "--format", "json"),
          "stuck"),
    Probe("page_num ignored", "ignore-page", ("orders", PERIOD, "--no-chart", "--format", "json"), "lying"),
    Probe("data: null", "null-data", ("orders", PERIOD, "--no-chart", "--format", "json"), "lying"),
    Probe("data: {}", "empty-data", ("orders", PERIOD, "--no-chart", "--format", "json"), "lying"),
    *(Probe(f"401 echoing the key ({how})", f"echo-key-{how}", command, "secret")
      for how in ("upper", "lower", "base64", "hex", "url")
      for command in (("doctor",), ("orders", PERIOD, "--no-chart"))),
)

CANARY = "CanaryKey7f3a9b2c41d8e6"
"""The key the echo probes send (the sandbox rejects it and quotes it back, transformed)."""


def forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret, secret.upper(), secret.lower(), base64.b64encode(raw).decode(), raw.hex(),
            raw.hex().upper(), quote(secret, safe="")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sandbox(fault: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "partnerboost_skill.cli", "sandbox", "--port", str(port),
               "--fault", fault]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the sandbox exited ({process.returncode}): {log.read_text()[-500:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the sandbox did not start within 120 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_probe(probe: Probe, args: argparse.Namespace, home: Path) -> str:
    port = free_port()
    server = start_sandbox(probe.fault, port, home / f"sandbox-{port}.log")
    try:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PARTNERBOOST_")}
        env.update({
            "HOME": str(home), "PARTNERBOOST_BASE_URL": f"http://127.0.0.1:{port}",
            "PARTNERBOOST_API_KEY": CANARY if probe.kind == "secret" else SANDBOX_KEY,
            "PARTNERBOOST_CACHE_DIR": str(home / f"cache-{port}"),
        })
        if args.pythonpath:
            env["PYTHONPATH"] = args.pythonpath
        if args.deadline:
            env["PARTNERBOOST_DEADLINE_SECONDS"] = str(args.deadline)
        command = [args.python, "-m", "partnerboost_skill.cli", *probe.argv]
        started = time.monotonic()
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.cap,
                                  cwd=home)
        except subprocess.TimeoutExpired as expired:
            elapsed = time.monotonic() - started
            out = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
            return f"{probe.name:<34} killed after {elapsed:6.1f} s, no answer ({len(out)} bytes on stdout)"
        elapsed = time.monotonic() - started
        return f"{probe.name:<34} {describe(probe, done, elapsed)}"
    finally:
        stop(server)


def describe(probe: Probe, done: subprocess.CompletedProcess[str], elapsed: float) -> str:
    said = done.stderr.strip().split("partnerboost: ")[-1] if "partnerboost: " in done.stderr else ""
    last = " ".join(said.split())[:260]
    head = f"ended after {elapsed:6.1f} s, exit {done.returncode}"
    if probe.kind == "secret":
        leaked = [form for form in forms(CANARY) if form in done.stdout or form in done.stderr]
        verdict = (f"LEAKED {len(leaked)} form(s): {', '.join(leaked)}" if leaked
                   else "no form of the key shown")
        return f"{head}; {verdict}; {' '.join(probe.argv[:1])}: {last}"
    complete = None
    orders = None
    try:
        result = json.loads(done.stdout)["result"]
        complete = result.get("complete")
        orders = result["totals"]["orders"]
    except (ValueError, KeyError, TypeError):
        pass
    claim = "" if complete is None else f"; complete: {str(complete).lower()}, orders: {orders}"
    return f"{head}{claim}; {last}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs the CLI")
    parser.add_argument("--pythonpath",
                        help="PYTHONPATH for the CLI (another checkout's skill:tools:prompts)")
    parser.add_argument("--cap", type=float, default=200.0, help="seconds before an answer is killed")
    parser.add_argument("--deadline", type=float, help="PARTNERBOOST_DEADLINE_SECONDS for the CLI")
    parser.add_argument("--only", help="comma-separated fault names (hang, trickle, rate-limit-forever, ...)")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else None
    with tempfile.TemporaryDirectory(prefix="pb-probe-") as folder:
        for probe in PROBES:
            if wanted is None or probe.fault in wanted:
                print(run_probe(probe, args, Path(folder)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
