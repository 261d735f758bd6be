"""The reminder email: whose invitation to which account ends when (in words, with the time in UTC), and
the same button as the invitation, carrying a fresh link to the same invitation. Rendered by the outbox
worker from what is stored when it sends (services/email_worker.py)."""

from __future__ import annotations

from chalicelib.deps import Deps
from chalicelib.domain.locales import as_locale
from chalicelib.domain.reminders import reminder_headline
from chalicelib.domain.wording import neutral
from chalicelib.i18n.text import date_in_words, weekday_in_words, words_for
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.templates import render
from chalicelib.services.brands import brand_of_account
from chalicelib.services.outbox import Ready, link_of
from chalicelib.store.models import AccountItem, InvitationItem, MailItem


def reminder_email(
    deps: Deps, invitation: InvitationItem, raw_token: str, item: AccountItem
) -> OutgoingEmail:
    account, inviter = neutral(item.name), neutral(invitation.invited_by_name or "")
    locale = as_locale(invitation.locale)  # the invitation's language, as its first email
    ends = invitation.expires_at
    return render(
        "invitation_reminder",
        brand=brand_of_account(deps, item),
        to=invitation.email,
        values={
            "headline": reminder_headline(
                inviter, account, ends, words_for(locale), weekday_in_words(ends, locale)
            ),
            "account_name": account,
            "expires_words": date_in_words(ends, locale),
            "link": f"{deps.settings.portal_url}/invitations/accept#token={raw_token}",
        },
        locale=locale,
    )


def reminder_email_for(deps: Deps, mail: MailItem) -> Ready | None:
    """None when there is nothing to send any more: the invitation was accepted, revoked or resent (a resend
    ends the reminder's link with the first one) since the reminder was committed."""
    raw, token_hash = link_of(deps, mail)
    found = deps.store.invitations.get_invitation(mail.account_id or "", mail.invitation_id or "")
    account = deps.store.accounts.get_account(mail.account_id or "")
    if found is None or account is None or found.reminder_token_hash != token_hash:
        return None
    # no token_hash: a reminder leaves the invitation's `delivery` (its own email's) as it is
    return Ready(mail, reminder_email(deps, found, raw, account))
