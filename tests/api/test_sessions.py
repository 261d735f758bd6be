"""Login, lockout, logout, /me and password change, through the HTTP surface."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.schemas.sessions import LoginOut
from tests.helpers import PASSWORD
from tests.helpers.present import of_type, present
from tests.helpers.seed import count_password_checks, seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock, Reply


def login(api: Api, email: str = "ann@example.com", password: str = PASSWORD) -> Reply:
    return api.post("/auth/login", {"email": email, "password": password})


def test_login_returns_token_user_and_accounts(api: Api, deps: Deps) -> None:
    user_id = seed_user(deps, "ann@example.com", first_name="Ann")
    reply = login(api, "  Ann@Example.COM ")
    assert reply.status == 200
    assert reply.body["token_type"] == "Bearer"
    assert reply.body["user"]["user_id"] == user_id
    assert reply.body["user"]["first_name"] == "Ann"
    assert reply.body["user"]["last_login_at"] == "2026-11-23T09:00:00Z"
    assert reply.body["expires_at"] == "2026-11-23T17:00:00Z"
    assert reply.body["accounts"] == []


def test_unknown_email_and_wrong_password_answer_alike(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    wrong = login(api, password="not the password")
    unknown = login(api, email="nobody@example.com")
    assert wrong.status == unknown.status == 401
    assert wrong.body == unknown.body
    assert wrong.body["error"]["code"] == "invalid_credentials"


def test_unknown_email_wrong_password_and_locked_make_the_same_calls(api: Api, deps: Deps) -> None:
    """The email's item says where a known email leads (after a sign-in), so a wrong password reads more
    items than an unknown email, but never another call: both count, then read once; locked, both count
    and stop, with the same answer."""
    from tests.helpers import DynamoCalls

    seed_user(deps, "ann@example.com")
    assert login(api).status == 200  # the email's item now says where it leads
    seen = {}
    for email, password in (("ann@example.com", "not the password"), ("nobody@example.com", PASSWORD)):
        with DynamoCalls() as calls:
            reply = login(api, email=email, password=password)
        seen[email] = (reply.status, reply.body, calls.operations)
    assert seen["ann@example.com"] == seen["nobody@example.com"]
    assert seen["ann@example.com"][2] == ["UpdateItem", "BatchGetItem"]
    for email in ("ann@example.com", "nobody@example.com"):
        for _ in range(5):
            login(api, email=email, password="not the password")
        with DynamoCalls() as calls:
            reply = login(api, email=email)
        seen[email] = (reply.status, reply.body, calls.operations)
    assert seen["ann@example.com"] == seen["nobody@example.com"]
    assert seen["ann@example.com"][0] == 429 and seen["ann@example.com"][2] == ["UpdateItem"]


def test_five_failures_lock_the_email_until_the_window_passes(api: Api, deps: Deps, clock: Clock) -> None:
    seed_user(deps, "ann@example.com")
    for _ in range(5):
        assert login(api, password="wrong password!").status == 401
    clock.advance(minutes=5)
    locked = login(api)  # even the right password is refused while locked
    assert locked.status == 429
    assert locked.code == "rate_limited"
    assert locked.headers["retry-after"] == str(10 * 60)
    assert login(api, email="other@example.com").status == 401  # other emails are not affected
    clock.advance(minutes=10)
    assert login(api).status == 200


def test_unknown_emails_lock_too(api: Api, deps: Deps) -> None:
    for _ in range(5):
        login(api, email="ghost@example.com")
    assert login(api, email="ghost@example.com").status == 429


def test_a_right_password_costs_nothing_but_wrong_ones_stay_counted(api: Api, deps: Deps) -> None:
    """A success gives back its own check rather than clearing the window: a burst of wrong passwords
    racing a right one is never checked from zero again (at most 5 wrong ones per window)."""
    seed_user(deps, "ann@example.com")
    for _ in range(4):
        assert login(api, password="wrong password!").status == 401
    for _ in range(3):
        assert login(api).status == 200  # as often as the person likes
    assert login(api, password="wrong password!").status == 401  # the fifth wrong one
    assert login(api).status == 429


def test_failures_older_than_the_window_do_not_count(api: Api, deps: Deps, clock: Clock) -> None:
    seed_user(deps, "ann@example.com")
    for _ in range(4):
        login(api, password="wrong password!")
    clock.advance(minutes=16)
    login(api, password="wrong password!")
    assert login(api).status == 200


def test_me_and_profile_update(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    token = login(api).body["access_token"]
    me = api.get("/me", token=token)
    assert me.status == 200 and me.body["user"]["email"] == "ann@example.com"
    changed = api.patch("/me", {"title": "CTO", "cell_phone": "+44 7700 900000"}, token=token)
    assert changed.status == 200
    assert changed.body["title"] == "CTO" and changed.body["first_name"] == "Test"
    cleared = api.patch("/me", {"title": None}, token=token)
    assert cleared.body["title"] is None
    assert api.patch("/me", {"first_name": None}, token=token).code == "validation_error"
    assert api.patch("/me", {"email": "x@example.com"}, token=token).code == "validation_error"


def test_logout_revokes_only_that_token(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    first = login(api).body["access_token"]
    second = login(api).body["access_token"]
    assert api.post("/auth/logout", token=first).status == 204
    assert api.get("/me", token=first).code == "unauthenticated"
    assert api.get("/me", token=second).status == 200


def test_password_change_revokes_older_tokens(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    old = login(api).body["access_token"]
    reply = api.post(
        "/me/password", {"current_password": PASSWORD, "new_password": "a brand new secret"}, token=old
    )
    assert reply.status == 200
    assert set(reply.body) == {"access_token", "expires_at"}
    assert api.get("/me", token=old).status == 401
    assert api.get("/me", token=reply.body["access_token"]).status == 200
    assert login(api).status == 401
    assert login(api, password="a brand new secret").status == 200


def test_password_change_needs_the_current_password(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    token = login(api).body["access_token"]
    wrong = api.post(
        "/me/password", {"current_password": "nope", "new_password": "a brand new secret"}, token=token
    )
    assert wrong.code == "invalid_credentials"
    short = api.post("/me/password", {"current_password": PASSWORD, "new_password": "short"}, token=token)
    assert short.code == "validation_error"
    assert short.body["error"]["details"][0]["field"] == "new_password"


def test_a_password_change_trusts_no_email_hint_but_the_users_own_login(api: Api, deps: Deps) -> None:
    """A token whose email hint names another user's login (or none) changes the caller's own password,
    checked against the caller's own login and counted on the caller's own lockout window."""
    ann_id = seed_user(deps, "ann@example.com")
    seed_user(deps, "bob@example.com", password="bobs own secret")
    for hint in ("bob@example.com", None):
        token = deps.tokens.issue(ann_id, 0, deps.now(), via="password", email=hint).token
        change = {"current_password": "bobs own secret", "new_password": "a brand new secret"}
        assert api.post("/me/password", change, token=token).code == "invalid_credentials"
    assert deps.store.users.login_state("bob@example.com")[1] is None  # bob's window untouched
    assert present(deps.store.users.login_state("ann@example.com")[1]).count == 2  # both counted on ann's
    token = deps.tokens.issue(ann_id, 0, deps.now(), via="password", email="bob@example.com").token
    change = {"current_password": PASSWORD, "new_password": "a brand new secret"}
    assert api.post("/me/password", change, token=token).status == 200
    assert login(api, password="a brand new secret").status == 200
    assert login(api, email="bob@example.com", password="bobs own secret").status == 200


def test_tokens_are_checked(api: Api, deps: Deps, clock: Clock) -> None:
    seed_user(deps, "ann@example.com")
    token = login(api).body["access_token"]
    assert api.get("/me").code == "unauthenticated"
    assert api.get("/me", headers={"Authorization": "Basic abc"}).code == "unauthenticated"
    assert api.get("/me", token=token[:-2] + "xx").code == "unauthenticated"
    assert api.get("/me", token="not-a-jwt").code == "unauthenticated"
    clock.advance(hours=8)
    assert api.get("/me", token=token).code == "unauthenticated"


def test_a_burst_of_logins_checks_at_most_five_passwords(api: Api, deps: Deps) -> None:
    """50 at once for one email, 49 wrong and the right one among them: the lockout is reserved before each
    check, so no more than 5 wrong passwords are ever checked, and the rest are 429 whatever they carry."""
    from chalicelib.errors import AppError
    from chalicelib.services.sessions import login
    from tests.helpers.concurrency import run_together

    seed_user(deps, "ann@example.com", PASSWORD)
    checked = count_password_checks(deps)
    attempts = ["wrong password!!"] * 49
    attempts.insert(30, PASSWORD)

    def attempt(password: str) -> str:
        try:
            return of_type(login(deps, "ann@example.com", password), LoginOut).user.email
        except AppError as error:
            return error.code

    outcomes = run_together(*[lambda p=p: attempt(p) for p in attempts])
    # at most 5 wrong passwords are checked; a right one checked among them gives its check back
    assert len([p for p in checked if p != PASSWORD]) <= 5 and len(checked) <= 6
    assert outcomes.count("rate_limited") == len(attempts) - len(checked)  # every one not checked is a 429
    assert outcomes.count("ann@example.com") <= 1
    assert outcomes.count("ann@example.com") == (PASSWORD in checked)
