"""Every key shape of the single table, and nothing else.

No other module writes "ACCOUNT#..." or "USER#...": they ask here. A key is a (partition, sort) pair;
index keys are named after the index they belong to (gsi1: a user's side of things, gsi2: expiry).

    account          ACCOUNT#<account_id>   ACCOUNT
    membership       ACCOUNT#<account_id>   MEMBER#<user_id>        gsi1: USER#<user_id>  MEMBER#<account_id>
                         gsi3: MEMBERS#<account_id>  <email>#<user_id>          (the default sort)
                         gsi4: MEMBERS#<account_id>  <joined_at>#<user_id>
                         gsi5: MEMBERS#<account_id>  <last_login_at or "">#<user_id>
                         gsi6: MEMBERS#<account_id>#<status>  <email>#<user_id>  (the status filter)
                         gsi7: (the table's pk)  card                    (compact cards, other sorts)
                         gsi2: TICKETS#<account_id>[#GROUP#<group_id>]  <email>#<user_id>  (sparse, active
                               only: holding `tickets` themselves, or in a custom group; the owner's ticket)
    email claim      ACCOUNT#<account_id>   EMAIL#<email>           (one member or pending invite per email)
    invitation       ACCOUNT#<account_id>   INVITATION#<id>         gsi2: INVEXP#<shard>  <expires_at>#<id>
                         gsi3: INVITES#<account_id>  <expires_at>#<id>   (pending: after now)
                         gsi4: INVITES#<account_id>#<group>  <expires_at>#<id>  (a group's invitations)
    contact          ACCOUNT#<account_id>   CONTACT#<contact_id>
    contact email    ACCOUNT#<account_id>   CONTACTEMAIL#<email>    (also the contacts list, by email)
    contact category ACCOUNT#<account_id>   NOTIFY#<category>#<email>  (the recipients of a category)
    sub-account      ACCOUNT#<account_id>   SUBACCOUNT#<sub_account_id>
    user group       ACCOUNT#<account_id>   MEMBERGROUP#<group_id>
    group name       ACCOUNT#<account_id>   GROUPNAME#<casefolded name>  (one group per name per account)
    support session  ACCOUNT#<account_id>   SUPPORTSESSION#<id>     (read with every request its token makes)
    user             USER#<user_id>         PROFILE                 gsi1: USER#<user_id>  PROFILE
    login            LOGIN#<email>          LOGIN                   (email -> user id + password hash)
    login failures   LOGIN#<email>          FAILURES
    link token       LINK#<sha256>          LINK                    (invitation or password-reset link)
    revoked token    REVOKED#<token_id>     REVOKED
    audit event      AUDIT#<account_id>     <occurred_at µs>#<event_id>
                         gsi3: AUDIT#<account_id>#TYPE#<type>     same sort key (the type filter)
                         gsi4: AUDIT#<account_id>#ACTOR#<user_id> same sort key (the actor filter)
                         gsi5: AUDIT#<account_id>#TARGET#<id>     same sort key (the target filter)
                         gsi2: OUTBOX#<shard>  <occurred_at>#<event_id>  until fanned out to webhooks
                                                     (only while the account or the operator has endpoints)
    webhook          ACCOUNT#<account_id>   WEBHOOK#<webhook_id>    (an account's endpoint)
                     WEBHOOKS               WEBHOOK#<webhook_id>    (the operator's, for every account)
    webhook count    WEBHOOKS               COUNT                   (the operator's endpoints)
    delivery         WEBHOOK#<webhook_id>   DELIVERY#<delivery_id>  gsi2: DUE#<shard>  <next_attempt>#<id>
                                                                      while pending, or HELD#<webhook_id>
                                                                      <first_attempt>#<id> while held
    outgoing email   MAIL#<mail_id>         MAIL                    gsi2: MAILDUE#<shard>  <next_attempt>#<id>
                                                                      while pending (the email outbox)
    recipient count  RECIPIENT#<email>      HOUR#<yyyy-mm-ddThh> / DAY#<yyyy-mm-dd> / RESETS#<yyyy-mm-ddThh>
                                                                    (emails to one address per window)
    account invites  INVITECOUNT#<account_id>  DAY#<yyyy-mm-dd>     (invitations an account sent that day)
    idempotency      IDEMPOTENCY#<caller>   <route>#<key>           (a create's first answer, for 24 h)
"""

