"""The audit log: every change is recorded in its own transaction (a failed change records nothing, a
successful one exactly one event), listed newest first, filtered from keys or an index."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.domain.audit import EVENT_TYPES
from chalicelib.store.audit import AuditFilter
from tests.helpers import DynamoCalls, invite, join, onboard, sign_in

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Joined


def events(
    api: Api, account_id: str, token: str | None = None, query: str = "", **kw: Any
) -> list[dict[str, Any]]:
    auth = {"token": token} if token else {"operator": True}
    reply = api.get(f"/accounts/{account_id}/audit-events{query}", **auth, **kw)
    assert reply.status == 200, reply.body
    return cast("list[dict[str, Any]]", reply.body["items"])


def types(found: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in found]


@pytest.fixture
def acme(api: Api) -> tuple[str, Joined]:
    return onboard(api)


def test_contact_changes_are_recorded_with_actor_target_and_changed_fields(
    api: Api, acme: tuple[str, Joined]
) -> None:
    account_id, owner = acme
    base = f"/accounts/{account_id}/contacts"
    contact = api.post(base, {"email": "bill@x.com", "first_name": "Bill"}, token=owner.token).body
    assert api.post(base, {"email": "bill@x.com"}, token=owner.token).code == "contact_exists"
    api.patch(f"{base}/{contact['contact_id']}", {"phone": "+1 555 0100"}, token=owner.token)
    api.patch(f"{base}/{contact['contact_id']}", {"phone": "+1 555 0100"}, token=owner.token)  # no change
    api.delete(f"{base}/{contact['contact_id']}", token=owner.token)
    found = events(api, account_id, owner.token, "?target_id=" + contact["contact_id"])
    assert types(found) == ["contact.deleted", "contact.updated", "contact.created"]  # newest first
    deleted, updated, created = found
    assert updated["actor"] == {"kind": "user", "user_id": owner.user_id, "email": owner.email}
    assert updated["target"] == {"kind": "contact", "id": contact["contact_id"], "email": "bill@x.com"}
    assert updated["changes"] == {"phone": [None, "+1 555 0100"]}
    assert created["changes"]["email"] == [None, "bill@x.com"] and created["account_id"] == account_id
    assert deleted["changes"] is None and deleted["occurred_at"] == "2026-11-23T09:00:00Z"


def all_events(api: Api, account_id: str, query: str = "", limit: int = 100) -> list[dict[str, Any]]:
    """Every page, newest first, through the cursors."""
    found, cursor = [], None
    while True:
        joiner = "&" if query else "?"
        page_query = f"{query}{joiner}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        reply = api.get(f"/accounts/{account_id}/audit-events{page_query}", operator=True)
        assert reply.status == 200, reply.body
        found += reply.body["items"]
        cursor = reply.body["next_cursor"]
        if not cursor:
            return found


def test_the_user_management_story_is_recorded_event_by_event(api: Api, deps: Deps, clock: Clock) -> None:
    from chalicelib.jobs.purge import purge_expired

    account_id, owner = onboard(api)
    results = invite(api, account_id, owner.token, ["ann@x.com", "not an email", "ann@x.com", "bob@x.com"])
    assert [r["status"] for r in results["results"]] == ["invited", "skipped", "skipped", "invited"]
    ann = join_invited(api, "ann@x.com")
    member = f"/accounts/{account_id}/members/{ann}"
    api.patch(member, {"permissions": ["tickets", "invoices"], "title": "Books"}, token=owner.token)
    api.post(member + "/deactivate", token=owner.token)
    api.post(member + "/reactivate", token=owner.token)
    api.post(member + "/password-reset", token=owner.token)
    api.post(f"/accounts/{account_id}/ownership", {"user_id": ann}, token=owner.token)
    api.patch(f"/accounts/{account_id}", {"name": "Acme Cloud"}, operator=True)
    group = api.post(f"/accounts/{account_id}/groups", {"name": "Billing"}, operator=True).body
    api.patch(f"/accounts/{account_id}/groups/{group['group_id']}", {"description": "Bills"}, operator=True)
    api.delete(f"/accounts/{account_id}/groups/{group['group_id']}", operator=True)
    shop = api.post(f"/accounts/{account_id}/sub-accounts", {"name": "Shop"}, operator=True).body
    api.patch(
        f"/accounts/{account_id}/sub-accounts/{shop['sub_account_id']}", {"name": "Store"}, operator=True
    )
    api.delete(f"/accounts/{account_id}/sub-accounts/{shop['sub_account_id']}", operator=True)
    pending = api.get(f"/accounts/{account_id}/invitations", operator=True).body["items"]
    [bob] = [i for i in pending if i["email"] == "bob@x.com"]
    clock.advance(minutes=2)
    api.post(f"/accounts/{account_id}/invitations/{bob['invitation_id']}/resend", operator=True)
    api.delete(f"/accounts/{account_id}/invitations/{bob['invitation_id']}", operator=True)
    invite(api, account_id, sign_in(api, "ann@x.com"), ["carl@x.com"])
    api.delete(member.replace(ann, owner.user_id), operator=True)  # the old owner, admin now, removed
    purge_expired(deps.store, clock() + timedelta(days=8))
    recorded = [e["type"] for e in all_events(api, account_id, limit=7)]
    assert set(recorded) == set(EVENT_TYPES) - {
        "member.left", "contact.created", "contact.updated", "contact.deleted", "webhook.created",
        "webhook.updated", "webhook.secret_rotated", "webhook.disabled", "webhook.deleted",
        "support_session.started", "support_session.ended", "member.signed_out", "account.security_updated",
        "account.seats_changed", "account.seats_warning", "account.seats_full",  # tests/api/test_seats.py
        "account.brand_changed",  # tests/api/test_brands.py
        "domain.added", "domain.verified", "domain.verification_failed", "domain.verification_lost",
        "domain.updated", "domain.removed",
        "join_request.created", "join_request.approved", "join_request.denied", "member.joined",  # joining
        "invite_link.created", "invite_link.used", "invite_link.revoked",  # test_invite_links.py
        "scim_token.created", "scim_token.revoked", "member.provisioned",  # test_scim_tokens.py, _users.py
    }  # each in its own tests (test_email_domains.py, test_domain_rechecks.py, test_joining.py)  # fmt: skip
    assert recorded.count("invitation.created") == 4  # the owner's, ann, bob, carl: one per invited email
    assert recorded[0] == "invitation.expired" and recorded[-1] == "account.created"  # newest first
    [expired] = all_events(api, account_id, "?type=invitation.expired")
    assert expired["actor"] == {"kind": "system", "user_id": None, "email": None}
    assert expired["target"]["email"] == "carl@x.com"
    [updated] = all_events(api, account_id, "?type=member.updated")
    assert updated["changes"] == {
        "permissions": [["tickets"], ["invoices", "tickets"]],
        "title": [None, "Books"],
    }
    assert updated["actor"]["user_id"] == owner.user_id
    [moved] = all_events(api, account_id, "?type=account.ownership_transferred")
    assert moved["changes"] == {"owner_user_id": [owner.user_id, ann]}


def join_invited(api: Api, email: str) -> str:
    from tests.helpers import accept_new

    return accept_new(api, email).user_id


def test_a_refused_change_records_nothing(api: Api) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "m@acme.com")
    before = len(all_events(api, account_id))
    owner_path = f"/accounts/{account_id}/members/{owner.user_id}"
    assert api.patch(owner_path, {"role": "member"}, token=owner.token).code == "owner_immutable"
    assert api.post(owner_path + "/deactivate", token=owner.token).code == "owner_immutable"
    assert api.post(f"/accounts/{account_id}/contacts", {"email": "bad"}, token=owner.token).status == 400
    api.post(f"/accounts/{account_id}/contacts", {"email": "a@x.com"}, token=owner.token)
    assert api.post(f"/accounts/{account_id}/contacts", {"email": "a@x.com"}, token=owner.token).status == 409
    group = api.post(f"/accounts/{account_id}/groups", {"name": "G"}, token=owner.token).body
    into_group = {"emails": ["g@x.com"], "group_id": group["group_id"]}
    assert api.post(f"/accounts/{account_id}/invitations", into_group, token=owner.token).status == 200
    assert api.delete(f"/accounts/{account_id}/groups/{group['group_id']}", token=owner.token).status == 409
    assert api.patch(f"/accounts/{account_id}/members/{member.user_id}", {"group_id": "grp_" + "0" * 24},
                     token=owner.token).status == 400  # fmt: skip
    after = [e["type"] for e in all_events(api, account_id)]
    assert len(after) == before + 3  # contact.created, group.created, invitation.created: the successes only
    assert after[:3] == ["invitation.created", "group.created", "contact.created"]


def test_filters_narrow_a_key_range_and_cursors_belong_to_their_list(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin", permissions=[])
    base = f"/accounts/{account_id}/contacts"
    for n in range(3):
        clock.advance(minutes=10)
        api.post(base, {"email": f"c{n}@x.com"}, token=admin.token if n else owner.token)
    by_admin = all_events(api, account_id, f"?actor_user_id={admin.user_id}")
    assert [e["type"] for e in by_admin] == ["contact.created", "contact.created", "invitation.accepted"]
    both = all_events(api, account_id, f"?actor_user_id={admin.user_id}&type=contact.created")
    assert [e["target"]["email"] for e in both] == ["c2@x.com", "c1@x.com"]
    window = all_events(api, account_id, "?since=2026-11-23T09:20:00Z&until=2026-11-23T09:30:00Z")
    assert [e["target"]["email"] for e in window] == ["c1@x.com"]  # since inclusive, until exclusive
    first = api.get(f"/accounts/{account_id}/audit-events?limit=2", operator=True).body
    assert len(first["items"]) == 2 and first["next_cursor"]
    cursor = first["next_cursor"]
    elsewhere = api.get(
        f"/accounts/{account_id}/audit-events?type=contact.created&cursor={cursor}", operator=True
    )
    assert elsewhere.code == "validation_error"
    other_id, other_owner = onboard(api, "Elsewhere", "owner@elsewhere.com")
    assert (
        api.get(f"/accounts/{other_id}/audit-events?cursor={first['next_cursor']}", operator=True).status
        == 400
    )
    assert api.get(f"/accounts/{account_id}/audit-events?since=yesterday", operator=True).status == 400
    assert api.get(f"/accounts/{account_id}/audit-events?type=member.exploded", operator=True).status == 400


def test_who_may_read_the_log(api: Api) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "m@acme.com", permissions=["tickets"])
    other_id, other_owner = onboard(api, "Elsewhere", "owner@elsewhere.com")
    path = f"/accounts/{account_id}/audit-events"
    assert api.get(path, token=owner.token).status == 200
    assert api.get(path, token=member.token).code == "forbidden"
    assert api.get(path, token=other_owner.token).code == "not_found"
    assert api.get(path).code == "unauthenticated"
    assert all(e["account_id"] == other_id for e in events(api, other_id))  # each account its own log


def test_an_event_costs_no_round_trip_and_a_page_is_one_query(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    with DynamoCalls() as calls:
        api.post(f"/accounts/{account_id}/contacts", {"email": "a@x.com"}, token=owner.token)
    assert calls.operations == ["BatchGetItem", "TransactWriteItems"]  # the contact and its event together
    with DynamoCalls() as calls:
        events(api, account_id, owner.token, "?type=contact.created&limit=10")
    assert calls.operations == ["BatchGetItem", "Query"]
    [item] = deps.store.audit.events(account_id, AuditFilter(type="contact.created"), 1, None)[0]
    assert item.ttl == item.occurred_at + timedelta(days=400)  # retention by DynamoDB's TTL
