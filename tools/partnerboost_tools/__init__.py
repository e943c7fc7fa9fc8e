"""PartnerBoost API action catalogue: one typed model per action.

`tools.catalogue.ACTIONS` maps tool names to action classes; `get_action(name)` looks one up.
"""
