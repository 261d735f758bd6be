"""Forgotten passwords: a single-use link valid one hour, sent only if the email has a login."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.deps import Deps
from chalicelib.errors import AppError, not_found
from chalicelib.mail.mailer import deliver
from chalicelib.mail.templates import render
from chalicelib.security.links import hash_link_token, is_link_token_shape, new_link_token
from chalicelib.store import keys
from chalicelib.store.models import LinkItem, format_time

PORTAL_NAME = "client portal"


def request_reset(deps: Deps, email: str) -> None:
    """Answers the same whether or not the email has a login; only an existing one gets an email."""
    login = deps.store.login_state(email)[0]
    if login is not None:
        send_reset_link(deps, login.user_id, email)


def send_reset_link(deps: Deps, user_id: str, email: str) -> bool:
    now = deps.now()
    expires_at = now + timedelta(seconds=deps.settings.password_reset_ttl_seconds)
    raw, token_hash = new_link_token()
    pk, sk = keys.link(token_hash)
    deps.store.save_link(
        LinkItem(
            pk,
            sk,
            purpose="password_reset",
            expires_at=expires_at,
            email=email,
            user_id=user_id,
            ttl=expires_at,
        )
    )
    message = render(
        "password_reset",
        to=email,
        values={
            "portal_name": PORTAL_NAME,
            "email": email,
            "link": f"{deps.settings.portal_url}/password-reset#token={raw}",
            "expires_at": format_time(expires_at),
        },
    )
    return deliver(deps.mailer, message)


def confirm_reset(deps: Deps, token: str, new_password: str) -> None:
    if not is_link_token_shape(token):
        raise not_found("reset link")
    link = deps.store.get_link(hash_link_token(token))
    if link is None or link.purpose != "password_reset":
        raise not_found("reset link")
    if deps.now() >= link.expires_at:
        raise AppError("token_expired", "This reset link has expired; ask for a new one.")
    if not deps.store.reset_password(link, deps.passwords.hash(new_password)):
        raise not_found("reset link")
    deps.store.clear_login_failures(link.email)
