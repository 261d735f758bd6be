"""Accounts, users and what belongs to a user: their login, its lockout window, revoked tokens and one-time
links; and the memberships joining users to accounts, with their list indexes, and the email claims."""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)

from chalicelib.store.models_base import (
    ContactAttributes,
    Item,
    ProfileAttributes,
    TimeAttribute,
    string_list,
)


class AccountItem(Item, discriminator="account"):
    """ACCOUNT#<account_id> / ACCOUNT"""

    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    owner_user_id = UnicodeAttribute(null=True)
    created_at = TimeAttribute()
    member_count = NumberAttribute(default=0)  # active + deactivated members
    # Seats (domain/seats.py): the plan's limit (None: unlimited), the seats held (active members +
    # invitations that hold one: `InvitationItem.holds_seat`) and the active members, each moved by an ADD in
    # the transaction of what changes them. Absent counters: an account the backfill has not counted yet.
    seat_limit = NumberAttribute(null=True)
    seats_held = NumberAttribute(null=True)
    active_count = NumberAttribute(null=True)
    # Set where the counters are exact: at creation, or once the backfill counted an older account (an ADD
    # on an account stored before seats starts from zero). Only then may the operator set a limit.
    seats_counted = BooleanAttribute(null=True)
    # No invitation holding a seat expires before `seats_expire_from` (absent: not known), so a way in that
    # crosses a threshold after now need not look for expired holders (store/seats.py `expiry_actions`);
    # `holds_added` counts the takes that made an invitation hold one, never down: the guard of every SET.
    seats_expire_from = TimeAttribute(null=True)
    holds_added = NumberAttribute(null=True)
    # Moved in the transactions that create and delete them, under the caps' conditions. webhook_count also
    # says whether the account's events enter the webhook outbox at all (store/listeners.py).
    webhook_count = NumberAttribute(default=0)
    group_count = NumberAttribute(default=0)
    # The ids of the account's sub-accounts that exist now, read with the account on every request: a scope
    # is what it names and is still here, so deleting a sub-account rewrites no member (ADD/DELETE keep it).
    sub_account_ids = UnicodeSetAttribute(null=True)
    # The second-factor policy (domain/security_policy.py), read with the account on every request.
    mfa_required = UnicodeAttribute(null=True)  # None: "off"
    mfa_grace_days = NumberAttribute(null=True)
    mfa_level_changed_at = TimeAttribute(null=True)
    # PATCH /accounts `invitation_reminders`: absent (every account made before the setting) reads as on.
    invitation_reminders = BooleanAttribute(null=True)
    # The account's email domains (any status), ADDed and DELETEd with each domain item: the cap of 10 is a
    # condition on its size in that transaction (store/email_domains.py), never a read before it.
    email_domains = UnicodeSetAttribute(null=True)
    invite_domains = UnicodeAttribute(null=True)  # "verified": invitations only to its verified domains
    # The language of its invitations and of its emails to logins without their own (absent: "en").
    default_locale = UnicodeAttribute(null=True)
    brand_id = UnicodeAttribute(null=True)  # its brand (store/brands.py); absent: the deployment's default


class MemberCountItem(Item, discriminator="member_count"):
    """ACCOUNT#<account_id> / ACCOUNT#COUNT#<k>: what accepts added to the account's counts, beside the
    account item's own (the base, which every other change still moves). Read with the account: `fold`."""

    member_count = NumberAttribute(null=True)
    active_count = NumberAttribute(null=True)


def fold(account: AccountItem, shards: Iterable[Item]) -> AccountItem:
    """The account with its counter shards' deltas added to its counts (as shown and as seats reckon)."""
    for counted in shards:
        if isinstance(counted, MemberCountItem) and counted.pk == account.pk:
            account.member_count = int(account.member_count) + int(counted.member_count or 0)
            active = int(counted.active_count or 0)
            if active:
                account.active_count = int(account.active_count or 0) + active
    return account