from __future__ import annotations

import hashlib
import re

Key = tuple[str, str]
Key4 = tuple[str, str, str, str]

# Path parameters flow into keys: anything outside this alphabet cannot name an item of ours.
_ID_PATTERN = re.compile(r"^[a-z]{2,4}_[0-9a-f]{24}$")
EXPIRY_SHARDS = 4

ACCOUNT_SK = "ACCOUNT"
PROFILE_SK = "PROFILE"
MEMBER_PREFIX = "MEMBER#"
INVITATION_PREFIX = "INVITATION#"
CONTACT_PREFIX = "CONTACT#"
SUB_ACCOUNT_PREFIX = "SUBACCOUNT#"
GROUP_PREFIX = "MEMBERGROUP#"


CONTACT_EMAIL_PREFIX = "CONTACTEMAIL#"
NOTIFY_PREFIX = "NOTIFY#"


def is_valid_id(value: str) -> bool:
    return bool(_ID_PATTERN.match(value))


def _account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


def _user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def account(account_id: str) -> Key:
    return _account_pk(account_id), ACCOUNT_SK


def membership(account_id: str, user_id: str) -> Key:
    return _account_pk(account_id), f"{MEMBER_PREFIX}{user_id}"


def membership_gsi1(account_id: str, user_id: str) -> Key:
    return _user_pk(user_id), f"{MEMBER_PREFIX}{account_id}"


def members_of(account_id: str) -> Key:
    """Partition and sort-key prefix of an account's memberships."""
    return _account_pk(account_id), MEMBER_PREFIX


def memberships_of_user(user_id: str) -> Key:
    """gsi1 partition and sort-key prefix of a user's memberships."""
    return _user_pk(user_id), MEMBER_PREFIX


def user_collection(user_id: str) -> str:
    """gsi1 partition holding a user's profile and all their memberships."""
    return _user_pk(user_id)


def _members_index_pk(account_id: str) -> str:
    return f"MEMBERS#{account_id}"


def members_index_partition(account_id: str, status: str | None = None) -> str:
    """The partition of an account's members in gsi3-5 (status None) or, with a status, in gsi6."""
    return _members_index_pk(account_id) + (f"#{status}" if status else "")


def member_index_sort_key(value: str, user_id: str) -> str:
    """A list index's sort key: the column's value, then the user id (unique, so the order is total; '#'
    sorts below every character that can follow a shorter email or time, so it orders like the pair)."""
    return f"{value}#{user_id}"


def member_index_keys(
    account_id: str, user_id: str, email: str, joined_at_iso: str, last_login_iso: str | None, status: str
) -> dict[str, str]:
    """Every list-index key of one membership."""
    everyone = _members_index_pk(account_id)
    by_email = member_index_sort_key(email, user_id)
    return {
        "gsi3pk": everyone,
        "gsi3sk": by_email,
        "gsi4pk": everyone,
        "gsi4sk": member_index_sort_key(joined_at_iso, user_id),
        "gsi5pk": everyone,
        "gsi5sk": member_index_sort_key(last_login_iso or "", user_id),
        "gsi6pk": members_index_partition(account_id, status),
        "gsi6sk": by_email,
    }


def invitations_index_partition(account_id: str, group_id: str | None = None) -> str:
    """An account's invitations in gsi3, or (with the group, default included) one group's in gsi4."""
    return f"INVITES#{account_id}" + (f"#{group_id}" if group_id else "")


def invitation_index_keys(account_id: str, invitation_id: str, group_id: str, expires_at_iso: str) -> Key4:
    sort_key = f"{expires_at_iso}#{invitation_id}"
    return (
        invitations_index_partition(account_id),
        sort_key,
        invitations_index_partition(account_id, group_id),
        sort_key,
    )


def invitation_index_bound(now_iso: str) -> str:
    """gsi3/gsi4 sort key between expired (<=) and pending (>) invitations at now_iso ('$' after '#')."""
    return f"{now_iso}$"


