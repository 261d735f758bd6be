"""The keys of email domains (issue 29): an account's domains, and the one claim per verified domain.

    email domain     ACCOUNT#<account_id>   EMAILDOMAIN#<domain>    gsi2: DOMAINDUE#<shard>  <next_check>#<id>
                                                                      while the schedule re-checks it
    domain claim     DOMAIN#<domain>        CLAIM                   (the account holding it verified, and
                                                                      its join policy: one GetItem)

`<domain>` is always the normalised form (domain/email_domains.py), so every spelling of a domain names the
same items."""

from __future__ import annotations

from chalicelib.store.keys_base import Key, account_pk

EMAIL_DOMAIN_PREFIX = "EMAILDOMAIN#"
DOMAIN_DUE = "DOMAINDUE"  # the re-check queue's kind in the due index (store/due.py)


def email_domain(account_id: str, domain: str) -> Key:
    return account_pk(account_id), f"{EMAIL_DOMAIN_PREFIX}{domain}"


def email_domains_of(account_id: str) -> Key:
    return account_pk(account_id), EMAIL_DOMAIN_PREFIX


def domain_claim(domain: str) -> Key:
    return f"DOMAIN#{domain}", "CLAIM"


def domain_due_id(account_id: str, domain: str) -> str:
    """The id a domain waits under in the due index: unique per account and domain."""
    return f"{account_id}/{domain}"


# Joining without an invitation (issue 29): a join request, and per account and requester the pointer to
# their latest one (which keeps one pending at a time and a denied one's 7 days), and the mark a member
# removed by someone else leaves behind (such a user only ever asks to join again).
#   join request     ACCOUNT#<account_id>   JOINREQ#<request_id>
#   requester's      ACCOUNT#<account_id>   JOINBY#<user_id or email>
#   removed mark     ACCOUNT#<account_id>   REMOVED#<user_id>
JOIN_REQUEST_PREFIX = "JOINREQ#"
JOIN_REQUEST_DUE = "JOINDUE"  # pending requests by expiry in the due index (store/due.py)
JOIN_DIGEST_DUE = "JOINDIGEST"  # accounts with new join requests for their managers' hourly digest


def join_request(account_id: str, request_id: str) -> Key:
    return account_pk(account_id), f"{JOIN_REQUEST_PREFIX}{request_id}"


def join_requests_of(account_id: str) -> Key:
    return account_pk(account_id), JOIN_REQUEST_PREFIX


def join_digest(account_id: str) -> Key:
    return account_pk(account_id), "JOINDIGEST"


def join_requester(account_id: str, requester: str) -> Key:
    return account_pk(account_id), f"JOINBY#{requester}"


def removed_mark(account_id: str, user_id: str) -> Key:
    return account_pk(account_id), f"REMOVED#{user_id}"


# Invite links (issue 29): the link under its account, its token's hash pointing at it (a lookup by token is
# one GetItem of the pointer, then one of the link), the account's roster of live links (the cap of 10 held
# by a version condition), and the uses and emails of a link in an hour.
#   invite link      ACCOUNT#<account_id>   INVITELINK#<link_id>
#   its token        INVITETOKEN#<hash>     LINK
#   live links       ACCOUNT#<account_id>   INVITELINKS
#   hour's uses      INVITELINK#<link_id>   HOUR#<yyyy-mm-ddThh>
INVITE_LINK_PREFIX = "INVITELINK#"


def invite_link(account_id: str, link_id: str) -> Key:
    return account_pk(account_id), f"{INVITE_LINK_PREFIX}{link_id}"


def invite_links_of(account_id: str) -> Key:
    return account_pk(account_id), INVITE_LINK_PREFIX


def invite_token(token_hash: str) -> Key:
    return f"INVITETOKEN#{token_hash}", "LINK"


def invite_link_roster(account_id: str) -> Key:
    return account_pk(account_id), "INVITELINKS"


def invite_link_hour(link_id: str, hour: str) -> Key:
    return f"{INVITE_LINK_PREFIX}{link_id}", f"HOUR#{hour}"


def join_request_due_id(account_id: str, request_id: str) -> str:
    return f"{account_id}/{request_id}"
