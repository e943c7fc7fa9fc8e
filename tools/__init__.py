"""PartnerBoost API action catalogue: one typed model per action."""
