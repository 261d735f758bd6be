"""Reset links end with what should end them (issue 25, item 3): a password change, a reset and a removal
each end every outstanding reset link of the user, and the outbox resending a reset email never makes a used
link valid again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.services.password_reset import reset_email_for
from chalicelib.store.models import MailItem
from tests.helpers import PASSWORD, emails_to, join, link_token, onboard
from tests.helpers.seed import seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Reply

NEW = "another long password"


def _confirm(api: Api, token: str, password: str = NEW) -> Reply:
    return api.post("/auth/password-reset/confirm", {"token": token, "new_password": password})


def _admin_reset(api: Api, account_id: str, admin_token: str, user_id: str) -> None:
    path = f"/accounts/{account_id}/members/{user_id}/password-reset"
    assert api.post(path, token=admin_token).status == 202


def test_a_password_change_ends_a_reset_link_sent_before(api: Api) -> None:
    account_id, owner = onboard(api)
    clerk = join(api, account_id, owner.token, "clerk@acme.com", permissions=["tickets"])
    _admin_reset(api, account_id, owner.token, clerk.user_id)
    token = link_token(emails_to("clerk@acme.com")[-1])
    body = {"current_password": PASSWORD, "new_password": NEW}
    assert api.post("/me/password", body, token=clerk.token).status == 200
    stale = _confirm(api, token, "a third long password")
    assert stale.status == 404 and stale.code == "not_found"
    assert api.post("/auth/login", {"email": "clerk@acme.com", "password": NEW}).status == 200


def test_using_one_public_reset_link_ends_the_other(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    for _ in range(2):
        assert api.post("/auth/password-reset", {"email": "ann@example.com"}).status == 202
    first, second = (link_token(message) for message in emails_to("ann@example.com"))
    assert first != second
    assert _confirm(api, first).status == 204
    assert _confirm(api, second, "a third long password").status == 404
    assert api.post("/auth/login", {"email": "ann@example.com", "password": NEW}).status == 200


def test_a_removal_ends_a_reset_link_sent_before(api: Api) -> None:
    account_id, owner = onboard(api)
    clerk = join(api, account_id, owner.token, "clerk@acme.com", permissions=["tickets"])
    _admin_reset(api, account_id, owner.token, clerk.user_id)
    token = link_token(emails_to("clerk@acme.com")[-1])
    path = f"/accounts/{account_id}/members/{clerk.user_id}"
    assert api.delete(path, token=owner.token).status == 204
    assert _confirm(api, token).status == 404
    assert api.post("/auth/login", {"email": "clerk@acme.com", "password": PASSWORD}).status == 200


def test_the_outbox_resending_a_used_links_email_does_not_revive_it(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    assert api.post("/auth/password-reset", {"email": "ann@example.com"}).status == 202
    token = link_token(emails_to("ann@example.com")[-1])
    assert _confirm(api, token).status == 204
    # SES took the email but its record was lost: the worker renders it once more
    (mail,) = [m for m in MailItem.scan() if m.kind == "reset_request"]
    assert reset_email_for(deps, mail) is None
    assert _confirm(api, token, "a third long password").status == 404
    assert api.post("/auth/login", {"email": "ann@example.com", "password": NEW}).status == 200
