"""An invitation link that opens nothing tells its holder why (issue 34 item 8): accepted, revoked, replaced
by a newer email, or unknown; always 404 `not_found`, and an ended link is never accepted, previewed as valid
or counted, with or without a Bearer token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain.invitations import link_gone_message
from chalicelib.security.links import hash_link_token
from tests.helpers import PASSWORD, accept_new, invite, latest_link, onboard, sign_in

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

ACCEPTED = "This invitation was already accepted: sign in."
REVOKED = "This invitation was withdrawn by the account; ask them for a new one."
REPLACED = "A newer invitation was sent: use the link in the latest email."
UNKNOWN = "This link is not valid."


def _path(account_id: str, invitation: dict[str, Any], suffix: str = "") -> str:
    return f"/accounts/{account_id}/invitations/{invitation['invitation_id']}{suffix}"


def _refused_everywhere(api: Api, link: str, message: str, bearer: str | None = None) -> None:
    """Lookup, accept as a new user, accept with a password and accept with a Bearer token: each 404 with
    `message`."""
    new_user = {"token": link, "password": PASSWORD, "first_name": "A", "last_name": "B"}
    replies = [
        api.post("/invitations/lookup", {"token": link}),
        api.post("/invitations/accept", new_user),
        api.post("/invitations/accept", {"token": link, "password": PASSWORD}),
    ]
    if bearer is not None:
        replies.append(api.post("/invitations/accept", {"token": link}, token=bearer))
    for reply in replies:
        assert (reply.status, reply.code, reply.body["error"]["message"]) == (404, "not_found", message)


def test_an_accepted_link_says_so_and_cannot_be_used_again(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    link = latest_link("ann@example.com")
    ann = accept_new(api, "ann@example.com")
    _refused_everywhere(api, link, ACCEPTED, bearer=ann.token)
    tombstone = deps.store.links.get_link(hash_link_token(link))
    assert tombstone is not None and tombstone.ended == "accepted" and tombstone.attempts is None  # uncounted
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["member_count"] == 2


def test_a_revoked_link_says_it_was_withdrawn(api: Api) -> None:
    account_id, owner = onboard(api)
    invitation = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    link = latest_link("ann@example.com")
    assert api.delete(_path(account_id, invitation), token=owner.token).status == 204
    _refused_everywhere(api, link, REVOKED)
    assert api.delete(_path(account_id, invitation), token=owner.token).code == "not_found"
    # the email is free again: a new invitation's link works, the revoked one still does not
    invite(api, account_id, owner.token, ["ann@example.com"])
    assert latest_link("ann@example.com") != link
    _refused_everywhere(api, link, REVOKED)
    accept_new(api, "ann@example.com")


def test_a_replaced_link_points_to_the_latest_email(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    onboard(api, "Other Co", "ann@example.com")  # an existing login: accepts with a password or a token
    invitation = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    old_link = latest_link("ann@example.com")
    clock.advance(minutes=2)
    assert api.post(_path(account_id, invitation, "/resend"), token=owner.token).status == 200
    new_link = latest_link("ann@example.com")
    _refused_everywhere(api, old_link, REPLACED, bearer=sign_in(api, "ann@example.com"))
    assert api.post("/invitations/lookup", {"token": new_link}).status == 200
    accepted = api.post("/invitations/accept", {"token": new_link, "password": PASSWORD})
    assert accepted.status == 201
    _refused_everywhere(api, new_link, ACCEPTED)
    _refused_everywhere(api, old_link, REPLACED)


def test_an_unknown_link_is_only_not_valid(api: Api) -> None:
    for token in ["A" * 43, "short"]:
        _refused_everywhere(api, token, UNKNOWN)


def test_a_revoke_after_the_accept_changes_nothing(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["ann@example.com"])
    link = latest_link("ann@example.com")
    [pending] = deps.store.invitations.invitations_of(account_id)
    accept_new(api, "ann@example.com")
    assert not deps.store.invitations.revoke(pending)  # read before the accept, revoked after: refused
    _refused_everywhere(api, link, ACCEPTED)


def test_the_messages_are_the_domains() -> None:
    assert [link_gone_message(x) for x in ("accepted", "revoked", "replaced", None, "other")] == [
        ACCEPTED, REVOKED, REPLACED, UNKNOWN, UNKNOWN,
    ]  # fmt: skip
