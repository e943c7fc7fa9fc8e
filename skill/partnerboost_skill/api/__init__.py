"""The PartnerBoost API client: auth, envelopes, typed errors, retries, paging and windows."""

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.errors import (
    BadRequest,
    IncompleteData,
    InvalidCredentials,
    MissingCredentials,
    PartnerBoostError,
    RateLimited,
    UpstreamError,
)
from partnerboost_skill.api.results import FetchResult

__all__ = [
    "BadRequest",
    "FetchResult",
    "IncompleteData",
    "InvalidCredentials",
    "MissingCredentials",
    "PartnerBoostClient",
    "PartnerBoostError",
    "RateLimited",
    "UpstreamError",
]
