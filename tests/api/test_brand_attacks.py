"""An attacker's review of brands (issue 32) through the API: the logo upload and the route serving it,
a `logo_url` as a way into the network (SSRF), who may touch brands, and what a brand puts into emails
and lookups. Each test is an attempt; it passes when the defence holds."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.mail.ses import SesMailer
from tests.api.test_brands import IMAGE, RESELLER, SVG, make_brand, path_of, put_logo, tiny_png
from tests.helpers import invite, onboard
from tests.helpers.mail import drain_outbox
from tests.helpers.scim import scim_account
from tests.unit.test_logo_attacks import ATTACKS, assert_inert, chunk, png

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.mail.mailer import OutgoingEmail
    from tests.helpers import Api, Clock

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def served(
    api: Api, logo_url: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    status, got, body = api.transport("GET", path_of(logo_url), headers or IMAGE, b"")
    return status, {k.lower(): v for k, v in got.items()}, body


def assert_served_safely(headers: dict[str, str], content_type: str) -> None:
    assert headers["content-type"] == content_type
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"


# --- the upload -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["fill_escaped_url", "style_image_set", "set_href_link", "feimage", "use_data", "onload_upper"]
)
def test_an_svg_attack_uploaded_is_served_inert(api: Api, name: str) -> None:
    brand = make_brand(api)
    reply = put_logo(api, brand["brand_id"], ATTACKS[name])
    assert reply.status == 200, reply.body
    status, headers, kept = served(api, reply.body["logo_url"])
    assert status == 200
    assert_served_safely(headers, "image/svg+xml")
    assert_inert(kept)


@pytest.mark.parametrize(
    ("body", "declared", "stored"),
    [
        (SVG, "image/png", "image/svg+xml"),  # an SVG sent as a PNG is an SVG, sanitised
        (tiny_png(), "image/svg+xml", "image/png"),
        (tiny_png(), "application/octet-stream", "image/png"),
    ],
    ids=["svg_as_png", "png_as_svg", "png_as_octets"],
)
def test_the_content_not_the_request_decides_the_type_served(
    api: Api, body: bytes, declared: str, stored: str
) -> None:
    brand = make_brand(api)
    reply = put_logo(api, brand["brand_id"], body, declared)
    assert reply.status == 200, reply.body
    status, headers, _ = served(api, reply.body["logo_url"], HTML)  # a browser asking for a page
    assert status == 200
    assert_served_safely(headers, stored)


def test_a_png_html_polyglot_is_only_ever_an_image(api: Api) -> None:
    """HTML in a PNG text chunk is kept (the PNG is whole), but goes out as image/png with nosniff and a
    sandbox, so a browser opening it never reads it as a page."""
    polyglot = png(chunk(b"tEXt", b"Comment\x00<html><script>alert(1)</script></html>"))
    brand = make_brand(api)
    reply = put_logo(api, brand["brand_id"], polyglot, "text/html; charset=utf-8")
    assert reply.status == 415  # the request's type is not even taken as a hint
    reply = put_logo(api, brand["brand_id"], polyglot, "image/png")
    assert reply.status == 200, reply.body
    status, headers, body = served(api, reply.body["logo_url"], HTML)
    assert status == 200 and body == polyglot
    assert_served_safely(headers, "image/png")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"\xfe\xff" + '<?xml version="1.0" encoding="utf-16-be"?><svg/>'.encode("utf-16-be"), 400),
        (b"\xff\xfe" + '<?xml version="1.0" encoding="utf-16-le"?><svg/>'.encode("utf-16-le"), 400),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 40, 400),  # gzip (svgz): never decompressed
    ],
    ids=["empty", "utf16_be_declared", "utf16_le_declared", "svgz"],
)
def test_an_unusable_logo_is_a_400_never_a_500(api: Api, body: bytes, status: int) -> None:
    brand = make_brand(api)
    reply = put_logo(api, brand["brand_id"], body, "image/svg+xml")
    assert reply.status == status and reply.code == "validation_error", reply.body
    assert api.get(f"/brands/{brand['brand_id']}", operator=True).body["logo_url"] is None


def test_64_kib_is_taken_and_one_byte_more_is_not(api: Api) -> None:
    base = png(chunk(b"tEXt", b"x"))
    exact = png(chunk(b"tEXt", b"x" * (1 + 64 * 1024 - len(base))))
    assert len(exact) == 64 * 1024
    brand = make_brand(api)
    assert put_logo(api, brand["brand_id"], exact, "image/png").status == 200
    over = png(chunk(b"tEXt", b"x" * (2 + 64 * 1024 - len(base))))
    reply = put_logo(api, brand["brand_id"], over, "image/png")
    assert reply.status == 413 and reply.code == "payload_too_large"
    assert api.get(f"/brands/{brand['brand_id']}", operator=True).body["logo_url"].endswith("/1")


# --- serving ----------------------------------------------------------------------------------------


def test_a_logo_is_found_only_at_its_exact_address(api: Api) -> None:
    """Logos are public (the sign-in and accept pages show them before anyone signs in), so an address is
    no secret; but nothing else is reached by guessing: another version, another id, a brand without a
    logo, a malformed version or id, or the default brand's without BRAND_LOGO_URL."""
    first, second = make_brand(api), make_brand(api, name="Other")
    url = put_logo(api, first["brand_id"], tiny_png(), "image/png").body["logo_url"]
    assert served(api, url)[0] == 200
    base = url.rsplit("/", 2)[0]
    for guess in (
        f"{base}/{first['brand_id']}/2",
        f"{base}/{first['brand_id']}/0",
        f"{base}/{first['brand_id']}/1.0",
        f"{base}/{first['brand_id']}/01",
        f"{base}/{second['brand_id']}/1",
        f"{base}/{first['brand_id'].upper()}/1",
        f"{base}/BRAND%23{first['brand_id']}/1",
        f"{base}/default/1",
        f"{base}/default/0000000000000000",
    ):
        status, headers, body = served(api, guess)
        assert status == 404, guess
        assert b"\x89PNG" not in body


