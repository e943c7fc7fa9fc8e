from pathlib import Path

import pytest

from partnerboost_skill.config import (
    DEFAULT_AMAZON_BASE_URL,
    DEFAULT_BASE_URL,
    ENV_VARS,
    ConfigError,
    Credentials,
    env_vars_for,
    load_settings,
)
from partnerboost_skill.records.conventions import Conventions

CANARY = "canary-secret-9f8e7d6c5b4a"


def test_env_var_names_are_all_declared():
    assert set(ENV_VARS.values()) == {
        "PARTNERBOOST_API_KEY", "PARTNERBOOST_BRAND_ID", "PARTNERBOOST_BRAND_TOKEN",
        "PARTNERBOOST_BRAND_SECRET",
        "PARTNERBOOST_PUBLISHER_TOKEN", "PARTNERBOOST_AMAZON_TOKEN", "PARTNERBOOST_COUPON_TOKEN",
        "PARTNERBOOST_BASE_URL",
        "PARTNERBOOST_AMAZON_BASE_URL", "PARTNERBOOST_TIMEZONE", "PARTNERBOOST_API_TIMEZONE",
        "PARTNERBOOST_ALLOW_WRITES",
        "PARTNERBOOST_CACHE_DIR", "PARTNERBOOST_CONFIG", "PARTNERBOOST_MCP_TOKEN",
        "PARTNERBOOST_SETTLE_DAYS", "PARTNERBOOST_CACHE_URL", "PARTNERBOOST_TENANTS",
        "PARTNERBOOST_TENANTS_KEY", "PARTNERBOOST_AGENT_MODEL", "PARTNERBOOST_AGENT_MAX_ROUNDS",
        "PARTNERBOOST_AGENT_TOKEN_BUDGET", "PARTNERBOOST_AGENT_TIMEOUT", "PARTNERBOOST_BOT_ALLOW",
        "PARTNERBOOST_DEADLINE_SECONDS", "PARTNERBOOST_MCP_MAX_SESSIONS",
        "PARTNERBOOST_MCP_SESSION_IDLE_SECONDS",
        "OPENPARTNER_BASE_URL", "OPENPARTNER_API_KEY", "OPENPARTNER_WEBHOOK_SECRET",
    }


