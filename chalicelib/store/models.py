"""PynamoDB models of the one table: a base `Item` with the generic keys, one subclass per entity.

The `entity` discriminator lets a BatchGet or Query over mixed items hand back the right classes. Key shapes
live in store/keys.py; each docstring below repeats its entity's shape for the reader.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.constants import STRING
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def string_list(*, null: bool = False, default: Any = None) -> ListAttribute[str]:
    """A list of text. PynamoDB types `of=` as if it were the element's Python type, but a list of text takes
    the attribute class: one cast here instead of one at every use."""
    return cast("ListAttribute[str]", ListAttribute(of=UnicodeAttribute, null=null, default=default))


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(value: str) -> datetime:
    return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=UTC)


class TimeAttribute(Attribute[datetime]):
    """UTC time stored as fixed-width ISO 8601 text, so stored values sort as times do."""

    attr_type = STRING

    def serialize(self, value: datetime) -> str:
        return format_time(value)

    def deserialize(self, value: str) -> datetime:
        return parse_time(value)


# PynamoDB's Index.__init_subclass__ has no annotations; the subclasses below are plain declarations.
class UserIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi1: a user's profile and memberships in one partition (login, /me)."""

    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ExpiryIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi2: invitations by expiry time, sparse (only invitations carry gsi2 keys)."""

    class Meta:
        index_name = "gsi2"
        # group_id: the purge takes an expired invitation off its group's count
        projection = IncludeProjection(
            ["account_id", "invitation_id", "email", "token_hash", "entity", "group_id"]
        )

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Item(Model):
    class Meta:
        # Bound from the settings on first use (store/table.py `bind`).
        table_name: str | None = None
        region = "us-east-1"
        host: str | None = None
        connect_timeout_seconds: int = 2
        read_timeout_seconds: int = 4
        max_retry_attempts: int = 3

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    entity = DiscriminatorAttribute()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    ttl = TTLAttribute(null=True)

    by_user = UserIndex()
    by_expiry = ExpiryIndex()


class AccountItem(Item, discriminator="account"):
    """ACCOUNT#<account_id> / ACCOUNT"""

    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    owner_user_id = UnicodeAttribute(null=True)
    created_at = TimeAttribute()
    member_count = NumberAttribute(default=0)
    # Moved in the transactions that create and delete them, under the caps' conditions. webhook_count also
    # says whether the account's events enter the webhook outbox at all (store/listeners.py).
    webhook_count = NumberAttribute(default=0)
    group_count = NumberAttribute(default=0)
    # The ids of the account's sub-accounts that exist now, read with the account on every request: a scope
    # is what it names and is still here, so deleting a sub-account rewrites no member (ADD/DELETE keep it).
    sub_account_ids = UnicodeSetAttribute(null=True)


class ContactAttributes:
    """Contact details (domain/profile.py CONTACT_FIELDS): a person's own, or a member's at one account.
    A plain mixin: PynamoDB collects a model's attributes with inspect.getmembers, inherited ones included."""

    title = UnicodeAttribute(null=True)
    cell_phone = UnicodeAttribute(null=True)
    office_phone = UnicodeAttribute(null=True)
    extension = UnicodeAttribute(null=True)


class ProfileAttributes(ContactAttributes):
    """A person's names and contact details (PROFILE_FIELDS), as a user and an invitation store them."""

    first_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)


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
    window_started_at = TimeAttribute()


class MembersByEmailIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi3 (shared with the audit log's type filter): an account's members by email, `MEMBERS#<aid>`."""

    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class MembersByJoinedIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi4 (shared with the audit log's actor filter): an account's members by joined_at."""

    class Meta:
        index_name = "gsi4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class MembersByLoginIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi5 (shared with the audit log's target filter): an account's members by last_login_at."""

    class Meta:
        index_name = "gsi5"
        projection = AllProjection()

    gsi5pk = UnicodeAttribute(hash_key=True)
    gsi5sk = UnicodeAttribute(range_key=True)


class MembersByStatusIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi6: an account's members of one status by email, `MEMBERS#<aid>#<status>` (the status filter).
    Keys and the group only: the page itself is read from the table."""

    class Meta:
        index_name = "gsi6"
        projection = IncludeProjection(["group_id"])

    gsi6pk = UnicodeAttribute(hash_key=True)
    gsi6sk = UnicodeAttribute(range_key=True)


class MemberCardIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi7: an account's members as compact cards (keys + `card`, about 200 bytes each; the table's `pk` is
    its partition key, so only memberships, the one entity with a `card`, are in it). The sort columns no
    index orders are sorted from these in memory: 5,000 members are one MB, two Query pages."""

    class Meta:
        index_name = "gsi7"
        projection = KeysOnlyProjection()

    pk = UnicodeAttribute(hash_key=True)
    card = UnicodeAttribute(range_key=True)


class MembershipItem(ContactAttributes, Item, discriminator="membership"):
    """ACCOUNT#<account_id> / MEMBER#<user_id>, gsi1 USER#<user_id> / MEMBER#<account_id>. Its contact
    details are the member's at this account, set when they join and edited on the Users screen.

    Keeps no copy of the account's name (read from the account where shown, so a rename is one write);
    memberships stored with an old `account_name` attribute still load: PynamoDB skips unknown attributes.
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
    # Copies of the user's own fields, so a list page is read from the memberships alone. Rewritten in the
    # request that changes them (PATCH /me renames in every account, login sets last_login_at in its write).
    email = UnicodeAttribute()
    first_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)
    user_created_at = TimeAttribute()
    last_login_at = TimeAttribute(null=True)
    # The list indexes (store/keys.py member_index_keys, set by store/members.py index_member).
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    gsi5pk = UnicodeAttribute(null=True)
    gsi5sk = UnicodeAttribute(null=True)
    gsi6pk = UnicodeAttribute(null=True)
    gsi6sk = UnicodeAttribute(null=True)
    card = UnicodeAttribute(null=True)
    # One more on every write (store/member_index.py next_version): a write computed from a read holds only
    # while the membership is at the version read. Absent on one stored before versions: reads as 0.
    version = NumberAttribute(null=True)

    by_email = MembersByEmailIndex()
    by_joined = MembersByJoinedIndex()
    by_login = MembersByLoginIndex()
    by_status = MembersByStatusIndex()
    cards = MemberCardIndex()


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


class InvitationsByExpiryIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi3 (shared): an account's invitations by expiry, `INVITES#<aid>` (pending: after now)."""

    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class GroupInvitationsByExpiryIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi4 (shared): one group's invitations by expiry, `INVITES#<aid>#<group>` (a group manager's list)."""

    class Meta:
        index_name = "gsi4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class InvitationItem(ProfileAttributes, Item, discriminator="invitation"):
    """ACCOUNT#<account_id> / INVITATION#<id>, gsi2 INVEXP#<shard> / <expires_at>#<id>, gsi3 INVITES#<aid> /
    <expires_at>#<id>, gsi4 INVITES#<aid>#<group> / <expires_at>#<id>."""

    invitation_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    permissions = string_list(default=list)
    invited_by = UnicodeAttribute(null=True)
    invited_by_name = UnicodeAttribute(null=True)
    message = UnicodeAttribute(null=True)
    created_at = TimeAttribute()
    expires_at = TimeAttribute()
    last_sent_at = TimeAttribute()
    send_count = NumberAttribute(default=1)
    delivery = UnicodeAttribute(default="sent")
    valid_days = NumberAttribute(null=True)  # the invite's own validity (expires_in_days); None: the setting
    sub_accounts = string_list(null=True)  # None: every sub-account
    group_id = UnicodeAttribute(null=True)  # None: the default group
    group_manager = BooleanAttribute(null=True)
    token_hash = UnicodeAttribute()  # SHA-256 of the link token; the token itself is only in the email
    # The Idempotency-Key of the request that made it (store/idempotency.py current_request_id), so a retry
    # under that key recognises its own invitation and answers it as invited (a resumed bulk invite).
    request_id = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)

    by_account_expiry = InvitationsByExpiryIndex()
    by_group_expiry = GroupInvitationsByExpiryIndex()


class LinkItem(Item, discriminator="link"):
    """LINK#<sha256 of token> / LINK: what a one-time link opens (an invitation or a password reset)."""

    purpose = UnicodeAttribute()  # "invitation" or "password_reset"
    expires_at = TimeAttribute()
    email = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)
    invitation_id = UnicodeAttribute(null=True)
    # A reset link: its user. An invitation link: the user the email's login named when it was sent, only a
    # hint of which user item to read with the invitation (the login read with it decides).
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


