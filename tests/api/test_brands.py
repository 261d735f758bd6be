"""Brands (API.md "Branding and languages"): the operator's routes, the contrast rule, an account's brand
(the operator's only, audited with its webhook event), a brand in use kept, and the logo: checked by its
content, an SVG sanitised, served by the project with its own headers."""

from __future__ import annotations

import json
import struct
import zlib
from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.services.webhook_delivery import run_once
from tests.helpers import onboard

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Reply
    from tests.helpers.receiver import WebhookReceiver

RESELLER = {
    "name": "Reseller Hosting",
    "primary_color": "#7b1fa2",
    "support_email": "Help@Reseller.example",
    "support_url": "https://help.reseller.example",
}


def make_brand(api: Api, **fields: Any) -> dict[str, Any]:
    reply = api.post("/brands", {**RESELLER, **fields}, operator=True)
    assert reply.status == 201, reply.body
    return cast("dict[str, Any]", reply.body)


def tiny_png() -> bytes:
    """A real 1x1 PNG: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x7b\x1f\xa2")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def put_logo(
    api: Api, brand_id: str, body: bytes, content_type: str = "image/svg+xml", **caller: Any
) -> Reply:
    caller = caller or {"operator": True}
    headers = {"Content-Type": content_type}
    return api.call("PUT", f"/brands/{brand_id}/logo", raw=body, headers=headers, **caller)


def test_the_operator_makes_reads_changes_and_deletes_a_brand(api: Api) -> None:
    brand = make_brand(api)
    assert brand == {
        "brand_id": brand["brand_id"],
        "name": "Reseller Hosting",
        "logo_url": None,
        "primary_color": "#7b1fa2",
        "support_email": "help@reseller.example",
        "support_url": "https://help.reseller.example",
        "sender_name": "Reseller Hosting",  # default: the name
    }
    path = f"/brands/{brand['brand_id']}"
    assert api.get(path, operator=True).body == brand
    changed = api.patch(path, {"sender_name": "Reseller Support", "support_url": None}, operator=True)
    assert changed.status == 200, changed.body
    assert (changed.body["sender_name"], changed.body["support_url"]) == ("Reseller Support", None)
    assert api.get(path, operator=True).body == changed.body
    assert api.delete(path, operator=True).status == 204
    assert api.get(path, operator=True).code == "not_found"
    assert api.delete(path, operator=True).code == "not_found"


@pytest.mark.parametrize("color", ["#ffff00", "#777777", "#1d4ed", "blue", "#gggggg"])
def test_a_colour_white_text_is_unreadable_on_is_refused(api: Api, color: str) -> None:
    reply = api.post("/brands", {**RESELLER, "primary_color": color}, operator=True)
    assert reply.status == 400 and reply.code == "validation_error"
    assert reply.body["error"]["details"][0]["field"] == "primary_color"
    brand = make_brand(api)
    patched = api.patch(f"/brands/{brand['brand_id']}", {"primary_color": color}, operator=True)
    assert patched.status == 400 and patched.code == "validation_error"
    assert api.get(f"/brands/{brand['brand_id']}", operator=True).body["primary_color"] == "#7b1fa2"


def test_the_darkest_readable_grey_is_taken() -> None:
    """#767676 is the lightest grey white text reaches 4.5:1 on; #777777 (above) is not."""
    from chalicelib.domain.branding import white_text_readable_on

    assert white_text_readable_on("#767676") and not white_text_readable_on("#777777")


@pytest.mark.parametrize(
    "body",
    [
        {**RESELLER, "logo": "x"},  # unknown field
        {k: v for k, v in RESELLER.items() if k != "support_email"},
        {**RESELLER, "support_url": "http://help.reseller.example"},
        {**RESELLER, "name": ""},
    ],
)
def test_a_brand_body_is_validated(api: Api, body: dict[str, Any]) -> None:
    reply = api.post("/brands", body, operator=True)
    assert reply.status == 400 and reply.code == "validation_error"


def test_brands_are_the_operators_only(api: Api) -> None:
    account_id, owner = onboard(api)
    brand = make_brand(api)
    path = f"/brands/{brand['brand_id']}"
    for token in (owner.token, None):
        expected = 403 if token else 401
        assert api.post("/brands", RESELLER, token=token).status == expected
        assert api.get(path, token=token).status == expected
        assert api.patch(path, {"name": "Mine"}, token=token).status == expected
        assert api.delete(path, token=token).status == expected
        assert put_logo(api, brand["brand_id"], tiny_png(), "image/png", token=token).status == expected
    assert api.get(path, operator=True).body["name"] == "Reseller Hosting"


