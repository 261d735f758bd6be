"""The keys of an account's items: the account, its memberships (and their list indexes), email claims,
invitations (and their expiry and list indexes), contacts, sub-accounts, groups and support sessions."""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.store.keys_base import (
    ACCOUNT_SK,
    CONTACT_EMAIL_PREFIX,
    CONTACT_PREFIX,
    EXPIRY_SHARDS,
    GROUP_PREFIX,
    INVITATION_PREFIX,
    MEMBER_PREFIX,
    NOTIFY_PREFIX,
    SUB_ACCOUNT_PREFIX,
    Key,
    Key4,
    account_pk,
    shard,
    user_pk,
)


def account(account_id: str) -> Key:
    return account_pk(account_id), ACCOUNT_SK


# The account's member counters beside its item: accepts add to one of these (by user) instead of the account
# item, so concurrent accepts of one account rarely write the same item (docs/scale.md, "Hot items").
COUNT_SHARDS = 4
_COUNT_PREFIX = "ACCOUNT#COUNT#"


def account_count(account_id: str, user_id: str) -> Key:
    """The counter shard an accept of this user adds to (the same one for the user every time)."""
    return account_pk(account_id), f"{_COUNT_PREFIX}{shard(user_id, COUNT_SHARDS)}"


def account_counts(account_id: str) -> list[Key]:
    """Every counter shard of the account: read with the account item wherever its counts are shown."""
    return [(account_pk(account_id), f"{_COUNT_PREFIX}{k}") for k in range(COUNT_SHARDS)]


def membership(account_id: str, user_id: str) -> Key:
    return account_pk(account_id), f"{MEMBER_PREFIX}{user_id}"


# A user's memberships in gsi1 (USER#<user_id>), in three ranges of sort keys under MEMBER#, so that one
# Query of the middle and last reads a page of the user's account list in its order:
#   MEMBER#-<name><0x01><account_id>  deactivated (not listed)
#   MEMBER#<account_id>                no name yet (stored before names were keyed: store/backfill.py)
#   MEMBER#~<name><0x01><account_id>  active: the account list's order (the account's name as sortable
#                                      text, store/member_index.py, then its id)
# '-' sorts below the lowercase letter every id starts with, '~' above it.
_UNLISTED, _LISTED = "-", "~"


def membership_gsi1(account_id: str, user_id: str, status: str = "active", name: str | None = None) -> Key:
    """The membership's gsi1 key: by `name` (the account's, as sortable text) in the status's range, or
    (None: not known when it was written) by account id."""
    if name is None:
        return user_pk(user_id), f"{MEMBER_PREFIX}{account_id}"
    mark = _LISTED if status == "active" else _UNLISTED
    return user_pk(user_id), f"{MEMBER_PREFIX}{mark}{name}{_VALUE_END}{account_id}"


def listed_accounts(user_id: str, after: tuple[str, str] | None = None) -> tuple[str, str, str]:
    """gsi1 partition and the inclusive bounds of a Query of the user's account list: from the first
    unnamed membership (so a first page finds them, before the listed ones), or from the listed key of
    `after` (name, account id), to the end of the listed range (no key equals either bound but `after`'s)."""
    start = (
        membership_gsi1(after[1], user_id, "active", after[0])[1]
        if after is not None
        else f"{MEMBER_PREFIX}{chr(ord(_UNLISTED) + 1)}"
    )
    return user_pk(user_id), start, f"{MEMBER_PREFIX}{chr(ord(_LISTED) + 1)}"


def is_listed(gsi1sk: str) -> bool:
    """Whether a membership's gsi1 key is in the listed (active, named) range."""
    return gsi1sk.startswith(f"{MEMBER_PREFIX}{_LISTED}")


def members_of(account_id: str) -> Key:
    """Partition and sort-key prefix of an account's memberships."""
    return account_pk(account_id), MEMBER_PREFIX


def memberships_of_user(user_id: str) -> Key:
    """gsi1 partition and sort-key prefix of a user's memberships."""
    return user_pk(user_id), MEMBER_PREFIX


def user_collection(user_id: str) -> str:
    """gsi1 partition holding a user's profile and all their memberships."""
    return user_pk(user_id)


# The columns a member list is ordered by, each with an index over the account's members and one over a
# group's (infra/table.json `members_<column>`, `group_<column>`; "status" is email order within a status).
MEMBER_SORT_COLUMNS = ("email", "first_name", "last_name", "title", "role", "joined_at", "last_login_at")
MEMBER_STATUSES = ("active", "deactivated")  # in ascending order: each is a range of every list index
MEMBER_LIST_PK = "members_pk"  # the partition attribute of the account-wide indexes
GROUP_LIST_PK = "group_members_pk"  # ... and of the group indexes
_VALUE_END = "\x01"  # below every character a sortable value holds, so a key orders like (value, user id)


def member_list_partition(account_id: str, group_id: str | None = None) -> str:
    """The partition of an account's members in the `members_*` indexes, or (with the group, the default
    one included) of one group's in the `group_*` indexes."""
    return f"MEMBERS#{account_id}" + (f"#G#{group_id}" if group_id else "")


def member_sort_attribute(column: str) -> str:
    """The membership's attribute holding its sort key for `column` (both of the column's indexes)."""
    return f"by_{column}"


