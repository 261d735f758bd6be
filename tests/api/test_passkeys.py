"""Passkeys: registration with the password (and a current factor once one exists), the list, deletion,
the login's passkey step, passwordless sign-in, user verification, counters and single-use challenges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pyotp

from chalicelib.security.otp import step_of
from tests.helpers import PASSWORD, DynamoCalls, onboard
from tests.helpers.authenticator import SoftAuthenticator
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


def test_passwordless_sign_in_reads_the_answer_in_two_batches(api: Api, deps: Deps) -> None:
    """The challenge with the credential, then the passkey with its user, the login, the accounts' first
    page and the sign-in's one write (was 7: four GetItems before the login)."""
    _, owner = onboard(api, "Acme Hosting", EMAIL)  # in an account: its page is read by key
    token = owner.token
    key = SoftAuthenticator(ORIGIN)
    assert register(api, token, key).status == 201
    answer = {"credential": key.get(api.post("/auth/passkey/options").body, RP_ID)}
    with DynamoCalls() as calls:
        done = api.post("/auth/passkey", answer)
    assert done.status == 200 and done.body["user"]["email"] == EMAIL
    # (the user is read twice, as before: for the login's email, then with the page it is shown with)
    assert calls.operations == ["BatchGetItem"] * 4 + ["TransactWriteItems"], calls.operations
