"""The login's email rides in a token only as a hint ("eml"): read back as issued, absent from older
tokens, and a token whose hint is not a string is refused like any malformed token."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt
import pytest

from chalicelib.errors import AppError
from chalicelib.security.tokens import ALGORITHM, AccessTokens

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SECRET = "a-test-secret-of-enough-length-for-hs256"


def _payload(**extra: object) -> dict[str, object]:
    return {
        "sub": "usr_1",
        "jti": "j",
        "ver": 0,
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 60,
        **extra,
    }


def test_the_email_hint_is_read_back_as_issued() -> None:
    tokens = AccessTokens(SECRET, 3600)
    issued = tokens.issue("usr_1", 0, NOW, via="password", email="ann@example.com")
    assert jwt.decode(issued.token, SECRET, algorithms=[ALGORITHM], options={"verify_exp": False})["eml"] == (
        "ann@example.com"
    )
    assert tokens.read(issued.token, NOW).email == "ann@example.com"


def test_a_token_without_the_hint_reads_as_none() -> None:
    tokens = AccessTokens(SECRET, 3600)
    assert tokens.read(tokens.issue("usr_1", 0, NOW, via="password").token, NOW).email is None
    assert tokens.read(jwt.encode(_payload(), SECRET, algorithm=ALGORITHM), NOW).email is None


@pytest.mark.parametrize("hint", [123, ["ann@example.com"], {"a": "b"}])
def test_a_hint_that_is_not_a_string_is_refused(hint: object) -> None:
    token = jwt.encode(_payload(eml=hint), SECRET, algorithm=ALGORITHM)
    with pytest.raises(AppError) as raised:
        AccessTokens(SECRET, 3600).read(token, NOW)
    assert raised.value.code == "unauthenticated"
