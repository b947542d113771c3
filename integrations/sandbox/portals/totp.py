"""Verify time-based one-time passwords (RFC 6238) for the sandbox tenant's MFA.

TOTP is HOTP (RFC 4226) over the number of 30-second steps since the Unix epoch. The sandbox uses
SHA-1 and 6 digits, like the authenticator apps a builder's staff would use, and accepts the
previous and next step to allow for clock drift.
"""

import base64
import binascii
import hashlib
import hmac
import struct
import time

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1


def decode_secret(secret: str) -> bytes:
    """Decode a base32 secret as authenticator apps print it (any case, spaces, no padding)."""
    cleaned = secret.replace(" ", "").upper()
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        key = base64.b32decode(cleaned)
    except binascii.Error as exc:
        raise ValueError(f"MFA secret is not valid base32: {secret!r}") from exc
    if not key:
        raise ValueError("MFA secret is empty")
    return key


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """Return the RFC 4226 one-time password for `counter`, zero-padded to `digits`."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def totp(key: bytes, at: float, *, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """Return the RFC 6238 password valid at Unix time `at`."""
    return hotp(key, int(at // STEP_SECONDS), digits=digits, digest=digest)


def totp_verify(key: bytes, code: object, at: float | None = None) -> bool:
    """Tell whether `code` is the password for now or one step either side, in constant time."""
    if not isinstance(code, str) or len(code) != DIGITS or not code.isdigit():
        return False
    now = time.time() if at is None else at
    counter = int(now // STEP_SECONDS)
    matches = [
        hmac.compare_digest(hotp(key, counter + drift), code)
        for drift in range(-DRIFT_STEPS, DRIFT_STEPS + 1)
        if counter + drift >= 0
    ]
    return any(matches)
