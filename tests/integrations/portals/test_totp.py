"""TOTP codes for portal MFA match the RFC 6238 reference vectors."""

import base64

import pytest

from integrations.portals.totp import decode_secret, hotp, totp

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
# RFC 6238, Appendix B.
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), VECTORS)
def test_rfc_6238_vectors(at, sha1, sha256, sha512):
    for algorithm, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        secret = base64.b32encode(SEEDS[algorithm]).decode()
        assert totp(secret, at=at, digits=8, algorithm=algorithm) == expected


def test_rfc_4226_hotp_vectors():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676"]
    assert [hotp(SEEDS["sha1"], n) for n in range(6)] == expected


def test_six_digit_codes_by_default_and_raw_keys_accepted():
    assert totp(SEEDS["sha1"], at=59) == "287082"


def test_secret_tolerates_spaces_case_and_missing_padding():
    secret = base64.b32encode(b"hello-world").decode()
    sloppy = " ".join(secret.rstrip("=").lower()[i : i + 4] for i in range(0, 18, 4))

    assert decode_secret(sloppy) == b"hello-world"


def test_invalid_secret_fails_without_echoing_it():
    with pytest.raises(ValueError, match="not valid base32") as caught:
        decode_secret("not-base32-!!")

    assert "!!" not in str(caught.value)
