"""Every key shape of the single table, and nothing else.

No other module writes "ACCOUNT#..." or "USER#...": they ask here. A key is a (partition, sort) pair;
index keys are named after the index they belong to (gsi1: a user's side of things, gsi2: expiry).

    account          ACCOUNT#<account_id>   ACCOUNT
    member counts    ACCOUNT#<account_id>   ACCOUNT#COUNT#<k>       (COUNT_SHARDS deltas an accept adds to)
    membership       ACCOUNT#<account_id>   MEMBER#<user_id>        gsi1: USER#<user_id>  MEMBER#~<name>...
                         (MEMBER#~<name>\x01<aid> active, MEMBER#-<name>\x01<aid> deactivated, MEMBER#<aid>
                         not yet named: keys_accounts.membership_gsi1, the account list in name order)
                         members_<column>: MEMBERS#<account_id>  <status>#<value><0x01><user_id>
                         group_<column>: MEMBERS#<account_id>#G#<group>  same sort key
                         (one pair per sort column; the list keys, keys_accounts.member_list_keys)
                         gsi2: TICKETS#<account_id>[#GROUP#<group_id>]  <email>#<user_id>  (sparse, active
                               only: holding `tickets` themselves, or in a custom group; the owner's ticket)
    email claim      ACCOUNT#<account_id>   EMAIL#<email>           (one member or pending invite per email)
    invitation       ACCOUNT#<account_id>   INVITATION#<id>         gsi2: INVEXP#<shard>  <expires_at>#<id>
                         gsi3: INVITES#<account_id>  <expires_at>#<id>   (pending: after now)
                         gsi4: INVITES#<account_id>#<group>  <expires_at>#<id>  (a group's invitations)
                         gsi5: INVREMIND#<shard>  <reminder due>#<id>  (sparse: until reminded, see
                               domain/reminders.py)
    contact          ACCOUNT#<account_id>   CONTACT#<contact_id>
    contact email    ACCOUNT#<account_id>   CONTACTEMAIL#<email>    (also the contacts list, by email)
    contact category ACCOUNT#<account_id>   NOTIFY#<category>#<email>  (the recipients of a category)
    sub-account      ACCOUNT#<account_id>   SUBACCOUNT#<sub_account_id>
    user group       ACCOUNT#<account_id>   MEMBERGROUP#<group_id>
    group counts     ACCOUNT#<account_id>   MEMBERGROUP#<group_id>#COUNT#<k>  (the deltas accepts add)
    group name       ACCOUNT#<account_id>   GROUPNAME#<casefolded name>  (one group per name per account)
    support session  ACCOUNT#<account_id>   SUPPORTSESSION#<id>     (read with every request its token makes)
    user             USER#<user_id>         PROFILE                 gsi1: USER#<user_id>  PROFILE
    login            LOGIN#<email>          LOGIN                   (email -> user id + password hash)
    login failures   LOGIN#<email>          FAILURES
    link token       LINK#<sha256>          LINK                    (invitation or password-reset link)
    revoked token    REVOKED#<token_id>     REVOKED
    totp             USER#<user_id>         TOTP                    (the secret, sealed; the last step used)
    recovery codes   USER#<user_id>         RECOVERY                (a set of SHA-256 hashes)
    code failures    USER#<user_id>         CODEFAILURES            (wrong second-factor codes, 15 minutes)
    passkey          USER#<user_id>         PASSKEY#<passkey_id>
    credential       CREDENTIAL#<cred id>   CREDENTIAL              (-> user and passkey: passwordless)
    challenge        CHALLENGE#<sha256>     CHALLENGE               (an mfa_token or WebAuthn challenge)
    session          USER#<user_id>         SESSION#<session_id>    (a sign-in, read with its requests)
    security event   USER#<user_id>         SECEVENT#<time>#<id>    (a user's own, for 90 days)
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
    email domain     ACCOUNT#<account_id>   EMAILDOMAIN#<domain>    gsi2: DOMAINDUE#<shard>  <next_check>#<id>
    domain claim     DOMAIN#<domain>        CLAIM                   (keys_domains.py: issue 29)
    join request     ACCOUNT#<account_id>   JOINREQ#<request_id>    (and JOINBY#<requester>, REMOVED#<uid>)
    invite link      ACCOUNT#<account_id>   INVITELINK#<link_id>    (and INVITETOKEN#<hash>, INVITELINKS)

The shapes are built in parts, each one area's keys: keys_base.py (what they share), keys_accounts.py,
keys_people.py, keys_sessions.py, keys_work.py and keys_domains.py; every name is re-exported here, so `from
chalicelib.store import keys` and `keys.membership(...)` read as they always did, and no module outside
keys*.py spells a key.
"""

from __future__ import annotations