class ContactItem(Item, discriminator="contact"):
    """ACCOUNT#<account_id> / CONTACT#<contact_id>"""

    contact_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    email = UnicodeAttribute()
    first_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)
    company_name = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    email_preferences = string_list(default=list)  # the categories opted in
    created_at = TimeAttribute()


class ContactEmailItem(Item, discriminator="contact_email"):
    """ACCOUNT#<account_id> / CONTACTEMAIL#<email>: one contact per email per account."""

    contact_id = UnicodeAttribute()


class ContactCategoryItem(Item, discriminator="contact_category"):
    """ACCOUNT#<account_id> / NOTIFY#<category>#<email>: a contact opted in to a category, written with the
    contact, so the recipients of one category are one Query of exactly them (a sparse index by rows)."""

    contact_id = UnicodeAttribute()
    email = UnicodeAttribute()


class SubAccountItem(Item, discriminator="sub_account"):
    """ACCOUNT#<account_id> / SUBACCOUNT#<sub_account_id>: a part of an account (a customer's billing entity,
    site or project) that members may be limited to."""

    sub_account_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = TimeAttribute()


class GroupItem(Item, discriminator="group"):
    """ACCOUNT#<account_id> / MEMBERGROUP#<group_id>: a custom user group. Its permissions and scope are
    read when its members are authorized, so a change applies to all of them at once. The counts move in the
    same transactions as memberships and invitations, so deleting a group can require both to be zero."""

    group_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    permissions = string_list(default=list)
    sub_accounts = string_list(null=True)  # None: every sub-account
    created_at = TimeAttribute()
    member_count = NumberAttribute(default=0)
    invitation_count = NumberAttribute(default=0)


class AuditTypeIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi3: an account's audit events of one type, by time."""

    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class AuditActorIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi4: an account's audit events made by one user, by time."""

    class Meta:
        index_name = "gsi4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True)
    gsi4sk = UnicodeAttribute(range_key=True)


class AuditTargetIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi5: an account's audit events about one member, invitation, contact, ..., by time."""

    class Meta:
        index_name = "gsi5"
        projection = AllProjection()

    gsi5pk = UnicodeAttribute(hash_key=True)
    gsi5sk = UnicodeAttribute(range_key=True)


class AuditEventItem(Item, discriminator="audit_event"):
    """AUDIT#<account_id> / <occurred_at µs>#<event_id>, with gsi3-5 for the type, actor and target filters.
    Written in the same transaction as the change it records; `ttl` ends it after AUDIT_RETENTION_DAYS."""

    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    account_id = UnicodeAttribute()
    occurred_at = TimeAttribute()
    actor_kind = UnicodeAttribute()
    actor_user_id = UnicodeAttribute(null=True)
    actor_email = UnicodeAttribute(null=True)
    target_kind = UnicodeAttribute()
    target_id = UnicodeAttribute()
    target_email = UnicodeAttribute(null=True)
    changes = UnicodeAttribute(null=True)  # JSON: {field: [old, new]}
    request_id = UnicodeAttribute(null=True)
    source_ip = UnicodeAttribute(null=True)
    # An operator acting through a support session (domain/audit.py Actor).
    actor_support_session_id = UnicodeAttribute(null=True)
    actor_reason = UnicodeAttribute(null=True)
    actor_acting_as = UnicodeAttribute(null=True)
    # The webhook outbox's tries to hand it to the endpoints (FAN_OUT_RETRIES), and why it was parked.
    fan_out_attempts = NumberAttribute(null=True)
    fan_out_error = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)
    gsi5pk = UnicodeAttribute(null=True)
    gsi5sk = UnicodeAttribute(null=True)

    by_type = AuditTypeIndex()
    by_actor = AuditActorIndex()
    by_target = AuditTargetIndex()


