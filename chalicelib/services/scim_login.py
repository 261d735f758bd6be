"""A login SCIM makes (issue 31): a user without a password, who gets a "set your password" email whose
link holds 7 days (a reset link, kept and sent as the admin's reset is: services/password_reset.py), and
signs in once they have set one."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Final

from chalicelib.deps import Deps
from chalicelib.domain.locales import reader_locale
from chalicelib.domain.wording import directory_requester
from chalicelib.errors import changed_meanwhile
from chalicelib.i18n.text import words_for
from chalicelib.services.outbox import (
    email_windows,
    full_window,
    link_seed,
    mail_for,
    too_many_emails,
)
from chalicelib.store.links import link_generation, new_reset_link
from chalicelib.store.models import AccountItem, UserItem

SET_PASSWORD_DAYS: Final = 7
# Not an argon2 hash: no password verifies against it (security/passwords.py answers False for a
# malformed hash), so the login signs in only after its password is set through the emailed link.
NO_PASSWORD: Final = "!unset:scim"


def send_set_password(deps: Deps, user: UserItem, account: AccountItem) -> None:
    """The link to set a first password, valid SET_PASSWORD_DAYS, naming the account whose directory
    made the login."""
    seed = link_seed(deps)
    expires_at = deps.now() + timedelta(days=SET_PASSWORD_DAYS)
    link = new_reset_link(seed.token_hash, user.user_id, user.email, expires_at, link_generation(user))
    link.account_id = account.account_id  # the email and the reset page carry the account's brand
    mail, windows = mail_for(deps, "password_reset", user.email, nonce=seed.nonce), email_windows(deps)
    # in the login's language (a new login has none yet: the account's), kept for the worker to render
    locale = reader_locale(user.locale, account.default_locale)
    mail.locale, asked_by = locale, directory_requester(account.name, words_for(locale))
    mail.values = json.dumps({"asked_by": asked_by}, separators=(",", ":"))
    outcome = deps.store.links.save_link(link, None, mail, windows)
    full = full_window(outcome, user.email, windows)
    if full is not None:
        raise too_many_emails(deps, full)
    if not outcome:
        raise changed_meanwhile("Another email to this address was being sent; try again.")
