"""Encrypt portal secrets at rest with the Fernet keys in PORTAL_ENCRYPTION_KEYS (newest first).

A `MultiFernet` encrypts with the first key and decrypts with any, so a key is rotated by putting
the new one first, re-encrypting (`secret_rotate`), then dropping the old one. Errors never carry
the secret or the ciphertext.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """Fail to decrypt a stored secret: it was encrypted with a key no longer configured."""


def secret_fernet() -> MultiFernet:
    """Build the MultiFernet from the configured keys (read per call, so settings may change)."""
    keys = settings.PORTAL_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured(
            "PORTAL_ENCRYPTION_KEYS is empty: set at least one Fernet key "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())')."
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "PORTAL_ENCRYPTION_KEYS holds a value that is not a Fernet key"
        ) from exc


def secret_encrypt(plaintext: str) -> str:
    """Encrypt a secret to a Fernet token; an empty secret stays empty."""
    if not plaintext:
        return ""
    return secret_fernet().encrypt(plaintext.encode()).decode()


def secret_decrypt(token: str) -> str:
    """Decrypt a Fernet token back to the secret; an empty token is an empty secret."""
    if not token:
        return ""
    try:
        return secret_fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "A stored portal secret can't be decrypted with PORTAL_ENCRYPTION_KEYS; "
            "enter it again or restore the key it was encrypted with."
        ) from None


def secret_rotate(token: str) -> str:
    """Re-encrypt a token with the newest key."""
    if not token:
        return ""
    try:
        return secret_fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "A stored portal secret can't be rotated: no key reads it."
        ) from None
