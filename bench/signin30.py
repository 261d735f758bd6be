"""Issue 30's sign-in security: the DynamoDB round trips of a login with a second factor (both steps) beside
one without, of a passkey sign-in, and of an account route under a second-factor policy against the same
route without one (the policy must cost no round trip: it comes with the account authorization reads, and
the session's `via` with the token).

    .venv/bin/python bench/signin30.py     (prints the table's lines; `make bench` writes them in its report)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

Row = tuple[str, list[str], int]
PLAIN, POLICY = "GET /accounts/{id}, no policy", "GET /accounts/{id}, mfa_required all (past grace)"
REGISTER = "POST /me/passkeys (registering: the finish step)"


def measure(api: Any, deps: Any) -> list[Row]:
    """Each case through the API (chalice.test.Client over moto); TOTP codes from the deps' clock."""
    import pyotp

    from chalicelib.security.otp import step_of
    from tests.helpers import PASSWORD, DynamoCalls, accept_new, create_account
    from tests.helpers.authenticator import SoftAuthenticator

    rows: list[Row] = []

    def run(label: str, call: Any) -> Any:
        with DynamoCalls() as calls:
            reply = call()
        rows.append((label, calls.operations, reply.status))
        return reply

    def code(secret: str) -> str:
        return str(pyotp.TOTP(secret).generate_otp(step_of(deps.now())))

    def login(email: str) -> Any:
        return lambda: api.post("/auth/login", {"email": email, "password": PASSWORD})

    create_account(api, "Plain 30", "owner@plain30.bench")
    accept_new(api, "owner@plain30.bench")
    run("POST /auth/login, no second factor", login("owner@plain30.bench"))
    account_id, _ = create_account(api, "Strict 30", "owner@strict30.bench")
    token = accept_new(api, "owner@strict30.bench").token
    secret = api.post("/me/mfa/totp", {"password": PASSWORD}, token=token).body["secret"]
    assert api.post("/me/mfa/totp/confirm", {"code": code(secret)}, token=token).status == 200
    deps.clock.advance(seconds=30)  # the confirming code's step is used
    first = run("POST /auth/login, TOTP on (step 1: mfa_token)", login("owner@strict30.bench"))
    body = {"mfa_token": first.body["mfa_token"], "code": code(secret)}
    done = run("POST /auth/login/mfa (step 2: a TOTP code)", lambda: api.post("/auth/login/mfa", body))
    strict = done.body["access_token"]
    key = SoftAuthenticator(api_origin(deps))
    deps.clock.advance(seconds=30)
    proof = {"password": PASSWORD, "code": code(secret)}
    options = api.post("/me/passkeys/options", proof, token=strict).body
    made = {"name": "Bench", "credential": key.create(options)}
    assert run(f"{REGISTER}, beside TOTP", lambda: api.post("/me/passkeys", made, token=strict)).status == 201
    # step 1 again, now offering the passkey (allowCredentials from the user item the batch reads)
    step = run("POST /auth/login, TOTP and a passkey on (step 1)", login("owner@strict30.bench")).body
    rp_id = api_origin(deps).split("//")[1]
    with_key = {"mfa_token": step["mfa_token"], "credential": key.get(step["passkey_options"], rp_id)}
    run("POST /auth/login/mfa (step 2: a passkey)", lambda: api.post("/auth/login/mfa", with_key))
    challenge = run("POST /auth/passkey/options", lambda: api.post("/auth/passkey/options")).body
    answer = {"credential": key.get(challenge, rp_id)}
    run("POST /auth/passkey (passwordless)", lambda: api.post("/auth/passkey", answer))
    # the same member and session on the same route: first without a policy, then under one
    rows += passkey_alone(api, deps)
    run(PLAIN, lambda: api.get(f"/accounts/{account_id}", token=strict))
    policy = {"mfa_required": "all", "grace_days": 0}
    assert api.put(f"/accounts/{account_id}/security", policy, token=strict).status == 200
    run(POLICY, lambda: api.get(f"/accounts/{account_id}", token=strict))
    # the policy at work: the session the invitation started proved no second factor
    run(
        "GET /accounts/{id}, same policy, a session without a factor",
        lambda: api.get(f"/accounts/{account_id}", token=token),
    )
    return rows


