"""A tenant's settings: the operator's (cache, settle window, toolsets, ...) with the tenant's own
credentials, API addresses and time zone, and its own cache namespace."""

from __future__ import annotations

from partnerboost_skill.config import ENV_VARS, ConfigError, Settings, is_tenant_setting, load_settings
from partnerboost_skill.tenants.registry import Tenant, TenantError
from partnerboost_skill.tenants.sealing import Sealer

TENANT_VARIABLES: dict[str, str] = {env: name for name, env in ENV_VARS.items() if is_tenant_setting(name)}
"""Environment variable → setting name, for the settings a tenant may bring."""


def check_variables(names: list[str]) -> tuple[str, ...]:
    unknown = [name for name in names if name not in TENANT_VARIABLES]
    if unknown:
        raise TenantError(
            f"a tenant cannot set {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(sorted(TENANT_VARIABLES))}"
        )
    return tuple(sorted(set(names)))


def tenant_settings(base: Settings, tenant: Tenant, sealer: Sealer) -> Settings:
    values = sealer.open(tenant.id, tenant.sealed)
    try:
        own = load_settings({name: value for name, value in values.items() if name in TENANT_VARIABLES},
                            config_file=False)
    except ConfigError as error:
        raise ConfigError(f"tenant {tenant.id}: {error}") from None
    update = {
        name: getattr(own, name)
        for name in (*Settings.model_fields,)
        if is_tenant_setting(name) and name in Settings.model_fields
    }
    update["credentials"] = own.credentials
    update["cache_namespace"] = tenant.id
    return base.model_copy(update=update)
