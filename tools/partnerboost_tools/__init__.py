"""The API action catalogue (PartnerBoost and OpenPartner): one typed model per action.

`tools.catalogue.ACTIONS` maps tool names to action classes; `get_action(name)` looks one up.
"""
