"""Issue 26, counts not times: a login and a profile change write the user alone whether the user is in 1
or 120 accounts (seeded in bulk through accepting's own writer), and the copies job then rewrites every
membership's copies in transactions of 99."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.ids import new_id
from chalicelib.store.joining import joining, write_joining
from chalicelib.store.member_copies import MemberCopyStore
from chalicelib.store.members import new_membership_item
from chalicelib.store.models import MembershipItem
from chalicelib.store.tx import Tx
from chalicelib.store.users import new_user_items
from tests.helpers import PASSWORD, DynamoCalls
from tests.helpers.copies import run_copies
from tests.helpers.present import present
from tests.helpers.seed import seed_account, token_for

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

READS = {"BatchGetItem", "GetItem", "Query"}


def _user_in(deps: Deps, accounts: int, email: str) -> str:
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


def test_a_login_writes_the_user_alone_in_one_or_120_accounts(api: Api, deps: Deps, clock: Clock) -> None:
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


def test_a_rename_writes_the_user_alone_and_the_job_rewrites_120_memberships_in_two_writes(
    api: Api, deps: Deps, clock: Clock
) -> None:
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


def test_login_and_me_list_50_accounts_and_page_on_in_name_order(api: Api, deps: Deps) -> None:
    many, one = _user_in(deps, 120, "many@example.com"), _user_in(deps, 1, "one@example.com")
    logged_in = api.post("/auth/login", {"email": "many@example.com", "password": PASSWORD}).body
    me = api.get("/me", token=token_for(deps, many)).body
    assert len(logged_in["accounts"]) == len(me["accounts"]) == 50
    assert logged_in["accounts"] == me["accounts"] and me["accounts_cursor"]
    listed, cursor = list(me["accounts"]), me["accounts_cursor"]
    pages: list[Any] = []
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


def test_a_support_token_pages_only_the_account_it_acts_at(api: Api, deps: Deps) -> None:
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


def _ops(
    api: Api, method: str, path: str, token: str | None = None, body: dict[str, Any] | None = None
) -> tuple[Any, DynamoCalls]:
    with DynamoCalls() as calls:
        reply = api.call(method, path, body, token=token)
    assert reply.status == 200, reply.body
    return reply.body, calls


def test_login_me_and_my_accounts_cost_the_same_in_1_50_and_500_accounts(api: Api, deps: Deps) -> None:
    """Issue 26: a page of the user's accounts is one Query of that page, whatever their number. Login in up
    to 49 accounts reads them by key with the user (one round trip fewer); past that it pays the Query."""
    from tests.helpers.bulk_varied import seed_user_in

    seen: dict[object, Any] = {}
    for count in (1, 50, 500):
        email, _ = seed_user_in(deps, count, deps.passwords.hash(PASSWORD))
        login, login_calls = _ops(api, "POST", "/auth/login", None, {"email": email, "password": PASSWORD})
        me, me_calls = _ops(api, "GET", "/me", login["access_token"])
        suffix = f"?cursor={me['accounts_cursor']}" if me["accounts_cursor"] else ""
        more, more_calls = _ops(api, "GET", f"/me/accounts{suffix}", login["access_token"])
        assert len(login["accounts"]) == len(me["accounts"]) == min(count, 50)
        assert login["accounts"] == me["accounts"]
        assert len(more["items"]) == {1: 1, 50: 50, 500: 50}[count]  # no cursor: the first page again
        for calls in (login_calls, me_calls, more_calls):
            assert calls.read_twice == []
            assert calls.items <= 2 * 50 + 5, calls.items  # the page's memberships and accounts, the user
        seen[count] = (login_calls.operations, me_calls.operations, more_calls.operations)
        again = _ops(api, "POST", "/auth/login", None, {"email": email, "password": PASSWORD})[1]
        seen[count, "again"] = again.operations
    # the check counted (it says where the email led), the login, then its page by the index
    by_index = ["UpdateItem", "BatchGetItem", "Query", "BatchGetItem", "TransactWriteItems"]
    assert seen[50][0] == seen[500][0] == by_index, seen
    # Seeded in bulk through the store, as a login from before the email's item said where it leads: the
    # first login reads the login, then its page by key; its write says where the email leads, so the next
    # login reads the page with the login.
    assert seen[1][0] == ["UpdateItem", "BatchGetItem", "BatchGetItem", "TransactWriteItems"], seen
    assert seen[1, "again"] == ["UpdateItem", "BatchGetItem", "TransactWriteItems"], seen
    assert seen[50, "again"] == seen[500, "again"] == by_index, seen
    page = ["BatchGetItem", "Query", "BatchGetItem"]  # authorizing, the page's keys, its accounts' names
    assert seen[1][1:] == seen[50][1:] == seen[500][1:] == (page, page)


def _names(api: Api, token: str) -> list[str]:
    """Every account the user lists, page after page."""
    me = api.get("/me", token=token).body
    listed, cursor = [a["name"] for a in me["accounts"]], me["accounts_cursor"]
    while cursor:
        page = api.get(f"/me/accounts?cursor={cursor}", token=token).body
        listed, cursor = listed + [a["name"] for a in page["items"]], page["next_cursor"]
    return listed


def test_a_rename_shows_at_once_and_reorders_after_the_copies_job(api: Api, deps: Deps, clock: Clock) -> None:
    user_id = _user_in(deps, 60, "many@example.com")
    token = token_for(deps, user_id)
    first = api.get("/me", token=token).body["accounts"][0]
    assert first["name"] == "CO 000"
    with DynamoCalls() as calls:
        renamed = api.patch(f"/accounts/{first['account_id']}", {"name": "Zed Hosting"}, operator=True)
    assert renamed.status == 200, renamed.body
    assert calls.operations.count("TransactWriteItems") == 1 and "Query" not in calls.operations  # one write
    listed = _names(api, token)
    assert listed[0] == "Zed Hosting"  # the new name at once, in the old place until the job runs
    assert run_copies(deps) == [1]
    listed = _names(api, token)
    expected = [f"{'co' if n % 2 else 'CO'} {n:03d}" for n in range(1, 60)]
    assert listed == [*expected, "Zed Hosting"]
    assert run_copies(deps) == []  # its second pass is due a minute later
    clock.advance(seconds=61)
    assert run_copies(deps) == [1]  # found nothing more to rewrite: the mark is off
    assert run_copies(deps) == []
    assert _names(api, token) == [*expected, "Zed Hosting"]


def test_memberships_not_yet_named_are_listed_in_order_until_the_backfill_names_them(
    api: Api, deps: Deps
) -> None:
    """A membership stored before the keys carried the account's name (gsi1 `MEMBER#<account_id>`) is
    listed: the first page finds it and the user's list is read whole, as before; the backfill names it, and
    the list is one Query a page again. A deactivated membership is listed neither way."""
    from chalicelib.store import keys
    from chalicelib.store.backfill import backfill_lists
    from chalicelib.store.table import dynamodb_client

    user_id = _user_in(deps, 70, "many@example.com")
    token = token_for(deps, user_id)
    expected = [f"{'co' if n % 2 else 'CO'} {n:03d}" for n in range(70)]
    memberships = _memberships(user_id)
    for membership in memberships[::7]:  # as stored before: no name, the key by account id
        dynamodb_client().update_item(
            TableName=deps.settings.table_name,
            Key={"pk": {"S": membership.pk}, "sk": {"S": membership.sk}},
            UpdateExpression="SET gsi1sk = :old REMOVE account_sort",
            ExpressionAttributeValues={":old": {"S": keys.MEMBER_PREFIX + membership.account_id}},
        )
    gone = next(m for m in _memberships(user_id) if m.account_sort and m.account_sort.endswith("033"))
    assert deps.store.members.update_member(gone, status="deactivated")
    expected.remove("co 033")
    with DynamoCalls() as calls:
        assert _names(api, token) == expected
    # the first page: the index's first rows, then the whole list; the second: the whole list (its cursor)
    assert calls.operations.count("Query") == 2 + 1
    assert backfill_lists().memberships == 70
    assert all(keys.is_listed(m.gsi1sk) or m.status != "active" for m in _memberships(user_id))
    with DynamoCalls() as calls:
        assert _names(api, token) == expected
    assert calls.operations.count("Query") == 2  # one a page


def test_a_deactivated_membership_leaves_the_list_and_comes_back_in_its_place(api: Api, deps: Deps) -> None:
    user_id = _user_in(deps, 60, "many@example.com")
    token = token_for(deps, user_id)
    expected = [f"{'co' if n % 2 else 'CO'} {n:03d}" for n in range(60)]
    (member,) = [m for m in _memberships(user_id) if m.account_sort == "co 051"]
    assert deps.store.members.update_member(member, status="deactivated")
    assert _names(api, token) == [name for name in expected if name != "co 051"]
    again = present(deps.store.members.get_membership(member.account_id, user_id))
    assert deps.store.members.update_member(again, status="active")
    assert _names(api, token) == expected


def test_a_join_that_read_the_old_name_is_moved_by_the_jobs_second_pass(
    api: Api, deps: Deps, clock: Clock
) -> None:
    """An accept reads the account's name before writing its membership: one that read it before a rename
    and committed after the job's first pass is keyed by the old name, and the pass a minute later (due
    since the first rewrote) moves it."""
    from chalicelib.store import keys

    user_id = _user_in(deps, 60, "many@example.com")
    token = token_for(deps, user_id)
    account_id = api.get("/me", token=token).body["accounts"][0]["account_id"]  # "CO 000"
    assert api.patch(f"/accounts/{account_id}", {"name": "Zed Hosting"}, operator=True).status == 200
    assert run_copies(deps) == [1]
    late = _user_in(deps, 0, "late@example.com")
    user = present(deps.store.users.get_user(late))
    membership = new_membership_item(
        account_id, late, "member", ["tickets"], deps.now(), user=user, account_name="CO 000"
    )  # as read before the rename
    joined = joining(membership, "late@example.com")
    assert write_joining(Tx(), joined, claim_of=None, list_login=True).commit()
    stale = _memberships(late)[0]
    assert stale.gsi1sk == keys.membership_gsi1(account_id, late, "active", "co 000")[1]
    clock.advance(seconds=61)
    assert run_copies(deps) == [1]
    assert _memberships(late)[0].account_sort == "zed hosting"
    assert _names(api, token_for(deps, late)) == ["Zed Hosting"]
    clock.advance(seconds=61)
    assert run_copies(deps) == [1]  # the third pass found nothing: the mark is off
    assert run_copies(deps) == []
