"""Support sessions, the pure parts: the token names its session, the trail names the operator acting, and
the owner's email cannot be broken by the reason typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from chalicelib.config import DEFAULT_BRAND
from chalicelib.domain.audit import Actor, actor_of
from chalicelib.domain.caller import Caller, SupportSession
from chalicelib.errors import AppError
from chalicelib.mail.templates import render
from chalicelib.security.tokens import ALGORITHM, AccessTokens

SECRET = "s" * 32
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
tokens = AccessTokens(SECRET, 8 * 3600)


def test_a_support_token_names_its_session_and_account_and_ends_with_it() -> None:
    issued = tokens.issue_support("usr_1", 3, "acc_1", "sup_1", NOW, NOW + timedelta(hours=1))
    claims = tokens.read(issued.token, NOW)
    assert (claims.support_session_id, claims.support_account_id, claims.version) == ("sup_1", "acc_1", 3)
    assert claims.expires_at == NOW + timedelta(hours=1)
    with pytest.raises(AppError):
        tokens.read(issued.token, NOW + timedelta(hours=1))


def test_an_ordinary_token_names_no_session() -> None:
    claims = tokens.read(tokens.issue("usr_1", 0, NOW, via="password").token, NOW)
    assert claims.support_session_id is None and claims.support_account_id is None


@pytest.mark.parametrize("extra", [{"sup": "sup_1"}, {"acc": "acc_1"}, {"sup": 1, "acc": "acc_1"}])
def test_a_half_or_mistyped_support_claim_is_refused(extra: dict[str, object]) -> None:
    payload = {
        "sub": "usr_1",
        "jti": "j",
        "ver": 0,
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 60,
    }
    with pytest.raises(AppError) as refused:
        tokens.read(jwt.encode(payload | extra, SECRET, algorithm=ALGORITHM), NOW)
    assert refused.value.code == "unauthenticated"


def test_a_change_through_a_support_session_is_the_operators() -> None:
    support = SupportSession("sup_1", "acc_1", "Customer asked for help")
    acting = Caller("user", user_id="usr_1", email="dave@acme.com", support_session=support)
    assert actor_of(acting) == Actor(
        "operator", support_session_id="sup_1", reason="Customer asked for help", acting_as="usr_1"
    )
    assert actor_of(Caller("user", user_id="usr_1", email="dave@acme.com")) == Actor(
        "user", "usr_1", "dave@acme.com"
    )


def test_the_owners_email_escapes_the_reason() -> None:
    values = {
        "portal_name": "client portal", "account_name": "Acme\r\nBcc: x@example.com", "member": "Dave",
        "reason": "<script>alert(1)</script>", "expires_words": "Monday 23 November 2026, 10:00 UTC",
        "session_id": "sup_1",
    }  # fmt: skip
    email = render("support_session", to="owner@acme.com", values=values, brand=DEFAULT_BRAND)
    assert "\n" not in email.subject and "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "<script>alert(1)</script>" in email.text and "Monday 23 November 2026, 10:00 UTC" in email.text


@pytest.mark.parametrize(
    ("role", "permissions", "refused"),
    [
        ("admin", [], True),
        ("owner", [], True),
        ("member", ["tickets", "payments"], True),
        ("member", ["user_management"], True),
        ("member", ["tickets", "invoices"], False),
        (None, [], False),
    ],
)
def test_a_support_session_grants_no_admin_role_or_admin_only_permission(
    role: str | None, permissions: list[str], refused: bool
) -> None:
    from chalicelib.domain.support import support_grant_problem

    support = Caller("user", user_id="u1", support_session=SupportSession("ss1", "acc1", "a reason here"))
    assert (support_grant_problem(support, role, permissions) is not None) is refused
    assert support_grant_problem(Caller("user", user_id="u1"), role, permissions) is None
