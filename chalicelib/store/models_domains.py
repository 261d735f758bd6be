"""Email domains (issue 29): an account's domain with its proof and policy, and the claim that makes a
verified domain one account's."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.models_base import Item, TimeAttribute, string_list


class EmailDomainItem(Item, discriminator="email_domain"):
    """ACCOUNT#<account_id> / EMAILDOMAIN#<domain>, gsi2 DOMAINDUE#<shard> / <next_check>#<aid>/<domain>
    while the schedule re-checks it (pending or verified; a failed one waits for a person)."""

    account_id = UnicodeAttribute()
    domain = UnicodeAttribute()
    status = UnicodeAttribute()  # pending, verified, failed
    secret = UnicodeAttribute()  # the random part of the TXT value, per account and domain
    join_policy = UnicodeAttribute(default="invite_only")
    auto_join_permissions = string_list(default=list)
    auto_join_sub_accounts = string_list(null=True)  # None: every sub-account
    created_at = TimeAttribute()
    pending_since = TimeAttribute()  # the start of the 72 hours a pending domain is looked at
    verified_at = TimeAttribute(null=True)
    verified_by = UnicodeAttribute(null=True)  # dns, or operator (vouched for: not re-checked)
    last_checked_at = TimeAttribute(null=True)
    last_check = UnicodeAttribute(null=True)  # found, missing, unreachable
    missing_since = TimeAttribute(null=True)  # a verified domain's first miss in a row
    last_verify_at = TimeAttribute(null=True)  # the verify route's last lookup: at most one a minute
    version = NumberAttribute(default=0)  # every write checks and bumps it: none lands on a stale read


class DomainClaimItem(Item, discriminator="domain_claim"):
    """DOMAIN#<domain> / CLAIM: the one account that holds this domain verified, with the domain's join
    policy (written in the same transactions as the account's domain item), so a join reads one item."""

    domain = UnicodeAttribute()
    account_id = UnicodeAttribute()
    join_policy = UnicodeAttribute(default="invite_only")
    verified_at = TimeAttribute()


class JoinRequestItem(Item, discriminator="join_request"):
    """ACCOUNT#<account_id> / JOINREQ#<request_id>: someone asking to join without an invitation, through
    the account's verified domain (or an invite link). `user_id` None: asked by email, without a login."""

    account_id = UnicodeAttribute()
    request_id = UnicodeAttribute()
    requester = UnicodeAttribute()  # the user id, or the email of a request made without a login
    user_id = UnicodeAttribute(null=True)
    email = UnicodeAttribute()
    first_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)
    via = UnicodeAttribute()  # domain, invite_link
    invite_link_id = UnicodeAttribute(null=True)
    group_id = UnicodeAttribute(null=True)  # the link's group: its managers see the request
    permissions = string_list(default=list)  # what the domain or link grants: approval's defaults
    sub_accounts = string_list(null=True)  # None: every sub-account
    status = UnicodeAttribute()  # pending, approved, denied (expired: pending past expires_at)
    created_at = TimeAttribute()
    expires_at = TimeAttribute()
    decided_at = TimeAttribute(null=True)


class JoinRequesterItem(Item, discriminator="join_requester"):
    """ACCOUNT#<account_id> / JOINBY#<requester>: the requester's latest request, written in the same
    transaction as it, so at most one is pending per requester and a denial holds for 7 days."""

    request_id = UnicodeAttribute()
    status = UnicodeAttribute()
    expires_at = TimeAttribute()
    decided_at = TimeAttribute(null=True)


class JoinDigestItem(Item, discriminator="join_digest"):
    """ACCOUNT#<account_id> / JOINDIGEST: the account's user managers' digest of new join requests. Each new
    request marks it (`marked_at`, and due in gsi2 JOINDIGEST#<shard>), so the hourly step reads only the
    accounts with new requests; sending it sets `last_sent_at` under the condition that neither changed
    since read: at most one digest an hour, however many runs at once."""

    account_id = UnicodeAttribute()
    marked_at = TimeAttribute()
    last_sent_at = TimeAttribute(null=True)


class RemovedMarkItem(Item, discriminator="removed_mark"):
    """ACCOUNT#<account_id> / REMOVED#<user_id>: this user was removed by someone else (an admin, a group
    manager, SCIM), not left: a join lets them in only through an approved request."""

    removed_at = TimeAttribute()


class InviteLinkItem(Item, discriminator="invite_link"):
    """ACCOUNT#<account_id> / INVITELINK#<link_id>: a shareable link to join; only its token's hash kept.
    `uses` moves only by an ADD conditioned on `uses < max_uses` in the transaction of each use."""

    account_id = UnicodeAttribute()
    invite_link_id = UnicodeAttribute()
    token_hash = UnicodeAttribute()
    permissions = string_list(default=list)
    sub_accounts = string_list(null=True)  # None: every sub-account
    group_id = UnicodeAttribute(null=True)
    max_uses = NumberAttribute()
    uses = NumberAttribute(default=0)
    expires_at = TimeAttribute()
    allowed_domains = string_list(null=True)  # None: any email domain
    require_approval = BooleanAttribute(default=True)
    created_by = UnicodeAttribute(null=True)
    created_at = TimeAttribute()
    revoked_at = TimeAttribute(null=True)


class InviteTokenItem(Item, discriminator="invite_token"):
    """INVITETOKEN#<hash> / LINK: which link a token opens."""

    account_id = UnicodeAttribute()
    invite_link_id = UnicodeAttribute()


class InviteLinkRosterItem(Item, discriminator="invite_link_roster"):
    """ACCOUNT#<account_id> / INVITELINKS: the account's links that were live when the last one was made;
    a create rewrites it (dropping the revoked, expired and used up) at the version it read, so 10 live
    links at most hold under any concurrency."""

    live = string_list(default=list)
    version = NumberAttribute(default=0)
