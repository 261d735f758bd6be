"""The one-off migration for tables written before the O(page) lists: items stored without their index keys,
copies and category rows are missing from the lists until `python -m chalicelib.cli backfill-lists` has run;
after it the lists answer exactly as for items written today, and running it again changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from chalicelib import cli
from chalicelib.store.models import (
    AccountItem,
    ContactCategoryItem,
    EmailClaimItem,
    InvitationItem,
    MembershipItem,
)
from tests.helpers import PASSWORD, DynamoCalls, invite, latest_link, onboard
from tests.helpers.seed import seed_member

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action

    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

DERIVED_ON_MEMBERSHIPS = (
    "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk", "gsi5pk", "gsi5sk", "members_pk",
    "group_members_pk", "by_email", "by_first_name", "by_last_name", "by_title", "by_role", "by_joined_at",
    "by_last_login_at", "email", "first_name", "last_name", "user_created_at", "last_login_at", "version",
)  # fmt: skip
# What memberships carried before the list keys (gsi6 and gsi7's card): the backfill takes them away.
LEGACY_ON_MEMBERSHIPS = ("gsi6pk", "gsi6sk", "card")


def _as_before_the_lists(account_id: str) -> None:
    """Takes away what only the O(page) lists' writes store, as a table written before them lacks it."""
    attributes = MembershipItem.get_attributes()
    for membership in MembershipItem.scan(MembershipItem.account_id == account_id):
        membership.update(
            actions=[attributes[name].remove() for name in DERIVED_ON_MEMBERSHIPS]
            + [attributes[name].set(f"old {name}") for name in LEGACY_ON_MEMBERSHIPS]
        )
    for claim in EmailClaimItem.scan():
        claim.update(actions=[EmailClaimItem.member_status.remove()])
    for invitation in InvitationItem.scan(InvitationItem.account_id == account_id):
        invitation.update(actions=[getattr(InvitationItem, name).remove() for name in ("gsi3pk", "gsi3sk")])
    for row in ContactCategoryItem.scan():
        row.delete()


def _lists(api: Api, account_id: str, token: str) -> tuple[list[Any], ...]:
    members = api.get(f"/accounts/{account_id}/members?sort=last_name&limit=100", token=token).body["items"]
    deactivated = api.get(f"/accounts/{account_id}/members?status=deactivated", token=token).body["items"]
    pending = api.get(f"/accounts/{account_id}/invitations", token=token).body["items"]
    recipients_path = f"/accounts/{account_id}/notification-recipients?category=invoice"
    recipients = api.get(recipients_path, operator=True).body
    ticket_path = (
        f"/accounts/{account_id}/notification-recipients?category=support&ticket_opened_by=owner@acme.com"
    )
    ticket = api.get(ticket_path, operator=True).body
    return (
        [(m["email"], m["first_name"], m["status"]) for m in members],
        [m["email"] for m in deactivated],
        sorted(i["email"] for i in pending),
        sorted(recipients["to"] + recipients["cc"]),
        ticket["cc"],  # the members holding tickets: the ticket stream's keys
    )


