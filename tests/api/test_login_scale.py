"""Issue 26, counts not times: a login and a profile change write the user alone whether the user is in 1
or 120 accounts (seeded in bulk through accepting's own writer), and the copies job then rewrites every
membership's copies in transactions of 99."""

from __future__ import annotations

from chalicelib.ids import new_id
from chalicelib.store.joining import joining, write_joining
from chalicelib.store.member_copies import MemberCopyStore
from chalicelib.store.members import new_membership_item
from chalicelib.store.models import MembershipItem
from chalicelib.store.tx import Tx
from chalicelib.store.users import new_user_items
from tests.helpers import PASSWORD, DynamoCalls
from tests.helpers.copies import run_copies
from tests.helpers.seed import seed_account, token_for

READS = {"BatchGetItem", "GetItem", "Query"}


def _user_in(deps, accounts: int, email: str) -> str:
    user_id = new_id("usr")
    user, login = new_user_items(
        user_id, email, deps.passwords.hash(PASSWORD), {"first_name": "Ann", "last_name": "Lee"}, deps.now()
    )
    assert deps.store.users.create_user(user, login)
    for n in range(accounts):
        name = f"{'co' if n % 2 else 'CO'} {n:03d}"  # the order ignores case
        account_id = seed_account(deps, name)
        membership = new_membership_item(
            account_id, user_id, "member", ["tickets"], deps.now(), user=user, account_name=name
        )
        assert write_joining(Tx(), joining(membership, email), claim_of=None, list_login=True).commit()
    return user_id


def _writes(operations: list[str]) -> list[str]:
    return [op for op in operations if op not in READS]


def _memberships(user_id: str) -> list[MembershipItem]:

    return MemberCopyStore().memberships_of_user(user_id)


def test_a_login_writes_the_user_alone_in_one_or_120_accounts(api, deps, clock):
    _user_in(deps, 1, "one@example.com")
    _user_in(deps, 120, "many@example.com")
    clock.advance(seconds=60)
    seen = {}
    for email in ("one@example.com", "many@example.com"):
        with DynamoCalls() as calls:
            reply = api.post("/auth/login", {"email": email, "password": PASSWORD})
        assert reply.status == 200, reply.body
        seen[email] = calls.operations
    # the lockout reservation, then the login's one write (the user, its mark and the failures)
    assert (
        _writes(seen["one@example.com"])
        == _writes(seen["many@example.com"])
        == [
            "UpdateItem",
            "TransactWriteItems",
        ]
    )


def test_a_rename_writes_the_user_alone_and_the_job_rewrites_120_memberships_in_two_writes(api, deps, clock):
    one, many = _user_in(deps, 1, "one@example.com"), _user_in(deps, 120, "many@example.com")
    seen = {}
    for user_id in (one, many):
        with DynamoCalls() as calls:
            reply = api.patch("/me", {"first_name": "Renata"}, token=token_for(deps, user_id))
        assert reply.status == 200 and reply.body["first_name"] == "Renata"
        seen[user_id] = calls.operations
    assert seen[one] == seen[many] == ["BatchGetItem", "UpdateItem"]  # the authorizing read, the user
    assert {m.first_name for m in _memberships(many)} == {"Ann"}  # not yet: the job's work
    with DynamoCalls() as calls:
        assert run_copies(deps) == [2]
    # per user: its login, its memberships (1 and 120 keys: one BatchGetItem per 100), then 1 and 2
    # transactions of the copies (99 a transaction) and each user's mark taken off
    assert calls.operations.count("TransactWriteItems") == 1 + 2
    assert {m.first_name for m in _memberships(many)} == {"Renata"}
    assert len(_memberships(many)) == 120
    assert run_copies(deps) == []


def test_login_and_me_list_50_accounts_and_page_on_in_name_order(api, deps):
    many, one = _user_in(deps, 120, "many@example.com"), _user_in(deps, 1, "one@example.com")
    logged_in = api.post("/auth/login", {"email": "many@example.com", "password": PASSWORD}).body
    me = api.get("/me", token=token_for(deps, many)).body
    assert len(logged_in["accounts"]) == len(me["accounts"]) == 50
    assert logged_in["accounts"] == me["accounts"] and me["accounts_cursor"]
    listed, cursor, pages = list(me["accounts"]), me["accounts_cursor"], []
    while cursor:
        reply = api.get(f"/me/accounts?cursor={cursor}", token=token_for(deps, many))
        assert reply.status == 200, reply.body
        listed += reply.body["items"]
        cursor, pages = reply.body["next_cursor"], [*pages, len(reply.body["items"])]
    assert pages == [50, 20]
    assert [a["name"] for a in listed] == [f"{'co' if n % 2 else 'CO'} {n:03d}" for n in range(120)]
    assert len({a["account_id"] for a in listed}) == 120
    # a cursor opens only for its own user's list
    foreign = api.get(f"/me/accounts?cursor={me['accounts_cursor']}", token=token_for(deps, one))
    assert (foreign.status, foreign.code) == (400, "validation_error")
    single = api.get("/me", token=token_for(deps, one)).body
    assert len(single["accounts"]) == 1 and single["accounts_cursor"] is None
    first = api.get("/me/accounts", token=token_for(deps, one)).body
    assert first == {"items": single["accounts"], "next_cursor": None}


def test_a_support_token_pages_only_the_account_it_acts_at(api, deps):
    """As GET /me: a support session's token sees the one account it acts at, never the member's others."""
    many = _user_in(deps, 60, "many@example.com")
    account_id = api.get("/me", token=token_for(deps, many)).body["accounts"][7]["account_id"]
    body = {"user_id": many, "reason": "Customer asked us to look at their invoices"}
    started = api.post(f"/accounts/{account_id}/support-sessions", body, operator=True)
    assert started.status == 201, started.body
    token = started.body["access_token"]
    page = api.get("/me/accounts", token=token).body
    assert [a["account_id"] for a in page["items"]] == [account_id] and page["next_cursor"] is None
    assert api.get("/me", token=token).body["accounts_cursor"] is None
