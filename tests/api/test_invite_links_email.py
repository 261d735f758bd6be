"""Invite links without signing in (issue 29): `{"token", "email"}` answers 202 email_sent with the same body
and the same DynamoDB work for any address (new, with a login, a member, invited), and the outbox worker then
sends a personal invitation made from the link, resends one, queues a request, or sends nothing; the
address's 3 a day; 20 at once through a link of 5 uses make exactly 5 invitations."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.jobs.purge import purge_expired
from chalicelib.services.link_emails import ask_by_email
from chalicelib.store.models import InvitationItem, JoinRequestItem, MailItem
from tests.helpers import join, onboard
from tests.helpers.concurrency import run_together
from tests.helpers.dynamo import DynamoCalls
from tests.helpers.mail import drain_outbox, emails_to, moto_outbox, to_address
from tests.helpers.seed import seed_user
from tests.helpers.settings import PASSWORD

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock
    from tests.helpers.receiver import WebhookReceiver

JOIN = "/invite-links/join"
NAME = {"first_name": "Nina", "last_name": "Corp"}


def base(account_id: str) -> str:
    return f"/accounts/{account_id}/invite-links"


def make(api: Api, account_id: str, **body: Any) -> tuple[str, dict[str, Any]]:
    reply = api.post(base(account_id), body, operator=True)  # tokens lapse as the tests' clock moves
    assert reply.status == 201, reply.body
    return reply.body["url"].split("#token=", 1)[1], reply.body


def link_row(api: Api, account_id: str) -> dict[str, Any]:
    return cast("dict[str, Any]", api.get(base(account_id), operator=True).body["items"][0])


def invitations_to(email: str) -> list[InvitationItem]:
    return [item for item in InvitationItem.scan() if item.email == email]


def events_of(api: Api, account_id: str, kind: str) -> list[dict[str, Any]]:
    reply = api.get(f"/accounts/{account_id}/audit-events?type={kind}", operator=True)
    assert reply.status == 200, reply.body
    return cast("list[dict[str, Any]]", reply.body["items"])


def test_every_address_gets_the_same_answer_and_the_same_work_then_what_it_is(
    api: Api, deps: Deps, clock: Clock
) -> None:
    account_id, owner = onboard(api)
    token, link = make(api, account_id, permissions=["tickets"], require_approval=False)
    seed_user(deps, "has.login@x.com")
    member = join(api, account_id, owner.token, "member@x.com")
    invited = api.post(
        f"/accounts/{account_id}/invitations", {"emails": ["invited@x.com"]}, token=owner.token
    )
    assert invited.status == 200, invited.body
    clock.advance(minutes=2)  # past the resend limit of the invitation just sent
    drain_outbox(deps)
    before = {mail.mail_id for mail in MailItem.scan()}
    answers, work = {}, {}
    for email in ("new@x.com", "has.login@x.com", member.email, "invited@x.com"):
        with DynamoCalls() as calls:
            reply = api.post(JOIN, {"token": token, "email": email})
        answers[email], work[email] = (reply.status, reply.body), calls.operations
    assert set(map(str, answers.values())) == {str((202, {"status": "email_sent"}))}, answers
    assert len({tuple(ops) for ops in work.values()}) == 1, work
    assert "TransactWriteItems" in work["new@x.com"]
    queued = [mail for mail in MailItem.scan() if mail.mail_id not in before]
    assert sorted(mail.to for mail in queued) == sorted(answers)  # one outbox row each, the same kind
    assert {mail.kind for mail in queued} == {"link_join"}
    sent_before = {email: len(to_address(moto_outbox(), email)) for email in answers}  # not drained
    drain_outbox(deps)
    assert len(emails_to("new@x.com")) == sent_before["new@x.com"] + 1
    assert len(emails_to("has.login@x.com")) == sent_before["has.login@x.com"] + 1
    assert len(emails_to(member.email)) == sent_before[member.email]  # a member is sent nothing
    assert len(emails_to("invited@x.com")) == sent_before["invited@x.com"] + 1  # resent
    [made] = invitations_to("new@x.com")
    assert (made.role, list(made.permissions), made.invite_link_id) == (
        "member",
        ["tickets"],
        link["invite_link_id"],
    )
    assert [i.invite_link_id for i in invitations_to("invited@x.com")] == [None]  # resent, not made anew
    assert link_row(api, account_id)["uses"] == 4  # every request took one, whatever the address
    used = events_of(api, account_id, "invite_link.used")
    assert [e["target"]["id"] for e in used] == [link["invite_link_id"]] * 2


def test_through_a_link_that_requires_approval_the_answer_and_the_calls_are_alike_too(
    api: Api, deps: Deps, clock: Clock
) -> None:
    account_id, owner = onboard(api)
    token, _ = make(api, account_id)
    seed_user(deps, "has.login@x.com")
    member = join(api, account_id, owner.token, "member@x.com")
    invited = api.post(
        f"/accounts/{account_id}/invitations", {"emails": ["invited@x.com"]}, token=owner.token
    )
    assert invited.status == 200, invited.body
    answers, work = {}, {}
    for email in ("new@x.com", "has.login@x.com", member.email, "invited@x.com"):
        with DynamoCalls() as calls:
            reply = api.post(JOIN, {"token": token, "email": email})
        answers[email], work[email] = (reply.status, reply.body), calls.operations
    assert set(map(str, answers.values())) == {str((202, {"status": "email_sent"}))}, answers
    assert len({tuple(ops) for ops in work.values()}) == 1, work
    listed = api.get(f"/accounts/{account_id}/join-requests", operator=True).body["items"]
    assert sorted(r["email"] for r in listed) == ["has.login@x.com", "new@x.com"]  # at once, no worker run


def test_the_invitation_made_from_a_link_is_accepted_into_the_links_grant(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    token, _ = make(api, account_id, permissions=["invoices"], require_approval=False)
    assert api.post(JOIN, {"token": token, "email": "Nina@Corp.com"}).status == 202
    drain_outbox(deps)
    accepted = api.post(
        "/invitations/accept",
        {"token": api.latest_link("nina@corp.com"), "password": PASSWORD, **NAME},
    )
    assert accepted.status == 201, accepted.body
    members = api.get(f"/accounts/{account_id}/members", token=owner.token).body["items"]
    [nina] = [m for m in members if m["email"] == "nina@corp.com"]
    assert (nina["role"], nina["permissions"]) == ("member", ["invoices"])
    drain_outbox(deps)  # a retry of the worker finds nothing more to send
    assert len(emails_to("nina@corp.com")) == 1


def test_with_approval_a_request_is_queued_under_the_address(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    token, link = make(api, account_id, permissions=["tickets"])
    assert api.post(JOIN, {"token": token, "email": "asker@x.com"}).status == 202
    assert api.post(JOIN, {"token": token, "email": "asker@x.com"}).status == 202
    drain_outbox(deps)
    listed = api.get(f"/accounts/{account_id}/join-requests", token=owner.token)
    assert listed.status == 200, listed.body
    [request] = listed.body["items"]  # asked twice: one pending request
    assert (request["user"], request["email"], request["via"], request["invite_link_id"]) == (
        None,
        "asker@x.com",
        "invite_link",
        link["invite_link_id"],
    )
    assert link_row(api, account_id)["uses"] == 2  # each request took its use
    assert emails_to("asker@x.com") == []
    assert len(events_of(api, account_id, "join_request.created")) == 1


def test_errors_that_do_not_depend_on_the_address_still_apply(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    assert api.post(JOIN, {"token": "x" * 43, "email": "a@x.com"}).status == 404
    token, link = make(api, account_id, allowed_domains=["corp.com"], expires_in_days=1)
    outside = api.post(JOIN, {"token": token, "email": "a@elsewhere.com"})
    assert outside.status == 403 and outside.body["error"]["code"] == "domain_not_allowed"
    unknown_field = api.post(JOIN, {"token": token, "email": "a@corp.com", "name": "A"})
    assert unknown_field.status == 400
    assert api.post(JOIN, {"token": token}).status == 401  # neither signed in nor an address
    signed_in = api.post(JOIN, {"token": token, "email": "a@corp.com"}, token=owner.token)
    assert signed_in.status == 400 and signed_in.body["error"]["details"][0]["field"] == "email"
    clock.advance(days=2)
    gone = api.post(JOIN, {"token": token, "email": "a@corp.com"})
    assert gone.status == 410 and gone.body["error"]["code"] == "invite_link_expired"
    assert api.delete(f"{base(account_id)}/{link['invite_link_id']}", operator=True).status == 204
    assert api.post(JOIN, {"token": token, "email": "a@corp.com"}).status == 404


def test_three_emails_a_day_per_address_and_ten_an_hour_per_link(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    first, _ = make(api, account_id)
    second, _ = make(api, account_id)
    member = join(api, account_id, owner.token, "member@x.com")
    for email in ("someone@x.com", member.email):
        answers = [api.post(JOIN, {"token": t, "email": email}) for t in (first, second, first, second)]
        assert [a.status for a in answers] == [202, 202, 202, 429], email
        assert answers[-1].body["error"]["code"] == "rate_limited"
    clock.advance(days=1)
    assert api.post(JOIN, {"token": first, "email": "someone@x.com"}).status == 202
    clock.advance(hours=1)
    third, _ = make(api, account_id)
    hourly = [api.post(JOIN, {"token": third, "email": f"p{n}@x.com"}).status for n in range(11)]
    assert hourly == [202] * 10 + [429]


def test_the_days_three_count_the_mailbox_not_its_spellings(api: Api, deps: Deps) -> None:
    """A tag or Gmail's dots reach one person: a fourth email to that mailbox is 429 however it is spelled,
    while another mailbox is still served."""
    account_id, _ = onboard(api)
    token, _ = make(api, account_id)
    spellings = ["victim+1@gmail.com", "v.ictim@gmail.com", "VICTIM+zz@gmail.com", "vic.tim+2@googlemail.com"]
    answers = [api.post(JOIN, {"token": token, "email": email}).status for email in spellings]
    assert answers == [202, 202, 202, 202]  # googlemail.com is its own count: another domain's key
    assert api.post(JOIN, {"token": token, "email": "victim@gmail.com"}).status == 429
    assert api.post(JOIN, {"token": token, "email": "other+1@gmail.com"}).status == 202


def test_twenty_at_once_through_a_link_of_five_uses_make_five_invitations(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    token, _ = make(api, account_id, require_approval=False, max_uses=5)
    emails = [f"r{n}@x.com" for n in range(20)]

    def asking(email: str) -> Callable[[], str]:
        return lambda: ask_by_email(deps, token, email).status

    asked = run_together(*[asking(email) for email in emails])
    assert sorted(map(str, asked)) == ["email_sent"] * 5 + ["invite_link_expired"] * 15  # 5 uses
    drain_outbox(deps)
    made = [item for item in InvitationItem.scan() if item.invite_link_id]
    assert len(made) == 5
    assert link_row(api, account_id)["uses"] == 5
    assert sum(len(to_address(moto_outbox(), email)) for email in emails) == 5


@pytest.mark.parametrize("require_approval", [False, True])
def test_a_links_last_use_tells_nothing_about_who_belongs(
    api: Api, deps: Deps, require_approval: bool
) -> None:
    """Draining a link to its last use and then giving a target's address: the link is used up alike
    whether the address is a member, invited or new, before the worker runs and after it."""
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "member@x.com")
    invited = api.post(
        f"/accounts/{account_id}/invitations", {"emails": ["invited@x.com"]}, token=owner.token
    )
    assert invited.status == 200, invited.body
    seen = {}
    for target in (member.email, "invited@x.com", "new@x.com"):
        token, _ = make(api, account_id, require_approval=require_approval, max_uses=1)
        assert api.post(JOIN, {"token": token, "email": target}).status == 202
        right_after = api.post(JOIN, {"token": token, "email": "probe@x.com"}).status
        drain_outbox(deps)
        later = api.post(JOIN, {"token": token, "email": "probe2@x.com"}).status
        seen[target] = (right_after, later)
    assert set(seen.values()) == {(410, 410)}, seen


def test_join_requests_by_email_have_no_user_until_approved(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    token, _ = make(api, account_id)
    assert api.post(JOIN, {"token": token, "email": "later@x.com"}).status == 202
    drain_outbox(deps)
    [stored] = [item for item in JoinRequestItem.scan() if item.email == "later@x.com"]
    assert stored.user_id is None and stored.requester == "later@x.com"


def invitation_id_of(api: Api, account_id: str, email: str) -> str:
    listed = api.get(f"/accounts/{account_id}/invitations?status=pending", operator=True)
    assert listed.status == 200, listed.body
    [found] = [i for i in listed.body["items"] if i["email"] == email]
    return str(found["invitation_id"])


def test_a_use_comes_back_when_its_invitation_is_revoked_or_purged_unless_the_link_is_revoked(
    api: Api, deps: Deps, clock: Clock
) -> None:
    account_id, owner = onboard(api)
    token, link = make(api, account_id, require_approval=False, max_uses=2)
    for email in ("a@x.com", "b@x.com"):
        assert api.post(JOIN, {"token": token, "email": email}).status == 202
    drain_outbox(deps)
    assert link_row(api, account_id)["uses"] == 2
    assert api.post(JOIN, {"token": token, "email": "c@x.com"}).status == 410  # used up
    revoked = api.delete(
        f"/accounts/{account_id}/invitations/{invitation_id_of(api, account_id, 'a@x.com')}", operator=True
    )
    assert revoked.status == 204, revoked.body
    assert link_row(api, account_id)["uses"] == 1
    assert api.post(JOIN, {"token": token, "email": "c@x.com"}).status == 202  # its use is free again
    drain_outbox(deps)
    assert link_row(api, account_id)["uses"] == 2
    purged = purge_expired(deps.store, clock() + timedelta(days=8))  # b's and c's, expired unaccepted
    assert purged.deleted == 2
    assert link_row(api, account_id)["uses"] == 0  # never below zero: one give-back per invitation

    other_token, other = make(api, account_id, require_approval=False)
    assert api.post(JOIN, {"token": other_token, "email": "d@x.com"}).status == 202
    drain_outbox(deps)
    d_invitation = invitation_id_of(api, account_id, "d@x.com")
    assert api.delete(f"{base(account_id)}/{other['invite_link_id']}", operator=True).status == 204
    gone = api.delete(f"/accounts/{account_id}/invitations/{d_invitation}", operator=True)
    assert gone.status == 204
    rows = api.get(base(account_id), operator=True).body["items"]
    assert [r["uses"] for r in rows if r["invite_link_id"] == other["invite_link_id"]] == [1]
    assert [r["uses"] for r in rows if r["invite_link_id"] == link["invite_link_id"]] == [0]


def set_limit(api: Api, account_id: str, limit: int) -> None:
    assert api.put(f"/accounts/{account_id}/seats", {"limit": limit}, operator=True).status == 200


def asked_by_email(api: Api, deps: Deps, account_id: str, email: str, **link: Any) -> str:
    token, _ = make(api, account_id, **link)
    assert api.post(JOIN, {"token": token, "email": email}).status == 202
    drain_outbox(deps)
    listed = api.get(f"/accounts/{account_id}/join-requests", operator=True).body["items"]
    return str(next(r["join_request_id"] for r in listed if r["email"] == email))


def test_approving_a_request_made_by_email_sends_an_invitation_and_takes_a_seat(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    requests = f"/accounts/{account_id}/join-requests"
    request_id = asked_by_email(api, deps, account_id, "pat@x.com", permissions=["tickets"])
    set_limit(api, account_id, 1)  # the owner holds it
    full = api.post(f"{requests}/{request_id}/approve", {}, token=owner.token)
    assert full.status == 409 and full.body["error"]["code"] == "seat_limit_reached"
    set_limit(api, account_id, 5)
    approved = api.post(f"{requests}/{request_id}/approve", {"permissions": ["invoices"]}, token=owner.token)
    assert approved.status == 201, approved.body
    assert (approved.body["email"], approved.body["role"], approved.body["permissions"]) == (
        "pat@x.com",
        "member",
        ["invoices"],
    )
    assert "invitation_id" in approved.body and "user_id" not in approved.body
    [mail] = emails_to("pat@x.com")  # the invitation is the outcome's email
    assert "Acme Hosting" in mail.subject
    accepted = api.post("/invitations/accept", {"token": mail.link_token, "password": PASSWORD, **NAME})
    assert accepted.status == 201, accepted.body
    again = api.post(f"{requests}/{request_id}/approve", {}, token=owner.token)
    assert again.status == 409 and again.body["error"]["code"] == "conflict"
    kinds = [e["type"] for e in events_of(api, account_id, "join_request.approved")]
    assert kinds == ["join_request.approved"]
    created = events_of(api, account_id, "invitation.created")
    assert [e["target"]["email"] for e in created if e["target"]["email"] == "pat@x.com"] == ["pat@x.com"]


def test_denying_a_request_made_by_email_tells_the_address(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    request_id = asked_by_email(api, deps, account_id, "sam@x.com")
    denied = api.post(f"/accounts/{account_id}/join-requests/{request_id}/deny", {}, token=owner.token)
    assert denied.status == 204, denied.body
    [mail] = emails_to("sam@x.com")
    assert "denied" in mail.body
    assert len(events_of(api, account_id, "join_request.denied")) == 1


def test_the_document_names_every_answer_of_the_joins_and_both_bodies(api: Api) -> None:
    document = api.get("/openapi.json").body

    def bodies(path: str, status: str) -> set[str]:
        schema = document["paths"][path]["post"]["responses"][status]["content"]["application/json"]["schema"]
        return {one["$ref"].rsplit("/", 1)[1] for one in schema.get("oneOf", [schema])}

    assert bodies(JOIN, "200") == {"LinkMember", "JoinRequest"}
    assert bodies(JOIN, "201") == {"LinkMember"}
    assert bodies(JOIN, "202") == {"JoinRequest", "EmailSent"}
    domain_join = "/accounts/{account_id}/join"
    assert (bodies(domain_join, "200"), bodies(domain_join, "201"), bodies(domain_join, "202")) == (
        {"Member", "JoinRequest"},
        {"Member"},
        {"JoinRequest"},
    )
    approve = "/accounts/{account_id}/join-requests/{join_request_id}/approve"
    assert bodies(approve, "201") == {"Member", "Invitation"}
    join_body = document["components"]["schemas"]["InviteLinkJoinIn"]
    assert join_body["required"] == ["token"] and "email" in join_body["properties"]
    assert join_body["additionalProperties"] is False
    assert "security" not in document["paths"][JOIN]["post"]  # a Bearer token is optional here


def test_the_no_login_paths_events_reach_a_webhook(
    api: Api, loopback: Deps, receiver: WebhookReceiver
) -> None:
    from chalicelib.services.webhook_delivery import run_once

    account_id, owner = onboard(api)
    types = [
        "invite_link.used",
        "invitation.created",
        "join_request.created",
        "join_request.approved",
        "join_request.denied",
    ]
    hook = api.post(
        f"/accounts/{account_id}/webhooks", {"url": receiver.url, "event_types": types}, token=owner.token
    )
    assert hook.status == 201, hook.body
    direct, _ = make(api, account_id, require_approval=False)
    assert api.post(JOIN, {"token": direct, "email": "direct@x.com"}).status == 202
    drain_outbox(loopback)
    asked = [asked_by_email(api, loopback, account_id, f"ask{n}@x.com") for n in range(2)]
    requests = f"/accounts/{account_id}/join-requests"
    assert api.post(f"{requests}/{asked[0]}/approve", {}, token=owner.token).status == 201
    assert api.post(f"{requests}/{asked[1]}/deny", {}, token=owner.token).status == 204
    delivered = run_once(loopback).succeeded
    bodies = [json.loads(r.body) for r in receiver.received]
    assert delivered == len(bodies)
    arrived = sorted(
        (b["type"], b["data"]["target"]["email"])
        for b in bodies
        if b["data"]["target"]["email"] != owner.email
    )  # the owner's invitation.created is handed on too: the endpoint exists when the events go out
    assert arrived == [
        ("invitation.created", "ask0@x.com"), ("invitation.created", "direct@x.com"),
        ("invite_link.used", None), ("join_request.approved", "ask0@x.com"),
        ("join_request.created", "ask0@x.com"), ("join_request.created", "ask1@x.com"),
        ("join_request.denied", "ask1@x.com"),
    ]  # fmt: skip


def test_who_may_call_the_join_route(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    token, _ = make(api, account_id)
    bad = api.post(JOIN, {"token": token, "email": "a@x.com"}, token="not-a-token")
    assert bad.status == 401  # a token that is sent is checked: never the no-login path instead
    support = api.post(
        f"/accounts/{account_id}/support-sessions",
        {"user_id": owner.user_id, "reason": "Checking who may join through links"},
        operator=True,
    )
    assert support.status == 201, support.body
    refused = api.post(JOIN, {"token": token}, token=support.body["access_token"])
    assert refused.status == 403 and refused.body["error"]["code"] == "forbidden"
    assert api.post(JOIN, {"token": token, "email": "a@x.com"}).status == 202


def test_a_login_removed_by_someone_else_only_asks_by_email_too(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    rita = join(api, account_id, owner.token, "rita@x.com")
    assert api.delete(f"/accounts/{account_id}/members/{rita.user_id}", token=owner.token).status == 204
    token, _ = make(api, account_id, require_approval=False)
    assert api.post(JOIN, {"token": token, "email": "rita@x.com"}).status == 202
    drain_outbox(deps)
    assert invitations_to("rita@x.com") == []
    listed = api.get(f"/accounts/{account_id}/join-requests", token=owner.token).body["items"]
    assert [(r["email"], r["user"]) for r in listed] == [("rita@x.com", None)]