# --- logo_url: SSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "https://[fd00:ec2::254]/latest/meta-data/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://127.0.0.1/logo.png",
        "https://2130706433/logo.png",  # 127.0.0.1 as one number
        "https://0x7f.1/logo.png",
        "https://[::1]/logo.png",
        "https://[::ffff:127.0.0.1]/logo.png",
        "https://[fc00::1]/logo.png",
        "https://[fd12:3456::1]/logo.png",  # unique local
        "https://[fe80::1]/logo.png",  # link-local
        "https://10.0.0.1/logo.png",
        "https://192.168.1.1/logo.png",
        "https://172.16.0.1/logo.png",
        "https://100.64.0.1/logo.png",  # carrier-grade NAT
        "https://0.0.0.0/logo.png",
        "https://localhost/logo.png",
        "http://93.184.216.34/logo.png",  # a public address, but not https
        "ftp://93.184.216.34/logo.png",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://user:pass@127.0.0.1/logo.png",
    ],
)
def test_a_logo_url_into_the_private_network_is_refused(api: Api, url: str) -> None:
    reply = api.post("/brands", {**RESELLER, "logo_url": url}, operator=True)
    assert reply.status == 400 and reply.code == "validation_error", (url, reply.body)
    assert [d["field"] for d in reply.body["error"]["details"]] == ["logo_url"]
    brand = make_brand(api)
    patched = api.patch(f"/brands/{brand['brand_id']}", {"logo_url": url}, operator=True)
    assert patched.status == 400 and patched.code == "validation_error", url
    assert api.get(f"/brands/{brand['brand_id']}", operator=True).body["logo_url"] is None


INERT_FROM_URL = ATTACKS["style_image_set"]


