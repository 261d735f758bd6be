"""The pages in the reader's language, in chromium (issue 32): a German browser (its locale de-DE, so its
Accept-Language is German) sees the sign-in page and an invitation's accept page in German from the first
paint, dates in German, and an invitation's own language comes first; signed in, a page speaks the user's
own language, else the account's default; a user who picks French on Your info sees the portal, User
Management included, in French with French dates, after a reload too, and English when they pick it next.
No script error and no CSP violation on the way (the `page` fixture's rule, kept here for the contexts made
with a locale)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from chalicelib.schemas.invitations import InviteIn
from tests.e2e.browser import emailed_link, watched
from tests.e2e.test_portal_pages import owned_account, unique
from tests.helpers.flows import accept_new, invite, sign_in
from tests.helpers.settings import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route

    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e
# a German date in words, as Intl writes it for de ("13. Dez. 2026, 04:47 UTC"); a French day ("6 déc. 2026")
GERMAN_MONTH = "(Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)"
GERMAN_DATE = re.compile(rf"\d{{1,2}}\. {GERMAN_MONTH}\.? \d{{4}}, \d{{2}}:\d{{2}} UTC")
FRENCH_DAY = re.compile(r"\d{1,2} (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? \d{4}")


@pytest.fixture
def german(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 860})
    opened = context.new_page()
    errors = watched(opened)
    yield opened
    context.close()
    assert not errors, errors


def test_a_german_browser_signs_in_and_accepts_an_invitation_in_german(live: Live, german: Page) -> None:
    page = german
    page.goto(f"{live.base_url}/portal/login")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_title("Anmelden · Kundenportal")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_attached()
    expect(page.get_by_role("link", name="Passwort vergessen?")).to_be_visible()
    page.get_by_label("E-Mail").fill("nobody@example.com")
    page.get_by_label("Passwort", exact=True).fill("not the password at all")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("E-Mail-Adresse oder Passwort stimmen nicht.")

    account_id, _, token = owned_account(live, "Nordwind Hosting")
    person = unique("greta")
    # in German where the API takes an invitation's language (issue 32): it comes before the browser's
    extra = {"locale": "de"} if "locale" in InviteIn.model_fields else {}
    invite(live, account_id, token, [person], **extra)
    page.goto(emailed_link(live, person))
    expect(page.get_by_role("heading", name="Ihre Einladung annehmen")).to_be_visible()
    expect(page).to_have_title("Ihre Einladung annehmen · Kundenportal")
    summary = page.locator(".invite-summary")
    expect(summary).to_contain_text("Konto")
    expect(summary).to_contain_text("Ihre Rolle")
    expect(summary.locator("dd").nth(2)).to_have_text("Benutzer")  # the role, by the glossary
    expect(summary.locator("dd").last).to_have_text(GERMAN_DATE)  # "Gültig bis": a date in German words
    page.get_by_label("Vorname").fill("Greta")
    page.get_by_label("Nachname").fill("Gruber")
    page.get_by_label("Passwort wählen").fill("kurz")
    page.get_by_role("button", name="Einladung annehmen").click()
    expect(page.get_by_role("alert")).to_have_text("Das Passwort braucht mindestens 10 Zeichen.")
    page.get_by_label("Passwort wählen").fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_role("button", name="Einladung annehmen").click()
    # a member without Manage users lands on their own screen: in German too, the sidebar and the session bar
    expect(page.get_by_role("heading", name="Meine Angaben", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Portal")).to_contain_text("Einstellungen")


def test_a_user_who_switches_to_french_sees_user_management_in_french(live: Live, german: Page) -> None:
    page = german  # a German browser; the owner has no language of their own yet
    account_id, owner, token = owned_account(live, "Northwind Hosting")
    accept_new(live, invite_one(live, account_id, token), "Camille", "Durand")
    assert live.put(f"/accounts/{account_id}/seats", {"limit": 4}, operator=True).status == 200
    page.goto(f"{live.base_url}/portal/login")
    page.get_by_label("E-Mail").fill(owner)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    # signed in, the account's default language (English unless set) comes before the browser's German
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Portal").get_by_role("link", name="Your info").click()
    language = page.get_by_label("Language of the portal and your emails")
    expect(language).to_have_value("en")
    language.select_option("fr")
    # the page reloads in French
    expect(page.get_by_role("heading", name="Vos informations", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_label("Langue de l'espace client et de vos e-mails")).to_have_value("fr")

    sidebar = page.get_by_role("navigation", name="Espace client")
    sidebar.get_by_role("link", name="Gestion des utilisateurs").click()
    expect(page.get_by_role("heading", name="Gestion des utilisateurs")).to_be_visible()
    expect(page).to_have_title("Gestion des utilisateurs · Espace client")
    expect(page.get_by_role("tab", name=re.compile("^Utilisateurs actifs"))).to_be_visible()
    expect(page.get_by_role("button", name="Inviter des utilisateurs")).to_be_visible()
    # the owner and Camille: a plural message in French's plural form (its singular serves 0 and 1)
    expect(page.locator("#seat-line")).to_have_text("2 places occupées sur 4")
    heads = page.locator("#panel thead th")
    expect(heads.nth(0)).to_have_text(re.compile("^Prénom"))
    expect(heads.nth(8)).to_have_text(re.compile("^Arrivé le"))
    row = page.locator("#panel tbody tr", has_text="Camille")
    expect(row.locator("td.date time").first).to_have_text(FRENCH_DAY)  # joined: a day in French
    expect(row.locator("td.date time").first).to_have_attribute("title", re.compile(r"UTC$"))
    row.get_by_role("button", name="Actions pour Camille Durand").click()
    expect(page.get_by_role("menuitem", name="Désactiver Camille Durand")).to_be_visible()
    page.keyboard.press("Escape")
    page.reload()  # the choice stays (this browser, and the login where the API keeps it)
    expect(page.get_by_role("heading", name="Gestion des utilisateurs")).to_be_visible()

    assert live.get("/me", token=sign_in(live, owner)).body["user"]["locale"] == "fr"  # kept on the login
    sidebar.get_by_role("link", name="Vos informations").click()
    page.get_by_label("Langue de l'espace client et de vos e-mails").select_option("en")
    expect(page.get_by_role("heading", name="Your info", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # not the German the shell was drawn in


def invite_one(live: Live, account_id: str, token: str) -> str:
    person = unique("camille")
    invite(live, account_id, token, [person])
    return person


def test_an_invitations_own_language_comes_before_the_browsers(live: Live, german: Page) -> None:
    """API.md: the invitation lookup says the invitation's `locale`, and the page follows it. The lookup's
    answer is the server's, with `locale` set to French on its way to the page (the API sets it from the
    inviter's choice; here the page's part is what is tested): the German browser's page turns French."""
    page = german
    account_id, _, token = owned_account(live, "Northwind Hosting")
    person = unique("chloe")
    invite(live, account_id, token, [person])

    def in_french(route: Route) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, json={**answer.json(), "locale": "fr"})

    page.route("**/invitations/lookup", in_french)
    page.goto(emailed_link(live, person))
    expect(page.get_by_role("heading", name="Acceptez votre invitation")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_title("Acceptez votre invitation · Espace client")
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()  # the session bar, drawn again
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_attached()
    valid_until = page.locator(".invite-summary dd").last
    expect(valid_until).to_have_text(re.compile(rf"{FRENCH_DAY.pattern}.* UTC$"))
    expect(page.get_by_label("Prénom")).to_be_visible()