def passkey_alone(api: Any, deps: Any) -> list[Row]:
    """A user whose one second factor is a passkey: its registration (the finish step) and the password
    step that hands out the mfa_token with the passkey's allowCredentials."""
    from tests.helpers import PASSWORD, DynamoCalls, accept_new, create_account
    from tests.helpers.authenticator import SoftAuthenticator

    create_account(api, "Passkey 30", "owner@passkey30.bench")
    token = accept_new(api, "owner@passkey30.bench").token
    options = api.post("/me/passkeys/options", {"password": PASSWORD}, token=token).body
    made = {"name": "Bench", "credential": SoftAuthenticator(api_origin(deps)).create(options)}
    signing_in = {"email": "owner@passkey30.bench", "password": PASSWORD}
    cases: list[tuple[str, Callable[[], Any]]] = [
        (f"{REGISTER}, the first passkey", lambda: api.post("/me/passkeys", made, token=token)),
        ("POST /auth/login, a passkey on (step 1)", lambda: api.post("/auth/login", signing_in)),
    ]
    rows: list[Row] = []
    for label, call in cases:
        with DynamoCalls() as calls:
            reply = call()
        rows.append((label, calls.operations, reply.status))
    return rows


def api_origin(deps: Any) -> str:
    return str(deps.settings.portal_url).rstrip("/")


def lines(rows: list[Row]) -> list[str]:
    by_label = {label: calls for label, calls, _ in rows}
    equal = len(by_label[PLAIN]) == len(by_label[POLICY])
    found = [
        "## Sign-in security (issue 30)",
        "",
        "Goal: an account route under a second-factor policy costs the round trips of the same route without",
        "one (the policy comes with the account authorization reads; the session's `via` with its token).",
        "The others against the endpoints' goal (<= 3): the two steps of a login with TOTP beside a login without",
        "a second factor, and a passwordless passkey sign-in.",
        "",
        'What a second step uses up rides the sign-in\'s one TransactWriteItems, each "once" a condition in it',
        "(store/factors.py `sign_in_spending`): the mfa_token or challenge, the TOTP step, the recovery code or",
        "the passkey's counter, and the code check given back. Before that, each was its own write: step 2 took 9",
        "round trips (GetItem, BatchGetItem, UpdateItem x3, DeleteItem, BatchGetItem x2, TransactWriteItems) and",
        "a passwordless sign-in 9 (GetItem, DeleteItem, GetItem x2, UpdateItem, GetItem, BatchGetItem x2,",
        "TransactWriteItems). Besides that one write, step 2 first counts the code check on the user its signed",
        "mfa_token names (an UpdateItem, so a burst checks at most 5; a token we did not sign, or expired, is",
        "refused before any call), which hands back the login the password step named (that step writes it on",
        "the user's code window with the mfa_token, one TransactWriteItems where it was a PutItem); then it reads",
        "the token's item with the factor, that login and the page of the accounts the password step saw (one",
        "BatchGetItem; the page read again only when the login's list changed meanwhile). A passwordless sign-in",
        "reads the challenge with the credential's item, which keeps where the passkey led (the login's email and",
        "accounts, kept by the registration and renewed by each sign-in's write), then the passkey with that",
        "login and its page (two BatchGetItems; a hint gone stale costs one more, an item from before hints two",
        "more, once). Before issue 40: step 2 took 4 (GetItem, BatchGetItem, UpdateItem, TransactWriteItems) and",
        "a passwordless sign-in 5 (four BatchGetItems, TransactWriteItems); step 2 with a passkey reads as a",
        "passwordless sign-in does, the login named by the mfa_token (it took 6: GetItem x3, BatchGetItem x2,",
        "TransactWriteItems).",
        "",
        "A password step that offers a passkey lists its allowCredentials from the user item the login's batch",
        "reads anyway (`passkey_ids`, kept in the transactions that add and remove a passkey; a user item from",
        "before the set queries the passkeys, one round trip more, until its next registration): it was 4 with",
        "that Query. Registering a passkey uses its challenge up in the passkey's own transaction, under a",
        "condition, with the credential's uniqueness, the user's factor and set, the email and the event: it",
        "was 4 (BatchGetItem, GetItem, a DeleteItem of the challenge, TransactWriteItems).",
        "",
        "| request | round trips | calls | goal |",
        "|---|---|---|---|",
    ]
    for label, calls, status in rows:
        # the policy's pair: equal; every other request: the endpoints' goal (<= 3), misses listed as theirs
        verdict = ("met" if equal else "MISSED") if label in (PLAIN, POLICY) else endpoint_goal(len(calls))
        found.append(f"| {label} ({status}) | {len(calls)} | {', '.join(calls)} | {verdict} |")
    return [*found, ""]


def endpoint_goal(round_trips: int) -> str:
    return "meets" if round_trips <= 3 else "**misses**"


if __name__ == "__main__":
    from bench.standalone import api_on_fresh_moto

    with api_on_fresh_moto() as (api, deps):
        print("\n".join(lines(measure(api, deps))))
