"""The invitation email: who invites the person to which account, as what, with which modules and
sub-accounts, until when. What it says the invitation gives is what /authorize decides once it is accepted:
a custom group's member holds the group's modules and sub-accounts (the group named), anyone else the
invitation's own; sub-accounts are named, as the portal's Choose account page names them."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.deps import Deps
from chalicelib.domain.branding import Brand
from chalicelib.domain.groups import DEFAULT_GROUP_ID
from chalicelib.domain.invitations import ROLE_LABELS, ROLE_TITLES
from chalicelib.domain.locales import Locale, as_locale
from chalicelib.domain.permissions import as_role
from chalicelib.domain.wording import OPERATOR_NAME, modules_of, neutral, sub_accounts_of
from chalicelib.i18n.text import N_, date_in_words, translate, words_for
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.templates import render
from chalicelib.services.brands import brand_of_account
from chalicelib.services.outbox import Ready, link_of
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, GroupItem, InvitationItem, MailItem


@dataclass(frozen=True)
class Reach:
    """What an invitation gives beyond its role, in names."""

    group: str | None  # a custom group's name
    permissions: list[str]
    sub_accounts: list[str] | None  # names; None: every sub-account


def reach_of(deps: Deps, invitation: InvitationItem, group: GroupItem | None = None) -> Reach:
    """Reads the custom group when not given (a group deleted meanwhile gives nothing, as /authorize
    says), and the chosen sub-accounts' names in one BatchGetItem (deleted ones are left out)."""
    in_group = invitation.group_id not in (None, DEFAULT_GROUP_ID)
    if in_group and (group is None or group.group_id != invitation.group_id):
        group = deps.store.groups.get_group(invitation.account_id, invitation.group_id or "")
    if in_group:
        permissions = list(group.permissions) if group else []
        scope = (group.sub_accounts if group else []) if invitation.role == "member" else None
    else:
        permissions, scope = list(invitation.permissions or []), invitation.sub_accounts
    names = None
    if scope is not None:
        wanted = [keys.sub_account(invitation.account_id, sid) for sid in scope]
        found = deps.store.accounts.named([], wanted).sub_accounts if wanted else []
        names = sorted((s.name for s in found), key=str.lower)
    return Reach(group.name if in_group and group else None, permissions, names)


def invitation_email(
    deps: Deps,
    invitation: InvitationItem,
    raw_token: str,
    item: AccountItem,
    reach: Reach | None = None,
    brand: Brand | None = None,
) -> OutgoingEmail:
    """`reach`, `brand`: when the caller knows them already (one for every invitation of a bulk invite)."""
    reach = reach or reach_of(deps, invitation)
    locale = as_locale(invitation.locale)  # in the invitation's language, whoever reads it
    account_name = item.name
    account, inviter = neutral(account_name), neutral(invitation.invited_by_name or "")
    role = as_role(invitation.role)
    return render(
        "invitation",
        brand=brand or brand_of_account(deps, item),
        to=invitation.email,
        values={
            # the subject names the inviter when there is one; both names bounded and defanged
            "headline": translate(
                locale, N_("$inviter invited you to $account"), inviter=inviter, account=account
            )
            if inviter
            else translate(locale, N_("You are invited to $account"), account=account),
            "inviter_name": inviter or translate(locale, OPERATOR_NAME),
            "account_name": account,
            "role_label": translate(locale, ROLE_LABELS[role]),
            "role_title": _role_title(locale, invitation, reach),
            "modules": modules_of(role, reach.permissions, words_for(locale)),
            "sub_accounts": sub_accounts_of(
                None if reach.sub_accounts is None else [neutral(name) for name in reach.sub_accounts],
                words_for(locale),
            ),
            "message_block": _message_block(locale, inviter, invitation.message or ""),
            "link": f"{deps.settings.portal_url}/invitations/accept#token={raw_token}",
            "expires_words": date_in_words(invitation.expires_at, locale),
        },
        locale=locale,
    )


def _role_title(locale: Locale, invitation: InvitationItem, reach: Reach) -> str:
    title = translate(locale, ROLE_TITLES[as_role(invitation.role)])
    if reach.group:
        title += translate(locale, N_(", in the user group $group"), group=neutral(reach.group))
    if invitation.group_manager:
        title += translate(locale, N_(", managing your user group"))
    return title


def _message_block(locale: Locale, inviter: str, message: str) -> str:
    """The inviter's personal message (refused at input if it holds a link: schemas/invitations.py)."""
    if not message:
        return ""
    if inviter:
        said = translate(locale, N_("A message from $inviter:"), inviter=inviter)
    else:
        said = translate(locale, N_("A message from your hosting provider:"))
    return f"\n{said}\n{message}\n"


def invitation_email_for(deps: Deps, mail: MailItem) -> Ready | None:
    """The worker's side: the email of an outbox invitation, rendered again from what is stored now, or None
    when there is nothing to send any more (revoked, accepted, or resent with a newer link)."""
    raw, token_hash = link_of(deps, mail)
    found = deps.store.invitations.get_invitation(mail.account_id or "", mail.invitation_id or "")
    account = deps.store.accounts.get_account(mail.account_id or "")
    if found is None or account is None or found.token_hash != token_hash:
        return None
    return Ready(mail, invitation_email(deps, found, raw, account), token_hash)
