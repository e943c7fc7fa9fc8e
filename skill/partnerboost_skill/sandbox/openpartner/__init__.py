"""The sandbox's OpenPartner instance: the PartnerBoost world's brand running a second program on OpenPartner.

Served by the sandbox app under two prefixes (see app.py): the hosted, multi-tenant service at
`/openpartner/api/t/<slug>` and a self-hosted instance at `/openpartner-selfhosted/api`. Keys and the webhook
secret are in `sandbox.credentials`; `tenant_of(world)` is the generated data (raw records, anomalies).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from partnerboost_skill.sandbox.openpartner.world import TENANT_SLUG, OpenPartnerTenant, generate_tenant

if TYPE_CHECKING:
    from partnerboost_skill.sandbox.openpartner.state import TenantState
    from partnerboost_skill.sandbox.world import World

HOSTED_PREFIX = "/openpartner"
SELF_HOSTED_PREFIX = "/openpartner-selfhosted"

_lock = threading.Lock()
_tenants: weakref.WeakKeyDictionary[World, OpenPartnerTenant] = weakref.WeakKeyDictionary()


def tenant_of(world: World) -> OpenPartnerTenant:
    """The world's OpenPartner tenant, generated once per world and process (as first generated: the served
    state may have changed since by writes)."""
    with _lock:
        tenant = _tenants.get(world)
        if tenant is None:
            tenant = generate_tenant(world)
            _tenants[world] = tenant
        return tenant


def lazy_state(world: World) -> Callable[[], TenantState]:
    """The served state of one app, made on its first OpenPartner request (most sandbox users never ask)."""
    from partnerboost_skill.sandbox.openpartner.state import TenantState

    holder: list[TenantState] = []
    guard = threading.Lock()

    def state() -> TenantState:
        with guard:
            if not holder:
                holder.append(TenantState(tenant_of(world)))
            return holder[0]

    return state


__all__ = ["HOSTED_PREFIX", "SELF_HOSTED_PREFIX", "TENANT_SLUG", "lazy_state", "tenant_of"]
