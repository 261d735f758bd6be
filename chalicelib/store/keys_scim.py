"""SCIM tokens' key shapes (issue 31): the token under its account (listed by a Query of the prefix), its
hash pointing at it (authenticating a SCIM request is one GetItem of the pointer), the account's count of
active tokens (the cap of 2 held by a conditional ADD), and a token's requests in one second (its rate).
  SCIM token       ACCOUNT#<account_id>   SCIMTOKEN#<scim_token_id>
  its hash         SCIMHASH#<sha256>      TOKEN
  active tokens    ACCOUNT#<account_id>   SCIMTOKENS
  second's count   SCIMTOKEN#<id>         SEC#<epoch seconds>
  SCIM's user      ACCOUNT#<account_id>   SCIMUSER#<user_id>     (its externalId; a login SCIM made)
"""

from __future__ import annotations

from chalicelib.store.keys_base import Key, account_pk

SCIM_TOKEN_PREFIX = "SCIMTOKEN#"


def scim_token(account_id: str, token_id: str) -> Key:
    return account_pk(account_id), f"{SCIM_TOKEN_PREFIX}{token_id}"


def scim_tokens_of(account_id: str) -> Key:
    return account_pk(account_id), SCIM_TOKEN_PREFIX


def scim_token_hash(token_hash: str) -> Key:
    return f"SCIMHASH#{token_hash}", "TOKEN"


def scim_token_count(account_id: str) -> Key:
    return account_pk(account_id), "SCIMTOKENS"


def scim_user(account_id: str, user_id: str) -> Key:
    return account_pk(account_id), f"SCIMUSER#{user_id}"


def scim_users_of(account_id: str) -> Key:
    return account_pk(account_id), "SCIMUSER#"


def scim_token_second(token_id: str, second: int) -> Key:
    return f"{SCIM_TOKEN_PREFIX}{token_id}", f"SEC#{second}"
