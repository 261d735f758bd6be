"""Forgotten passwords: a single-use link valid one hour, sent only if the email has a login."""

from __future__ import annotations

import logging
from datetime import timedelta

from chalicelib.deps import Deps
from chalicelib.domain.lockout import MAX_RESET_EMAILS, RESET_WINDOW, count_one_more
from chalicelib.domain.wording import date_in_words
from chalicelib.errors import AppError, not_found
from chalicelib.mail.mailer import OutgoingEmail, deliver
from chalicelib.mail.templates import render
from chalicelib.security.links import hash_link_token, is_link_token_shape, new_link_token
from chalicelib.store.models import AuditEventItem, LinkItem
from chalicelib.store.users import new_reset_link, reset_window

log = logging.getLogger(__name__)
PORTAL_NAME = "client portal"


def request_reset(deps: Deps, email: str) -> None:
    """Answers the same whether or not the email has a login; only an existing one gets an email, at most
    MAX_RESET_EMAILS an hour (past that, silently none: a different answer would tell who has a login)."""
    login = deps.store.users.login_state(email)[0]
    if login is None:
        return
    previous = reset_window(login)
    counted = count_one_more(previous, deps.now(), MAX_RESET_EMAILS, RESET_WINDOW)
    if counted is not None:
        link, raw = _reset_link(deps, login.user_id, email)
        if deps.store.users.save_counted_reset_link(link, login, counted, previous):
            deliver(deps.mailer, _reset_email(deps, link, raw))
            return
    log.info("password reset email withheld: the address's hourly limit is reached")


def send_reset_link(deps: Deps, user_id: str, email: str, event: AuditEventItem | None = None) -> bool:
    """An admin's reset for a member (its audit `event` is written with the link): not counted against the
    public form's limit."""
    link, raw = _reset_link(deps, user_id, email)
    deps.store.users.save_link(link, event)
    return deliver(deps.mailer, _reset_email(deps, link, raw))


def _reset_link(deps: Deps, user_id: str, email: str) -> tuple[LinkItem, str]:
    expires_at = deps.now() + timedelta(seconds=deps.settings.password_reset_ttl_seconds)
    raw, token_hash = new_link_token()
    return new_reset_link(token_hash, user_id, email, expires_at), raw


def _reset_email(deps: Deps, link: LinkItem, raw: str) -> OutgoingEmail:
    return render(
        "password_reset",
        to=link.email,
        values={
            "portal_name": PORTAL_NAME,
            "email": link.email,
            "link": f"{deps.settings.portal_url}/password-reset#token={raw}",
            "expires_words": date_in_words(link.expires_at),
        },
    )


def confirm_reset(deps: Deps, token: str, new_password: str) -> None:
    if not is_link_token_shape(token):
        raise not_found("reset link")
    link = deps.store.users.get_link(hash_link_token(token))
    if link is None or link.purpose != "password_reset":
        raise not_found("reset link")
    if deps.now() >= link.expires_at:
        raise AppError("token_expired", "This reset link has expired; ask for a new one.")
    if not deps.store.users.reset_password(link, deps.passwords.hash(new_password)):
        raise not_found("reset link")
    deps.store.users.clear_login_failures(link.email)
