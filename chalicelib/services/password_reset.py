"""Forgotten passwords: a single-use link valid one hour, sent only if the email has a login. Both kinds of
reset email leave through the outbox (services/outbox.py)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from chalicelib.deps import Deps
from chalicelib.domain.branding import Brand as BrandValue
from chalicelib.domain.locales import Locale, as_locale, reader_locale
from chalicelib.domain.outbox import reset_request_window
from chalicelib.domain.wording import reset_sentences
from chalicelib.errors import AppError, changed_meanwhile, not_found
from chalicelib.i18n.text import N_, date_in_words, words_for
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.templates import render
from chalicelib.schemas.brands import Brand, ResetLookup
from chalicelib.security.links import hash_link_token, is_link_token_shape, new_nonce
from chalicelib.services.brands import brand_of_account_id, brand_of_login
from chalicelib.services.outbox import (
    Ready,
    email_windows,
    full_window,
    link_of,
    link_seed,
    mail_for,
    too_many_emails,
)
from chalicelib.store.links import link_generation, new_reset_link
from chalicelib.store.models import AuditEventItem, LinkItem, MailItem, UserItem

log = logging.getLogger(__name__)
PORTAL_NAME = N_("client portal")  # translated when an email is rendered (mail/texts.py VALUE_MSGIDS)


def request_reset(deps: Deps, email: str) -> None:
    """Does the same work whether or not the email has a login, so neither the answer nor its time tells:
    one write, the request counted on the address (at most MAX_RESET_REQUESTS an hour, past that silently
    none) with an email in the outbox. The worker looks the login up and sends only if there is one
    (`reset_email_for`)."""
    mail = mail_for(deps, "reset_request", email, nonce=new_nonce())
    if not deps.store.outbox.queue(mail, [reset_request_window(deps.now())]):
        log.info("password reset email withheld: the address's hourly limit is reached")


def send_reset_link(
    deps: Deps,
    user: UserItem,
    asked_by: str,
    event: AuditEventItem | None = None,
    locale: Locale | None = None,
    account_id: str | None = None,
) -> None:
    """An admin's reset for a member (its audit `event` is written with the link and its email): counted
    against the address's email limits (429 past them), not against the public form's. The link holds at
    the user's link generation as read: a password change or removal since ends it. The email names who
    asked (`asked_by`, domain/wording.py `reset_requester`), kept with it for the worker to render again.
    `account_id`: the admin's account, whose brand the email and the reset page carry (kept on the link)."""
    email = user.email
    seed = link_seed(deps)
    link = _reset_link(deps, user.user_id, email, seed.token_hash, link_generation(user))
    link.account_id = account_id
    mail, windows = mail_for(deps, "password_reset", email, nonce=seed.nonce), email_windows(deps)
    mail.values = json.dumps({"asked_by": asked_by}, separators=(",", ":"))
    mail.locale = locale or reader_locale(user.locale)
    outcome = deps.store.links.save_link(link, event, mail, windows)
    full = full_window(outcome, email, windows)
    if full is not None:
        raise too_many_emails(deps, full)
    if not outcome:  # a concurrent request counted on the same address at the same moment
        raise changed_meanwhile("Another email to this address was being sent; try again.")


def reset_email_for(deps: Deps, mail: MailItem) -> Ready | None:
    """The worker's side. A public request: the email's login looked up now, its link made on the first
    attempt (the same one on every attempt: derived from the nonce, never saved over, so a retry after
    the link was used does not make it valid again) and sent only if there is a login. Either kind: the
    link as stored, unless it was used or expired meanwhile (None: nothing to send)."""
    raw, token_hash = link_of(deps, mail)
    if mail.kind == "reset_request" and deps.store.links.get_link(token_hash) is None:
        login = deps.store.users.login_state(mail.to)[0]
        user = deps.store.users.get_user(login.user_id) if login is not None else None
        if user is None:
            return None
        made = _reset_link(deps, user.user_id, mail.to, token_hash, link_generation(user))
        deps.store.links.save_link(made)  # "exists": another attempt made it meanwhile
    found = deps.store.links.get_link(token_hash)
    if found is None or found.purpose != "password_reset" or found.used_at is not None:
        return None
    if found.expires_at <= deps.now():
        return None
    return Ready(mail, _reset_email(deps, found, raw, mail))


def _reset_link(deps: Deps, user_id: str, email: str, token_hash: str, generation: int) -> LinkItem:
    expires_at = deps.now() + timedelta(seconds=deps.settings.password_reset_ttl_seconds)
    return new_reset_link(token_hash, user_id, email, expires_at, generation)


def _reset_email(deps: Deps, link: LinkItem, raw: str, mail: MailItem) -> OutgoingEmail:
    """As stored: an admin's reset names who asked (its `values`), the public form's says someone did."""
    asked_by = json.loads(mail.values).get("asked_by") if mail.values else None
    locale = as_locale(mail.locale) if mail.locale else _login_locale(deps, link.user_id)
    return render(
        "password_reset",
        brand=reset_brand(deps, link),
        to=link.email,
        values={
            **reset_sentences(asked_by if isinstance(asked_by, str) else None, words_for(locale)),
            "portal_name": PORTAL_NAME,
            "email": link.email,
            "link": f"{deps.settings.portal_url}/password-reset#token={raw}",
            "expires_words": date_in_words(link.expires_at, locale),
        },
        locale=locale,
    )


def _login_locale(deps: Deps, user_id: str | None) -> Locale:
    """The public form's email: in the login's language, read when it is sent (no account to fall back on:
    the form names none)."""
    user = deps.store.users.get_user(user_id) if user_id else None
    return reader_locale(user.locale if user is not None else None)


def reset_brand(deps: Deps, link: LinkItem) -> BrandValue:
    """An admin's reset: its account's brand; the public form's: the login's (services/brands.py)."""
    if link.account_id:
        return brand_of_account_id(deps, link.account_id)
    return brand_of_login(deps, link.user_id) if link.user_id else deps.settings.brand


def lookup_reset(deps: Deps, token: str) -> ResetLookup:
    """The reset page's brand before the password is set: 404 and 410 as `confirm_reset` answers. It tells
    nothing of the login (no address, no name): a token is 256 random bits, never guessed, and a wrong one
    costs the one GetItem a right one's first read costs."""
    link = _open_reset_link(deps, token)
    user = deps.store.users.get_user(link.user_id) if link.user_id else None
    if user is None or link_generation(user) != int(link.generation or 0):
        raise not_found("reset link")  # a password change or removal since ended it, as confirming finds
    locale = reader_locale(user.locale)  # the page follows the login's language, as its email
    return ResetLookup(brand=Brand.of(reset_brand(deps, link)), locale=locale, expires_at=link.expires_at)


def _open_reset_link(deps: Deps, token: str) -> LinkItem:
    if not is_link_token_shape(token):
        raise not_found("reset link")
    link = deps.store.links.get_link(hash_link_token(token))
    if link is None or link.purpose != "password_reset" or link.used_at is not None:
        raise not_found("reset link")
    if deps.now() >= link.expires_at:
        raise AppError("token_expired", "This reset link has expired; ask for a new one.")
    return link


def confirm_reset(deps: Deps, token: str, new_password: str) -> None:
    link = _open_reset_link(deps, token)
    if not deps.store.links.reset_password(link, deps.passwords.hash(new_password), deps.now()):
        raise not_found("reset link")
    deps.store.lockouts.clear_login_failures(link.email)