def test_the_backfill_brings_an_old_tables_items_back_into_the_lists(
    api: Api, deps: Deps, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, owner = onboard(api)
    for i in range(4):
        seed_member(
            deps,
            account_id,
            f"m{i}@example.com",
            permissions=("tickets",) if i < 3 else (),
            status="deactivated" if i == 2 else "active",
        )
    invite(api, account_id, owner.token, ["new1@example.com", "new2@example.com"])
    reply = api.post(
        f"/accounts/{account_id}/contacts",
        {"email": "books@example.com", "email_preferences": {"invoice": True}},
        token=owner.token,
    )
    assert reply.status == 201, reply.body
    today = _lists(api, account_id, owner.token)
    assert len(today[0]) == 5 and today[1] == ["m2@example.com"] and len(today[2]) == 2
    assert "books@example.com" in today[3]
    assert today[4] == ["m0@example.com", "m1@example.com"]

    _as_before_the_lists(account_id)
    old = _lists(api, account_id, owner.token)
    assert old[0] == [] and old[1] == [] and old[2] == [] and "books@example.com" not in old[3]
    assert old[4] == []

    monkeypatch.setenv("TABLE_NAME", deps.settings.table_name)
    account = AccountItem.get(f"ACCOUNT#{account_id}", "ACCOUNT")
    uncounted: list[Action] = [AccountItem.webhook_count.remove(), AccountItem.group_count.remove()]
    account.update(actions=uncounted)  # as stored before they were counted
    assert cli.main(["backfill-lists"]) == 0
    out = capsys.readouterr().out
    assert "memberships: 5, invitations: 2, contact rows: 1, counts set: 3" in out  # 2 + the operator's
    assert _lists(api, account_id, owner.token) == today
    counted = AccountItem.get(f"ACCOUNT#{account_id}", "ACCOUNT")
    assert (counted.webhook_count, counted.group_count) == (0, 0)
    for membership in MembershipItem.scan(MembershipItem.account_id == account_id):
        assert [getattr(membership, name) for name in LEGACY_ON_MEMBERSHIPS] == [None] * 3

    assert cli.main(["backfill-lists"]) == 0  # again: the same items, the same lists
    assert _lists(api, account_id, owner.token) == today


def test_the_backfill_leaves_alone_what_changed_after_it_read_it(
    api: Api, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A removed membership is not brought back: the write's condition needs the item as read."""
    account_id, owner = onboard(api)
    user_id = seed_member(deps, account_id, "gone@example.com")
    _as_before_the_lists(account_id)
    scanned = list(MembershipItem.scan(MembershipItem.account_id == account_id))
    assert api.delete(f"/accounts/{account_id}/members/{user_id}", token=owner.token).status == 204

    original_scan = MembershipItem.scan
    monkeypatch.setattr(MembershipItem, "scan", classmethod(lambda cls, *a, **k: iter(scanned)))
    from chalicelib.store.backfill import backfill_lists

    report = backfill_lists()
    monkeypatch.setattr(MembershipItem, "scan", original_scan)
    assert report.memberships == 1 and report.changed_meanwhile == 1
    remaining = [m.user_id for m in MembershipItem.scan(MembershipItem.account_id == account_id)]
    assert user_id not in remaining


def test_the_backfill_lists_a_logins_accounts_so_login_reads_them_by_key(api: Api, deps: Deps) -> None:
    """Logins stored before `account_ids` existed get them from the backfill (no login completes them any
    more); login then reads the memberships and account names by key, with no Query."""
    from chalicelib.store import keys
    from chalicelib.store.backfill import backfill_lists
    from chalicelib.store.table import dynamodb_client

    account_id, owner = onboard(api)
    other_id, other = onboard(api, "Other Co", "other@example.com")
    invite(api, other_id, other.token, [owner.email])
    accepted = api.post("/invitations/accept", {"token": api.latest_link(owner.email), "password": PASSWORD})
    assert accepted.status == 201
    pk, sk = keys.login(owner.email)
    dynamodb_client().update_item(
        TableName=deps.settings.table_name,
        Key={"pk": {"S": pk}, "sk": {"S": sk}},
        UpdateExpression="REMOVE account_ids, lists_accounts",
    )
    assert backfill_lists().logins == 1
    login = deps.store.users.login_state(owner.email)[0]
    assert login is not None and login.account_ids == {account_id, other_id}
    with DynamoCalls() as calls:
        reply = api.post("/auth/login", {"email": owner.email, "password": PASSWORD})
    assert [a["name"] for a in reply.body["accounts"]] == ["Acme Hosting", "Other Co"]
    assert calls.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]  # issue 33: 3
    assert backfill_lists().logins == 0  # again: every login lists its accounts already


def test_a_rewrite_read_before_a_permission_change_does_not_undo_its_ticket_keys(
    api: Api, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The permissions decide a membership's ticket-stream keys (they are not on its card): a rewrite
    computed from a membership read before they changed (the backfill's, a login's) fails on the version
    the change moved, and does not put back the keys the change removed."""
    account_id, owner = onboard(api)
    user_id = seed_member(deps, account_id, "dev@example.com", permissions=("tickets",))
    path = f"/accounts/{account_id}/notification-recipients?category=support&ticket_opened_by=owner@acme.com"
    assert api.get(path, operator=True).body["cc"] == ["dev@example.com"]
    scanned = list(MembershipItem.scan(MembershipItem.account_id == account_id))
    member = f"/accounts/{account_id}/members/{user_id}"
    assert api.patch(member, {"permissions": ["invoices"]}, token=owner.token).status == 200
    assert api.get(path, operator=True).body["cc"] == []

    original_scan = MembershipItem.scan
    monkeypatch.setattr(MembershipItem, "scan", classmethod(lambda cls, *a, **k: iter(scanned)))
    from chalicelib.store.backfill import backfill_lists

    report = backfill_lists()
    monkeypatch.setattr(MembershipItem, "scan", original_scan)
    assert report.changed_meanwhile == 1  # the member's; the owner's membership is as read
    assert api.get(path, operator=True).body["cc"] == []


def _as_before_seats(account_id: str) -> None:
    """Takes away what only the seats' writes store, as an account stored before them lacks it."""
    account = AccountItem.get(f"ACCOUNT#{account_id}", "ACCOUNT")
    names = ("seats_held", "active_count", "seats_counted")
    account.update(actions=[getattr(AccountItem, name).remove() for name in names])
    for invitation in InvitationItem.scan(InvitationItem.account_id == account_id):
        invitation.update(actions=[InvitationItem.holds_seat.remove()])


def test_the_backfill_counts_an_older_accounts_seats_once_and_then_a_limit_may_be_set(
    api: Api, deps: Deps, clock: Clock
) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com", "bob@example.com", "carl@example.com"])
    seed_member(deps, account_id, "dan@example.com", status="deactivated")
    carl = next(
        i for i in api.get(f"/accounts/{account_id}/invitations", token=owner.token).body["items"]
        if i["email"] == "carl@example.com"
    )  # fmt: skip
    clock.advance(days=6)
    token = api.post("/auth/login", {"email": owner.email, "password": PASSWORD}).body["access_token"]
    invite(api, account_id, token, ["erin@example.com"])  # still pending after the others lapse
    _as_before_seats(account_id)
    refused = api.put(f"/accounts/{account_id}/seats", {"limit": 5}, operator=True)
    assert refused.status == 409 and refused.body["error"]["code"] == "conflict"  # not counted yet
    api.delete(f"/accounts/{account_id}/invitations/{carl['invitation_id']}", token=token)  # held none
    clock.advance(days=2)  # ann's and bob's lapse: only erin's holds a seat
    from chalicelib.store.backfill import count_seats

    assert count_seats(account_id, clock())
    seats = api.put(f"/accounts/{account_id}/seats", {"limit": 5}, operator=True).body["seats"]
    assert seats == {"limit": 5, "used": 2, "members": 1, "pending": 1}
    assert count_seats(account_id, clock())  # again: the same count
    assert api.get(f"/accounts/{account_id}", operator=True).body["seats"]["used"] == 2


def test_the_seat_count_sets_the_accounts_own_count_under_what_the_counter_shards_hold(
    api: Api, deps: Deps, clock: Clock
) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com", "bob@example.com"])
    for email in ("ann@example.com", "bob@example.com"):  # accepts: their counts go on counter shards
        body = {"token": latest_link(email), "password": PASSWORD, "first_name": "A", "last_name": "B"}
        assert api.post("/invitations/accept", body).status == 201
    _as_before_seats(account_id)
    from chalicelib.store.backfill import count_seats

    assert count_seats(account_id, clock())
    seats = api.get(f"/accounts/{account_id}", operator=True).body["seats"]
    assert seats == {"limit": None, "used": 3, "members": 3, "pending": 0}  # each member counted once
    assert count_seats(account_id, clock())  # again: the same count
    assert api.get(f"/accounts/{account_id}", operator=True).body["seats"]["members"] == 3