class UserItem(ProfileAttributes, Item, discriminator="user"):
    """USER#<user_id> / PROFILE, gsi1 USER#<user_id> / PROFILE. Holds no secret: see LoginItem."""

    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    created_at = TimeAttribute()
    last_login_at = TimeAttribute(null=True)
    # Bumped by a password change or reset: every token carrying an older version stops working.
    token_version = NumberAttribute(default=0)
    # Bumped by a password change, a reset and a removal from an account: every reset link made at an older
    # generation stops working (absent: 0).
    link_generation = NumberAttribute(null=True)
    # The second factors the user has ("totp", "passkey"; absent: none), written in the transaction that
    # adds or removes one: login reads the profile anyway, so deciding on a second step costs no read.
    factors = UnicodeSetAttribute(null=True)
    # The credential ids of the user's passkeys, written in the transactions that add and remove one, so
    # the password step lists allowCredentials from the profile it read anyway (no Query). Absent with the
    # passkey factor: a user from before it (services/factor_checks.py `passkey_credentials` queries).
    passkey_ids = UnicodeSetAttribute(null=True)
    locale = UnicodeAttribute(null=True)  # the language of the user's emails; None: not chosen yet


class LoginItem(Item, discriminator="login"):
    """LOGIN#<email> / LOGIN: the unique email -> user id, and the password hash."""

    email = UnicodeAttribute()
    user_id = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    # Mirrors UserItem.token_version (both change in one transaction) so login reads it strongly here.
    token_version = NumberAttribute(default=0)
    # The ids of the accounts the user is a member of, changed in the transactions that add and remove
    # memberships, so login reads memberships and account names by key with the profile (one BatchGetItem).
    # An id left over by a race is harmless: its membership is simply not found. (Logins stored with an old
    # `lists_accounts` attribute still load: PynamoDB skips unknown attributes.)
    account_ids = UnicodeSetAttribute(null=True)


class LoginFailuresItem(Item, discriminator="login_failures"):
    """LOGIN#<email> / FAILURES: failed logins in the current window (kept for unknown emails too)."""

    failure_count = NumberAttribute(default=0)
    # null: a window left as no window by the sign-in that opened it (store/lockouts.py `signed_in_actions`)
    window_started_at = TimeAttribute(null=True)
    # Where the email led when someone last signed in with it, kept beside the email's count so the one
    # write that counts a password check also says whose login and which accounts to read with it (a hint:
    # the login read with them decides). Written by sign-ins and by the writes that list an account on the
    # login (store/users.py `list_account`); absent for an unknown email.
    user_id = UnicodeAttribute(null=True)
    account_ids = UnicodeSetAttribute(null=True)
    # With where it led, the scope items that sign-in's page needed ("<account id>/<id>": the sub-accounts a
    # list names, the custom groups and their sub-accounts), read with the next login's page (a hint too:
    # the memberships and groups read decide). Absent on items written before, and for an unscoped page.
    scope_sub_accounts = UnicodeSetAttribute(null=True)
    scope_groups = UnicodeSetAttribute(null=True)
    # A user's code window (keys.code_failures) only: the login the last password step named, with its
    # `account_ids` (store/lockouts.py `code_hint`), handed back by the second step's count.
    email = UnicodeAttribute(null=True)


class LinkItem(Item, discriminator="link"):
    """LINK#<sha256 of token> / LINK: what a one-time link opens (an invitation or a password reset)."""

    purpose = UnicodeAttribute()  # "invitation" or "password_reset"
    expires_at = TimeAttribute()
    email = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)
    invitation_id = UnicodeAttribute(null=True)
    # A reset link: its user. An invitation link: the user the email's login named when it was sent (the
    # email worker notes it then), only a hint of which user item to read with the invitation (the login
    # read with it decides).
    user_id = UnicodeAttribute(null=True)
    group_id = UnicodeAttribute(null=True)  # an invitation's custom group, read with it when the link opens
    # Password checks made through an invitation link in its current window (domain/lockout.py).
    attempts = NumberAttribute(null=True)
    attempts_started_at = TimeAttribute(null=True)
    # A reset link: the user's link_generation when it was made (absent: 0), and when it was used. A used
    # link is kept until its TTL, so the outbox retrying its email cannot make it again.
    generation = NumberAttribute(null=True)
    used_at = TimeAttribute(null=True)
    # An invitation link that no longer opens: "accepted", "revoked" or "replaced" (resent with a newer link).
    # Kept until its TTL only so its holder is told which (domain/invitations.py `link_gone_message`);
    # every reader treats it as absent otherwise.
    ended = UnicodeAttribute(null=True)


class RevokedTokenItem(Item, discriminator="revoked_token"):
    """REVOKED#<token_id> / REVOKED: a logged-out access token, kept until it would have expired."""


