"""Who gets what on every route that takes an {account_id}: one table, asserted for every actor."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

import app  # noqa: F401  (registers every route in ROUTES)
from chalicelib.api.routes import ROUTES
from chalicelib.domain.caller import OPERATOR
from chalicelib.domain.support import SUPPORT_BARRED_SEGMENTS
from chalicelib.ids import new_id
from chalicelib.schemas.contacts import ContactIn
from chalicelib.schemas.support_sessions import SupportSessionIn
from chalicelib.services.contacts import create_contact
from chalicelib.services.invitations import new_invitation
from chalicelib.services.scim_tokens import create_token, revoke_token
from chalicelib.services.support_sessions import start as start_support_session
from chalicelib.store.groups import new_group_item
from chalicelib.store.sub_accounts import new_sub_account_item
from tests.helpers.dns import local_dns
from tests.helpers.domains import fresh_domain
from tests.helpers.joining import seed_invite_link, seed_join_request
from tests.helpers.present import present
from tests.helpers.seed import seed_account, seed_member, token_for
from tests.helpers.webhooks import seed_webhook_with_failed_delivery

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

# needs: "any" (an active member), a permission key, "owner", "operator" (owner-invitation: told to
# transfer), or "operator_only"
SUPPORT_REASON = "The matrix checks who may do what"
MATRIX = [
    ("GET", "/accounts/{account_id}", "any", None),
    ("PATCH", "/accounts/{account_id}", "profile", {"name": "Renamed"}),
    ("POST", "/accounts/{account_id}/ownership", "owner", {"user_id": "{owner}"}),
    ("PUT", "/accounts/{account_id}/seats", "operator_only", {"limit": 50}),  # the plan is the operator's
    ("GET", "/accounts/{account_id}/members", "user_management", None),
    ("GET", "/accounts/{account_id}/members/{user_id}", "user_management", None),
    ("PATCH", "/accounts/{account_id}/members/{user_id}", "user_management", {"permissions": ["tickets"]}),
    ("POST", "/accounts/{account_id}/members/{user_id}/deactivate", "user_management", None),
    ("POST", "/accounts/{account_id}/members/{user_id}/reactivate", "user_management", None),
    ("DELETE", "/accounts/{account_id}/members/{user_id}", "user_management", None),
    ("POST", "/accounts/{account_id}/members/{user_id}/password-reset", "user_management", None),
    (
        "POST",
        "/accounts/{account_id}/invitations",
        "user_management",
        {"emails": ["new@example.com"], "role": "member"},
    ),
    ("GET", "/accounts/{account_id}/invitations", "user_management", None),
    ("GET", "/accounts/{account_id}/invitations/allowance", "user_management", None),
    ("POST", "/accounts/{account_id}/invitations/{invitation_id}/resend", "user_management", None),
    ("DELETE", "/accounts/{account_id}/invitations/{invitation_id}", "user_management", None),
    ("GET", "/accounts/{account_id}/contacts", "contacts", None),
    ("POST", "/accounts/{account_id}/contacts", "contacts", {"email": "new-contact@example.com"}),
    ("GET", "/accounts/{account_id}/contacts/{contact_id}", "contacts", None),
    ("PATCH", "/accounts/{account_id}/contacts/{contact_id}", "contacts", {"phone": "+1 555 0100"}),
    ("DELETE", "/accounts/{account_id}/contacts/{contact_id}", "contacts", None),
    ("GET", "/accounts/{account_id}/notification-recipients?category=invoice", "contacts", None),
    ("GET", "/accounts/{account_id}/sub-accounts", "any", None),
    ("POST", "/accounts/{account_id}/sub-accounts", "owner", {"name": "New shop"}),
    ("PATCH", "/accounts/{account_id}/sub-accounts/{sub_account_id}", "owner", {"name": "Renamed shop"}),
    ("DELETE", "/accounts/{account_id}/sub-accounts/{sub_account_id}", "owner", None),
    ("POST", "/accounts/{account_id}/owner-invitation", "operator", {"email": "new-owner@example.com"}),
    ("GET", "/accounts/{account_id}/groups", "user_management", None),
    ("POST", "/accounts/{account_id}/groups", "user_management", {"name": "New group"}),
    ("GET", "/accounts/{account_id}/groups/{group_id}", "user_management", None),
    ("PATCH", "/accounts/{account_id}/groups/{group_id}", "user_management", {"description": "Changed"}),
    ("DELETE", "/accounts/{account_id}/groups/{group_id}", "user_management", None),
    ("GET", "/accounts/{account_id}/audit-events", "user_management", None),
    (
        "POST",
        "/accounts/{account_id}/webhooks",
        "owner",
        {"url": "https://93.184.216.34/h", "event_types": ["*"]},
    ),
    ("GET", "/accounts/{account_id}/webhooks", "owner", None),
    ("GET", "/accounts/{account_id}/webhooks/{webhook_id}", "owner", None),
    ("PATCH", "/accounts/{account_id}/webhooks/{webhook_id}", "owner", {"description": "Billing feed"}),
    ("DELETE", "/accounts/{account_id}/webhooks/{webhook_id}", "owner", None),
    ("POST", "/accounts/{account_id}/webhooks/{webhook_id}/rotate-secret", "owner", None),
    ("GET", "/accounts/{account_id}/webhooks/{webhook_id}/deliveries", "owner", None),
    ("POST", "/accounts/{account_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/retry", "owner", None),
    (
        "POST",
        "/accounts/{account_id}/support-sessions",
        "operator_only",
        {"user_id": "{target}", "reason": SUPPORT_REASON},
    ),
    ("DELETE", "/accounts/{account_id}/support-sessions/{support_session_id}", "operator_only", None),
    ("POST", "/accounts/{account_id}/email-domains", "owner", {"domain": "new.example.com"}),
    ("GET", "/accounts/{account_id}/email-domains", "owner", None),
    ("GET", "/accounts/{account_id}/email-domains/{domain}", "owner", None),
    (
        "PATCH",
        "/accounts/{account_id}/email-domains/{domain}",
        "owner",
        {"auto_join_permissions": ["tickets"]},
    ),
    ("DELETE", "/accounts/{account_id}/email-domains/{domain}", "owner", None),
    ("POST", "/accounts/{account_id}/email-domains/{domain}/verify", "owner", None),
    ("GET", "/accounts/{account_id}/security", "owner", None),
    ("PUT", "/accounts/{account_id}/security", "owner", {"mfa_required": "admins", "grace_days": 30}),
    ("POST", "/accounts/{account_id}/members/{user_id}/sign-out", "user_management", None),
    ("GET", "/accounts/{account_id}/join-requests", "user_management", None),
    (
        "POST",
        "/accounts/{account_id}/join-requests/{join_request_id}/approve",
        "user_management",
        {"role": "member"},
    ),
    ("POST", "/accounts/{account_id}/join-requests/{join_request_id}/deny", "user_management", None),
    ("POST", "/accounts/{account_id}/join", "join", None),
    ("POST", "/accounts/{account_id}/invite-links", "user_management", {"max_uses": 5}),
    ("GET", "/accounts/{account_id}/invite-links", "user_management", None),
    ("DELETE", "/accounts/{account_id}/invite-links/{invite_link_id}", "user_management", None),
    ("POST", "/accounts/{account_id}/scim-tokens", "owner", None),
    ("GET", "/accounts/{account_id}/scim-tokens", "owner", None),
    ("DELETE", "/accounts/{account_id}/scim-tokens/{scim_token_id}", "owner", None),
]
ACTORS = [
    "owner",
    "admin",
    "member_with",
    "member_without",
    "member_scoped",  # member_with's permissions, limited to a sub-account other than the one in the path
    "group_member",  # in a custom group granting tickets and contacts
    "group_manager",  # that group's manager; the targets of the matrix are outside it
    "deactivated",
    "removed",
    "outsider",
    "anonymous",
    "operator",
    "support",  # a support session's token acting as the owner: the owner's powers, minus the barred routes
]


class World(NamedTuple):
    account_id: str
    ids: dict[str, str]  # actor -> user id
    scoped_to: str  # the one sub-account member_scoped reaches
    support_token: str  # acting as the owner


# A group manager on the routes they share with user_management holders: their own group's lists, nothing of
# anyone outside it (404, as if absent), and none of the powers that are not theirs (403).
MANAGER_OUTSIDE_THEIR_GROUP = {
    ("GET", "/accounts/{account_id}/members"): "2xx",
    ("GET", "/accounts/{account_id}/members/{user_id}"): "404",
    ("PATCH", "/accounts/{account_id}/members/{user_id}"): "403",
    ("POST", "/accounts/{account_id}/members/{user_id}/deactivate"): "404",
    ("POST", "/accounts/{account_id}/members/{user_id}/reactivate"): "404",
    ("DELETE", "/accounts/{account_id}/members/{user_id}"): "404",
    ("POST", "/accounts/{account_id}/members/{user_id}/password-reset"): "404",
    ("POST", "/accounts/{account_id}/invitations"): "403",  # the matrix's body chooses a role
    ("GET", "/accounts/{account_id}/invitations"): "2xx",
    ("GET", "/accounts/{account_id}/invitations/allowance"): "2xx",  # a manager invites into their group
    ("POST", "/accounts/{account_id}/invitations/{invitation_id}/resend"): "404",
    ("DELETE", "/accounts/{account_id}/invitations/{invitation_id}"): "404",
    ("GET", "/accounts/{account_id}/groups"): "2xx",
    ("POST", "/accounts/{account_id}/groups"): "403",
    ("GET", "/accounts/{account_id}/groups/{group_id}"): "404",
    ("PATCH", "/accounts/{account_id}/groups/{group_id}"): "403",
    ("DELETE", "/accounts/{account_id}/groups/{group_id}"): "403",
    ("GET", "/accounts/{account_id}/audit-events"): "403",  # the account's log is user_management's
    ("POST", "/accounts/{account_id}/members/{user_id}/sign-out"): "404",
    ("GET", "/accounts/{account_id}/join-requests"): "2xx",  # those through links into their group
    ("POST", "/accounts/{account_id}/join-requests/{join_request_id}/approve"): "404",
    ("POST", "/accounts/{account_id}/join-requests/{join_request_id}/deny"): "404",
    ("POST", "/accounts/{account_id}/invite-links"): "403",  # links are the account's user managers'
    ("GET", "/accounts/{account_id}/invite-links"): "403",
    ("DELETE", "/accounts/{account_id}/invite-links/{invite_link_id}"): "403",
}
# POST .../join: any signed-in user, for an account their email's verified domain lets them join; the
# matrix's account holds no domain, so it is no one's to join: 404 (the operator has no email to join as).
JOIN = {"anonymous": "401", "operator": "401", "support": "403"}


def expected(actor: str, needs: str, method: str = "", path: str = "") -> str:
    if needs == "join":
        return JOIN.get(actor, "404")
    if actor == "support":  # passwords, ownership, webhooks and support sessions are refused it
        return (
            "403"
            if SUPPORT_BARRED_SEGMENTS & set(path.split("/"))
            else expected("owner", needs, method, path)
        )
    if actor == "anonymous":
        return "401"
    if actor in ("deactivated", "removed", "outsider"):
        return "404"
    if needs == "operator_only":
        return "2xx" if actor == "operator" else "403"
    if needs == "operator":  # the matrix's account has an owner: the operator is told to transfer instead
        return "409" if actor == "operator" else "403"
    if actor in ("owner", "operator"):
        return "2xx"
    if needs == "owner":
        return "403"
    if actor == "group_manager" and needs == "user_management":
        return MANAGER_OUTSIDE_THEIR_GROUP[(method, path)]
    with_keys = {"profile", "tickets", "contacts"}
    group_keys = {"tickets", "contacts"}
    held = {"admin": "all", "member_with": with_keys, "member_scoped": with_keys, "member_without": set(),
            "group_member": group_keys, "group_manager": group_keys}[actor]  # fmt: skip
    return "2xx" if needs == "any" or held == "all" or needs in held else "403"


def test_the_matrix_covers_every_account_route() -> None:
    account_routes = {(r.method, r.path) for r in ROUTES if "{account_id}" in r.path}
    assert account_routes == {(method, path.split("?")[0]) for method, path, _, _ in MATRIX}


@pytest.fixture
def world(api: Api, deps: Deps) -> Iterator[World]:
    account_id = seed_account(deps, "Matrix Co")
    other_id = seed_account(deps, "Elsewhere")
    elsewhere = new_sub_account_item(account_id, new_id("sub"), "Elsewhere shop", deps.now())
    assert deps.store.sub_accounts.create(elsewhere)
    team = new_group_item(account_id, new_id("grp"), "Team", None, ["tickets", "contacts"], None, deps.now())
    assert deps.store.groups.create(team)
    ids = {
        "owner": seed_member(deps, account_id, "owner@matrix.com", "owner"),
        "admin": seed_member(deps, account_id, "admin@matrix.com", "admin"),
        "member_with": seed_member(
            deps, account_id, "with@matrix.com", permissions=("profile", "tickets", "contacts")
        ),
        "member_without": seed_member(deps, account_id, "without@matrix.com"),
        "member_scoped": seed_member(
            deps,
            account_id,
            "scoped@matrix.com",
            permissions=("profile", "tickets", "contacts"),
            sub_accounts=[elsewhere.sub_account_id],
        ),
        "group_member": seed_member(deps, account_id, "team@matrix.com", group_id=team.group_id),
        "group_manager": seed_member(
            deps, account_id, "lead@matrix.com", group_id=team.group_id, group_manager=True
        ),
        "deactivated": seed_member(deps, account_id, "off@matrix.com", "admin", status="deactivated"),
        "removed": seed_member(deps, account_id, "gone@matrix.com", "admin"),
        "outsider": seed_member(deps, other_id, "outsider@elsewhere.com", "owner"),
    }
    assert (
        api.delete(
            f"/accounts/{account_id}/members/{ids['removed']}", token=token_for(deps, ids["owner"])
        ).status
        == 204
    )
    support = api.post(
        f"/accounts/{account_id}/support-sessions",
        {"user_id": ids["owner"], "reason": SUPPORT_REASON},
        operator=True,
    )
    assert support.status == 201, support.body
    with local_dns(deps):  # verify asks a DNS server: this one, on 127.0.0.1, never the internet
        yield World(account_id, ids, elsewhere.sub_account_id, support.body["access_token"])


def fresh_ids(
    deps: Deps, clock: Clock, account_id: str, n: int, template: str, body: dict[str, Any] | None
) -> dict[str, str]:
    """Fresh items for one call of the matrix, so no call depends on what the previous one did: each item
    its path names (an endpoint with a delivery, a support session for a fresh target member), and the target
    member its body names. An item the call does not name would change nothing it answers, so none is made."""
    made = {"account_id": account_id}
    if "{user_id}" in template or "{support_session_id}" in template or "{target}" in (body or {}).values():
        made["user_id"] = seed_member(deps, account_id, f"target{n}@matrix.com", permissions=("tickets",))
    if "{invitation_id}" in template:
        invitation, _ = new_invitation(deps, account_id, f"invitee{n}@matrix.com", "member", [], None, {})
        deps.store.invitations.create_invitations([invitation], deps.now())
        made["invitation_id"] = invitation.invitation.invitation_id
    clock.advance(seconds=61)  # past the resend interval
    if "{contact_id}" in template:
        made["contact_id"] = create_contact(
            deps, OPERATOR, account_id, ContactIn(email=f"contact{n}@matrix.com")
        ).contact_id
    if "{sub_account_id}" in template:
        sub_account = new_sub_account_item(account_id, new_id("sub"), f"Shop {n}", deps.now())
        assert deps.store.sub_accounts.create(sub_account)
        made["sub_account_id"] = sub_account.sub_account_id
    if "{group_id}" in template:
        group = new_group_item(account_id, new_id("grp"), f"Group {n}", None, [], None, deps.now())
        assert deps.store.groups.create(group)
        made["group_id"] = group.group_id
    if "{webhook_id}" in template:
        made["webhook_id"], made["delivery_id"] = seed_webhook_with_failed_delivery(deps, account_id)
    if "{domain}" in template:
        made["domain"] = fresh_domain(deps, account_id, n)
    if "{invite_link_id}" in template:
        made["invite_link_id"] = seed_invite_link(deps, account_id)
    if "{scim_token_id}" in template:
        made["scim_token_id"] = fresh_scim_token(deps, account_id)
    if "{join_request_id}" in template:
        made["join_request_id"] = seed_join_request(deps, account_id, f"asker{n}@matrix.com")
    if "{support_session_id}" in template:
        account = present(deps.store.accounts.get_account(account_id))
        started = SupportSessionIn(user_id=made["user_id"], reason=SUPPORT_REASON)
        made["support_session_id"] = start_support_session(
            deps, OPERATOR, account, started
        ).support_session_id
    return made


def fresh_scim_token(deps: Deps, account_id: str) -> str:
    """A token of its own for one call: the account's others revoked first (2 active at most)."""
    account = present(deps.store.accounts.get_account(account_id))
    for token in deps.store.scim_tokens.tokens_of(account_id):
        if token.revoked_at is None:
            revoke_token(deps, OPERATOR, account, token.scim_token_id)
    return create_token(deps, OPERATOR, account).scim_token_id


