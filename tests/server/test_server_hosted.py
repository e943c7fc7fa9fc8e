"""Hosted mode for real: two merchants (two sandboxes, different worlds), two replicas of
`partnerboost serve --http --hosted` sharing one PostgreSQL cache, clients with their own tenant tokens.

Each tenant sees only its own numbers on either replica (they equal the answer computed directly against its
own sandbox, and differ from the other tenant's); a question answered through replica 1 is answered from the
shared cache by replica 2; a replica killed mid-sync loses nothing."""

from __future__ import annotations

import hashlib
import json
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import anyio
import psycopg
import pytest
from hosted_support import HoldingProxy, Tenants, call_tool, replica, sandbox, write_tenants

from partnerboost_skill import answers
from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.runtime import sandbox_credentials
from partnerboost_skill.store.codec import decode

PERIOD = "May 2026"  # long settled by the real clock, so a second answer comes from the cache


def direct_totals(base_url: str, period: str) -> dict:
    """The review computed straight from the tenant's own sandbox, without any server or cache, with the
    period read in the account's own zone as the replicas read it (no PARTNERBOOST_TIMEZONE is set)."""

    async def run() -> dict:
        async with PartnerBoostClient(sandbox_credentials(), base_url=base_url) as client:
            zone = await answers.period_timezone(client, None)
            answer = await answers.review(client, period, now=datetime.now(UTC), tz=zone)
        dumped = answer.model_dump(mode="json")
        return {"totals": dumped["totals"], "previous_totals": dumped["previous_totals"]}

    return anyio.run(run)


def review(base: str, token: str, period: str = PERIOD) -> dict:
    return call_tool(base, token, "review_performance", {"period": period})["structuredContent"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, module_postgres_url):
    home = tmp_path_factory.mktemp("hosted")
    with (
        sandbox(home, seed=7, orders_per_day=40) as first_shop,
        sandbox(home, seed=11, orders_per_day=25) as second_shop,
    ):
        tenants = write_tenants(home / "tenants.json", {"acme": first_shop, "globex": second_shop})
        with replica(home, tenants, module_postgres_url) as (one, _), \
                replica(home, tenants, module_postgres_url) as (two, _):
            yield {"tenants": tenants, "replicas": (one, two), "shops": {"acme": first_shop,
                   "globex": second_shop}, "home": home, "cache_url": module_postgres_url}


def test_each_tenant_sees_only_its_own_numbers_on_either_replica(cluster):
    tenants: Tenants = cluster["tenants"]
    one, two = cluster["replicas"]
    expected = {name: direct_totals(shop, PERIOD) for name, shop in cluster["shops"].items()}
    assert expected["acme"]["totals"] != expected["globex"]["totals"]
    for base in (one, two):
        for name in ("acme", "globex"):
            seen = review(base, tenants.tokens[name])
            assert seen["totals"] == expected[name]["totals"], (base, name)
            assert seen["previous_totals"] == expected[name]["previous_totals"]
            assert seen["demo"] is False


def test_no_token_a_wrong_token_or_a_revoked_one_gets_nothing(cluster, tmp_path):
    tenants: Tenants = cluster["tenants"]
    one, _ = cluster["replicas"]
    for token in ("", "pbt_" + "x" * 43, tenants.tokens["acme"][:-1], tenants.tokens["acme"] + "x"):
        with pytest.raises(PermissionError, match="HTTP 401"):
            call_tool(one, token, "review_performance", {"period": PERIOD})


def test_the_tenants_file_holds_no_token_and_no_credential(cluster):
    tenants: Tenants = cluster["tenants"]
    text = tenants.path.read_text()
    for token in tenants.tokens.values():
        assert token not in text
        assert hashlib.sha256(token.encode()).hexdigest() in text
    assert (sandbox_credentials().value("api_key") or "") not in text
    assert tenants.path.stat().st_mode & 0o077 == 0