class MembershipItem(ContactAttributes, Item, discriminator="membership"):
    """ACCOUNT#<account_id> / MEMBER#<user_id>, gsi1 USER#<user_id> / MEMBER#~<name>\x01<account_id>
    (keys_accounts.membership_gsi1). Its contact details are the member's at this account, set when they
    join and edited on the Users screen.

    Keeps the account's name only as the user's account list orders it (`account_sort`, in its gsi1 key):
    where shown, the name is read from the account, so a rename shows at once and reorders when the copies
    job has rewritten the keys. Memberships stored with an old `account_name` attribute still load:
    PynamoDB skips unknown attributes.
    """

    account_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    role = UnicodeAttribute()
    permissions = string_list(default=list)
    status = UnicodeAttribute(default="active")
    joined_at = TimeAttribute()
    invited_by = UnicodeAttribute(null=True)
    sub_accounts = string_list(null=True)  # None: every sub-account
    group_id = UnicodeAttribute(null=True)  # None: the default group
    group_manager = BooleanAttribute(null=True)
    # An admin's "sign out of this account": the user's tokens issued up to then are refused here.
    signed_out_at = TimeAttribute(null=True)
    # Copies of the user's own fields, so a list page is read from the memberships alone. Rewritten in the
    # request that changes them (PATCH /me renames in every account, login sets last_login_at in its write).
    email = UnicodeAttribute()
    first_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)
    user_created_at = TimeAttribute()
    last_login_at = TimeAttribute(null=True)
    # A copy of the user's `factors` (Member.mfa_enabled, ?mfa=): the copies job keeps it, a factor change
    # marking the user due (store/factors.py); never an authorization input (the policy reads the user).
    factors = UnicodeSetAttribute(null=True)
    # The list keys (store/keys.py member_list_keys, set by store/member_index.py index_member): the
    # partitions of the account's and the group's `members_*` / `group_*` indexes (infra/table.json,
    # queried raw by store/lists.py) and one sort key per sort column, shared by both of its indexes.
    members_pk = UnicodeAttribute(null=True)
    group_members_pk = UnicodeAttribute(null=True)
    by_email = UnicodeAttribute(null=True)
    by_first_name = UnicodeAttribute(null=True)
    by_last_name = UnicodeAttribute(null=True)
    by_title = UnicodeAttribute(null=True)
    by_role = UnicodeAttribute(null=True)
    by_joined_at = UnicodeAttribute(null=True)
    by_last_login_at = UnicodeAttribute(null=True)
    # The account's members of any status in the shared gsi3-5 (ALL: the audit filters read them whole),
    # by email, joined_at and last_login_at: the three most read orders in one Query.
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    gsi5pk = UnicodeAttribute(null=True)
    gsi5sk = UnicodeAttribute(null=True)
    # What memberships stored before the list keys carry besides (gsi6, gsi7's card, both gone): every
    # rewrite of the list keys removes them (index_member), the backfill's too.
    gsi6pk = UnicodeAttribute(null=True)
    gsi6sk = UnicodeAttribute(null=True)
    card = UnicodeAttribute(null=True)
    # The account's name as sortable text (store/member_index.py sortable), as the gsi1 key holds it: set
    # on joining, rewritten after a rename by the copies job. None: stored before (store/backfill.py).
    account_sort = UnicodeAttribute(null=True)
    # One more on every write (store/member_index.py next_version): a write computed from a read holds only
    # while the membership is at the version read. Absent on one stored before versions: reads as 0.
    version = NumberAttribute(null=True)


class EmailClaimItem(Item, discriminator="email_claim"):
    """ACCOUNT#<account_id> / EMAIL#<email>: this email is a member, or has a pending invitation.

    Conditional writes on this one item keep an email from being invited twice or while a member.
    """

    email = UnicodeAttribute()
    holder = UnicodeAttribute()  # "member" or "invitation"
    ref_id = UnicodeAttribute()  # user_id or invitation_id
    # A member's: "deactivated" while they are (moved with the membership's status), so the recipients of
    # an email screen out deactivated members by reading the claims of the emails at hand.
    member_status = UnicodeAttribute(null=True)
    expires_at = TimeAttribute(null=True)  # invitations only: a claim past it is free to take over
    group_id = UnicodeAttribute(
        null=True
    )  # invitations only: its custom group, "" for none (store/invitations)
