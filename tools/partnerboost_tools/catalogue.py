"""The action catalogue: every action class, keyed by its tool name, in a stable order (merchant, brand,
publisher, amazon, then OpenPartner; within a family, the order of the API reference)."""

from __future__ import annotations

import difflib
import re

from partnerboost_tools.amazon import AMAZON_ACTIONS
from partnerboost_tools.base import FAMILIES, Action
from partnerboost_tools.brand import BRAND_ACTIONS
from partnerboost_tools.merchant import MERCHANT_ACTIONS
from partnerboost_tools.openpartner import OPENPARTNER_ACTIONS
from partnerboost_tools.publisher import PUBLISHER_ACTIONS
from partnerboost_tools.types import shown

ACTIONS: dict[str, type[Action]] = {
    action.tool_name: action
    for action in (
        *MERCHANT_ACTIONS, *BRAND_ACTIONS, *PUBLISHER_ACTIONS, *AMAZON_ACTIONS, *OPENPARTNER_ACTIONS
    )
}


class UnknownAction(KeyError):
    """No action has this name; `suggestions` holds the closest tool names (possibly none)."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        if suggestions:
            message = f"Unknown action {shown(name)}. Did you mean: {', '.join(suggestions)}?"
        else:
            prefixes = ", ".join(f"{family}_" for family in FAMILIES)
            message = f"Unknown action {shown(name)}. Action names start with one of: {prefixes}."
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


def _tool_name_form(name: str) -> str:
    """'MerchantListTransactions', 'merchant-list-transactions' → 'merchant_list_transactions'."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[\s\-]+", "_", snake).lower()


def get_action(name: str) -> type[Action]:
    """The action class for a tool name (class names and hyphenated names are accepted too)."""
    key = _tool_name_form(name)
    if key in ACTIONS:
        return ACTIONS[key]
    raise UnknownAction(name, difflib.get_close_matches(key, list(ACTIONS), n=3, cutoff=0.6))


def actions_by_family(family: str) -> list[type[Action]]:
    """The actions of one family, in catalogue order."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {shown(family)}; expected one of: {', '.join(FAMILIES)}")
    return [action for action in ACTIONS.values() if action.family == family]
