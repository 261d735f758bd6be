"""What every part of the keys shares: the key types, the id alphabet, the sort-key prefixes of an account's
items, the account's and the user's partitions, and the shard hash.

Every key shape of the single table (keys.py re-exports them all):

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


def account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def shard(identifier: str, shards: int) -> int:
    """A stable spread of ids over `shards` index partitions (the same on every process and deploy)."""
    return int(hashlib.sha256(identifier.encode()).hexdigest(), 16) % shards
