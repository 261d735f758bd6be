"""Accepting an invitation with the password of an existing login: the check is counted on the link before
it is made (at most five per link per window, under any burst), and the email's lockout applies both ways."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.errors import AppError
from chalicelib.schemas.invitations import AcceptIn
from chalicelib.services.acceptance import accept
from tests.helpers import PASSWORD, invite, latest_link, onboard
from tests.helpers.concurrency import run_together
from tests.helpers.seed import count_password_checks

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

WRONG = "not the password"


def _invited_existing_user(api: Api) -> tuple[str, str]:
    account_id, owner = onboard(api)
    onboard(api, "Other Co", "designer@example.com")
    invite(api, account_id, owner.token, ["designer@example.com"])
    return account_id, latest_link("designer@example.com")


def test_a_burst_of_accepts_through_one_link_checks_at_most_five_passwords(api: Api, deps: Deps) -> None:
    _, link = _invited_existing_user(api)
    checked = count_password_checks(deps)
    attempts = [WRONG] * 29
    attempts.insert(20, PASSWORD)

    def attempt(password: str) -> str:
        try:
            return accept(deps, None, AcceptIn(token=link, password=password)).account_id
        except AppError as error:
            return error.code

    outcomes = run_together(*[lambda p=p: attempt(p) for p in attempts])
    assert len(checked) <= 5
    # every attempt not checked was refused: locked out, or the link already used by the right password
    refused = outcomes.count("rate_limited") + outcomes.count("not_found")
    assert refused == len(attempts) - len(checked)
    accepted = [o for o in outcomes if o.startswith("acc_")]
    assert len(accepted) == (PASSWORD in checked) and len(accepted) <= 1


def test_wrong_passwords_on_accept_lock_the_email_and_the_lock_holds_on_accept(
    api: Api, clock: Clock
) -> None:
    _, link = _invited_existing_user(api)
    for _ in range(5):
        wrong = api.post("/invitations/accept", {"token": link, "password": WRONG})
        assert (wrong.status, wrong.code) == (401, "invalid_credentials")
    login = api.post("/auth/login", {"email": "designer@example.com", "password": PASSWORD})
    assert (login.status, login.code) == (429, "rate_limited")  # the failures counted on the email
    locked = api.post("/invitations/accept", {"token": link, "password": PASSWORD})
    assert (locked.status, locked.code) == (429, "rate_limited")
    assert int(locked.headers["retry-after"]) > 0
    clock.advance(minutes=16)
    right = api.post("/invitations/accept", {"token": link, "password": PASSWORD})
    assert right.status == 201


def test_a_link_counts_its_own_checks_even_when_the_email_is_cleared(api: Api, clock: Clock) -> None:
    """A right login clears the email's window; the link's count stands: guesses through a leaked link stay
    bounded even while its owner keeps signing in."""
    _, link = _invited_existing_user(api)
    for _ in range(4):
        assert api.post("/invitations/accept", {"token": link, "password": WRONG}).status == 401
    assert api.post("/auth/login", {"email": "designer@example.com", "password": PASSWORD}).status == 200
    assert api.post("/invitations/accept", {"token": link, "password": WRONG}).status == 401  # the 5th
    sixth = api.post("/invitations/accept", {"token": link, "password": PASSWORD})
    assert (sixth.status, sixth.code) == (429, "rate_limited")
    clock.advance(minutes=16)
    assert api.post("/invitations/accept", {"token": link, "password": PASSWORD}).status == 201


def test_a_reset_link_is_not_an_invitation_and_gains_no_count(api: Api, deps: Deps) -> None:
    from chalicelib.security.links import hash_link_token
    from tests.helpers import emails_to, link_token

    _, _ = _invited_existing_user(api)
    assert api.post("/auth/password-reset", {"email": "designer@example.com"}).status == 202
    reset = link_token(emails_to("designer@example.com")[-1])
    reply = api.post("/invitations/accept", {"token": reset, "password": PASSWORD})
    assert (reply.status, reply.code) == (404, "not_found")
    stored = deps.store.links.get_link(hash_link_token(reset))
    assert stored is not None and stored.attempts is None