def test_tenants_caches_are_apart_in_the_shared_database(cluster):
    tenants: Tenants = cluster["tenants"]
    one, _ = cluster["replicas"]
    review(one, tenants.tokens["acme"])
    review(one, tenants.tokens["globex"])
    with psycopg.connect(cluster["cache_url"]) as conn:
        accounts = {row[0] for row in conn.execute("SELECT DISTINCT account FROM pb_order_days")}
    owners = {account.split("/", 1)[0] for account in accounts}
    assert owners == {tenants.ids["acme"], tenants.ids["globex"]}


def test_a_review_fetched_through_replica_one_is_answered_from_cache_by_replica_two(cluster):
    tenants: Tenants = cluster["tenants"]
    one, two = cluster["replicas"]
    period = "2026-02-01 to 2026-02-28"  # nor its comparison (January) touches a day the tests above cached
    started = time.monotonic()
    first = review(one, tenants.tokens["globex"], period)
    cold = time.monotonic() - started
    started = time.monotonic()
    second = review(two, tenants.tokens["globex"], period)
    warm = time.monotonic() - started
    assert second["totals"] == first["totals"] == direct_totals(cluster["shops"]["globex"], period)["totals"]
    assert not any("from the local cache" in note for note in first["notes"])
    assert any("from the local cache (settled" in note for note in second["notes"])
    assert warm < cold


