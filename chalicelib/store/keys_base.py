"""What every part of the keys shares: the key types, the id alphabet, the sort-key prefixes of an account's
items, the account's and the user's partitions, and the shard hash."""

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
