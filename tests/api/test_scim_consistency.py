"""SCIM Users kept consistent (issue 31): a required attribute (active, the extension's allSubAccounts) is
never left unassigned by a PATCH (400 mutability, RFC 7644 §3.5.2.2, nothing changed); a role removed is
unassigned, which is the member role; what a directory grants is kept as said, what it amounts to is the
member's (an admin holds everything; allSubAccounts true reaches every sub-account)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.services import scim_user_changes, scim_users
from tests.api.test_scim_users import EXT, PATCH, events, okta_user
from tests.helpers.flows import onboard
from tests.helpers.scim import assert_scim_error, scim_account

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock
    from tests.helpers.scim import Scim


def ops(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": list(operations)}


def test_removing_a_required_attribute_is_refused_and_changes_nothing(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    made = scim.post("/Users", okta_user("d@acme.com", **cast("dict[str, Any]", {EXT: {"role": "admin"}})))
    assert made.status == 201, made.body
    user_id = made.body["id"]
    for path in ("active", f"{EXT}:allSubAccounts", EXT):
        # with a change before it in the same request: the whole request is refused
        both = ops({"op": "replace", "path": "title", "value": "Lead"}, {"op": "Remove", "path": path})
        assert_scim_error(scim.patch(f"/Users/{user_id}", both), 400, "mutability")
    kept = scim.get(f"/Users/{user_id}").body
    assert (kept["active"], kept[EXT]["role"], kept[EXT]["allSubAccounts"]) == (True, "admin", True)
    assert "title" not in kept


def shop(api: Api, scim: Scim) -> str:
    sub = api.post(f"/accounts/{scim.account_id}/sub-accounts", {"name": "Shop"}, token=scim.owner.token)
    assert sub.status == 201, sub.body
    return cast("str", sub.body["sub_account_id"])


def held(api: Api, scim: Scim, user_id: str) -> dict[str, Any]:
    member = api.get(f"/accounts/{scim.account_id}/members/{user_id}", token=scim.owner.token)
    assert member.status == 200, member.body
    return cast("dict[str, Any]", member.body)


def test_a_list_alone_is_the_reach_and_all_sub_accounts_said_true_keeps_it_beside(
    api: Api, clock: Clock
) -> None:
    scim = scim_account(api, clock)
    sub_id = shop(api, scim)
    user_id = scim.post("/Users", okta_user("d@acme.com")).body["id"]
    add = ops({"op": "add", "path": f"{EXT}:subAccounts", "value": [sub_id]})
    listed = scim.patch(f"/Users/{user_id}", add)
    assert listed.status == 200, listed.body
    assert (listed.body[EXT]["allSubAccounts"], listed.body[EXT]["subAccounts"]) == (False, [sub_id])
    assert held(api, scim, user_id)["sub_accounts"] == [sub_id]
    every = ops({"op": "replace", "path": f"{EXT}:allSubAccounts", "value": "True"})
    widened = scim.patch(f"/Users/{user_id}", every)
    assert widened.status == 200, widened.body
    shown = widened.body[EXT]
    assert (shown["allSubAccounts"], shown["subAccounts"]) == (True, [sub_id])  # the list kept, unused
    assert held(api, scim, user_id)["sub_accounts"] == "all"
    assert scim.get(f"/Users/{user_id}").body[EXT] == shown
    narrowed = scim.patch(
        f"/Users/{user_id}", ops({"op": "replace", "path": f"{EXT}:allSubAccounts", "value": False})
    )
    assert narrowed.status == 200 and narrowed.body[EXT]["subAccounts"] == [sub_id], narrowed.body
    assert held(api, scim, user_id)["sub_accounts"] == [sub_id]


def test_an_admin_holds_everything_and_keeps_the_grant_said_for_a_member(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    sub_id = shop(api, scim)
    said = {"role": "admin", "permissions": ["tickets"], "allSubAccounts": False, "subAccounts": [sub_id]}
    made = scim.post("/Users", okta_user("d@acme.com", **cast("dict[str, Any]", {EXT: said})))
    assert made.status == 201, made.body
    user_id, shown = made.body["id"], made.body[EXT]
    assert {name: shown[name] for name in said} == said
    member = held(api, scim, user_id)
    assert member["role"] == "admin" and member["sub_accounts"] == "all"
    demoted = scim.patch(
        f"/Users/{user_id}", ops({"op": "replace", "path": f"{EXT}:role", "value": "member"})
    )
    assert demoted.status == 200, demoted.body
    assert demoted.body[EXT]["permissions"] == ["tickets"]
    member = held(api, scim, user_id)
    assert (member["role"], member["permissions"], member["sub_accounts"]) == (
        "member",
        ["tickets"],
        [sub_id],
    )
    # a change through the JSON API makes the membership's own values shown again
    promoted = scim.patch(
        f"/Users/{user_id}", ops({"op": "replace", "path": f"{EXT}:role", "value": "admin"})
    )
    assert promoted.status == 200 and promoted.body[EXT]["permissions"] == ["tickets"], promoted.body
    changed = api.patch(
        f"/accounts/{scim.account_id}/members/{user_id}", {"role": "member"}, token=scim.owner.token
    )
    assert changed.status == 200, changed.body
    assert scim.get(f"/Users/{user_id}").body[EXT]["permissions"] == held(api, scim, user_id)["permissions"]


def test_a_role_removed_is_the_member_role_shown_unassigned_but_the_owner_keeps_theirs(
    api: Api, clock: Clock
) -> None:
    scim = scim_account(api, clock)
    user_id = scim.post(
        "/Users", okta_user("d@acme.com", **cast("dict[str, Any]", {EXT: {"role": "admin"}}))
    ).body["id"]
    removed = scim.patch(f"/Users/{user_id}", ops({"op": "Remove", "path": f"{EXT}:role"}))
    assert removed.status == 200, removed.body
    assert "role" not in removed.body[EXT] and "role" not in scim.get(f"/Users/{user_id}").body[EXT]
    assert held(api, scim, user_id)["role"] == "member"
    titled = scim.patch(f"/Users/{user_id}", ops({"op": "replace", "path": "title", "value": "Lead"}))
    assert titled.status == 200 and "role" not in titled.body[EXT], titled.body  # stays unassigned
    said = scim.patch(f"/Users/{user_id}", ops({"op": "replace", "path": f"{EXT}:role", "value": "member"}))
    assert said.status == 200 and said.body[EXT]["role"] == "member", said.body
    owner_id = scim.owner.user_id
    refused = scim.patch(f"/Users/{owner_id}", ops({"op": "remove", "path": f"{EXT}:role"}))
    assert_scim_error(refused, 400, "mutability")
    assert scim.get(f"/Users/{owner_id}").body[EXT]["role"] == "owner"


def test_two_patches_with_the_same_if_match_one_is_412_and_writes_nothing(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second PATCH runs whole between the first's read (its If-Match check) and its write: the first
    then fails the write's condition, and nothing of it lands (its externalId neither: same transaction)."""
    scim = scim_account(api, clock)
    made = scim.post("/Users", okta_user("d@acme.com", external_id="old")).body
    user_id, version = made["id"], made["meta"]["version"]
    read = scim_users.member_view  # the one scim_user_changes calls, patched below
    answers: list[Any] = []

    def read_then_let_the_other_write(*args: Any, **kwargs: Any) -> Any:
        found = read(*args, **kwargs)
        if not answers:
            answers.append(None)
            other = ops({"op": "replace", "path": "title", "value": "Second"})
            answers.append(scim.patch(f"/Users/{user_id}", other, **{"If-Match": version}))
        return found

    monkeypatch.setattr(scim_user_changes, "member_view", read_then_let_the_other_write)
    first = ops(
        {"op": "replace", "path": "title", "value": "First"},
        {"op": "replace", "path": "externalId", "value": "new"},
    )
    assert_scim_error(scim.patch(f"/Users/{user_id}", first, **{"If-Match": version}), 412)
    assert answers[1].status == 200, answers[1].body
    monkeypatch.setattr(scim_user_changes, "member_view", read)
    now = scim.get(f"/Users/{user_id}").body
    assert (now["title"], now["externalId"]) == ("Second", "old")
    titles = [e["changes"] for e in events(api, scim, "member.updated")]
    assert len(titles) == 1, titles  # one change recorded: the first's was never committed


