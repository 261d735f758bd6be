"""One person, one login: the same address typed in another Unicode form or with its domain in another
encoding is the same address; disposable domains are refused with their subdomains; names refuse the
characters that make text read as something else."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from chalicelib.domain.emails import is_disposable, normalize_email
from tests.helpers import PASSWORD, onboard
from tests.helpers.seed import seed_user

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api


def test_one_address_in_any_unicode_form_or_domain_encoding_is_one_login(api: Api, deps: Deps) -> None:
    nfc = "josé@bücher.de"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    assert normalize_email(nfc) == normalize_email(nfd) == normalize_email("JOSÉ@xn--bcher-kva.de")
    seed_user(deps, normalize_email(nfc))
    for typed in (nfd, "josé@xn--bcher-kva.de", " JOSÉ@BÜCHER.DE "):
        reply = api.post("/auth/login", {"email": typed, "password": PASSWORD})
        assert reply.status == 200, (typed, reply.body)
        assert reply.body["user"]["email"] == "josé@xn--bcher-kva.de"


def test_a_disposable_domain_is_refused_with_its_subdomains(api: Api) -> None:
    assert is_disposable("a@mailinator.com") and is_disposable("a@x.mailinator.com")
    assert not is_disposable("a@example.com")
    account_id, owner = onboard(api)
    results = api.post(
        f"/accounts/{account_id}/invitations", {"emails": ["a@x.mailinator.com"]}, token=owner.token
    ).body["results"]
    assert results[0]["reason"] == "disposable_email"


def test_names_refuse_direction_overrides_and_unicode_line_breaks(api: Api, deps: Deps) -> None:
    seed_user(deps, "ann@example.com")
    token = api.post("/auth/login", {"email": "ann@example.com", "password": PASSWORD}).body["access_token"]
    for bad in ("Ann\u202eevil", "Ann\u2028Lee", "Ann\u0085Lee", "Ann\u2066x\u2069"):
        reply = api.patch("/me", {"first_name": bad}, token=token)
        assert reply.status == 400 and reply.body["error"]["details"][0]["field"] == "first_name", bad
    assert api.patch("/me", {"first_name": "Zoë 李"}, token=token).status == 200


def test_every_name_refuses_invisible_and_filler_characters(api: Api, deps: Deps) -> None:
    """Issue 25, item 7: U+3164, U+200B, U+00AD and U+FEFF were accepted in names (an invitation's subject
    read "ᅠ ᅠ invited you to ..."), U+200B in account names."""
    account_id, owner = onboard(api)
    for bad in ("\u3164 \u3164", "Ann\u200b", "Ann\u00adie", "\ufeffAnn", "..."):
        reply = api.patch("/me", {"first_name": bad}, token=owner.token)
        assert reply.code == "validation_error", bad
        account = api.post("/accounts", {"name": bad, "owner_email": "o@example.com"}, operator=True)
        assert account.code == "validation_error", bad
        group = api.post(
            f"/accounts/{account_id}/groups", {"name": bad, "permissions": []}, token=owner.token
        )
        assert group.code == "validation_error", bad
    renamed = api.patch(f"/accounts/{account_id}", {"name": "Acme\u200bA"}, token=owner.token)
    assert renamed.code == "validation_error"
    assert api.patch("/me", {"first_name": "Ann"}, token=owner.token).status == 200


def test_an_address_mixing_scripts_is_refused_as_invalid_saying_why(api: Api) -> None:
    account_id, owner = onboard(api)
    lookalike = "p\u0430ypal@example.com"  # a Cyrillic a (U+0430) among Latin letters
    results = api.post(
        f"/accounts/{account_id}/invitations",
        {"emails": [lookalike, "\uff42ob@example.com"]},
        token=owner.token,
    ).body["results"]
    assert [r["reason"] for r in results] == ["invalid_email", "invalid_email"]
    reply = api.post("/accounts", {"name": "Acme", "owner_email": lookalike}, operator=True)
    assert reply.code == "validation_error"
    assert "mixes Cyrillic and Latin" in reply.body["error"]["details"][0]["message"]