@pytest.mark.parametrize(
    ("method", "template", "needs", "body"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
def test_permission_matrix(
    api: Api, deps: Deps, clock: Clock, world: World, method: str, template: str, needs: str, body: Any
) -> None:
    account_id, ids = world.account_id, world.ids
    counter = itertools.count()
    outcomes = {}
    for actor in ACTORS:
        n = next(counter)
        made = fresh_ids(deps, clock, account_id, n, template, body)
        path = template.format(**made)
        target = made.get("user_id", "")
        placeholders = {"{owner}": ids["owner"], "{target}": target}
        payload = (
            {k: placeholders.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
            if body
            else None
        )
        if payload and "emails" in payload:
            payload["emails"] = [f"fresh{n}@example.com"]
        if payload and payload.get("name") == "New group":
            payload["name"] = f"New group {n}"
        if payload and "email" in payload:
            payload["email"] = f"fresh-contact{n}@example.com"
        if payload and "domain" in payload:
            payload["domain"] = f"fresh{n}.example.com"
        kwargs: dict[str, Any] = {"operator": True} if actor == "operator" else {}
        if actor == "support":
            kwargs["token"] = world.support_token
        elif actor not in ("operator", "anonymous"):
            kwargs["token"] = token_for(deps, ids[actor])
        reply = api.call(method, path, payload, **kwargs)
        outcomes[actor] = "2xx" if 200 <= reply.status < 300 else str(reply.status)
    assert outcomes == {actor: expected(actor, needs, method, template.split("?")[0]) for actor in ACTORS}


def test_an_accounts_brand_is_the_operators_alone(api: Api, deps: Deps, world: World) -> None:
    """PATCH /accounts/{account_id} `{"brand_id"}`: the matrix's row for the route is `profile` (a name);
    a brand is the operator's only (API.md), every other actor refused as on an operator-only route."""
    made = api.post(
        "/brands",
        {"name": "Reseller", "primary_color": "#7b1fa2", "support_email": "help@reseller.example"},
        operator=True,
    )
    assert made.status == 201, made.body
    path = f"/accounts/{world.account_id}"
    outcomes = {}
    for actor in ACTORS:
        kwargs: dict[str, Any] = {"operator": True} if actor == "operator" else {}
        if actor == "support":
            kwargs["token"] = world.support_token
        elif actor not in ("operator", "anonymous"):
            kwargs["token"] = token_for(deps, world.ids[actor])
        reply = api.patch(path, {"brand_id": made.body["brand_id"]}, **kwargs)
        outcomes[actor] = "2xx" if 200 <= reply.status < 300 else str(reply.status)
    assert outcomes == {actor: expected(actor, "operator_only", "PATCH", path) for actor in ACTORS}
