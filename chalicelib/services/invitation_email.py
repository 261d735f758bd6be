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
from chalicelib.domain.permissions import as_role
from chalicelib.domain.wording import OPERATOR_NAME, date_in_words, modules_of, neutral, sub_accounts_of
from chalicelib.mail.mailer import OutgoingEmail
from chalicelib.mail.templates import render
from chalicelib.services.brands import brand_of_account
from chalicelib.services.outbox import Ready, link_of, send_now
from chalicelib.store import keys
from chalicelib.store.invitations import NewInvitation
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
    account_name = item.name
    message = invitation.message or ""  # refused at input if it holds a link (schemas/invitations.py)
    account, inviter = neutral(account_name), neutral(invitation.invited_by_name or "")
    role = as_role(invitation.role)
    group = f", in the user group {neutral(reach.group)}" if reach.group else ""
    return render(
        "invitation",
        brand=brand or brand_of_account(deps, item),
        to=invitation.email,
        values={
            # the subject names the inviter when there is one; both names bounded and defanged
            "headline": f"{inviter} invited you to {account}" if inviter else f"You are invited to {account}",
            "inviter_name": inviter or OPERATOR_NAME,
            "account_name": account,
            "role_label": ROLE_LABELS[role],
            "role_title": ROLE_TITLES[role]
            + group
            + (", managing your user group" if invitation.group_manager else ""),
            "modules": modules_of(role, reach.permissions),
            "sub_accounts": sub_accounts_of(
                None if reach.sub_accounts is None else [neutral(name) for name in reach.sub_accounts]
            ),
            "message_block": f"\nA message from {inviter or OPERATOR_NAME.lower()}:\n{message}\n"
            if message
            else "",
            "link": f"{deps.settings.portal_url}/invitations/accept#token={raw_token}",
            "expires_words": date_in_words(invitation.expires_at),
        },
    )


def send_invitations(deps: Deps, account: AccountItem, sent: list[tuple[NewInvitation, str]]) -> None:
    """The request's attempt at the committed invitations' emails (services/outbox.py): each one SES accepts
    is `delivery: "sent"`; any other stays `queued`, for the outbox worker to send. `sent`: each
    invitation with the raw token only its email carries."""
    reaches: dict[tuple[object, ...], Reach] = {}  # a bulk invite's invitations give alike: read once
    brand = brand_of_account(deps, account)  # one brand for all of them

    def reach(i: InvitationItem) -> Reach:
        key = (
            i.group_id,
            i.role,
            tuple(i.permissions or ()),
            tuple(i.sub_accounts or ()),
            i.sub_accounts is None,
        )
        return reaches[key] if key in reaches else reaches.setdefault(key, reach_of(deps, i))

    pairs = [
        (
            new.invitation,
            Ready(
                new.mail,
                invitation_email(deps, new.invitation, raw, account, reach(new.invitation), brand),
                new.invitation.token_hash,
            ),
        )
        for new, raw in sent
        if new.mail is not None
    ]
    for (invitation, _), ok in zip(pairs, send_now(deps, [ready for _, ready in pairs]), strict=True):
        if ok:
            invitation.delivery = "sent"  # as recorded: the answer says what happened


def invitation_email_for(deps: Deps, mail: MailItem) -> Ready | None:
    """The worker's side: the email of an outbox invitation, rendered again from what is stored now, or None
    when there is nothing to send any more (revoked, accepted, or resent with a newer link)."""
    raw, token_hash = link_of(deps, mail)
    found = deps.store.invitations.get_invitation(mail.account_id or "", mail.invitation_id or "")
    account = deps.store.accounts.get_account(mail.account_id or "")
    if found is None or account is None or found.token_hash != token_hash:
        return None
    return Ready(mail, invitation_email(deps, found, raw, account), token_hash)
