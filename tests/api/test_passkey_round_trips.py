"""Issue 33's last two routes at 3 DynamoDB round trips: the password step of a user with a passkey lists
allowCredentials from the user item its batch read anyway (`passkey_ids`, kept in the transactions that add
and remove a passkey), and registering a passkey uses its challenge up in the passkey's own write. A user
item from before the set still gets every passkey (a Query), and the set at its next registration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyotp
import pytest

from chalicelib.security import passkeys
from chalicelib.security.otp import step_of
from chalicelib.store import keys
from chalicelib.store.models import ChallengeItem, UserItem
from chalicelib.store.table import get_item
from tests.api.test_passkeys import EMAIL, ORIGIN, RP_ID, login, passkey_user, register, sign_in_options
from tests.helpers import PASSWORD, DynamoCalls, onboard
from tests.helpers.authenticator import SoftAuthenticator, b64url
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api


def allowed(first: dict[str, Any]) -> list[str]:
    return sorted(c["id"] for c in first["passkey_options"]["allowCredentials"])


def ids_of(*keys_: SoftAuthenticator) -> list[str]:
    return sorted(b64url(k.credential_id) for k in keys_)


def stored_ids(deps: Deps) -> set[str] | None:
    ids = present(get_item(UserItem, keys.user(passkey_user(deps)))).passkey_ids
    return None if ids is None else set(ids)


def second(api: Api, token: str, proof_key: SoftAuthenticator, key: SoftAuthenticator, name: str) -> int:
    """Registers `key` as another passkey (a current one, `proof_key`, proves it)."""
    proof = proof_key.get(sign_in_options(api), RP_ID)
    return register(api, token, key, name=name, credential=proof).status


def test_the_password_step_of_a_user_with_a_passkey_is_three_round_trips(api: Api, deps: Deps) -> None:
    """The count, the login with its page and the user (whose `passkey_ids` are allowCredentials), and the
    mfa_token's write (was 4: a Query of the user's passkeys besides)."""
    _, owner = onboard(api, "Acme Hosting", EMAIL)
    key, other = SoftAuthenticator(ORIGIN), SoftAuthenticator(ORIGIN)
    assert register(api, owner.token, key).status == 201
    assert second(api, owner.token, key, other, "Phone") == 201
    with DynamoCalls() as calls:
        first = login(api)
    assert first.status == 200 and first.body["methods"] == ["passkey"]
    assert allowed(first.body) == ids_of(key, other)
    assert calls.operations == ["UpdateItem", "BatchGetItem", "PutItem"]  # the mfa_token's item alone
    assert calls.read_twice == []
    answer = {
        "mfa_token": first.body["mfa_token"],
        "credential": other.get(first.body["passkey_options"], RP_ID),
    }
    assert api.post("/auth/login/mfa", answer).status == 200
    with_totp(api, deps, owner.token, key)
    with DynamoCalls() as calls:
        both = login(api).body
    assert both["methods"] == ["passkey", "totp", "recovery_code"] and allowed(both) == ids_of(key, other)
    # with a code method too, the mfa_token's item and the login it names on the code window: one write
    assert calls.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]
    assert calls.read_twice == []


def with_totp(api: Api, deps: Deps, token: str, key: SoftAuthenticator) -> None:
    proof = key.get(sign_in_options(api), RP_ID)
    setup = api.post("/me/mfa/totp", {"password": PASSWORD, "credential": proof}, token=token)
    assert setup.status == 200
    code = pyotp.TOTP(setup.body["secret"]).generate_otp(step_of(deps.now()))
    assert api.post("/me/mfa/totp/confirm", {"code": code}, token=token).status == 200


def test_registering_a_passkey_is_three_round_trips_and_its_challenge_works_once(api: Api) -> None:
    """The authorizing read, the challenge, and one transaction: the credential unique across users, the
    challenge used up under a condition, the passkey, the user's factor and set, the email and the event
    (was 4: the challenge's use its own write)."""
    _, owner = onboard(api, "Acme Hosting", EMAIL)
    key = SoftAuthenticator(ORIGIN)
    options = api.post("/me/passkeys/options", {"password": PASSWORD}, token=owner.token).body
    body = {"name": "Laptop", "credential": key.create(options)}
    with DynamoCalls() as calls:
        added = api.post("/me/passkeys", body, token=owner.token)
    assert added.status == 201
    assert calls.operations == ["BatchGetItem", "GetItem", "TransactWriteItems"]
    again = api.post("/me/passkeys", body, token=owner.token)  # the same answer: its challenge is spent
    assert (again.status, again.code) == (400, "invalid_code")
    assert any("passkey (Laptop) was added" in m.subject for m in api.outbox() if EMAIL in m.to)
    assert [p["name"] for p in api.get("/me/passkeys", token=owner.token).body["items"]] == ["Laptop"]


def test_a_credential_another_user_registered_is_refused_and_its_challenge_used_up(api: Api) -> None:
    _, owner = onboard(api, "Acme Hosting", EMAIL)
    _, other = onboard(api, "Other Co", "other@example.com")
    key = SoftAuthenticator(ORIGIN)
    assert register(api, owner.token, key).status == 201
    options = api.post("/me/passkeys/options", {"password": PASSWORD}, token=other.token).body
    body = {"name": "Stolen", "credential": key.create(options)}
    taken = api.post("/me/passkeys", body, token=other.token)
    assert (taken.status, taken.code) == (409, "conflict")
    again = api.post("/me/passkeys", body, token=other.token)
    assert (again.status, again.code) == (400, "invalid_code")  # answered once: not again
    assert api.get("/me/passkeys", token=other.token).body["items"] == []


def test_a_challenge_used_meanwhile_fails_the_registrations_write_and_writes_nothing(
    api: Api, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The challenge's use is a condition of the passkey's transaction, not a read before it: a second
    request that read it too loses ("used") and adds no passkey."""
    _, owner = onboard(api, "Acme Hosting", EMAIL)
    options = api.post("/me/passkeys/options", {"password": PASSWORD}, token=owner.token).body
    body = {"name": "Laptop", "credential": SoftAuthenticator(ORIGIN).create(options)}
    hashed = passkeys.challenge_hash(str(options["challenge"]))
    read = present(get_item(ChallengeItem, keys.challenge(hashed)))
    real = deps.store.factors.add_passkey

    def raced(*args: Any, **kwargs: Any) -> Any:
        assert deps.store.factors.take_challenge(read)  # the other request's use, just before this write
        return real(*args, **kwargs)

    monkeypatch.setattr(deps.store.factors, "add_passkey", raced)
    lost = api.post("/me/passkeys", body, token=owner.token)
    assert (lost.status, lost.code) == (400, "invalid_code")
    assert api.get("/me/passkeys", token=owner.token).body["items"] == []
    assert stored_ids(deps) is None


def test_a_user_item_from_before_the_set_lists_every_passkey_and_gets_the_set(api: Api, deps: Deps) -> None:
    """No `passkey_ids` but the passkey factor: the password step queries the passkeys (one round trip
    more); the next registration reads them too and starts the set with all of them."""
    _, owner = onboard(api, "Acme Hosting", EMAIL)
    key, other, third = SoftAuthenticator(ORIGIN), SoftAuthenticator(ORIGIN), SoftAuthenticator(ORIGIN)
    assert register(api, owner.token, key).status == 201
    assert second(api, owner.token, key, other, "Phone") == 201
    UserItem(*keys.user(passkey_user(deps))).update(actions=[UserItem.passkey_ids.remove()])
    assert stored_ids(deps) is None
    with DynamoCalls() as calls:
        first = login(api).body
    assert allowed(first) == ids_of(key, other)
    assert calls.operations == ["UpdateItem", "BatchGetItem", "Query", "PutItem"]
    assert second(api, owner.token, other, third, "Tablet") == 201
    assert stored_ids(deps) == set(ids_of(key, other, third))
    with DynamoCalls() as calls:
        assert allowed(login(api).body) == ids_of(key, other, third)
    assert calls.operations == ["UpdateItem", "BatchGetItem", "PutItem"]


def test_a_removed_passkey_is_gone_from_the_next_password_steps_allow_credentials(
    api: Api, deps: Deps
) -> None:
    _, owner = onboard(api, "Acme Hosting", EMAIL)
    key, other = SoftAuthenticator(ORIGIN), SoftAuthenticator(ORIGIN)
    assert register(api, owner.token, key).status == 201
    assert second(api, owner.token, key, other, "Phone") == 201
    assert allowed(login(api).body) == ids_of(key, other)
    items = api.get("/me/passkeys", token=owner.token).body["items"]
    laptop = next(p["passkey_id"] for p in items if p["name"] == "Laptop")
    path = f"/me/passkeys/{laptop}"
    assert api.call("DELETE", path, {"password": PASSWORD}, token=owner.token).status == 204
    first = login(api).body
    assert allowed(first) == ids_of(other) and stored_ids(deps) == set(ids_of(other))
    refused = api.post(
        "/auth/login/mfa",
        {"mfa_token": first["mfa_token"], "credential": key.get(first["passkey_options"], RP_ID)},
    )
    assert refused.status == 401
    (phone,) = api.get("/me/passkeys", token=owner.token).body["items"]
    assert (
        api.call(
            "DELETE", f"/me/passkeys/{phone['passkey_id']}", {"password": PASSWORD}, token=owner.token
        ).status
        == 204
    )
    assert stored_ids(deps) is None
    last = login(api)
    assert last.status == 200 and "access_token" in last.body  # no passkey left: no second step


def test_a_user_item_from_before_the_set_removes_a_passkey_and_still_lists_the_rest(
    api: Api, deps: Deps
) -> None:
    """Deleting a passkey takes its id out of a set that is not there: nothing is made up (the set stays
    absent, the Query lists what is left)."""
    _, owner = onboard(api, "Acme Hosting", EMAIL)
    key, other = SoftAuthenticator(ORIGIN), SoftAuthenticator(ORIGIN)
    assert register(api, owner.token, key).status == 201
    assert second(api, owner.token, key, other, "Phone") == 201
    UserItem(*keys.user(passkey_user(deps))).update(actions=[UserItem.passkey_ids.remove()])
    items = api.get("/me/passkeys", token=owner.token).body["items"]
    laptop = next(p["passkey_id"] for p in items if p["name"] == "Laptop")
    assert (
        api.call("DELETE", f"/me/passkeys/{laptop}", {"password": PASSWORD}, token=owner.token).status == 204
    )
    assert stored_ids(deps) is None
    assert allowed(login(api).body) == ids_of(other)
