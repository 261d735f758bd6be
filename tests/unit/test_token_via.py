"""How a sign-in was made rides in its token ("amr"), for the password-change rule and the sessions list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import jwt
import pytest

from chalicelib.errors import AppError
from chalicelib.security.tokens import ALGORITHM, VIAS, AccessTokens

if TYPE_CHECKING:
    from chalicelib.domain.sign_in import Via

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SECRET = "a-test-secret-of-enough-length-for-hs256"


@pytest.mark.parametrize("via", sorted(VIAS - {"support"}))
def test_each_way_in_is_read_back_from_the_token(via: Via) -> None:
    tokens = AccessTokens(SECRET, 3600)
    issued = tokens.issue("usr_1", 0, NOW, via=via)
    assert (
        jwt.decode(issued.token, SECRET, algorithms=[ALGORITHM], options={"verify_exp": False})["amr"] == via
    )
    assert tokens.read(issued.token, NOW).via == via


def test_a_support_token_says_support() -> None:
    tokens = AccessTokens(SECRET, 3600)
    issued = tokens.issue_support("usr_1", 0, "acc_1", "sup_1", NOW, NOW.replace(hour=1))
    assert tokens.read(issued.token, NOW).via == "support"


def test_a_token_from_before_the_claim_reads_as_a_password_sign_in() -> None:
    payload = {
        "sub": "usr_1",
        "jti": "j",
        "ver": 0,
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 60,
    }
    assert (
        AccessTokens(SECRET, 3600).read(jwt.encode(payload, SECRET, algorithm=ALGORITHM), NOW).via
        == "password"
    )


def test_an_unknown_way_in_is_refused() -> None:
    payload = {
        "sub": "usr_1",
        "jti": "j",
        "ver": 0,
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 60,
        "amr": "magic",
    }
    with pytest.raises(AppError) as raised:
        AccessTokens(SECRET, 3600).read(jwt.encode(payload, SECRET, algorithm=ALGORITHM), NOW)
    assert raised.value.code == "unauthenticated"
