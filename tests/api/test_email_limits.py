"""Finding 3 (email bombing): emails to one address are limited across invitations, re-invitations, resends
and admin resets (5 a clock hour, 20 a UTC day by default), and invitations per account per day; each count is
a conditional ADD in the transaction of the email it counts."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from tests.helpers import emails_to, invite, join, onboard, sign_in
from tests.helpers.concurrency import run_together
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock


def path(account_id: str, suffix: str = "") -> str:
    return f"/accounts/{account_id}/invitations{suffix}"


def invite_and_revoke(api: Api, account_id: str, token: str, email: str) -> dict[str, Any]:
    """Revoked once its email is out: the outbox's worker sends it (reading the outbox runs the worker as
    the stream does on AWS); one revoked before is dropped, never sent."""
    result = invite(api, account_id, token, [email])["results"][0]
    if result["status"] == "invited":
        assert emails_to(email)  # runs the worker
        invitation_id = result["invitation"]["invitation_id"]
        assert api.delete(path(account_id, f"/{invitation_id}"), token=token).status == 204
    return cast("dict[str, Any]", result)


def test_invite_revoke_cycles_stop_at_five_emails_an_hour(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    results = [invite_and_revoke(api, account_id, owner.token, "ann@example.com") for _ in range(7)]
    assert [r["status"] for r in results] == ["invited"] * 5 + ["skipped"] * 2
    assert results[5]["reason"] == "rate_limited" and results[5].get("invitation") is None
    assert len(emails_to("ann@example.com")) == 5
    clock.advance(hours=1)  # a new clock hour
    assert invite_and_revoke(api, account_id, owner.token, "ann@example.com")["status"] == "invited"


def test_a_day_allows_twenty_emails_to_one_address(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    statuses = []
    for _ in range(5):
        statuses += [invite_and_revoke(api, account_id, owner.token, "ann@example.com")["status"]
                     for _ in range(5)]  # fmt: skip
        clock.advance(hours=1)
    assert statuses == ["invited"] * 20 + ["skipped"] * 5
    assert len(emails_to("ann@example.com")) == 20


def test_the_limit_spans_accounts_and_spares_other_addresses(api: Api) -> None:
    """Counted per address, whoever sends: five accounts cannot send five emails each."""
    first, owner = onboard(api)
    second, other = onboard(api, "Other Co", "other@example.com")
    for _ in range(3):
        invite_and_revoke(api, first, owner.token, "ann@example.com")
    results = [invite_and_revoke(api, second, other.token, "ann@example.com")["status"] for _ in range(3)]
    assert results == ["invited", "invited", "skipped"]
    assert invite(api, second, other.token, ["bob@example.com"])["results"][0]["status"] == "invited"


def test_a_resend_over_the_limit_is_429_with_retry_after(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    for _ in range(4):
        invite_and_revoke(api, account_id, owner.token, "ann@example.com")
    invitation = invite(api, account_id, owner.token, ["ann@example.com"])["results"][0]["invitation"]
    clock.advance(seconds=61)
    reply = api.post(path(account_id, f"/{invitation['invitation_id']}/resend"), token=owner.token)
    assert (reply.status, reply.code) == (429, "rate_limited")
    assert reply.headers["retry-after"] == str(60 * 60 - 61)  # until the clock hour ends
    [listed] = api.get(path(account_id), token=owner.token).body["items"]
    assert listed["send_count"] == 1  # nothing changed: the old link still works


def test_admin_resets_count_against_the_address(api: Api, clock: Clock) -> None:
    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "ann@example.com")  # the invitation: 1 email
    reset = f"/accounts/{account_id}/members/{member.user_id}/password-reset"
    statuses = [api.post(reset, token=owner.token).status for _ in range(5)]
    assert statuses == [202] * 4 + [429]
    refused = api.post(reset, token=owner.token)
    assert refused.code == "rate_limited" and int(refused.headers["retry-after"]) == 3600
    assert len(emails_to("ann@example.com")) == 5


def test_racing_resets_never_pass_the_limit(api: Api, deps: Deps) -> None:
    from chalicelib.domain.caller import OPERATOR
    from chalicelib.services import members

    account_id, owner = onboard(api)
    member = join(api, account_id, owner.token, "ann@example.com")
    account = present(deps.store.accounts.get_account(account_id))
    outcomes = run_together(
        *[lambda: members.send_password_reset(deps, OPERATOR, account, member.user_id) for _ in range(8)]
    )
    assert set(outcomes) <= {None, "rate_limited", "changed_meanwhile"}  # lost a race, counted nothing
    assert 1 <= outcomes.count(None) <= 4 and "rate_limited" in outcomes
    assert len(emails_to("ann@example.com")) == 1 + outcomes.count(None)


def test_an_accounts_invitations_per_day_are_limited(api: Api, deps: Deps, clock: Clock) -> None:
    deps.settings = replace(deps.settings, account_invitations_per_day=3)
    account_id, owner = onboard(api)  # the owner's invitation came with the account: not counted
    results = invite(api, account_id, owner.token, ["a@example.com", "b@example.com"])["results"]
    assert [r["status"] for r in results] == ["invited", "invited"]
    over = api.post(path(account_id), {"emails": ["c@example.com", "d@example.com"]}, token=owner.token)
    assert (over.status, over.code) == (429, "rate_limited")
    assert int(over.headers["retry-after"]) == 15 * 3600  # until the UTC day ends (the clock is at 09:00)
    assert emails_to("c@example.com") == []
    assert invite(api, account_id, owner.token, ["c@example.com"])["results"][0]["status"] == "invited"
    clock.advance(hours=15)
    token = sign_in(api, owner.email)  # the old one lapsed meanwhile
    assert invite(api, account_id, token, ["d@example.com"])["results"][0]["status"] == "invited"