class WebhookItem(Item, discriminator="webhook"):
    """ACCOUNT#<account_id> / WEBHOOK#<id>, or WEBHOOKS / WEBHOOK#<id> for the operator's endpoints.

    The signing secrets are kept as they are (HMAC needs them; DynamoDB encrypts them at rest) and leave
    only in the answers that create or rotate them: no output model has a field for them."""

    webhook_id = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)  # None: the operator's, for every account
    url = UnicodeAttribute()
    event_types = string_list(default=list)  # ["*"]: every type
    description = UnicodeAttribute(null=True)
    enabled = BooleanAttribute(default=True)
    created_at = TimeAttribute()
    last_delivery_at = TimeAttribute(null=True)
    failing_since = TimeAttribute(null=True)
    secret = UnicodeAttribute()
    previous_secret = UnicodeAttribute(null=True)  # a rotated one, still signing until it lapses
    previous_secret_until = TimeAttribute(null=True)
    # Set when the endpoint is turned back on while deliveries are held for it: the worker finds it through
    # gsi2 (RELEASE#<shard>) and makes them due again, then removes the mark.


class DeliveryItem(Item, discriminator="delivery"):
    """WEBHOOK#<webhook_id> / DELIVERY#<id>, gsi2 DUE#<shard> / <next_attempt_at>#<id> while pending: one
    event for one endpoint, its body fixed when it was made (the signature covers those bytes)."""

    delivery_id = UnicodeAttribute()
    webhook_id = UnicodeAttribute()
    account_id = UnicodeAttribute(null=True)  # the webhook's (None: the operator's)
    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    body = UnicodeAttribute()
    # pending, succeeded, failed, or held (its endpoint is turned off: out of the due index, in HELD#<webhook>
    # until the endpoint is on again; shown as pending)
    status = UnicodeAttribute(default="pending")
    attempts = NumberAttribute(default=0)
    first_attempt_at = TimeAttribute()
    next_attempt_at = TimeAttribute(null=True)
    last_attempt_at = TimeAttribute(null=True)
    last_status_code = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)


class SupportSessionItem(Item, discriminator="support_session"):
    """ACCOUNT#<account_id> / SUPPORTSESSION#<id>: support staff acting as a member until `expires_at` (or
    `ended_at`). Read with every request its token makes, so ending it applies at once; `ttl` removes it
    once expired. Holds no token: the token names this item, never the other way round."""

    support_session_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    created_at = TimeAttribute()
    expires_at = TimeAttribute()
    ended_at = TimeAttribute(null=True)


class GroupNameItem(Item, discriminator="group_name"):
    """ACCOUNT#<account_id> / GROUPNAME#<casefolded name>: one group per name per account."""

    group_id = UnicodeAttribute()


class MailItem(Item, discriminator="mail"):
    """MAIL#<mail_id> / MAIL, gsi2 MAILDUE#<shard> / <next_attempt_at>#<id> while pending: one email in the
    outbox, committed with the change that causes it. It holds what to render, never a usable link: a link's
    token is derived from `nonce` with the service's secret (security/links.py), so the table alone (a dump,
    a backup) opens nothing."""

    mail_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # invitation, password_reset, reset_request, notice (domain/outbox.py)
    to = UnicodeAttribute()
    nonce = UnicodeAttribute(null=True)  # the link's seed (invitation, password reset)
    account_id = UnicodeAttribute(null=True)
    invitation_id = UnicodeAttribute(null=True)
    template = UnicodeAttribute(null=True)  # a notice: its template and values (JSON), no secrets in them
    values = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="pending")  # pending, sent, failed, dropped (nothing left to send)
    attempts = NumberAttribute(default=0)
    created_at = TimeAttribute()
    next_attempt_at = TimeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)


class CounterItem(Item, discriminator="counter"):
    """A count in a fixed window (RECIPIENT#<email> / HOUR#..., INVITECOUNT#<account_id> / DAY#...), raised by
    a conditional ADD in the transaction of what it counts; `ttl` removes it once its window is over."""

    total = NumberAttribute(default=0)


class IdempotencyItem(Item, discriminator="idempotency"):
    """IDEMPOTENCY#<caller> / <route>#<sha256 of the key>: a create's first answer, replayed for 24 h."""

    body_digest = UnicodeAttribute()  # SHA-256 of the request body the key first came with
    status_code = NumberAttribute(null=True)  # None while the first request is still running
    answer = UnicodeAttribute(null=True)  # the JSON body answered
    created_at = TimeAttribute()
    holder = UnicodeAttribute(null=True)  # the holding request's random token: its later writes check it
    lease_until = TimeAttribute(null=True)  # the first request's hold; past it, that request is gone
    committed_at = TimeAttribute(null=True)  # set in the first transaction the request committed
