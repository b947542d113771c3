"""The sandbox's TOTP check: RFC 6238 test vectors and the ±1 step it tolerates."""

import hashlib

import pytest

from integrations.sandbox.portals.totp import decode_secret, hotp, totp, totp_verify

RFC_SECRET = b"12345678901234567890"  # RFC 6238 Appendix B, SHA-1 key
RFC_SECRET_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_rfc_6238_sha1_vectors(at, code):
    assert totp(RFC_SECRET, at, digits=8) == code
    assert totp(RFC_SECRET, at) == code[-6:]  # the 6-digit code is the same number mod 10**6


def test_rfc_4226_hotp_vectors():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922"]
    assert [hotp(RFC_SECRET, counter) for counter in range(7)] == expected


def test_other_digests_are_pluggable_for_the_rfc_sha256_vector():
    key = b"12345678901234567890123456789012"
    assert totp(key, 59, digits=8, digest=hashlib.sha256) == "46119246"


def test_base32_secrets_decode_as_authenticator_apps_print_them():
    assert decode_secret(RFC_SECRET_BASE32) == RFC_SECRET
    assert decode_secret("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == RFC_SECRET
    with pytest.raises(ValueError, match="base32"):
        decode_secret("not base32!")


def test_verify_accepts_the_current_and_adjacent_steps_only():
    code_at_59 = "287082"  # step 1
    assert totp_verify(RFC_SECRET, code_at_59, at=59)
    assert totp_verify(RFC_SECRET, code_at_59, at=30 + 59)  # one step later: drift allowed
    assert totp_verify(RFC_SECRET, code_at_59, at=0)  # one step earlier
    assert not totp_verify(RFC_SECRET, code_at_59, at=60 + 59)  # two steps later


@pytest.mark.parametrize("code", [None, 287082, "28708", "2870820", "28708a", ""])
def test_verify_refuses_anything_but_six_digits(code):
    assert not totp_verify(RFC_SECRET, code, at=59)