def write_config(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return {"PARTNERBOOST_CONFIG": str(path)}


def test_defaults_without_env_or_file(tmp_path):
    settings = load_settings(write_config(tmp_path, ""))
    assert settings.base_url == DEFAULT_BASE_URL
    assert settings.amazon_base_url == DEFAULT_AMAZON_BASE_URL
    assert settings.timezone is None  # periods then follow the account's own zone
    assert settings.api_timezone is None and settings.fields == {}
    assert settings.allow_writes is False
    assert settings.credentials.families() == []
    assert settings.has_any_credentials is False


def test_missing_default_config_file_is_fine(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    settings = load_settings({"PARTNERBOOST_API_KEY": "k-123456"})
    assert settings.credentials.families() == ["merchant"]
    assert settings.config_path == tmp_path / ".config/partnerboost/config.toml"


def test_explicit_config_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({"PARTNERBOOST_CONFIG": str(tmp_path / "nope.toml")})


def test_reads_every_env_var(tmp_path):
    env = {
        **write_config(tmp_path, ""),
        "PARTNERBOOST_API_KEY": "key-1234",
        "PARTNERBOOST_BRAND_ID": "90001",
        "PARTNERBOOST_BRAND_TOKEN": "tok-1234",
        "PARTNERBOOST_BRAND_SECRET": "sec-1234",
        "PARTNERBOOST_PUBLISHER_TOKEN": "pub-1234",
        "PARTNERBOOST_AMAZON_TOKEN": "amz-1234",
        "PARTNERBOOST_COUPON_TOKEN": "cou-1234",
        "PARTNERBOOST_BASE_URL": "http://localhost:8000/",
        "PARTNERBOOST_AMAZON_BASE_URL": "http://localhost:8000/amazon_api",
        "PARTNERBOOST_TIMEZONE": "Asia/Shanghai",
        "PARTNERBOOST_ALLOW_WRITES": "yes",
        "PARTNERBOOST_CACHE_DIR": str(tmp_path / "cache"),
    }
    settings = load_settings(env)
    creds = settings.credentials
    assert creds.value("api_key") == "key-1234"
    assert creds.value("brand_id") == "90001"
    assert creds.value("brand_secret") == "sec-1234"
    assert creds.value("coupon_token") == "cou-1234"
    assert "cou-1234" in creds.secret_values()
    assert creds.families() == ["merchant", "brand", "publisher", "amazon"]
    assert settings.base_url == "http://localhost:8000"
    assert settings.amazon_base_url == "http://localhost:8000/amazon_api"
    assert settings.timezone == "Asia/Shanghai"
    assert str(settings.tzinfo) == "Asia/Shanghai"
    assert settings.allow_writes is True
    assert settings.cache_dir == tmp_path / "cache"


def test_file_values_and_env_wins(tmp_path):
    env = write_config(tmp_path, """
[partnerboost]
api_key = "file-key-1"
publisher_token = "file-pub-1"
timezone = "Europe/Berlin"
allow_writes = true
""")
    settings = load_settings({**env, "PARTNERBOOST_API_KEY": "env-key-1", "PARTNERBOOST_TIMEZONE": ""})
    assert settings.credentials.value("api_key") == "env-key-1"
    assert settings.credentials.value("publisher_token") == "file-pub-1"
    assert settings.timezone == "Europe/Berlin"  # an empty env value does not override the file
    assert settings.allow_writes is True


def test_top_level_keys_work_too(tmp_path):
    settings = load_settings(write_config(tmp_path, 'amazon_token = "amz-file"\n'))
    assert settings.credentials.families() == ["amazon"]


def test_unknown_file_key_names_allowed_keys(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) apikey; allowed: api_key"):
        load_settings(write_config(tmp_path, 'apikey = "x"\n'))


def test_malformed_toml_names_the_file(tmp_path):
    env = write_config(tmp_path, "api_key = \n")
    with pytest.raises(ConfigError, match=r"config\.toml"):
        load_settings(env)


def test_invalid_timezone_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match=r"PARTNERBOOST_TIMEZONE must be an IANA time zone.*'Mars/Olympus'"):
        load_settings({**write_config(tmp_path, ""), "PARTNERBOOST_TIMEZONE": "Mars/Olympus"})


def test_invalid_allow_writes_and_url(tmp_path):
    env = write_config(tmp_path, "")
    with pytest.raises(ConfigError, match="PARTNERBOOST_ALLOW_WRITES must be true or false"):
        load_settings({**env, "PARTNERBOOST_ALLOW_WRITES": "sometimes"})
    with pytest.raises(ConfigError, match="PARTNERBOOST_BASE_URL must be an http"):
        load_settings({**env, "PARTNERBOOST_BASE_URL": "app.partnerboost.com"})


def test_brand_needs_all_three_values():
    partial = Credentials(brand_id="1", brand_token="t-1234")
    assert partial.families() == []
    full = Credentials(brand_id="1", brand_token="t-1234", brand_secret="s-1234")
    assert full.families() == ["brand"]
    assert env_vars_for("brand") == (
        "PARTNERBOOST_BRAND_ID", "PARTNERBOOST_BRAND_TOKEN", "PARTNERBOOST_BRAND_SECRET")


def test_empty_values_are_not_credentials():
    assert Credentials(api_key="").families() == []


def test_secrets_never_in_repr_or_str(tmp_path):
    settings = load_settings({**write_config(tmp_path, ""), "PARTNERBOOST_API_KEY": CANARY,
                              "PARTNERBOOST_BRAND_SECRET": CANARY})
    for text in (repr(settings), str(settings), repr(settings.credentials), str(settings.credentials),
                 settings.model_dump_json()):
        assert CANARY not in text


def test_fingerprint_is_stable_short_and_not_the_secret():
    a = Credentials(api_key=CANARY)
    assert a.fingerprint() == Credentials(api_key=CANARY).fingerprint()
    assert a.fingerprint() != Credentials(api_key=CANARY + "x").fingerprint()
    assert len(a.fingerprint()) == 16
    assert CANARY not in a.fingerprint()
    int(a.fingerprint(), 16)


def test_family_fingerprint_ignores_other_families():
    base = Credentials(api_key=CANARY)
    more = Credentials(api_key=CANARY, amazon_token="amz-1234")
    assert base.fingerprint("merchant") == more.fingerprint("merchant")
    assert base.fingerprint() != more.fingerprint()


def test_deadline_and_session_limits_are_read_and_checked(tmp_path):
    env = write_config(tmp_path, "deadline_seconds = 30\nmcp_max_sessions = 7\n")
    settings = load_settings({**env, "PARTNERBOOST_MCP_SESSION_IDLE_SECONDS": "45.5"})
    assert (settings.deadline_seconds, settings.mcp_max_sessions, settings.mcp_session_idle_seconds) == (
        30.0, 7, 45.5)
    defaults = load_settings(write_config(tmp_path, ""))
    assert (defaults.deadline_seconds, defaults.mcp_max_sessions, defaults.mcp_session_idle_seconds) == (
        120.0, 100, 600.0)
    for name, bad in [("PARTNERBOOST_DEADLINE_SECONDS", "0"), ("PARTNERBOOST_DEADLINE_SECONDS", "nan"),
                      ("PARTNERBOOST_DEADLINE_SECONDS", "soon"), ("PARTNERBOOST_MCP_MAX_SESSIONS", "2.5"),
                      ("PARTNERBOOST_MCP_MAX_SESSIONS", "0"),
                      ("PARTNERBOOST_MCP_SESSION_IDLE_SECONDS", "1e9")]:
        with pytest.raises(ConfigError, match=name):
            load_settings({**env, name: bad})


def test_the_fields_table_overrides_the_reader_and_is_checked(tmp_path):
    settings = load_settings(write_config(tmp_path, '[fields.orders]\npartner_id = "publisher_uid"\n'))
    assert settings.fields == {"orders": {"partner_id": "publisher_uid"}}
    with pytest.raises(ConfigError, match=r"\[fields\] must be tables of field names"):
        load_settings(write_config(tmp_path, '[fields]\norders = 3\n'))
    unknown_column = load_settings(write_config(tmp_path, '[fields.orders]\ncolour = "x"\n'))
    with pytest.raises(ConfigError, match=r"\[fields.orders\] colour: not a column of orders"):
        Conventions.from_settings(None, unknown_column.fields)
    unknown_kind = load_settings(write_config(tmp_path, '[fields.invoices]\nbill_id = "x"\n'))
    with pytest.raises(ConfigError, match="not a record kind"):
        Conventions.from_settings(None, unknown_kind.fields)


def test_the_api_timezone_takes_a_zone_or_an_offset(tmp_path):
    env = {**write_config(tmp_path, ""), "PARTNERBOOST_API_TIMEZONE": "UTC+8"}
    assert load_settings(env).api_timezone == "UTC+8"
    with pytest.raises(ConfigError, match="PARTNERBOOST_API_TIMEZONE"):
        load_settings({**write_config(tmp_path, ""), "PARTNERBOOST_API_TIMEZONE": "Mars"})


def test_openpartner_settings_are_read_and_its_secrets_hidden(tmp_path):
    settings = load_settings({**write_config(tmp_path, ""), "OPENPARTNER_API_KEY": f"op_{CANARY}",
                              "OPENPARTNER_WEBHOOK_SECRET": f"whsec_{CANARY}",
                              "OPENPARTNER_BASE_URL": "https://app.openpartner.dev/api/t/acme/"})
    assert settings.openpartner_base_url == "https://app.openpartner.dev/api/t/acme"
    assert settings.credentials.families() == ["openpartner"]
    assert set(settings.credentials.secret_values()) == {f"op_{CANARY}", f"whsec_{CANARY}"}
    assert CANARY not in repr(settings) and CANARY not in str(settings.model_dump())


def test_openpartner_settings_from_the_config_file(tmp_path):
    env = write_config(tmp_path, 'openpartner_api_key = "op_file"\n'
                                 'openpartner_base_url = "https://partners.example.com/api"\n')
    settings = load_settings(env)
    assert settings.credentials.value("openpartner_api_key") == "op_file"
    assert settings.openpartner_base_url == "https://partners.example.com/api"


@pytest.mark.parametrize("url", ["https://app.openpartner.dev/api", "https://app.openpartner.dev",
                                 "https://APP.openpartner.dev/api/t/", "https://app.openpartner.dev/t/acme"])
def test_the_hosted_base_without_a_tenant_slug_is_refused_with_the_fix(tmp_path, url):
    with pytest.raises(ConfigError) as raised:
        load_settings({**write_config(tmp_path, ""), "OPENPARTNER_BASE_URL": url})
    assert "OPENPARTNER_BASE_URL" in str(raised.value)
    assert "https://app.openpartner.dev/api/t/<your-slug>" in str(raised.value)