class Hostile(BaseHTTPRequestHandler):
    """A server a logo_url points at, answering as an attacker would."""

    def do_GET(self) -> None:
        route = getattr(self, "_" + self.path.strip("/").replace("-", "_").replace(".", "_"), None)
        if route is None:
            self.send_error(404)
            return
        route()

    def _answer(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _to_metadata(self) -> None:
        self._answer(302, b"", Location="http://169.254.169.254/latest/meta-data/")

    def _to_self(self) -> None:
        self._answer(307, b"", Location="/logo.png")

    def _logo_png(self) -> None:
        self._answer(200, tiny_png(), Content_Type="image/png")

    def _page(self) -> None:  # HTML claiming to be a PNG
        self._answer(200, b"<html><script>alert(1)</script></html>", Content_Type="image/png")

    def _svg(self) -> None:
        self._answer(200, INERT_FROM_URL, Content_Type="image/svg+xml")

    def _endless(self) -> None:  # no Content-Length, never ends on its own
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(4096):
                self.wfile.write(b"\x00" * 4096)
        except OSError:
            pass

    def _lying_length(self) -> None:  # says small, sends a lot
        self.send_response(200)
        self.send_header("Content-Length", "10")
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(tiny_png() + b"\x00" * (256 * 1024))

    def _slow(self) -> None:  # a byte a quarter second: each read is quick, the whole is not
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(40):
                self.wfile.write(b"\x00")
                self.wfile.flush()
                time.sleep(0.25)
        except OSError:
            pass

    def _slow_headers(self) -> None:  # the same, before the body
        try:
            self.wfile.write(b"HTTP/1.0 200 OK\r\n")
            for _ in range(40):
                self.wfile.write(b"X: y\r\n")
                time.sleep(0.25)
        except OSError:
            pass

    def _down(self) -> None:  # a logo source that is down, counting who asks
        Hostile.asked += 1
        self._answer(503, b"")

    asked = 0

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/to-metadata", "/to-self", "/page", "/endless", "/lying-length"])
def test_what_a_hostile_server_answers_makes_no_logo(
    api: Api, loopback: Deps, hostile: str, path: str
) -> None:
    """Under the local stage's loopback allowance (the only way to run a server here): redirects are not
    followed (even to the same server), HTML is not a PNG, an endless or lying body stops at 64 KiB."""
    started = time.monotonic()
    reply = api.post("/brands", {**RESELLER, "logo_url": hostile + path}, operator=True)
    assert reply.status == 400 and reply.code == "validation_error", reply.body
    assert reply.body["error"]["details"][0]["field"] == "logo_url"
    assert time.monotonic() - started < 5


def test_an_svg_fetched_is_sanitised_as_an_upload_is(api: Api, loopback: Deps, hostile: str) -> None:
    made = api.post("/brands", {**RESELLER, "logo_url": hostile + "/svg"}, operator=True)
    assert made.status == 201, made.body
    status, headers, kept = served(api, made.body["logo_url"])
    assert status == 200 and made.body["logo_url"] != hostile + "/svg"  # the project's copy, not the URL
    assert_served_safely(headers, "image/svg+xml")
    assert_inert(kept)


@pytest.mark.parametrize("path", ["/slow", "/slow-headers"])
def test_a_slow_answer_is_cut_at_the_deadline_for_the_whole_fetch(hostile: str, path: str) -> None:
    """The deadline is one for the whole fetch, not per read: a byte every quarter second would pass a
    per-read timeout for ten seconds."""
    from chalicelib.delivery.fetch import FetchError, fetch

    started = time.monotonic()
    with pytest.raises(FetchError, match="Timed out"):
        fetch(hostile + path, allow_loopback=True, timeout=1.0)
    assert time.monotonic() - started < 3


def test_the_address_vetted_is_the_address_connected_to(hostile: str) -> None:
    """DNS rebinding: the name is resolved once, and the connection goes to that vetted address; a
    second lookup (which would answer a private address) never happens."""
    from chalicelib.delivery.fetch import fetch

    port = int(hostile.rsplit(":", 1)[1])
    asked: list[str] = []

    def rebinding(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        asked.append(host)
        address = "127.0.0.1" if len(asked) == 1 else "10.0.0.1"
        return [(2, 1, 6, "", (address, port))]

    body = fetch(f"http://logo.example:{port}/logo.png", allow_loopback=True, resolve=rebinding)
    assert body == tiny_png() and asked == ["logo.example"]


def test_a_name_resolving_to_one_private_address_among_public_ones_is_refused() -> None:
    from chalicelib.delivery.fetch import FetchError, fetch

    def mixed(host: str, port: object, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        return [(2, 1, 6, "", ("93.184.216.34", 443)), (2, 1, 6, "", ("169.254.169.254", 443))]

    with pytest.raises(FetchError):
        fetch("https://logo.example/logo.png", allow_loopback=False, resolve=mixed)


# --- the routes -------------------------------------------------------------------------------------


def test_a_scim_token_reaches_no_brand_route(api: Api, clock: Clock) -> None:
    """A SCIM token is an account's machine credential: it neither makes, reads, changes nor deletes a
    brand, nor gives its account one."""
    scim = scim_account(api, clock)
    brand = make_brand(api)
    path = f"/brands/{brand['brand_id']}"
    attempts = [
        api.post("/brands", RESELLER, token=scim.token),
        api.get(path, token=scim.token),
        api.patch(path, {"name": "Mine"}, token=scim.token),
        api.delete(path, token=scim.token),
        put_logo(api, brand["brand_id"], tiny_png(), "image/png", token=scim.token),
        api.patch(f"/accounts/{scim.account_id}", {"brand_id": brand["brand_id"]}, token=scim.token),
    ]
    assert all(reply.status in (401, 403) for reply in attempts), [(r.status, r.body) for r in attempts]
    assert api.get(path, operator=True).body == brand
    account = api.get(f"/accounts/{scim.account_id}", operator=True).body
    assert account["brand"]["brand_id"] is None


@pytest.mark.parametrize(
    "extra",
    [
        {"brand_id": "brd_000000000000000000000000"},
        {"logo_version": 7},
        {"logo_type": "text/html"},
        {"account_count": 0},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"primary_color": "#0000aa\n"},
        {"primary_color": "#0000aa;background:url(https://evil.example/)"},
        {"support_url": "javascript:alert(1)"},
        {"support_url": "JavaScript://https://help.example/%0Aalert(1)"},
        {"support_url": "data:text/html,<script>alert(1)</script>"},
        {"sender_name": "Evil\r\nBcc: victim@example.com"},
        {"sender_name": "Evil\nReply-To: x@evil.example"},
        {"name": "Evil\u202eelttaeS"},  # a text-direction override
        {"support_email": "help@reseller.example\r\nBcc: victim@example.com"},
    ],
)
def test_a_hostile_brand_body_is_refused_on_create_and_on_change(api: Api, extra: dict[str, Any]) -> None:
    reply = api.post("/brands", {**RESELLER, **extra}, operator=True)
    assert reply.status == 400 and reply.code == "validation_error", (extra, reply.body)
    brand = make_brand(api)
    patched = api.patch(f"/brands/{brand['brand_id']}", extra, operator=True)
    assert patched.status == 400 and patched.code == "validation_error", (extra, patched.body)
    assert api.get(f"/brands/{brand['brand_id']}", operator=True).body == brand


def test_an_owner_slipping_a_brand_into_a_rename_changes_nothing(api: Api) -> None:
    """PATCH /accounts with a name the owner may change and a brand_id only the operator may: refused
    whole, before anything is written (no half-applied rename)."""
    account_id, owner = onboard(api)
    brand = make_brand(api)
    body = {"name": "Renamed Co", "brand_id": brand["brand_id"]}
    refused = api.patch(f"/accounts/{account_id}", body, token=owner.token)
    assert refused.status == 403 and refused.code == "forbidden"
    account = api.get(f"/accounts/{account_id}", token=owner.token).body
    assert (account["name"], account["brand"]["brand_id"]) == ("Acme Hosting", None)
    nulled = api.patch(f"/accounts/{account_id}", {"brand_id": None}, token=owner.token)
    assert nulled.status == 403  # setting it back to the default is the operator's too
    smuggled = api.patch(f"/accounts/{account_id}", {"brand": brand}, operator=True)
    assert smuggled.status == 400 and smuggled.code == "validation_error"


def test_a_brand_in_use_survives_a_delete_and_its_accounts_keep_it(api: Api) -> None:
    account_id, owner = onboard(api)
    brand = make_brand(api)
    assert api.patch(f"/accounts/{account_id}", {"brand_id": brand["brand_id"]}, operator=True).status == 200
    for _ in range(2):
        refused = api.delete(f"/brands/{brand['brand_id']}", operator=True)
        assert refused.status == 409 and refused.code == "conflict"
    assert api.get(f"/accounts/{account_id}", token=owner.token).body["brand"] == brand


# --- emails and lookups -------------------------------------------------------------------------------

BRAND_KEYS = {"brand_id", "name", "logo_url", "primary_color", "support_email", "support_url", "sender_name"}
INVITATION_LOOKUP = {"email", "account_name", "role", "invited_by_name", "expires_at", "existing_user"}


@pytest.fixture
def sent(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> list[OutgoingEmail]:
    """Every OutgoingEmail as handed to SES (as tests/api/test_branded_journey.py catches them)."""
    caught: list[OutgoingEmail] = []
    real = deps.mailer.send

    def send(email: OutgoingEmail) -> None:
        caught.append(email)
        real(email)

    monkeypatch.setattr(deps.mailer, "send", send)
    return caught


def test_markup_in_a_brand_reaches_an_email_as_text_only(
    api: Api, deps: Deps, sent: list[OutgoingEmail]
) -> None:
    """What the API lets through (angle brackets and quotes are fair in a company's name and a URL's
    query) is escaped in the HTML part; the From header names the project's sender alone."""
    account_id, owner = onboard(api)
    markup = '"><img src=x onerror=alert(1)>'
    brand = make_brand(
        api,
        name=f"Evil {markup}",
        sender_name='Evil, "Support" <ceo@bank.example>',
        support_url=f"https://help.example/?q={markup}",
    )
    assert api.patch(f"/accounts/{account_id}", {"brand_id": brand["brand_id"]}, operator=True).status == 200
    invite(api, account_id, owner.token, ["ann@example.com"])
    drain_outbox(deps)  # the request only commits the email: the worker sends it
    [email] = [e for e in sent if e.to == "ann@example.com"]
    assert "<img src=x" not in email.html and "onerror=alert(1)>" not in email.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in email.html
    assert 'href="https://help.example/?q=&quot;&gt;&lt;img' in email.html
    from email import message_from_string, policy

    header = cast(SesMailer, deps.mailer).from_address(email)  # what SES is given as FromEmailAddress
    assert "\r" not in header and "\n" not in header
    [address] = message_from_string(f"From: {header}\n\n", policy=policy.default)["From"].addresses
    assert address.addr_spec == deps.settings.sender_email
    assert address.display_name == 'Evil, "Support" <ceo@bank.example>'


def test_lookups_carry_their_accounts_brand_and_nothing_more(api: Api) -> None:
    """Tenant isolation before sign-in: an invitation from an unbranded account shows the default even
    while another account has a brand; each lookup answers API.md's fields and the brand's, no more."""
    branded, branded_owner = onboard(api, "Branded Co", "owner@branded.example")
    plain, plain_owner = onboard(api, "Plain Co", "owner@plain.example")
    brand = make_brand(api)
    assert api.patch(f"/accounts/{branded}", {"brand_id": brand["brand_id"]}, operator=True).status == 200
    invite(api, branded, branded_owner.token, ["ann@example.com"])
    invite(api, plain, plain_owner.token, ["bob@example.com"])
    ann = api.post("/invitations/lookup", {"token": api.latest_link("ann@example.com")}).body
    bob = api.post("/invitations/lookup", {"token": api.latest_link("bob@example.com")}).body
    assert ann["brand"] == brand and bob["brand"]["brand_id"] is None
    assert bob["brand"]["name"] == "Client portal"
    for body in (ann, bob):
        assert set(body) - {"brand", "locale"} == INVITATION_LOOKUP
        assert set(body["brand"]) == BRAND_KEYS
    assert api.post("/auth/password-reset", {"email": "owner@branded.example"}).status == 202
    reset = api.post("/auth/password-reset/lookup", {"token": api.latest_link("owner@branded.example")})
    assert reset.status == 200 and set(reset.body) == {"brand", "locale", "expires_at"}
    assert reset.body["brand"] == brand
    assert set(api.get("/brand").body) == BRAND_KEYS


def test_a_deleted_brands_logo_is_gone_and_a_miss_is_not_cached_for_a_year(api: Api) -> None:
    brand = make_brand(api)
    url = put_logo(api, brand["brand_id"], tiny_png(), "image/png").body["logo_url"]
    assert api.delete(f"/brands/{brand['brand_id']}", operator=True).status == 204
    status, headers, body = served(api, url)
    assert status == 404 and b"\x89PNG" not in body
    assert "immutable" not in headers.get("cache-control", "")


def test_an_invite_links_lookup_carries_its_own_accounts_brand_and_nothing_more(api: Api) -> None:
    branded, branded_owner = onboard(api, "Branded Co", "owner@branded.example")
    plain, plain_owner = onboard(api, "Plain Co", "owner@plain.example")
    brand = make_brand(api)
    assert api.patch(f"/accounts/{branded}", {"brand_id": brand["brand_id"]}, operator=True).status == 200
    looked = {}
    for account_id, owner in ((branded, branded_owner), (plain, plain_owner)):
        made = api.post(f"/accounts/{account_id}/invite-links", {}, token=owner.token)
        assert made.status == 201, made.body
        reply = api.post("/invite-links/lookup", {"token": made.body["url"].split("#token=")[1]})
        assert reply.status == 200, reply.body
        assert set(reply.body) == {"account_name", "require_approval", "expires_at", "brand", "locale"}
        assert set(reply.body["brand"]) == BRAND_KEYS
        looked[account_id] = reply.body["brand"]
    assert looked[branded] == brand and looked[plain]["brand_id"] is None


@pytest.mark.parametrize("who", ["operator", "owner"])
def test_no_other_body_carries_a_brand_in(api: Api, who: str) -> None:
    """The brand is given by PATCH /accounts alone: an account or sub-account made with a brand_id is
    refused, not quietly branded."""
    account_id, owner = onboard(api)
    brand = make_brand(api)
    caller = {"operator": True} if who == "operator" else {"token": owner.token}
    made = api.post(
        "/accounts",
        {"name": "Other", "owner_email": "o@other.example", "brand_id": brand["brand_id"]},
        **caller,
    )
    assert made.status in ((400,) if who == "operator" else (400, 403)), made.body
    sub = api.post(
        f"/accounts/{account_id}/sub-accounts", {"name": "Sub", "brand_id": brand["brand_id"]}, **caller
    )
    assert sub.status == 400 and sub.code == "validation_error", sub.body


def test_an_anonymous_visitor_cannot_make_the_service_fetch_a_failing_default_logo_again_and_again(
    api: Api, deps: Deps, loopback: Deps, hostile: str, clock: Clock
) -> None:
    """The default logo's address is public (GET /brand gives it): while BRAND_LOGO_URL fails, each visit
    was one more outbound fetch of up to 5 s, a lever anyone could pull in a loop. A failure is kept for
    a while; after it, the source is asked again."""
    from dataclasses import replace

    from chalicelib.config import default_logo_path

    source = f"{hostile}/down"
    copy = deps.settings.portal_url + default_logo_path(source)
    brand = replace(deps.settings.brand, logo_url=copy, email_logo_url=None)
    deps.settings = replace(deps.settings, brand=brand, brand_logo_source=source)
    Hostile.asked = 0
    for _ in range(5):
        assert served(api, copy)[0] == 404
    assert Hostile.asked == 1
    clock.advance(seconds=301)
    assert served(api, copy)[0] == 404
    assert Hostile.asked == 2