def test_without_if_match_both_land_and_an_external_id_alone_is_saved(api: Api, clock: Clock) -> None:
    scim = scim_account(api, clock)
    user_id = scim.post("/Users", okta_user("d@acme.com", external_id="old")).body["id"]
    renamed = scim.patch(f"/Users/{user_id}", ops({"op": "replace", "path": "externalId", "value": "new"}))
    assert renamed.status == 200 and renamed.body["externalId"] == "new", renamed.body
    stale = renamed.body["meta"]["version"]
    titled = scim.patch(f"/Users/{user_id}", ops({"op": "replace", "path": "title", "value": "Lead"}))
    assert titled.status == 200, titled.body
    assert_scim_error(
        scim.patch(f"/Users/{user_id}", ops({"op": "remove", "path": "title"}), **{"If-Match": stale}), 412
    )
    assert scim.get(f"/Users/{user_id}").body["title"] == "Lead"


def test_a_login_made_meanwhile_is_joined_and_the_one_scim_prepared_is_never_written(
    api: Api, clock: Clock, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A create makes the login it needs in the join's own transaction: one made meanwhile by someone else
    fails it ("email_taken") and the create joins that login instead (no set-your-password email)."""
    scim = scim_account(api, clock)
    prepare = scim_users._login_of
    seen: dict[str, Any] = {}

    def a_login_appears_meanwhile(*args: Any, **kwargs: Any) -> Any:
        user, login = prepare(*args, **kwargs)
        if not seen:
            seen["prepared"] = user.user_id
            seen["account"], seen["joined"] = onboard(api, "Other Co", "e@acme.com")
            seen["emails"] = len(api.emails_to("e@acme.com"))
        return user, login

    monkeypatch.setattr(scim_users, "_login_of", a_login_appears_meanwhile)
    made = scim.post("/Users", okta_user("e@acme.com"))
    assert made.status == 201, made.body
    assert made.body["id"] == seen["joined"].user_id != seen["prepared"]
    assert deps.store.users.get_user(seen["prepared"]) is None
    assert len(api.emails_to("e@acme.com")) == seen["emails"]
    accounts = api.get("/me", token=seen["joined"].token).body["accounts"]
    assert sorted(a["account_id"] for a in accounts) == sorted([seen["account"], scim.account_id])
