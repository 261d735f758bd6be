"""SCIM tokens (issue 31): an account's bearer tokens for its identity provider, and the pointer from a
token's hash to it (only hashes are kept)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.store.models_base import Item, TimeAttribute


class ScimTokenItem(Item, discriminator="scim_token"):
    """ACCOUNT#<account_id> / SCIMTOKEN#<scim_token_id>. A revoked token stays listed (with `revoked_at`)
    for the trail; its pointer is deleted in the revoking transaction, so it authenticates nothing."""

    account_id = UnicodeAttribute()
    scim_token_id = UnicodeAttribute()
    token_hash = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)
    created_at = TimeAttribute()
    last_used_at = TimeAttribute(null=True)  # written at most once a minute (store/scim_tokens.py)
    revoked_at = TimeAttribute(null=True)


class ScimUserItem(Item, discriminator="scim_user"):
    """ACCOUNT#<account_id> / SCIMUSER#<user_id>: what SCIM knows of a member beyond the membership: the
    directory's externalId (unique per account: checked over the account's records, one Query) and
    whether SCIM made the login (then, until its first sign-in, SCIM may write its name); and the access
    the directory said where the membership cannot hold it (an admin's grant for a member's role, the
    sub-accounts listed with allSubAccounts true), valid while the member holds what `said_for` names."""

    account_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    external_id = UnicodeAttribute(null=True)
    made_login = BooleanAttribute(default=False)
    said = UnicodeAttribute(null=True)  # JSON: permissions, allSubAccounts, subAccounts
    said_for = UnicodeAttribute(null=True)  # domain/scim_users.py held_key of the member then
    # moved on in the transaction of every SCIM change of the user: If-Match holds only while it is the
    # one read (or while the request that moved it, `writer`, commits its next transaction)
    version = NumberAttribute(default=0)
    writer = UnicodeAttribute(null=True)


class ScimTokenHashItem(Item, discriminator="scim_token_hash"):
    """SCIMHASH#<sha256 of the token> / TOKEN: which account's token it is; exists only while active."""

    account_id = UnicodeAttribute()
    scim_token_id = UnicodeAttribute()
