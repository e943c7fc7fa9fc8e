"""The PartnerBoost API client: auth, envelopes, typed errors, retries, paging and windows."""

from skill.api.client import PartnerBoostClient
from skill.api.errors import (
    BadRequest,
    IncompleteData,
    InvalidCredentials,
    MissingCredentials,
    PartnerBoostError,
    RateLimited,
    UpstreamError,
)
from skill.api.results import FetchResult

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