def ticket_stream(account_id: str, group_id: str | None = None) -> str:
    """The gsi2 partition of the active members who hold `tickets` themselves (group None: admins, members
    granted it; never the owner), or of one custom group's active members (what they hold is the group's)."""
    return f"TICKETS#{account_id}" + (f"#GROUP#{group_id}" if group_id else "")


def ticket_stream_sort_key(email: str, user_id: str) -> str:
    return member_index_sort_key(email, user_id)


def after_email(email: str) -> str:
    """A sort key above every `<email>#...` key of `email` and below any later email's ('$' after '#';
    no character an email can continue with sorts between them)."""
    return f"{email}$"


def contact_emails_of(account_id: str) -> Key:
    """The contacts' email items, in email order (the contacts list)."""
    return _account_pk(account_id), CONTACT_EMAIL_PREFIX


def contact_category(account_id: str, category: str, email: str) -> Key:
    return _account_pk(account_id), f"{NOTIFY_PREFIX}{category}#{email}"


def contact_categories_of(account_id: str, category: str) -> Key:
    return _account_pk(account_id), f"{NOTIFY_PREFIX}{category}#"


def email_claim(account_id: str, email: str) -> Key:
    return _account_pk(account_id), f"EMAIL#{email}"


def invitation(account_id: str, invitation_id: str) -> Key:
    return _account_pk(account_id), f"{INVITATION_PREFIX}{invitation_id}"


def invitations_of(account_id: str) -> Key:
    return _account_pk(account_id), INVITATION_PREFIX


def expiry_partitions() -> list[str]:
    return [f"INVEXP#{shard}" for shard in range(EXPIRY_SHARDS)]


def invitation_expiry_gsi2(invitation_id: str, expires_at_iso: str) -> Key:
    # Sharded so no single index partition takes every invitation write; the purge queries each shard
    # for sort keys up to "now", so it reads only what has expired.
    return f"INVEXP#{_shard(invitation_id, EXPIRY_SHARDS)}", f"{expires_at_iso}#{invitation_id}"


def expiry_upper_bound(now_iso: str) -> str:
    """Largest gsi2 sort key that has expired at now_iso ('$' sorts after '#')."""
    return f"{now_iso}$"


def contact(account_id: str, contact_id: str) -> Key:
    return _account_pk(account_id), f"{CONTACT_PREFIX}{contact_id}"


def contacts_of(account_id: str) -> Key:
    return _account_pk(account_id), CONTACT_PREFIX


def contact_email(account_id: str, email: str) -> Key:
    return _account_pk(account_id), f"{CONTACT_EMAIL_PREFIX}{email}"


def sub_account(account_id: str, sub_account_id: str) -> Key:
    return _account_pk(account_id), f"{SUB_ACCOUNT_PREFIX}{sub_account_id}"


def sub_accounts_of(account_id: str) -> Key:
    return _account_pk(account_id), SUB_ACCOUNT_PREFIX


def group(account_id: str, group_id: str) -> Key:
    return _account_pk(account_id), f"{GROUP_PREFIX}{group_id}"


def groups_of(account_id: str) -> Key:
    return _account_pk(account_id), GROUP_PREFIX


def group_name(account_id: str, casefolded_name: str) -> Key:
    return _account_pk(account_id), f"GROUPNAME#{casefolded_name}"


def support_session(account_id: str, session_id: str) -> Key:
    return _account_pk(account_id), f"SUPPORTSESSION#{session_id}"


def user(user_id: str) -> Key:
    return _user_pk(user_id), PROFILE_SK


def user_gsi1(user_id: str) -> Key:
    return _user_pk(user_id), PROFILE_SK


def login(email: str) -> Key:
    return f"LOGIN#{email}", "LOGIN"


def login_failures(email: str) -> Key:
    return f"LOGIN#{email}", "FAILURES"


def link(token_hash: str) -> Key:
    return f"LINK#{token_hash}", "LINK"


def revoked_token(token_id: str) -> Key:
    return f"REVOKED#{token_id}", "REVOKED"


