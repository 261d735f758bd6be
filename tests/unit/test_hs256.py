"""security/hs256.py reads what PyJWT signs, and refuses every token PyJWT's decode refuses (and a few more
that no token of ours looks like), as AccessTokens.read used PyJWT to."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest

from chalicelib.errors import AppError
from chalicelib.security.hs256 import InvalidTokenError, verified_claims
from chalicelib.security.tokens import AccessTokens
from tests.helpers.fresh import fresh_python

SECRET = "token-secret-for-tests-0123456789abcdef"
CLAIMS: dict[str, Any] = {
    "sub": "u1",
    "jti": "t1",
    "ver": 3,
    "iat": 1_700_000_000,
    "exp": 1_700_003_600,
    "amr": "password",
}
PYJWT_OPTIONS: Any = {
    "require": ["sub", "jti", "ver", "iat", "exp"],
    "verify_exp": False,
    "verify_iat": False,
}


def _part(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


def signed(header: Any, payload: Any, secret: str = SECRET, raw_payload: bytes | None = None) -> str:
    """A compact token with any header and payload, signed HS256 with `secret`."""
    head = _part(json.dumps(header).encode())
    body = _part(raw_payload if raw_payload is not None else json.dumps(payload).encode())
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_part(mac)}"


def pyjwt_refuses(token: str) -> bool:
    try:
        jwt.decode(token, SECRET, algorithms=["HS256"], options=PYJWT_OPTIONS)
    except jwt.PyJWTError:
        return True
    return False


@pytest.mark.parametrize(
    "payload",
    [
        CLAIMS,
        CLAIMS | {"grp": {"a1": "g1", "a2": "g2"}, "sid": "s1", "eml": "élise@example.com"},
        CLAIMS | {"sup": "sup1", "acc": "a1", "amr": "support"},
        {"sub": "u1"},  # the claims' own checks are AccessTokens.read's, not the signature's
    ],
)
def test_what_pyjwt_signs_reads_back_as_pyjwt_reads_it(payload: dict[str, Any]) -> None:
    token = jwt.encode(payload, SECRET, algorithm="HS256")
    assert verified_claims(token, SECRET) == payload
    assert verified_claims(token, SECRET) == jwt.decode(
        token, SECRET, algorithms=["HS256"], options={"verify_signature": True, "verify_exp": False}
    )


def _tampered() -> str:
    head, _, mac = jwt.encode(CLAIMS, SECRET, algorithm="HS256").split(".")
    return f"{head}.{_part(json.dumps(CLAIMS | {'sub': 'admin'}).encode())}.{mac}"


REFUSED_BY_BOTH = {
    "another secret": jwt.encode(CLAIMS, "another-secret-0123456789abcdef-xyz", algorithm="HS256"),
    "altered payload": _tampered(),
    "alg none": _part(b'{"alg":"none","typ":"JWT"}') + "." + _part(json.dumps(CLAIMS).encode()) + ".",
    "HS512": jwt.encode(CLAIMS, SECRET + "-long-enough-for-hs512-0123456789", algorithm="HS512"),
    "HS512 header, HS256 signature": signed({"alg": "HS512", "typ": "JWT"}, CLAIMS),
    "no alg": signed({"typ": "JWT"}, CLAIMS),
    "payload a list": signed({"alg": "HS256", "typ": "JWT"}, [CLAIMS]),
    "payload not JSON": signed({"alg": "HS256", "typ": "JWT"}, None, raw_payload=b"{sub: u1"),
    "payload not UTF-8": signed({"alg": "HS256", "typ": "JWT"}, None, raw_payload=b'{"sub": "\xff"}'),
    "header a list": signed(["HS256"], CLAIMS),
    "unknown critical extension": signed({"alg": "HS256", "typ": "JWT", "crit": ["exp"], "exp": 1}, CLAIMS),
    "audience": signed({"alg": "HS256", "typ": "JWT"}, CLAIMS | {"aud": "someone"}),
    "not yet valid": signed({"alg": "HS256", "typ": "JWT"}, CLAIMS | {"nbf": 4_000_000_000}),
    "two segments": jwt.encode(CLAIMS, SECRET, algorithm="HS256").rsplit(".", 1)[0],
    "empty": "",
    "not base64": "!!!.???.***",
}


@pytest.mark.parametrize("case", sorted(REFUSED_BY_BOTH))
def test_every_token_pyjwt_refuses_is_refused(case: str) -> None:
    token = REFUSED_BY_BOTH[case]
    assert pyjwt_refuses(token)
    with pytest.raises(InvalidTokenError):
        verified_claims(token, SECRET)


# PyJWT takes these (its decode is more general); no token of ours has that shape, so refusing them costs
# nothing and leaves less to parse before the signature is known good.
REFUSED_HERE_ONLY = {
    "a key id": signed({"alg": "HS256", "typ": "JWT", "kid": "k1"}, CLAIMS),
    "no typ": signed({"alg": "HS256"}, CLAIMS),
    "an issuer": signed({"alg": "HS256", "typ": "JWT"}, CLAIMS | {"iss": "elsewhere"}),
    "valid since the past": signed({"alg": "HS256", "typ": "JWT"}, CLAIMS | {"nbf": 1_600_000_000}),
    "padded segments": jwt.encode(CLAIMS, SECRET, algorithm="HS256").replace(".", "=.", 1),
    "a fourth segment": jwt.encode(CLAIMS, SECRET, algorithm="HS256") + ".",
}


@pytest.mark.parametrize("case", sorted(REFUSED_HERE_ONLY))
def test_what_no_token_of_ours_looks_like_is_refused(case: str) -> None:
    with pytest.raises(InvalidTokenError):
        verified_claims(REFUSED_HERE_ONLY[case], SECRET)


def test_a_changed_signature_byte_or_a_truncated_one_is_refused() -> None:
    token = jwt.encode(CLAIMS, SECRET, algorithm="HS256")
    head, body, mac = token.split(".")
    flipped = ("A" if mac[0] != "A" else "B") + mac[1:]
    for changed in (f"{head}.{body}.{flipped}", f"{head}.{body}.{mac[:-2]}", f"{head}.{body}."):
        with pytest.raises(InvalidTokenError):
            verified_claims(changed, SECRET)


@pytest.mark.parametrize("missing", ["sub", "jti", "ver", "iat", "exp"])
def test_a_signed_token_without_a_required_claim_is_a_401(missing: str) -> None:
    now = datetime.fromtimestamp(CLAIMS["iat"], tz=UTC)
    tokens = AccessTokens(SECRET, 3600)
    assert tokens.read(jwt.encode(CLAIMS, SECRET, algorithm="HS256"), now).user_id == "u1"
    for payload in ({k: v for k, v in CLAIMS.items() if k != missing}, CLAIMS | {missing: None}):
        token = jwt.encode(payload, SECRET, algorithm="HS256")
        assert pyjwt_refuses(token)
        with pytest.raises(AppError) as raised:
            tokens.read(token, now)
        assert raised.value.code == "unauthenticated"


def test_reading_a_token_loads_no_pyjwt() -> None:
    token = jwt.encode(CLAIMS, SECRET, algorithm="HS256")
    code = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from chalicelib.security.tokens import AccessTokens\n"
        f"tokens = AccessTokens({SECRET!r}, 3600)\n"
        f"claims = tokens.read({token!r}, datetime.fromtimestamp(1_700_000_000, UTC))\n"
        "print(claims.user_id, 'jwt' in sys.modules)\n"
    )
    assert fresh_python(code).split() == ["u1", "False"]