def ticket_stream(account_id: str, group_id: str | None = None) -> str:
    """The gsi2 partition of the active members who hold `tickets` themselves (group None: admins, members
    granted it; never the owner), or of one custom group's active members (what they hold is the group's)."""
    return f"TICKETS#{account_id}" + (f"#GROUP#{group_id}" if group_id else "")


def ticket_stream_sort_key(email: str, user_id: str) -> str:
    return f"{email}#{user_id}"


def after_email(email: str) -> str:
    """A sort key above every `<email>#...` key of `email` and below any later email's ('$' after '#';
    no character an email can continue with sorts between them)."""
    return f"{email}$"


def member_list_sort_key(status: str, value: str, user_id: str) -> str:
    """`<status>#<value><\\x01><user_id>`: a status is a contiguous range (the status filter is a range
    Query); within it the value, then the user id (unique, so the order is total)."""
    return f"{status}#{value}{_VALUE_END}{user_id}"


def member_status_range(status: str) -> tuple[str, str]:
    """The exclusive bounds of one status's range in a list index ('$' follows '#')."""
    return f"{status}#", f"{status}$"


def member_list_keys(
    account_id: str, user_id: str, group_id: str, status: str, values: Mapping[str, str]
) -> dict[str, str]:
    """Every list-index key of one membership, from its `values` as sortable text (store/member_index.py):
    the two partitions and one sort key per column, and its keys in the shared gsi3-5 (the account's
    members of any status by email, joined_at and last_login_at: `<value>#<user_id>`, as stored before)."""
    everyone = member_list_partition(account_id)
    keys = {MEMBER_LIST_PK: everyone, GROUP_LIST_PK: member_list_partition(account_id, group_id)}
    for column in MEMBER_SORT_COLUMNS:
        keys[member_sort_attribute(column)] = member_list_sort_key(status, values[column], user_id)
    for index, column in (("gsi3", "email"), ("gsi4", "joined_at"), ("gsi5", "last_login_at")):
        keys[f"{index}pk"], keys[f"{index}sk"] = everyone, f"{values[column]}#{user_id}"
    return keys


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


def contact_emails_of(account_id: str) -> Key:
    """The contacts' email items, in email order (the contacts list)."""
    return account_pk(account_id), CONTACT_EMAIL_PREFIX


def contact_category(account_id: str, category: str, email: str) -> Key:
    return account_pk(account_id), f"{NOTIFY_PREFIX}{category}#{email}"


def contact_categories_of(account_id: str, category: str) -> Key:
    return account_pk(account_id), f"{NOTIFY_PREFIX}{category}#"


def email_claim(account_id: str, email: str) -> Key:
    return account_pk(account_id), f"EMAIL#{email}"


def invitation(account_id: str, invitation_id: str) -> Key:
    return account_pk(account_id), f"{INVITATION_PREFIX}{invitation_id}"


def invitations_of(account_id: str) -> Key:
    return account_pk(account_id), INVITATION_PREFIX


def expiry_partitions() -> list[str]:
    return [f"INVEXP#{shard}" for shard in range(EXPIRY_SHARDS)]


def invitation_expiry_gsi2(invitation_id: str, expires_at_iso: str) -> Key:
    # Sharded so no single index partition takes every invitation write; the purge queries each shard
    # for sort keys up to "now", so it reads only what has expired.
    return f"INVEXP#{shard(invitation_id, EXPIRY_SHARDS)}", f"{expires_at_iso}#{invitation_id}"


def reminder_partitions() -> list[str]:
    return [f"INVREMIND#{shard}" for shard in range(EXPIRY_SHARDS)]


def invitation_reminder_gsi5(invitation_id: str, due_iso: str) -> Key:
    """An invitation's reminder in the shared gsi5, by when it falls due (sparse: only while one is to be
    sent), sharded as the expiry key is; the sweep reads each shard up to now (`expiry_upper_bound`)."""
    return f"INVREMIND#{shard(invitation_id, EXPIRY_SHARDS)}", f"{due_iso}#{invitation_id}"


def expiry_upper_bound(now_iso: str) -> str:
    """Largest gsi2 sort key that has expired at now_iso ('$' sorts after '#')."""
    return f"{now_iso}$"


def contact(account_id: str, contact_id: str) -> Key:
    return account_pk(account_id), f"{CONTACT_PREFIX}{contact_id}"


def contacts_of(account_id: str) -> Key:
    return account_pk(account_id), CONTACT_PREFIX


def contact_email(account_id: str, email: str) -> Key:
    return account_pk(account_id), f"{CONTACT_EMAIL_PREFIX}{email}"


def sub_account(account_id: str, sub_account_id: str) -> Key:
    return account_pk(account_id), f"{SUB_ACCOUNT_PREFIX}{sub_account_id}"


def sub_accounts_of(account_id: str) -> Key:
    return account_pk(account_id), SUB_ACCOUNT_PREFIX


def group(account_id: str, group_id: str) -> Key:
    return account_pk(account_id), f"{GROUP_PREFIX}{group_id}"


def groups_of(account_id: str) -> Key:
    return account_pk(account_id), GROUP_PREFIX


def group_name(account_id: str, casefolded_name: str) -> Key:
    return account_pk(account_id), f"GROUPNAME#{casefolded_name}"


def support_session(account_id: str, session_id: str) -> Key:
    return account_pk(account_id), f"SUPPORTSESSION#{session_id}"