def test_a_replica_killed_mid_sync_loses_nothing(tmp_path, postgres_url):
    """Replica 1 saves the days before May 2026, then its requests for later orders are held (a proxy in
    front of the sandbox) and it is killed with SIGKILL — mid-sync for certain. Replica 2 then completes the
    question from what was saved plus what it fetches, and every stored day reads back intact."""
    period = "2025-12-01 to 2026-05-31"  # and June - November 2025 for the comparison
    hold_from = int(datetime(2026, 5, 1, tzinfo=UTC).timestamp())  # few chunks: slots stay free
    with sandbox(tmp_path, seed=5, orders_per_day=60) as shop, HoldingProxy(shop, hold_from) as proxy:
        tenants = write_tenants(tmp_path / "tenants.json", {"initech": proxy.url})
        token = tenants.tokens["initech"]
        with replica(tmp_path, tenants, postgres_url) as (one, process), \
                replica(tmp_path, tenants, postgres_url) as (two, _):
            outcome: dict[str, object] = {}

            def ask() -> None:
                try:
                    outcome["answer"] = review(one, token, period)
                except Exception as error:  # the replica dies under it
                    outcome["error"] = error

            asker = threading.Thread(target=ask, daemon=True)
            asker.start()
            before_hold = (hold_from // 86_400) - (datetime(2025, 6, 1, tzinfo=UTC).timestamp() // 86_400)
            deadline = time.monotonic() + 120
            saved = 0
            while time.monotonic() < deadline and not (proxy.held and saved >= before_hold):
                time.sleep(0.1)
                with psycopg.connect(postgres_url) as conn:
                    if conn.execute("SELECT to_regclass('pb_order_days')").fetchone()[0]:
                        saved = conn.execute("SELECT count(*) FROM pb_order_days").fetchone()[0]
            assert proxy.held and saved >= before_hold, "replica 1 did not reach the held requests in 120 s"
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            asker.join(timeout=30)
            assert "answer" not in outcome  # it died mid-sync
            with psycopg.connect(postgres_url) as conn:
                at_kill = conn.execute("SELECT count(*) FROM pb_order_days").fetchone()[0]
            proxy.release()

            answer = review(two, token, period)
        expected = direct_totals(shop, period)
    assert at_kill < 366  # the held days were not saved
    assert answer["complete"] is True
    assert answer["totals"] == expected["totals"]
    assert answer["previous_totals"] == expected["previous_totals"]
    assert any("from the local cache (settled" in note for note in answer["notes"])  # reused replica 1's days
    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute("SELECT day, rows, checksum, body FROM pb_order_days").fetchall()
    # Dec 1 2025 - May 31 2026 is 182 days and so are the 182 before it; read in the account's zone
    # (America/Los_Angeles) each period's last evening falls on the next UTC day (the comparison period's on
    # Dec 1, the current period's first day): 365 UTC days
    assert len(rows) == 2 * 182 + 1
    for day, count, digest, body in rows:
        assert hashlib.sha256(bytes(body)).hexdigest() == digest, day
        assert decode(bytes(body)).rows == count, day


def test_the_operator_cli_adds_lists_and_revokes_without_printing_secrets(tmp_path):
    import os
    import subprocess

    from hosted_support import clean_env, cli

    from partnerboost_skill.tenants import new_key

    key = new_key()
    secret = "merchant-key-" + "9" * 24
    env = clean_env(tmp_path, PARTNERBOOST_TENANTS=str(tmp_path / "t.json"), PARTNERBOOST_TENANTS_KEY=key,
                    PARTNERBOOST_API_KEY=secret)
    added = subprocess.run(cli("tenants", "add", "acme", "--from-env", "PARTNERBOOST_API_KEY"), env=env,
                           capture_output=True, text=True, check=True)
    token = added.stdout.strip()
    assert token.startswith("pbt_") and len(token) >= 40
    listed = subprocess.run(cli("tenants", "list", "--json"), env=env, capture_output=True, text=True,
                            check=True)
    assert '"acme"' in listed.stdout and "PARTNERBOOST_API_KEY" in listed.stdout
    everything = added.stderr + listed.stdout + listed.stderr + (tmp_path / "t.json").read_text()
    assert secret not in everything and token not in everything.replace(added.stdout, "")
    tenant_id = listed.stdout.split('"id": "')[1].split('"')[0]
    wrong = subprocess.run(cli("tenants", "add", "x", "--from-env", "PARTNERBOOST_BASE_URL"),
                           env={**env, "PARTNERBOOST_BASE_URL": "http://127.0.0.1:9"}, capture_output=True,
                           text=True)
    assert wrong.returncode == 2 and "credential" in wrong.stderr
    revoked = subprocess.run(cli("tenants", "revoke", tenant_id), env=env, capture_output=True, text=True)
    assert revoked.returncode == 0 and "revoked" in revoked.stderr
    (stored,) = json.loads((tmp_path / "t.json").read_text())["tenants"]
    assert stored["revoked_at"] and stored["secrets"] == "" and stored["token_sha256"] == ""
    assert os.environ.get("PARTNERBOOST_API_KEY") != secret  # the secret only ever lived in the child's env


def test_a_swapped_or_foreign_sealed_blob_does_not_open(tmp_path):
    from partnerboost_skill.tenants import Sealer, SealError, new_key

    sealer = Sealer(new_key())
    sealed = sealer.seal("t_a", {"PARTNERBOOST_API_KEY": "k"})
    assert sealer.open("t_a", sealed) == {"PARTNERBOOST_API_KEY": "k"}
    with pytest.raises(SealError, match="another tenant"):
        sealer.open("t_b", sealed)
    with pytest.raises(SealError, match="cannot be decrypted"):
        Sealer(new_key()).open("t_a", sealed)
    old_key, new = new_key(), new_key()
    sealed_old = Sealer(old_key).seal("t_a", {"PARTNERBOOST_API_KEY": "k"})
    both = Sealer(f"{new},{old_key}")  # rotation: the new key first, the old one still opens
    assert both.open("t_a", sealed_old) == {"PARTNERBOOST_API_KEY": "k"}
    assert Sealer(new).open("t_a", both.rotate(sealed_old)) == {"PARTNERBOOST_API_KEY": "k"}
    assert b"PARTNERBOOST_API_KEY" not in sealed_old


def test_hosted_mode_refuses_the_single_token_and_stdio(tmp_path: Path):
    import subprocess

    from hosted_support import clean_env, cli

    env = clean_env(tmp_path, PARTNERBOOST_MCP_TOKEN="x" * 40, PARTNERBOOST_TENANTS=str(tmp_path / "t.json"),
                    PARTNERBOOST_TENANTS_KEY="k")
    done = subprocess.run(cli("serve", "--http", "--hosted", "--port", "1"), env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "unset PARTNERBOOST_MCP_TOKEN" in " ".join(done.stderr.split())
    done = subprocess.run(cli("serve", "--hosted"), env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--http" in done.stderr
