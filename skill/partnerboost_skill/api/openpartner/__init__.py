"""The OpenPartner client: bearer auth, hosted (`/api/t/<slug>`) and self-hosted bases, plain JSON answers and
stable error codes turned into the skill's error hierarchy with messages that say what to do."""

from partnerboost_skill.api.openpartner.client import OpenPartnerClient

__all__ = ["OpenPartnerClient"]
