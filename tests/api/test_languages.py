"""Languages (issue 32): a German reader's emails are German, with dates in German words (the invitation,
its reminder, a password reset and a notice), an invitation reads right in each other language, the
locales live on the user, the invitation and the account, anything but the five is refused, and API error
messages follow Accept-Language while their codes stay the same."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pyotp
import pytest

from chalicelib import cli
from chalicelib.security.otp import step_of
from tests.helpers import PASSWORD, emails_to, invite, onboard
from tests.helpers.mail import drain_outbox

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock

ANN = "ann@example.com"


def accept(api: Api, email: str) -> dict[str, Any]:
    body = {"token": api.latest_link(email), "password": PASSWORD, "first_name": "Ann", "last_name": "Lee"}
    reply = api.post("/invitations/accept", body)
    assert reply.status == 201, reply.body
    return cast("dict[str, Any]", reply.body)


def pending(api: Api, account_id: str, token: str, email: str) -> dict[str, Any]:
    reply = api.get(f"/accounts/{account_id}/invitations?status=pending", token=token)
    assert reply.status == 200, reply.body
    return next(i for i in reply.body["items"] if i["email"] == email)


def test_a_german_invitation_its_reminder_and_the_login_it_makes_are_german(
    api: Api, capsys: pytest.CaptureFixture[str], clock: Clock
) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, [ANN], locale="de")
    [email] = emails_to(ANN)
    assert email.subject == "Olive Owner hat Sie zu Acme Hosting eingeladen"
    assert '<html lang="de">' in email.body
    assert "Sie sind eingeladen, <strong>Acme Hosting</strong> als Benutzer mitzuverwalten." in email.body
    assert "Montag, 30. November 2026, 09:00 UTC" in email.body  # the date in German words, in UTC
    assert ">Einladung annehmen</a>" in email.body and "Gültig bis" in email.body
    assert "Support-Tickets öffnen und ansehen" in email.body  # the permission's label, translated
    for english in ("Accept the invitation", "Valid until", "Monday", "Hello", " as a user"):
        assert english not in email.body
    assert pending(api, account_id, owner.token, ANN)["locale"] == "de"
    assert api.post("/invitations/lookup", {"token": email.link_token}).body["locale"] == "de"

    at = clock() + timedelta(days=5, minutes=1)
    assert cli.main(["run-scheduled", "--now", at.strftime("%Y-%m-%dT%H:%M:%SZ")]) == 0
    assert "reminders: 1 due: 1 sent" in capsys.readouterr().out
    [_, reminder] = emails_to(ANN)
    assert reminder.subject == "Die Einladung von Olive Owner zu Acme Hosting endet am Montag"
    assert "bis <strong>Montag, 30. November 2026, 09:00 UTC</strong> annehmen" in reminder.body
    assert "und dies ist die einzige Erinnerung" in reminder.body and "Accept" not in reminder.body

    joined = accept(api, ANN)
    assert joined["user"]["locale"] == "de"  # the new login speaks its invitation's language
    assert api.get("/me", token=joined["access_token"]).body["user"]["locale"] == "de"


INVITATIONS = {
    "fr": ("Olive Owner vous invite à rejoindre Acme Hosting", "lundi 30 novembre 2026 à 09:00 UTC",
           "Accepter l'invitation", "Valable jusqu'au"),
    "es": ("Olive Owner te ha invitado a Acme Hosting", "lunes, 30 de noviembre de 2026, 09:00 UTC",
           "Aceptar la invitación", "Válida hasta"),
    "nl": ("Olive Owner heeft je uitgenodigd voor Acme Hosting", "maandag 30 november 2026 om 09:00 UTC",
           "Uitnodiging accepteren", "Geldig tot"),
}  # fmt: skip


@pytest.mark.parametrize("locale", sorted(INVITATIONS))
def test_an_invitation_in_each_other_language(api: Api, locale: str) -> None:
    subject, date, button, label = INVITATIONS[locale]
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, [ANN], role="admin", locale=locale)
    [email] = emails_to(ANN)
    assert email.subject == subject
    assert f'<html lang="{locale}">' in email.body
    assert date in email.body and f">{button}</a>" in email.body and label in email.body
    assert "Accept the invitation" not in email.body and "Valid until" not in email.body


def test_the_account_default_language_is_its_invitations_and_its_links(api: Api) -> None:
    account_id, owner = onboard(api)
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["default_locale"] == "en"
    changed = api.patch(f"/accounts/{account_id}", {"default_locale": "nl"}, token=owner.token)
    assert changed.status == 200, changed.body
    assert changed.body["default_locale"] == "nl"
    invite(api, account_id, owner.token, [ANN])  # no locale: the account's
    [email] = emails_to(ANN)
    assert email.subject == "Olive Owner heeft je uitgenodigd voor Acme Hosting"
    assert pending(api, account_id, owner.token, ANN)["locale"] == "nl"
    invite(api, account_id, owner.token, ["bob@example.com"], locale="en")  # the request's own wins
    assert emails_to("bob@example.com")[0].subject == "Olive Owner invited you to Acme Hosting"
    made = api.post(f"/accounts/{account_id}/invite-links", {"require_approval": False}, token=owner.token)
    assert made.status == 201, made.body
    token = made.body["url"].split("#token=", 1)[1]
    assert api.post("/invite-links/lookup", {"token": token}).body["locale"] == "nl"


@pytest.mark.parametrize("bad", ["it", "EN", "de-DE", "", 3])
def test_a_locale_that_is_not_one_of_the_five_is_refused(api: Api, bad: str | int) -> None:
    account_id, owner = onboard(api)
    refusals = [
        api.patch("/me", {"locale": bad}, token=owner.token),
        api.post(f"/accounts/{account_id}/invitations", {"emails": [ANN], "locale": bad}, token=owner.token),
        api.patch(f"/accounts/{account_id}", {"default_locale": bad}, token=owner.token),
    ]
    for reply in refusals:
        assert reply.status == 400, reply.body
        error = reply.body["error"]
        assert error["code"] == "validation_error" and error["message"]
        assert any("locale" in detail["field"] for detail in error["details"]), error
    assert emails_to(ANN) == []
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["default_locale"] == "en"
    assert api.get("/me", token=owner.token).body["user"]["locale"] is None


def test_a_german_login_gets_its_reset_and_its_notices_in_german(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    assert api.get("/me", token=owner.token).body["user"]["locale"] is None  # null until set
    chosen = api.patch("/me", {"locale": "de"}, token=owner.token)
    assert chosen.status == 200 and chosen.body["locale"] == "de"

    assert api.post("/auth/password-reset", {"email": owner.email}).status == 202
    drain_outbox(deps)
    reset = emails_to(owner.email)[-1]
    assert reset.subject == "Passwort für Ihr Kundenportal zurücksetzen"
    assert "Jemand (vielleicht Sie) hat angefordert" in reset.body
    assert "Montag, 23. November 2026, 10:00 UTC" in reset.body  # an hour from the clock's start
    assert ">Neues Passwort festlegen</a>" in reset.body and "Falls Sie das nicht waren" in reset.body

    setup = api.post("/me/mfa/totp", {"password": PASSWORD}, token=owner.token)
    assert setup.status == 200, setup.body
    code = pyotp.TOTP(setup.body["secret"]).generate_otp(step_of(deps.now()))
    assert api.post("/me/mfa/totp/confirm", {"code": code}, token=owner.token).status == 200
    notice = emails_to(owner.email)[-1]
    change = "Die Anmeldung in zwei Schritten mit einer Authenticator-App wurde aktiviert"
    assert notice.subject == f"{change} (Ihr Kundenportal)"
    assert f"{change} \u2013 für <strong>{owner.email}</strong> in Ihrem Kundenportal." in notice.body
    assert "wenden Sie sich an Ihren Hosting-Anbieter" in notice.body


def test_an_admin_reset_follows_the_account_language_for_a_login_without_one(api: Api, deps: Deps) -> None:
    account_id, owner = onboard(api)
    api.patch(f"/accounts/{account_id}", {"default_locale": "es"}, token=owner.token)
    invite(api, account_id, owner.token, [ANN], locale="en")
    joined = accept(api, ANN)
    assert joined["user"]["locale"] == "en"  # from the invitation; cleared again: none of her own
    cleared = api.patch("/me", {"locale": None}, token=joined["access_token"])
    assert cleared.status == 200 and cleared.body["locale"] is None
    ann = joined["user"]["user_id"]
    sent = api.post(f"/accounts/{account_id}/members/{ann}/password-reset", token=owner.token)
    assert sent.status in (202, 204), sent.body
    reset = emails_to(ANN)[-1]
    assert reset.subject == "Restablece la contraseña de tu portal de clientes"
    assert "Olive Owner de Acme Hosting ha pedido restablecer la contraseña" in reset.body


def test_error_messages_follow_accept_language_and_codes_do_not(api: Api) -> None:
    account_id, owner = onboard(api)
    path = "/accounts/acc_doesnotexist0000000000"
    answers = {
        language: api.get(path, token=owner.token, headers={"Accept-Language": language} if language else {})
        for language in (None, "de", "fr-CH, fr;q=0.9", "es-419", "nl", "it, de;q=0.5", "ja")
    }
    assert {reply.status for reply in answers.values()} == {404}
    assert {reply.body["error"]["code"] for reply in answers.values()} == {"not_found"}
    english = "The account does not exist or is not available to you."
    assert answers[None].body["error"]["message"] == english
    assert answers["ja"].body["error"]["message"] == english  # a language we do not speak
    assert (
        answers["de"].body["error"]["message"]
        == "Das Konto existiert nicht oder ist für Sie nicht verfügbar."
    )
    assert answers["it, de;q=0.5"].body["error"]["message"] == answers["de"].body["error"]["message"]
    assert answers["fr-CH, fr;q=0.9"].body["error"]["message"].startswith("Le compte n'existe pas")
    assert answers["es-419"].body["error"]["message"].startswith("La cuenta no existe")
    assert answers["nl"].body["error"]["message"].startswith("Het account bestaat niet")

    german = {"Accept-Language": "de"}
    unsigned = api.get(f"/accounts/{account_id}", headers=german)
    assert unsigned.status == 401 and unsigned.body["error"]["code"] == "unauthenticated"
    assert unsigned.body["error"]["message"] == "Ein gültiges Zugriffstoken ist erforderlich."
    invalid = api.patch(f"/accounts/{account_id}", {"name": ""}, token=owner.token, headers=german)
    assert invalid.status == 400 and invalid.body["error"]["message"] == "Die Anfrage ist ungültig."
    wrong = api.post("/auth/login", {"email": owner.email, "password": "not it at all"}, headers=german)
    assert wrong.body["error"] == {
        "code": "invalid_credentials",
        "message": "E-Mail-Adresse oder Passwort ist nicht korrekt.",
    }
