"""Issue 32's "must show": an invitation from a reseller's account shows the reseller's name, logo and
colour, and never the default's, in the email (HTML and text parts, From header), on the accept page's
lookup and on the reset page's lookup; and which brand emails about a login carry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.api.test_brands import make_brand, put_logo, tiny_png
from tests.helpers import PASSWORD, accept_new, invite, onboard
from tests.helpers.mail import drain_outbox

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.mail.mailer import OutgoingEmail
    from tests.helpers import Api, Clock, Joined

DEFAULT_NAME, DEFAULT_COLOR = "Client portal", "#1d4ed8"


@pytest.fixture
def sent(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> list[OutgoingEmail]:
    """Every OutgoingEmail as the service handed it to SES (moto keeps only the HTML part and the
    address), in order."""
    caught: list[OutgoingEmail] = []
    real = deps.mailer.send

    def send(email: OutgoingEmail) -> None:
        caught.append(email)
        real(email)

    monkeypatch.setattr(deps.mailer, "send", send)
    return caught


def sent_from(deps: Deps) -> list[str]:
    """The From header SES was given for each message (moto keeps it as `source`)."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return [m.source for m in ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages]


@pytest.fixture
def reseller(api: Api) -> tuple[str, Joined, dict[str, Any]]:
    """A reseller's account with its brand (a PNG logo), its owner signed in."""
    account_id, owner = onboard(api, "Customer of Reseller", "owner@customer.example")
    brand = make_brand(api, sender_name="Reseller Support")
    logo = put_logo(api, brand["brand_id"], tiny_png(), "image/png")
    assert logo.status == 200, logo.body
    given = api.patch(f"/accounts/{account_id}", {"brand_id": brand["brand_id"]}, operator=True)
    assert given.status == 200, given.body
    return account_id, owner, logo.body


def assert_resellers(email: OutgoingEmail, brand: dict[str, Any]) -> None:
    assert email.sender_name == "Reseller Support"
    assert f'<img src="{brand["logo_url"]}" alt="Reseller Hosting"' in email.html
    assert "background:#7b1fa2" in email.html and "mailto:help@reseller.example" in email.html
    assert email.text.startswith("Reseller Hosting\n") and "help@reseller.example" in email.text
    for part in (email.subject, email.html, email.text):
        assert DEFAULT_NAME.lower() not in part.lower() and DEFAULT_COLOR not in part


def test_a_resellers_invitation_shows_the_reseller_and_never_the_default(
    api: Api, deps: Deps, reseller: tuple[str, Joined, dict[str, Any]], sent: list[OutgoingEmail]
) -> None:
    account_id, owner, brand = reseller
    invite(api, account_id, owner.token, ["ann@example.com"])
    drain_outbox(deps)  # the request only commits the email: the worker sends it
    [email] = [e for e in sent if e.to == "ann@example.com"]
    assert_resellers(email, brand)
    assert sent_from(deps)[-1] == f"Reseller Support <{deps.settings.sender_email}>"
    lookup = api.post("/invitations/lookup", {"token": api.latest_link("ann@example.com")})
    assert lookup.status == 200 and lookup.body["brand"] == brand


def test_an_admins_reset_from_a_resellers_account_shows_the_reseller(
    api: Api, deps: Deps, reseller: tuple[str, Joined, dict[str, Any]], sent: list[OutgoingEmail]
) -> None:
    account_id, owner, brand = reseller
    invite(api, account_id, owner.token, ["ann@example.com"])
    ann = accept_new(api, "ann@example.com")
    # ann has a login of her own elsewhere too: still, an admin's reset carries the admin's account's brand
    other_id, other_owner = onboard(api, "Plain Co", "owner@plain.example")
    invite(api, other_id, other_owner.token, ["ann@example.com"])
    assert api.post(
        "/invitations/accept", {"token": api.latest_link("ann@example.com"), "password": PASSWORD}
    )
    asked = api.post(f"/accounts/{account_id}/members/{ann.user_id}/password-reset", token=owner.token)
    assert asked.status == 202, asked.body
    drain_outbox(deps)
    reset = [e for e in sent if e.to == "ann@example.com" and "/password-reset#token=" in e.text][-1]
    assert_resellers(reset, brand)
    lookup = api.post("/auth/password-reset/lookup", {"token": api.latest_link("ann@example.com")})
    assert lookup.status == 200, lookup.body
    assert lookup.body["brand"] == brand and lookup.body["locale"] == "en"


