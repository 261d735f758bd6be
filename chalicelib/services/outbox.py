"""Emails through the outbox: every email is an item committed in the transaction of the change that causes
it (store/outbox.py), so a change never commits without its email, nor an email without its change.

The request never sends: its email is due at once, and the email worker (services/email_worker.py) sends it,
started by the table's stream on the commit on AWS (jobs/webhooks.py) and by the write itself in `make run`.
So a request costs no round trip to record a send and never waits for SES (a bulk invite of 50 would wait
for 50 sends); the worker retries with backoff and gives up after GIVE_UP_AFTER (`delivery: "failed"`).
At least once, so an email may, rarely, arrive twice; SES offers no key to send it only once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from chalicelib.deps import Deps
from chalicelib.domain.branding import Brand
from chalicelib.domain.locales import DEFAULT_LOCALE, Locale, as_locale
from chalicelib.domain.outbox import EMAIL_RETRIES, MailKind, Window, recipient_windows
from chalicelib.errors import AppError, rate_limited
from chalicelib.ids import new_id
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.templates import render
from chalicelib.msgids import N_
from chalicelib.security.links import derived_link_token, new_nonce
from chalicelib.services.brands import brand_of_account_id, brand_of_email
from chalicelib.store.models import MailItem
from chalicelib.store.outbox import limit_label, new_mail, set_mail_due
from chalicelib.store.tx import Outcome


@dataclass(frozen=True)
class LinkSeed:
    """A link's nonce (kept in the outbox), its raw token (only in the email) and its hash (the link item)."""

    nonce: str
    raw: str
    token_hash: str


def link_seed(deps: Deps) -> LinkSeed:
    nonce = new_nonce()
    raw, token_hash = derived_link_token(deps.settings.token_secret, nonce)
    return LinkSeed(nonce, raw, token_hash)


def link_of(deps: Deps, mail: MailItem) -> tuple[str, str]:
    """(raw token, hash) of the link an outbox email carries, derived again from its nonce."""
    assert mail.nonce is not None, "a link's email has its nonce"
    return derived_link_token(deps.settings.token_secret, mail.nonce)


def mail_for(
    deps: Deps,
    kind: MailKind,
    to: str,
    *,
    nonce: str | None = None,
    account_id: str | None = None,
    invitation_id: str | None = None,
) -> MailItem:
    """An outbox email, due now: the worker sends it once it is committed."""
    now = deps.now()
    return new_mail(
        new_id("mail"),
        kind,
        to,
        now,
        now,
        nonce=nonce,
        account_id=account_id,
        invitation_id=invitation_id,
    )


def notice(
    deps: Deps,
    template: str,
    to: str,
    values: dict[str, str],
    *,
    locale: Locale = DEFAULT_LOCALE,
    account_id: str | None = None,
) -> MailItem:
    """A notice (no link in it): its template, values and language are kept as they are, to render when
    sent (values a template names in mail/texts.py VALUE_MSGIDS are msgids, translated then).
    `account_id`: the account it is about, whose brand it carries (none: the login's, `render_notice`)."""
    mail = mail_for(deps, "notice", to, account_id=account_id)
    mail.template, mail.values = template, json.dumps(values, separators=(",", ":"))
    mail.locale = locale
    return mail


def render_notice(deps: Deps, mail: MailItem, brand: Brand | None = None) -> OutgoingEmail:
    """In the brand of the account it is about, else of the addressee's login (services/brands.py);
    `brand`: when the caller has it in hand already."""
    assert mail.template is not None and mail.values is not None, "a notice has its template and values"
    if brand is None:
        brand = (
            brand_of_account_id(deps, mail.account_id) if mail.account_id else brand_of_email(deps, mail.to)
        )
    values = json.loads(mail.values)
    return render(mail.template, to=mail.to, values=values, locale=as_locale(mail.locale), brand=brand)


def email_windows(deps: Deps) -> tuple[Window, ...]:
    """Where an email to an address counts: invitations, resends and admin resets (domain/outbox.py)."""
    s = deps.settings
    return tuple(recipient_windows(deps.now(), s.recipient_emails_per_hour, s.recipient_emails_per_day))


def full_window(outcome: Outcome, email: str, windows: Sequence[Window]) -> Window | None:
    return next((w for w in windows if limit_label(w, email) in outcome.failed), None)


def too_many_emails(deps: Deps, window: Window) -> AppError:
    if window.kind == "hour":
        message = N_("This address has been sent its emails for this hour.")
    else:
        message = N_("This address has been sent its emails for this day.")
    return rate_limited(window.retry_after(deps.now()), message)


@dataclass(frozen=True)
class Ready:
    """An outbox email, rendered for the worker's attempt (with its link: never stored).
    `token_hash`: an invitation's link hash, which its `delivery` record checks it still holds."""

    mail: MailItem
    email: OutgoingEmail
    token_hash: str | None = None


def after_attempt(mail: MailItem, ok: bool, now: datetime, error: str) -> str | None:
    """The email after one attempt (sent, due again, or given up), and the `delivery` that its invitation
    now has (None: unchanged, still queued)."""
    mail.attempts = int(mail.attempts) + 1
    if ok:
        mail.status, mail.last_error = "sent", None
        set_mail_due(mail, None)
        return "sent"
    mail.last_error = error
    following = EMAIL_RETRIES.next_attempt_at(int(mail.attempts), mail.created_at, now)
    if following is None:
        mail.status = "failed"
        set_mail_due(mail, None)
        return "failed"
    set_mail_due(mail, following)
    return None