def test_an_account_gets_a_brand_from_the_operator_only_audited_and_sent_as_a_webhook(
    api: Api, loopback: Deps, receiver: WebhookReceiver
) -> None:
    account_id, owner = onboard(api)
    hook = {"url": receiver.url, "event_types": ["account.brand_changed"]}
    assert api.post(f"/accounts/{account_id}/webhooks", hook, token=owner.token).status == 201
    brand = make_brand(api)
    refused = api.patch(f"/accounts/{account_id}", {"brand_id": brand["brand_id"]}, token=owner.token)
    assert refused.status == 403 and refused.code == "forbidden"
    given = api.patch(f"/accounts/{account_id}", {"brand_id": brand["brand_id"]}, operator=True)
    assert given.status == 200, given.body
    assert given.body["brand"]["brand_id"] == brand["brand_id"]
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["brand"] == brand
    [event] = api.get(f"/accounts/{account_id}/audit-events?type=account.brand_changed", operator=True).body[
        "items"
    ]
    assert event["changes"] == {"brand_id": [None, brand["brand_id"]]}
    assert event["actor"]["kind"] == "operator"
    assert run_once(loopback).succeeded == 1
    [arrived] = [json.loads(r.body) for r in receiver.received]
    assert (arrived["type"], arrived["data"]["account_id"]) == ("account.brand_changed", account_id)


def test_a_brand_in_use_is_kept_until_its_accounts_have_another(api: Api) -> None:
    """Deleting refuses (409) rather than fall back to the default: a hosting company's customers would
    otherwise get another look without anyone choosing it."""
    account_id, _ = onboard(api)
    brand = make_brand(api)
    assert api.patch(f"/accounts/{account_id}", {"brand_id": brand["brand_id"]}, operator=True).status == 200
    refused = api.delete(f"/brands/{brand['brand_id']}", operator=True)
    assert refused.status == 409 and refused.code == "conflict"
    back = api.patch(f"/accounts/{account_id}", {"brand_id": None}, operator=True)
    assert back.status == 200 and back.body["brand"]["brand_id"] is None
    assert back.body["brand"]["name"] == "Client portal"  # the deployment's default
    assert api.delete(f"/brands/{brand['brand_id']}", operator=True).status == 204


def test_an_unknown_brand_is_not_given(api: Api) -> None:
    account_id, _ = onboard(api)
    reply = api.patch(f"/accounts/{account_id}", {"brand_id": "brd_000000000000000000000000"}, operator=True)
    assert reply.status == 404 and reply.code == "not_found"
    assert api.get(f"/accounts/{account_id}", operator=True).body["brand"]["brand_id"] is None


def test_each_account_shows_its_own_brand_only(api: Api) -> None:
    """Tenant isolation: one account's brand never shows on another's."""
    first, first_owner = onboard(api, "First Co", "owner@first.example")
    second, second_owner = onboard(api, "Second Co", "owner@second.example")
    brand = make_brand(api)
    assert api.patch(f"/accounts/{first}", {"brand_id": brand["brand_id"]}, operator=True).status == 200
    assert api.get(f"/accounts/{first}", token=first_owner.token).body["brand"]["name"] == "Reseller Hosting"
    assert api.get(f"/accounts/{second}", token=second_owner.token).body["brand"]["name"] == "Client portal"
    assert api.get(f"/accounts/{first}", token=second_owner.token).status == 404


def test_a_png_logo_is_kept_and_served_with_its_version_in_the_address(api: Api) -> None:
    brand = make_brand(api)
    reply = put_logo(api, brand["brand_id"], tiny_png(), "image/png")
    assert reply.status == 200, reply.body
    url = reply.body["logo_url"]
    assert url.endswith(f"/brand-logos/{brand['brand_id']}/1")
    status, headers, body = api.transport("GET", path_of(url), IMAGE, b"")
    headers = {k.lower(): v for k, v in headers.items()}
    assert status == 200 and body == tiny_png()
    assert headers["content-type"] == "image/png"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert "immutable" in headers["cache-control"]
    again = put_logo(api, brand["brand_id"], tiny_png(), "image/png").body["logo_url"]
    assert again.endswith("/2")
    stale = api.transport("GET", path_of(url), IMAGE, b"")
    assert stale[0] == 404  # the replaced version's address


IMAGE = {"Accept": "image/avif,image/webp,*/*"}  # what a browser asks an <img> with


