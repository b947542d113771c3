"""Compute time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) for portal MFA logins.

Portal tenants that demand MFA accept the code an authenticator app would show for the shared
secret (shared/contracts/portals.md, "Sessions": `mfaCode`). Secrets are base32 as authenticator
apps show them; spaces and lower case are tolerated, padding is optional.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def decode_secret(secret: str) -> bytes:
    """Decode a base32 secret, ignoring spaces, case and missing padding."""
    cleaned = secret.replace(" ", "").replace("-", "").upper().rstrip("=")
    padded = cleaned + "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(padded)
    except ValueError:
        # `from None`: the decoder's own message is not needed, and nothing of the secret leaks.
        raise ValueError("MFA secret is not valid base32") from None


def hotp(key: bytes, counter: int, *, digits: int = 6, algorithm: str = "sha1") -> str:
    """Return the RFC 4226 HOTP value for `counter` (dynamic truncation, §5.3)."""
    digest = hmac.new(key, counter.to_bytes(8, "big"), ALGORITHMS[algorithm]).digest()
    offset = digest[-1] & 0x0F
    code = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def totp(
    secret: str | bytes,
    *,
    at: float | None = None,
    step: int = 30,
    digits: int = 6,
    algorithm: str = "sha1",
) -> str:
    """Return the RFC 6238 code for `secret` (base32 text, or raw key bytes) at time `at`."""
    key = secret if isinstance(secret, bytes) else decode_secret(secret)
    now = time.time() if at is None else at
    return hotp(key, int(now // step), digits=digits, algorithm=algorithm)
