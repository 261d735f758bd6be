"""`Member.mfa_enabled` and `GET members?mfa=`: a member's second factor shown from the membership's copy
(kept by the copies job, as names and login times are), a filter that reads what an unfiltered page reads
and pages through every match once, and the user's security events of each factor change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyotp

from chalicelib.security.otp import step_of
from tests.helpers import PASSWORD, DynamoCalls, join, onboard
from tests.helpers.copies import run_copies

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock


def _members(api: Api, account_id: str, token: str, query: str = "") -> Any:
    reply = api.get(f"/accounts/{account_id}/members{query}", token=token)
    assert reply.status == 200, reply.body
    return reply.body


def _enrol(api: Api, deps: Deps, token: str) -> tuple[str, list[str]]:
    """TOTP on for the token's user; answers the secret and the recovery codes."""
    setup = api.post("/me/mfa/totp", {"password": PASSWORD}, token=token)
    assert setup.status == 200, setup.body
    secret = setup.body["secret"]
    code = pyotp.TOTP(secret).generate_otp(step_of(deps.now()))
    confirmed = api.post("/me/mfa/totp/confirm", {"code": code}, token=token)
    assert confirmed.status == 200
    return secret, confirmed.body["recovery_codes"]


def _walk(api: Api, account_id: str, token: str, query: str) -> tuple[list[Any], int]:
    """Every page of a list: the emails shown, and how many pages it took."""
    seen, cursor, pages = [], None, 0
    while True:
        body = _members(api, account_id, token, query + (f"&cursor={cursor}" if cursor else ""))
        seen += [m["email"] for m in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, pages


def test_a_factor_shows_in_the_lists_once_the_copies_job_has_run_and_mfa_false_lists_who_lacks_one(
    api: Api, deps: Deps, clock: Clock
) -> None:
    account_id, owner = onboard(api)
    dev = join(api, account_id, owner.token, "dev@acme.com")
    join(api, account_id, owner.token, "ops@acme.com")
    run_copies(deps)
    _enrol(api, deps, dev.token)
    one = api.get(f"/accounts/{account_id}/members/{dev.user_id}", token=owner.token).body
    assert one["mfa_enabled"] is True and one["second_factors"] == ["totp"]  # the user: at once
    assert run_copies(deps) == [1]  # the factor marked dev due, like a rename does
    listed = {m["email"]: m for m in _members(api, account_id, owner.token)["items"]}
    assert {email: m["mfa_enabled"] for email, m in listed.items()} == {
        "dev@acme.com": True,
        "ops@acme.com": False,
        "owner@acme.com": False,
    }
    assert listed["dev@acme.com"]["second_factors"] == ["totp"]
    assert [m["email"] for m in _members(api, account_id, owner.token, "?mfa=false")["items"]] == [
        "ops@acme.com",
        "owner@acme.com",
    ]
    assert [m["email"] for m in _members(api, account_id, owner.token, "?mfa=true")["items"]] == [
        "dev@acme.com"
    ]
    # one page of `limit` examined per request: every match once, in order, some pages holding none
    seen, pages = _walk(api, account_id, owner.token, "?mfa=false&limit=1")
    assert seen == ["ops@acme.com", "owner@acme.com"] and pages == 3
    assert _walk(api, account_id, owner.token, "?mfa=true&limit=1&order=desc")[0] == ["dev@acme.com"]


def test_a_filtered_page_reads_what_an_unfiltered_one_does_and_its_cursor_opens_only_its_list(
    api: Api, deps: Deps
) -> None:
    account_id, owner = onboard(api)
    for n in range(4):
        join(api, account_id, owner.token, f"m{n}@acme.com")
    run_copies(deps)
    with DynamoCalls() as plain:
        _members(api, account_id, owner.token, "?limit=2")
    with DynamoCalls() as filtered:
        body = _members(api, account_id, owner.token, "?limit=2&mfa=false")
    assert (len(filtered.operations), filtered.items) == (len(plain.operations), plain.items)
    assert len(body["items"]) == 2 and body["next_cursor"]
    other = api.get(
        f"/accounts/{account_id}/members?limit=2&mfa=true&cursor={body['next_cursor']}", token=owner.token
    )
    assert other.status == 400  # a cursor is sealed to its own filter


def test_each_factor_change_is_a_security_event_and_turning_it_off_lists_the_member_again(
    api: Api, deps: Deps, clock: Clock
) -> None:
    account_id, owner = onboard(api)
    dev = join(api, account_id, owner.token, "dev@acme.com")
    secret, recovery = _enrol(api, deps, dev.token)
    first = api.post("/auth/login", {"email": "dev@acme.com", "password": PASSWORD})
    signed_in = api.post(
        "/auth/login/mfa", {"mfa_token": first.body["mfa_token"], "recovery_code": recovery[0]}
    )
    assert signed_in.status == 200, signed_in.body
    clock.advance(seconds=30)
    code = pyotp.TOTP(secret).generate_otp(step_of(deps.now()))
    off = api.post("/me/mfa/totp/disable", {"password": PASSWORD, "code": code}, token=dev.token)
    assert off.status in (200, 204), off.body
    events = api.get("/me/security-events", token=dev.token).body["items"]
    assert [(e["type"], e["detail"]) for e in events if e["type"].startswith("factor")] == [
        ("factor_removed", "totp"),
        ("factor_added", "totp"),
    ]  # newest first
    assert ("recovery_code_used", "9 left") in [(e["type"], e["detail"]) for e in events]
    run_copies(deps)
    assert "dev@acme.com" in [
        m["email"] for m in _members(api, account_id, owner.token, "?mfa=false")["items"]
    ]