def path_of(url: str) -> str:
    """The route a logo's address reaches: PORTAL_URL is where the project serves /portal (as every link
    of an email is PORTAL_URL + a page's path)."""
    from tests.helpers.settings import SETTINGS_ENV

    assert url.startswith(SETTINGS_ENV["PORTAL_URL"] + "/brand-logos/")
    return "/portal" + url.removeprefix(SETTINGS_ENV["PORTAL_URL"])


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<rect width="10" height="10" fill="#7b1fa2"/></svg>'
)
ATTACKS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="1"/></svg>',
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1"/></svg>',
    "xlink": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<use xlink:href="http://evil.example/x.svg#a"/></svg>',
    "use_href": b'<svg xmlns="http://www.w3.org/2000/svg"><use href="http://evil.example/x.svg#a"/></svg>',
    "css_url": b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://evil.example/p)"'
    b' fill="url(https://evil.example/q)"/></svg>',
    "foreign": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">'
    b"hi</div></foreignObject></svg>",
    "style_import": b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://evil.example/c.css);'
    b"</style><rect width='1'/></svg>",
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_an_svg_attack_is_stripped_before_it_is_kept(api: Api, name: str) -> None:
    brand = make_brand(api)
    reply = put_logo(api, brand["brand_id"], ATTACKS[name])
    assert reply.status == 200, reply.body
    status, _, kept = api.transport("GET", path_of(reply.body["logo_url"]), IMAGE, b"")
    assert status == 200
    lowered = kept.lower()
    for bad in (
        b"script",
        b"onload",
        b"http://evil",
        b"https://evil",
        b"foreignobject",
        b"@import",
        b"style>",
    ):
        assert bad not in lowered, (name, kept)
    assert lowered.startswith(b"<svg")


def test_a_clean_svg_keeps_its_drawing(api: Api) -> None:
    brand = make_brand(api)
    reply = put_logo(api, brand["brand_id"], SVG)
    status, headers, kept = api.transport("GET", path_of(reply.body["logo_url"]), IMAGE, b"")
    assert status == 200 and b'<rect width="10" height="10" fill="#7b1fa2"' in kept
    assert {k.lower(): v for k, v in headers.items()}["content-type"] == "image/svg+xml"


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>'
)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (BOMB, "image/svg+xml"),
        (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "image/png"),  # a PNG header on HTML
        (b"<html><body>hi</body></html>", "image/svg+xml"),
        (b"", "image/png"),
    ],
    ids=["xml_bomb", "png_header_on_html", "html", "empty"],
)
def test_what_is_not_a_png_or_an_svg_is_refused(api: Api, body: bytes, content_type: str) -> None:
    brand = make_brand(api)
    reply = put_logo(api, brand["brand_id"], body, content_type)
    assert reply.status == 400 and reply.code == "validation_error", reply.body
    assert api.get(f"/brands/{brand['brand_id']}", operator=True).body["logo_url"] is None


def test_an_oversize_logo_or_another_type_is_refused(api: Api) -> None:
    brand = make_brand(api)
    big = tiny_png()[:-12] + b"\x00" * (64 * 1024) + tiny_png()[-12:]
    assert put_logo(api, brand["brand_id"], big, "image/png").status == 413
    refused = put_logo(api, brand["brand_id"], tiny_png(), "text/html")
    assert refused.status == 415 and refused.code == "unsupported_media_type"
    missing = put_logo(api, "brd_000000000000000000000000", tiny_png(), "image/png")
    assert missing.status == 404


def test_the_default_brand_is_public_for_the_sign_in_pages(api: Api) -> None:
    reply = api.get("/brand")
    assert reply.status == 200
    assert reply.body == {
        "brand_id": None,
        "name": "Client portal",
        "logo_url": None,
        "primary_color": "#1d4ed8",
        "support_email": None,
        "support_url": None,
        "sender_name": "Client portal",
    }


@pytest.mark.parametrize("brand_id", ["BRAND#x", "brd_../../x", "default"])
def test_an_id_outside_the_alphabet_names_no_brand(api: Api, brand_id: str) -> None:
    from urllib.parse import quote

    account_id, _ = onboard(api)
    assert api.get(f"/brands/{quote(brand_id, safe='')}", operator=True).status == 404
    assert api.patch(f"/accounts/{account_id}", {"brand_id": brand_id}, operator=True).status == 404


def test_an_upload_sent_as_octet_stream_is_typed_by_its_content(api: Api) -> None:
    """What a generated client sends (the document's one binary media type)."""
    brand = make_brand(api)
    reply = put_logo(api, brand["brand_id"], SVG, "application/octet-stream")
    assert reply.status == 200, reply.body
    status, headers, _ = api.transport("GET", path_of(reply.body["logo_url"]), IMAGE, b"")
    assert status == 200 and {k.lower(): v for k, v in headers.items()}["content-type"] == "image/svg+xml"
