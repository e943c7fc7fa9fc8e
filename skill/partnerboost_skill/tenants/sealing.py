"""Tenants' credentials encrypted at rest with a key from the environment (PARTNERBOOST_TENANTS_KEY).

cryptography's Fernet (AES-128-CBC with an HMAC-SHA256 over version, time, IV and ciphertext): authenticated,
a random IV per message, no nonce for us to manage, and MultiFernet rotates keys — the key variable may hold
several comma-separated keys, the first encrypts and all decrypt. The tenant's id is sealed with its
credentials and checked on opening, so a sealed blob moved to another tenant's record does not open there.
"""

from __future__ import annotations

import json

from partnerboost_skill.config import ENV_VARS, ConfigError

KEY_ENV = ENV_VARS["tenants_key"]


class SealError(ValueError):
    """The credentials cannot be opened: another key, or altered; the message never holds a secret."""


def new_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


class Sealer:
    def __init__(self, keys: str) -> None:
        try:
            from cryptography.fernet import Fernet, MultiFernet
        except ImportError:
            raise ConfigError(
                "hosted mode needs the cryptography package (pip install 'partnerboost-skill[hosted]')"
            ) from None
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise ConfigError(f"{KEY_ENV} is empty: create a key with `partnerboost tenants new-key`")
        try:
            self._fernet = MultiFernet([Fernet(part.encode()) for part in parts])
        except (ValueError, TypeError):
            raise ConfigError(
                f"{KEY_ENV} must hold Fernet keys (32 url-safe base64-encoded bytes, comma-separated); "
                "create one with `partnerboost tenants new-key`"
            ) from None

    def seal(self, tenant_id: str, values: dict[str, str]) -> bytes:
        plain = json.dumps({"tenant": tenant_id, "values": values}, separators=(",", ":")).encode()
        return self._fernet.encrypt(plain)

    def open(self, tenant_id: str, sealed: bytes) -> dict[str, str]:
        from cryptography.fernet import InvalidToken

        try:
            content = json.loads(self._fernet.decrypt(sealed))
        except (InvalidToken, ValueError):
            raise SealError(
                f"the credentials of tenant {tenant_id} cannot be decrypted with {KEY_ENV} (another key, or "
                "the stored data was altered)"
            ) from None
        if not isinstance(content, dict) or content.get("tenant") != tenant_id:
            raise SealError(f"the stored credentials of tenant {tenant_id} belong to another tenant")
        values = content.get("values")
        if not isinstance(values, dict):
            raise SealError(f"the stored credentials of tenant {tenant_id} are not readable")
        return {str(name): str(value) for name, value in values.items()}

    def rotate(self, sealed: bytes) -> bytes:
        """The same credentials sealed with the first key."""
        return self._fernet.rotate(sealed)
