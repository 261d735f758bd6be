"""SCIM tokens through the API (issue 31): the owner or the operator makes them (shown once, only a hash
kept), 2 active at most under any concurrency, lists them, revokes them; each change is audited."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, cast

from chalicelib.domain.caller import OPERATOR
from chalicelib.services.scim_tokens import create_token
from chalicelib.store import keys
from chalicelib.store.models import ScimTokenItem
from tests.helpers import join, onboard
from tests.helpers.concurrency import run_together
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api


def base(account_id: str) -> str:
    return f"/accounts/{account_id}/scim-tokens"


def events_of(api: Api, account_id: str, kind: str) -> list[dict[str, Any]]:
    reply = api.get(f"/accounts/{account_id}/audit-events?type={kind}", operator=True)
    assert reply.status == 200, reply.body
    return cast("list[dict[str, Any]]", reply.body["items"])


def test_a_token_is_shown_once_and_only_its_hash_is_kept(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    made = api.post(base(account_id), token=owner.token)
    assert made.status == 201, made.body
    token, token_id = made.body["token"], made.body["scim_token_id"]
    assert token.startswith("pascim_") and made.body["last_used_at"] is None
    assert made.body["created_by"] == owner.user_id
    listed = api.get(base(account_id), token=owner.token)
    assert listed.status == 200
    assert [t["scim_token_id"] for t in listed.body["items"]] == [token_id]
    assert "token" not in listed.body["items"][0]
    stored = ScimTokenItem.get(*keys.scim_token(account_id, token_id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored.attribute_values)
    [event] = events_of(api, account_id, "scim_token.created")
    assert event["target"] == {"kind": "scim_token", "id": token_id, "email": None}
    assert event["actor"]["user_id"] == owner.user_id and token not in str(event)


def test_two_tokens_at_most_and_a_revoked_one_frees_its_place(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    first = api.post(base(account_id), token=owner.token).body["scim_token_id"]
    assert api.post(base(account_id), operator=True).status == 201
    third = api.post(base(account_id), token=owner.token)
    assert (third.status, third.code) == (409, "conflict")
    assert api.delete(f"{base(account_id)}/{first}", token=owner.token).status == 204
    gone = api.delete(f"{base(account_id)}/{first}", token=owner.token)
    assert (gone.status, gone.code) == (404, "not_found")
    assert len(api.get(base(account_id), token=owner.token).body["items"]) == 1
    assert api.post(base(account_id), token=owner.token).status == 201
    [revoked] = events_of(api, account_id, "scim_token.revoked")
    assert revoked["target"]["id"] == first


def test_concurrent_creates_never_pass_two_active(api: Api, deps: Deps) -> None:
    account_id, _ = onboard(api)
    account = present(deps.store.accounts.get_account(account_id))
    results = run_together(*[lambda: create_token(deps, OPERATOR, account) for _ in range(6)])
    assert sorted(r if isinstance(r, str) else "made" for r in results) == ["conflict"] * 4 + ["made"] * 2
    assert len(deps.store.scim_tokens.tokens_of(account_id)) == 2


def test_only_the_owner_or_the_operator_manages_tokens(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    admin = join(api, account_id, owner.token, "admin@acme.com", role="admin")
    refused = api.post(base(account_id), token=admin.token)
    assert (refused.status, refused.code) == (403, "forbidden")
    assert api.get(base(account_id), token=admin.token).status == 403
    outsider_id, outsider = onboard(api, "Other Co", "other@example.com")
    assert api.get(base(account_id), token=outsider.token).status == 404
    assert api.get(base(outsider_id), token=owner.token).status == 404
