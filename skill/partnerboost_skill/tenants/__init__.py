"""Hosted mode's tenants: who may connect and with which credentials (see registry.py and sealing.py)."""

from partnerboost_skill.tenants.registry import (
    Registry,
    Tenant,
    TenantError,
    new_tenant,
    open_registry,
    token_hash,
)
from partnerboost_skill.tenants.sealing import Sealer, SealError, new_key

__all__ = [
    "Registry", "SealError", "Sealer", "Tenant", "TenantError", "new_key", "new_tenant", "open_registry",
    "token_hash",
]
