"""security/otp.py and security/sealing.py: what is stored of a second factor, and how a code is matched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidTag

from chalicelib.security import otp
from chalicelib.security.sealing import seal, unseal

SECRET = "a-token-secret-of-enough-length-for-the-tests"
NOW = datetime(2026, 11, 23, 9, 0, 15, tzinfo=UTC)


def test_a_sealed_secret_opens_only_with_its_secret_and_purpose_and_never_reads_as_itself() -> None:
    sealed = seal(SECRET, "totp", "JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert seal(SECRET, "totp", "JBSWY3DPEHPK3PXP") != sealed  # a fresh nonce each time
    assert unseal(SECRET, "totp", sealed) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(InvalidTag):
        unseal("another-token-secret-of-enough-length", "totp", sealed)
    with pytest.raises(InvalidTag):
        unseal(SECRET, "other", sealed)


def test_a_code_matches_its_step_or_one_either_side_and_nothing_else() -> None:
    secret = otp.new_secret()
    step = otp.step_of(NOW)
    for offset in (-1, 0, 1):
        assert otp.matching_step(secret, otp.code_at(secret, step + offset), NOW) == step + offset
    near = {otp.code_at(secret, step + offset) for offset in (-1, 0, 1)}
    far = next(
        otp.code_at(secret, step + k) for k in range(2, 50) if otp.code_at(secret, step + k) not in near
    )
    assert otp.matching_step(secret, far, NOW) is None
    assert (
        otp.matching_step(
            secret, " " + otp.code_at(secret, step)[:3] + " " + otp.code_at(secret, step)[3:], NOW
        )
        == step
    )
    assert (
        otp.matching_step(secret, "12345", NOW) is None and otp.matching_step(secret, "abcdef", NOW) is None
    )


def test_recovery_codes_are_ten_distinct_80_bit_codes_hashed_alike_however_typed() -> None:
    codes = otp.new_recovery_codes()
    assert len(set(codes)) == otp.RECOVERY_CODES == 10
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
    code = codes[0]
    assert otp.hash_recovery_code(code) == otp.hash_recovery_code(code.upper().replace("-", " "))
    assert otp.hash_recovery_code(code) != otp.hash_recovery_code(codes[1])
    assert code not in otp.hash_recovery_code(code)


def test_the_otpauth_uri_and_its_qr_code() -> None:
    uri = otp.otpauth_uri("JBSWY3DPEHPK3PXP", "ann@example.com", "client portal")
    assert uri == (
        "otpauth://totp/client%20portal%3Aann%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=client%20portal"
        "&algorithm=SHA1&digits=6&period=30"
    )
    svg = otp.qr_svg(uri)
    assert (
        svg.startswith("<svg") and "<script" not in svg and "http" not in svg.replace("http://www.w3.org", "")
    )