def test_the_public_reset_carries_the_brand_all_the_logins_accounts_share(
    api: Api, deps: Deps, reseller: tuple[str, Joined, dict[str, Any]], sent: list[OutgoingEmail]
) -> None:
    account_id, owner, brand = reseller
    assert api.post("/auth/password-reset", {"email": "owner@customer.example"}).status == 202
    drain_outbox(deps)
    [email] = [e for e in sent if e.to == "owner@customer.example" and "password-reset#token" in e.text]
    assert_resellers(email, brand)
    lookup = api.post("/auth/password-reset/lookup", {"token": api.latest_link("owner@customer.example")})
    assert lookup.body["brand"] == brand


def test_the_public_reset_of_a_login_in_two_brands_carries_the_default(
    api: Api, deps: Deps, reseller: tuple[str, Joined, dict[str, Any]], sent: list[OutgoingEmail]
) -> None:
    account_id, owner, _ = reseller
    plain_id, plain_owner = onboard(api, "Plain Co", "owner@plain.example")
    invite(api, plain_id, plain_owner.token, ["owner@customer.example"])
    token = api.latest_link("owner@customer.example")
    assert api.post("/invitations/accept", {"token": token, "password": PASSWORD}).status == 201
    assert api.post("/auth/password-reset", {"email": "owner@customer.example"}).status == 202
    drain_outbox(deps)
    email = [e for e in sent if e.to == "owner@customer.example" and "password-reset#token" in e.text][-1]
    assert email.sender_name == DEFAULT_NAME and "Reseller" not in email.html + email.text
    lookup = api.post("/auth/password-reset/lookup", {"token": api.latest_link("owner@customer.example")})
    assert lookup.body["brand"]["brand_id"] is None


def test_a_reset_lookup_answers_as_the_reset_does(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    assert api.post("/auth/password-reset/lookup", {"token": "x" * 43}).code == "not_found"
    assert api.post("/auth/password-reset/lookup", {"token": "short"}).code == "not_found"
    assert api.post("/auth/password-reset", {"email": owner.email}).status == 202
    drain_outbox(deps)
    token = api.latest_link(owner.email)
    found = api.post("/auth/password-reset/lookup", {"token": token})
    assert found.status == 200 and found.body["brand"]["name"] == DEFAULT_NAME
    assert set(found.body) == {"brand", "locale", "expires_at"}  # nothing of the login: no address, no name
    clock.advance(hours=2)
    expired = api.post("/auth/password-reset/lookup", {"token": token})
    assert expired.status == 410 and expired.code == "token_expired"


def test_a_used_reset_link_looks_up_as_gone(api: Api, deps: Deps) -> None:
    _, owner = onboard(api)
    assert api.post("/auth/password-reset", {"email": owner.email}).status == 202
    drain_outbox(deps)
    token = api.latest_link(owner.email)
    body = {"token": token, "new_password": "a brand new secret"}
    assert api.post("/auth/password-reset/confirm", body).status == 204
    assert api.post("/auth/password-reset/lookup", {"token": token}).code == "not_found"


def test_a_resellers_invite_link_lookup_shows_the_reseller(
    api: Api, reseller: tuple[str, Joined, dict[str, Any]]
) -> None:
    account_id, owner, brand = reseller
    made = api.post(f"/accounts/{account_id}/invite-links", {}, token=owner.token)
    assert made.status == 201, made.body
    token = made.body["url"].split("#token=")[1]
    lookup = api.post("/invite-links/lookup", {"token": token})
    assert lookup.status == 200 and lookup.body["brand"] == brand
