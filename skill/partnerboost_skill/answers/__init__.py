"""Answers: one async function per merchant question (fetch through a platform's provider, then analyse).

    await answers.review(source_or_provider, "last three months", "partner", now=..., tz="Asia/Shanghai")
"""

from partnerboost_skill.answers.compute import (
    DEFAULT_BILL_MONTH,
    DEFAULT_COMMISSION_PERIOD,
    DEFAULT_MEDIA_PERIOD,
    DEFAULT_MONITOR_PERIOD,
    DEFAULT_REVIEW_PERIOD,
    Data,
    bills,
    commissions,
    compare,
    default_group_by,
    media,
    monitor,
    period_timezone,
    provider_of,
    review,
)
from partnerboost_skill.answers.fetched import Fetched
from partnerboost_skill.answers.platforms import UnknownPlatform, choose_platform, provider_for
from partnerboost_skill.answers.provider import BILLING_PLATFORMS, PLATFORMS, Platform, Provider

__all__ = [
    "BILLING_PLATFORMS",
    "DEFAULT_BILL_MONTH",
    "DEFAULT_COMMISSION_PERIOD",
    "DEFAULT_MEDIA_PERIOD",
    "DEFAULT_MONITOR_PERIOD",
    "DEFAULT_REVIEW_PERIOD",
    "PLATFORMS",
    "Data",
    "Fetched",
    "Platform",
    "Provider",
    "UnknownPlatform",
    "bills",
    "choose_platform",
    "commissions",
    "compare",
    "default_group_by",
    "media",
    "monitor",
    "period_timezone",
    "provider_for",
    "provider_of",
    "review",
]