def audit_log(account_id: str) -> str:
    """The partition of an account's audit events (not the account's own: the log grows without bound)."""
    return f"AUDIT#{account_id}"


def audit_event(account_id: str, occurred_at: str, event_id: str) -> Key:
    """`occurred_at`: fixed-width text to the microsecond, so the sort key orders events by time."""
    return audit_log(account_id), f"{occurred_at}#{event_id}"


def audit_by_type(account_id: str, event_type: str) -> str:
    return f"{audit_log(account_id)}#TYPE#{event_type}"


def audit_by_actor(account_id: str, user_id: str) -> str:
    return f"{audit_log(account_id)}#ACTOR#{user_id}"


def audit_by_target(account_id: str, target_id: str) -> str:
    return f"{audit_log(account_id)}#TARGET#{target_id}"


OPERATOR_WEBHOOKS = "WEBHOOKS"
WEBHOOK_PREFIX = "WEBHOOK#"
DELIVERY_PREFIX = "DELIVERY#"


def webhook(account_id: str | None, webhook_id: str) -> Key:
    """An account's endpoint, or (account_id None) one of the operator's, which hear every account."""
    return (_account_pk(account_id) if account_id else OPERATOR_WEBHOOKS), f"{WEBHOOK_PREFIX}{webhook_id}"


def webhooks_of(account_id: str | None) -> Key:
    return (_account_pk(account_id) if account_id else OPERATOR_WEBHOOKS), WEBHOOK_PREFIX


def delivery(webhook_id: str, delivery_id: str) -> Key:
    return f"{WEBHOOK_PREFIX}{webhook_id}", f"{DELIVERY_PREFIX}{delivery_id}"


def delivery_id_of(sk: str) -> str:
    """The delivery's id from its sort key (an index entry carries only the keys)."""
    return sk.removeprefix(DELIVERY_PREFIX)


def deliveries_of(webhook_id: str) -> Key:
    return f"{WEBHOOK_PREFIX}{webhook_id}", DELIVERY_PREFIX


# The background work's queues (store/due.py): each kind's waiting items, spread over this many index
# partitions so that no one partition carries every account's work (docs/scale.md).
WORK_SHARDS = 16
DUE_KINDS = ("OUTBOX", "DUE", "MAILDUE")  # events to fan out, deliveries due, emails due


def due(kind: str, item_id: str, when_iso: str) -> Key:
    """A waiting item of one kind of background work, by when it is due (sparse: removed once done)."""
    return f"{kind}#{_shard(item_id, WORK_SHARDS)}", f"{when_iso}#{item_id}"


def due_partitions(kind: str) -> list[str]:
    return [f"{kind}#{shard}" for shard in range(WORK_SHARDS)]


def _shard(identifier: str, shards: int) -> int:
    """A stable spread of ids over `shards` index partitions (the same on every process and deploy)."""
    return int(hashlib.sha256(identifier.encode()).hexdigest(), 16) % shards


def held(webhook_id: str, first_attempt_iso: str, delivery_id: str) -> Key:
    """A delivery held for an endpoint that is turned off, in the order its events came (gsi2)."""
    return held_of(webhook_id), f"{first_attempt_iso}#{delivery_id}"


def held_of(webhook_id: str) -> str:
    return f"HELD#{webhook_id}"


def operator_webhook_count() -> Key:
    """How many endpoints the operator has (an account's count is on its account item)."""
    return OPERATOR_WEBHOOKS, "COUNT"


def mail(mail_id: str) -> Key:
    return f"MAIL#{mail_id}", "MAIL"


def recipient_count(email: str, window: str) -> Key:
    """Emails to one address in one fixed window (`window`: "HOUR#...", "DAY#..." or "RESETS#...")."""
    return f"RECIPIENT#{email}", window


def account_invitation_count(account_id: str, day: str) -> Key:
    return f"INVITECOUNT#{account_id}", f"DAY#{day}"


def idempotency(caller: str, route: str, key_digest: str) -> Key:
    """`caller`: who asked (a user id, or the operator); `key_digest`: the header's SHA-256, so any text the
    client chose never becomes part of a key."""
    return f"IDEMPOTENCY#{caller}", f"{route}#{key_digest}"
