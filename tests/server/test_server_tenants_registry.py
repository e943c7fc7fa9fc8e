"""The tenants registry, in a file and in PostgreSQL: a token finds its tenant only while it is active, only
its hash is stored, names are unique among active tenants, credentials open only with the key."""

from __future__ import annotations

import psycopg
import pytest

from partnerboost_skill.tenants import Sealer, TenantError, new_key, new_tenant, open_registry, token_hash
from partnerboost_skill.tenants.registry import match


@pytest.fixture(params=["file", "postgres"])
def location(request, tmp_path) -> str:
    if request.param == "file":
        return str(tmp_path / "tenants.json")
    return request.getfixturevalue("postgres_url")


def test_a_token_finds_its_tenant_until_revoked(location):
    registry = open_registry(location)
    sealer = Sealer(new_key())
    secret = "merchant-key-for-acme-0001"
    acme, acme_token = new_tenant("acme", ("PARTNERBOOST_API_KEY",),
                                  lambda i: sealer.seal(i, {"PARTNERBOOST_API_KEY": secret}))
    globex, globex_token = new_tenant("globex", ("PARTNERBOOST_API_KEY",),
                                      lambda i: sealer.seal(i, {"PARTNERBOOST_API_KEY": "other"}))
    registry.add(acme)
    registry.add(globex)
    again, _ = new_tenant("acme", (), lambda i: b"")
    with pytest.raises(TenantError, match="already named 'acme'"):
        registry.add(again)

    fresh = open_registry(location)  # another replica reading the same store
    found = fresh.find(acme_token)
    assert found is not None and found.id == acme.id
    assert sealer.open(found.id, found.sealed) == {"PARTNERBOOST_API_KEY": secret}
    assert fresh.find(globex_token).id == globex.id  # type: ignore[union-attr]
    assert fresh.find(acme_token + "x") is None and fresh.find("") is None

    registry.revoke(acme.id)
    assert open_registry(location).find(acme_token) is None
    assert open_registry(location).find(globex_token) is not None
    with pytest.raises(TenantError):
        registry.revoke(acme.id)

    if location.startswith("postgresql://"):
        with psycopg.connect(location) as conn:
            stored = " ".join(str(row) for row in conn.execute("SELECT * FROM pb_tenants"))
    else:
        with open(location) as handle:
            stored = handle.read()
    assert acme_token not in stored and globex_token not in stored and secret not in stored
    assert token_hash(globex_token) in stored


def test_matching_checks_every_tenant_and_only_active_ones():
    sealer = Sealer(new_key())
    first, token = new_tenant("a", (), lambda i: sealer.seal(i, {}))
    second, other = new_tenant("b", (), lambda i: sealer.seal(i, {}))
    assert match([first, second], token) == first
    assert match([first, second], other) == second
    assert match([first, second], token[:-1]) is None