from chalicelib.store.keys_accounts import (
    COUNT_SHARDS,
    GROUP_LIST_PK,
    MEMBER_LIST_PK,
    MEMBER_SORT_COLUMNS,
    MEMBER_STATUSES,
    account,
    account_count,
    account_counts,
    after_email,
    contact,
    contact_categories_of,
    contact_category,
    contact_email,
    contact_emails_of,
    contacts_of,
    email_claim,
    expiry_partitions,
    expiry_upper_bound,
    group,
    group_count,
    group_counts,
    group_name,
    groups_of,
    invitation,
    invitation_expiry_gsi2,
    invitation_index_bound,
    invitation_index_keys,
    invitation_reminder_gsi5,
    invitations_index_partition,
    invitations_of,
    is_listed,
    listed_accounts,
    member_list_keys,
    member_list_partition,
    member_list_sort_key,
    member_sort_attribute,
    member_status_range,
    members_of,
    membership,
    membership_gsi1,
    memberships_of_user,
    reminder_partitions,
    sub_account,
    sub_accounts_of,
    support_session,
    ticket_stream,
    ticket_stream_sort_key,
    user_collection,
)
from chalicelib.store.keys_base import (
    ACCOUNT_SK,
    CONTACT_EMAIL_PREFIX,
    CONTACT_PREFIX,
    EXPIRY_SHARDS,
    GROUP_PREFIX,
    INVITATION_PREFIX,
    MEMBER_PREFIX,
    NOTIFY_PREFIX,
    PROFILE_SK,
    SUB_ACCOUNT_PREFIX,
    Key,
    Key4,
    account_pk,
    is_valid_id,
    shard,
    user_pk,
)
from chalicelib.store.keys_domains import (
    DOMAIN_DUE,
    EMAIL_DOMAIN_PREFIX,
    INVITE_LINK_PREFIX,
    JOIN_REQUEST_DUE,
    JOIN_REQUEST_PREFIX,
    domain_claim,
    domain_due_id,
    email_domain,
    email_domains_of,
    invite_link,
    invite_link_hour,
    invite_link_roster,
    invite_links_of,
    invite_token,
    join_request,
    join_request_due_id,
    join_requester,
    join_requests_of,
    removed_mark,
)
from chalicelib.store.keys_people import (
    PASSKEY_PREFIX,
    challenge,
    code_failures,
    link,
    login,
    login_failures,
    passkey,
    passkey_credential,
    passkeys_of,
    recovery_codes,
    revoked_token,
    totp,
    user,
    user_gsi1,
)
from chalicelib.store.keys_sessions import (
    SECURITY_EVENT_PREFIX,
    SESSION_PREFIX,
    security_event,
    session,
)
from chalicelib.store.keys_work import (
    DELIVERY_PREFIX,
    DUE_KINDS,
    OPERATOR_WEBHOOKS,
    WEBHOOK_PREFIX,
    WORK_SHARDS,
    account_invitation_count,
    audit_by_actor,
    audit_by_target,
    audit_by_type,
    audit_event,
    audit_log,
    deliveries_of,
    delivery,
    delivery_id_of,
    due,
    due_partitions,
    held,
    held_of,
    idempotency,
    mail,
    operator_webhook_count,
    recipient_count,
    webhook,
    webhooks_of,
)

__all__ = [
    "ACCOUNT_SK",
    "CONTACT_EMAIL_PREFIX",
    "CONTACT_PREFIX",
    "COUNT_SHARDS",
    "DELIVERY_PREFIX",
    "DOMAIN_DUE",
    "DUE_KINDS",
    "EMAIL_DOMAIN_PREFIX",
    "EXPIRY_SHARDS",
    "GROUP_LIST_PK",
    "GROUP_PREFIX",
    "INVITATION_PREFIX",
    "INVITE_LINK_PREFIX",
    "JOIN_REQUEST_DUE",
    "JOIN_REQUEST_PREFIX",
    "MEMBER_LIST_PK",
    "MEMBER_PREFIX",
    "MEMBER_SORT_COLUMNS",
    "MEMBER_STATUSES",
    "NOTIFY_PREFIX",
    "OPERATOR_WEBHOOKS",
    "PASSKEY_PREFIX",
    "PROFILE_SK",
    "SECURITY_EVENT_PREFIX",
    "SESSION_PREFIX",
    "SUB_ACCOUNT_PREFIX",
    "WEBHOOK_PREFIX",
    "WORK_SHARDS",
    "Key",
    "Key4",
    "account",
    "account_count",
    "account_counts",
    "account_invitation_count",
    "account_pk",
    "after_email",
    "audit_by_actor",
    "audit_by_target",
    "audit_by_type",
    "audit_event",
    "audit_log",
    "challenge",
    "code_failures",
    "contact",
    "contact_categories_of",
    "contact_category",
    "contact_email",
    "contact_emails_of",
    "contacts_of",
    "deliveries_of",
    "delivery",
    "delivery_id_of",
    "domain_claim",
    "domain_due_id",
    "due",
    "due_partitions",
    "email_claim",
    "email_domain",
    "email_domains_of",
    "expiry_partitions",
    "expiry_upper_bound",
    "group",
    "group_count",
    "group_counts",
    "group_name",
    "groups_of",
    "held",
    "held_of",
    "idempotency",
    "invitation",
    "invitation_expiry_gsi2",
    "invitation_index_bound",
    "invitation_index_keys",
    "invitation_reminder_gsi5",
    "invitations_index_partition",
    "invitations_of",
    "invite_link",
    "invite_link_hour",
    "invite_link_roster",
    "invite_links_of",
    "invite_token",
    "is_listed",
    "is_valid_id",
    "join_request",
    "join_request_due_id",
    "join_requester",
    "join_requests_of",
    "link",
    "listed_accounts",
    "login",
    "login_failures",
    "mail",
    "member_list_keys",
    "member_list_partition",
    "member_list_sort_key",
    "member_sort_attribute",
    "member_status_range",
    "members_of",
    "membership",
    "membership_gsi1",
    "memberships_of_user",
    "operator_webhook_count",
    "passkey",
    "passkey_credential",
    "passkeys_of",
    "recipient_count",
    "recovery_codes",
    "reminder_partitions",
    "removed_mark",
    "revoked_token",
    "security_event",
    "session",
    "shard",
    "sub_account",
    "sub_accounts_of",
    "support_session",
    "ticket_stream",
    "ticket_stream_sort_key",
    "totp",
    "user",
    "user_collection",
    "user_gsi1",
    "user_pk",
    "webhook",
    "webhooks_of",
]
