"""Passkeys: registration with the password (and a current factor once one exists), the list, deletion,
the login's passkey step, passwordless sign-in, user verification, counters and single-use challenges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pyotp

from chalicelib.security.otp import step_of
from tests.helpers import PASSWORD, DynamoCalls, invite, latest_link, onboard
from tests.helpers.authenticator import SoftAuthenticator
from tests.helpers.present import present
from tests.helpers.seed import seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Reply

EMAIL = "ann@example.com"
ORIGIN, RP_ID = "https://portal.example.com", "portal.example.com"  # tests/helpers/settings.py PORTAL_URL


def login(api: Api) -> Reply:
    return api.post("/auth/login", {"email": EMAIL, "password": PASSWORD})


def register(
    api: Api, token: str, authenticator: SoftAuthenticator, name: str = "Laptop", **proof: Any
) -> Reply:
    options = api.post("/me/passkeys/options", {"password": PASSWORD, **proof}, token=token)
    assert options.status == 200, options.body
    assert options.body["rp"]["id"] == RP_ID
    assert options.body["authenticatorSelection"]["userVerification"] == "required"
    return api.post(
        "/me/passkeys", {"name": name, "credential": authenticator.create(options.body)}, token=token
    )


def sign_in_options(api: Api) -> Any:
    return api.post("/auth/passkey/options").body


def signed_up(api: Api, deps: Deps) -> str:
    seed_user(deps, EMAIL)
    return cast("str", login(api).body["access_token"])


def test_a_passkey_is_registered_listed_emailed_and_then_asked_for_at_login(api: Api, deps: Deps) -> None:
    token = signed_up(api, deps)
    key = SoftAuthenticator(ORIGIN)
    added = register(api, token, key)
    assert added.status == 201
    assert added.body["name"] == "Laptop" and added.body["last_used_at"] is None
    listed = api.get("/me/passkeys", token=token).body["items"]
    assert [p["passkey_id"] for p in listed] == [added.body["passkey_id"]]
    assert any("passkey (Laptop) was added" in m.subject for m in api.outbox() if EMAIL in m.to)
    first = login(api)
    assert first.body["mfa_required"] is True and first.body["methods"] == ["passkey"]
    options = first.body["passkey_options"]
    assert options["userVerification"] == "required"
    done = api.post(
        "/auth/login/mfa", {"mfa_token": first.body["mfa_token"], "credential": key.get(options, RP_ID)}
    )
    assert done.status == 200 and done.body["user"]["email"] == EMAIL
    used = api.get("/me/passkeys", token=done.body["access_token"]).body["items"][0]
    assert used["last_used_at"] is not None


def test_the_mfa_step_takes_only_an_answer_to_its_own_challenge(api: Api, deps: Deps) -> None:
    token = signed_up(api, deps)
    key = SoftAuthenticator(ORIGIN)
    assert register(api, token, key).status == 201
    first, second = login(api).body, login(api).body
    crossed = key.get(second["passkey_options"], RP_ID)  # signed for the other sign-in
    wrong = api.post("/auth/login/mfa", {"mfa_token": first["mfa_token"], "credential": crossed})
    assert (wrong.status, wrong.code) == (401, "invalid_code")


def test_passwordless_sign_in_needs_no_email_and_each_challenge_works_once(api: Api, deps: Deps) -> None:
    token = signed_up(api, deps)
    key = SoftAuthenticator(ORIGIN)
    assert register(api, token, key).status == 201
    options = api.post("/auth/passkey/options")
    assert options.status == 200 and options.body["allowCredentials"] == []
    answer = key.get(options.body, RP_ID)
    done = api.post("/auth/passkey", {"credential": answer})
    assert done.status == 200 and done.body["user"]["email"] == EMAIL
    again = api.post("/auth/passkey", {"credential": answer})
    assert (again.status, again.code) == (401, "invalid_code")
    stranger = SoftAuthenticator(ORIGIN)  # a passkey nobody registered
    unknown = api.post(
        "/auth/passkey", {"credential": stranger.get(api.post("/auth/passkey/options").body, RP_ID)}
    )
    assert (unknown.status, unknown.code) == (401, "invalid_code")


def test_without_user_verification_or_from_another_origin_a_passkey_is_refused(api: Api, deps: Deps) -> None:
    token = signed_up(api, deps)
    lazy = SoftAuthenticator(ORIGIN, verifies_user=False)
    refused = register(api, token, lazy)
    assert (refused.status, refused.code) == (400, "invalid_code")
    key = SoftAuthenticator(ORIGIN)
    assert register(api, token, key, code=None).status == 201
    phished = SoftAuthenticator("https://portal.example.com.evil.test")
    phished.key, phished.credential_id, phished.user_handle = key.key, key.credential_id, key.user_handle
    answer = phished.get(api.post("/auth/passkey/options").body, RP_ID)
    assert api.post("/auth/passkey", {"credential": answer}).code == "invalid_code"


def test_a_counter_that_goes_back_is_a_cloned_authenticator(api: Api, deps: Deps) -> None:
    token = signed_up(api, deps)
    key = SoftAuthenticator(ORIGIN)
    assert register(api, token, key).status == 201
    clone = key.clone()
    assert (
        api.post(
            "/auth/passkey", {"credential": key.get(api.post("/auth/passkey/options").body, RP_ID)}
        ).status
        == 200
    )
    stale = clone.get(api.post("/auth/passkey/options").body, RP_ID)  # the same count the original used
    assert api.post("/auth/passkey", {"credential": stale}).code == "invalid_code"


def test_a_second_factor_needs_a_current_one_and_deleting_needs_the_password(
    api: Api, deps: Deps, clock: Clock
) -> None:
    token = signed_up(api, deps)
    key = SoftAuthenticator(ORIGIN)
    first = register(api, token, key)
    second_key = SoftAuthenticator(ORIGIN)
    bare = api.post("/me/passkeys/options", {"password": PASSWORD}, token=token)
    assert (bare.status, bare.code) == (400, "invalid_code")  # a passkey exists: prove it
    totp = api.post("/me/mfa/totp", {"password": PASSWORD}, token=token)
    assert (totp.status, totp.code) == (400, "invalid_code")
    proof = key.get(api.post("/auth/passkey/options").body, RP_ID)
    second = register(api, token, second_key, name="Phone", credential=proof)
    assert second.status == 201
    proof = key.get(api.post("/auth/passkey/options").body, RP_ID)
    setup = api.post("/me/mfa/totp", {"password": PASSWORD, "credential": proof}, token=token)
    assert setup.status == 200
    secret = setup.body["secret"]
    code = pyotp.TOTP(secret).generate_otp(step_of(deps.now()))
    assert api.post("/me/mfa/totp/confirm", {"code": code}, token=token).status == 200
    assert login(api).body["methods"] == ["passkey", "totp", "recovery_code"]
    path = f"/me/passkeys/{first.body['passkey_id']}"
    wrong = api.call("DELETE", path, {"password": "not it"}, token=token)
    assert (wrong.status, wrong.code) == (400, "invalid_code")
    assert api.call("DELETE", path, {"password": PASSWORD}, token=token).status == 204
    assert api.call("DELETE", path, {"password": PASSWORD}, token=token).status == 404
    assert [p["name"] for p in api.get("/me/passkeys", token=token).body["items"]] == ["Phone"]
    assert any("passkey (Laptop) was removed" in m.subject for m in api.outbox() if EMAIL in m.to)


def passwordless(api: Api, key: SoftAuthenticator, counted: list[str] | None = None) -> Reply:
    """A passwordless sign-in with `key`; with `counted` (a list), the calls of its POST /auth/passkey alone
    (not of the options before it) go into it."""
    answer = {"credential": key.get(api.post("/auth/passkey/options").body, RP_ID)}
    with DynamoCalls() as calls:
        done = api.post("/auth/passkey", answer)
    if counted is not None:
        counted.extend(calls.operations)
    return done


def accounts_of(reply: Reply) -> list[str]:
    return sorted(a["account_id"] for a in reply.body["accounts"])


def test_passwordless_sign_in_is_three_round_trips(api: Api, deps: Deps) -> None:
    """The challenge with the credential's item (it names the login and the accounts the passkey led to:
    registration kept them), then the passkey with the login and its page, then the sign-in's one write
    (was 5: the user, then the login, then the page, each its own read)."""
    account_id, owner = onboard(api, "Acme Hosting", EMAIL)  # in an account: its page is read by key
    key = SoftAuthenticator(ORIGIN)
    assert register(api, owner.token, key).status == 201
    answer = {"credential": key.get(api.post("/auth/passkey/options").body, RP_ID)}
    with DynamoCalls() as calls:
        done = api.post("/auth/passkey", answer)
    assert done.status == 200 and done.body["user"]["email"] == EMAIL
    assert accounts_of(done) == [account_id]
    assert calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    assert calls.read_twice == []


def test_the_passkey_step_of_a_login_is_three_round_trips(api: Api, deps: Deps) -> None:
    """Password, then passkey: the mfa_token's item with the credential's, then the passkey with the login
    the token names and its page, then the write (was 6: the token, the credential, the passkey, the login,
    the page, each its own read); no code, so nothing is counted."""
    account_id, owner = onboard(api, "Acme Hosting", EMAIL)
    key = SoftAuthenticator(ORIGIN)
    assert register(api, owner.token, key).status == 201
    first = login(api).body
    answer = {"mfa_token": first["mfa_token"], "credential": key.get(first["passkey_options"], RP_ID)}
    with DynamoCalls() as calls:
        done = api.post("/auth/login/mfa", answer)
    assert done.status == 200 and accounts_of(done) == [account_id]
    assert deps.tokens.read(done.body["access_token"], deps.now()).via == "password+passkey"
    assert calls.operations == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    assert calls.read_twice == []


def test_a_stale_passkey_hint_still_lists_the_accounts_the_login_has_now(api: Api, deps: Deps) -> None:
    """Where the passkey led is a hint: an account joined or left since its last sign-in costs one read
    more (the login read decides), and the sign-in keeps the new list for the next one."""
    account_id, owner = onboard(api, "Acme Hosting", EMAIL)
    key = SoftAuthenticator(ORIGIN)
    assert register(api, owner.token, key).status == 201
    other_id, other = onboard(api, "Other Co", "other@example.com")
    invite(api, other_id, other.token, [EMAIL])
    assert api.post("/invitations/accept", {"token": latest_link(EMAIL)}, token=owner.token).status == 201
    joined: list[str] = []
    again: list[str] = []
    left: list[str] = []
    settled: list[str] = []
    done = passwordless(api, key, joined)
    assert done.status == 200 and accounts_of(done) == sorted([account_id, other_id])
    assert joined == ["BatchGetItem"] * 3 + ["TransactWriteItems"]  # the page read again
    assert accounts_of(passwordless(api, key, again)) == sorted([account_id, other_id])
    assert again == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    user_id = done.body["user"]["user_id"]
    token = done.body["access_token"]
    assert api.call("DELETE", f"/accounts/{other_id}/members/{user_id}", token=token).status == 204
    assert accounts_of(passwordless(api, key, left)) == [account_id]
    assert left == ["BatchGetItem"] * 3 + ["TransactWriteItems"]
    assert accounts_of(passwordless(api, key, settled)) == [account_id]
    assert settled == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]


def test_a_credential_item_from_before_hints_signs_in_and_gets_one(api: Api, deps: Deps) -> None:
    """An item written before it kept where the passkey leads: the passkey with its user, then the login,
    then its page (5 round trips), and the sign-in writes the hint: the next one takes 3."""
    from chalicelib.store import keys
    from chalicelib.store.models import PasskeyCredentialItem

    account_id, owner = onboard(api, "Acme Hosting", EMAIL)
    key = SoftAuthenticator(ORIGIN)
    assert register(api, owner.token, key).status == 201
    (passkey,) = api.get("/me/passkeys", token=owner.token).body["items"]
    credential_id = deps.store.factors.passkeys(passkey_user(deps))[0].credential_id
    old = PasskeyCredentialItem(*keys.passkey_credential(credential_id))
    old.update(actions=[PasskeyCredentialItem.email.remove(), PasskeyCredentialItem.account_ids.remove()])
    stored = PasskeyCredentialItem.get(*keys.passkey_credential(credential_id), consistent_read=True)
    assert stored.email is None and stored.account_ids is None and stored.passkey_id == passkey["passkey_id"]
    first: list[str] = []
    next_one: list[str] = []
    done = passwordless(api, key, first)
    assert done.status == 200 and accounts_of(done) == [account_id]
    assert first == ["BatchGetItem"] * 4 + ["TransactWriteItems"]
    stored = PasskeyCredentialItem.get(*keys.passkey_credential(credential_id), consistent_read=True)
    assert (stored.email, stored.account_ids) == (EMAIL, {account_id})
    assert accounts_of(passwordless(api, key, next_one)) == [account_id]
    assert next_one == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]


def passkey_user(deps: Deps) -> str:
    return present(deps.store.users.login_state(EMAIL)[0]).user_id
