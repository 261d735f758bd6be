"""Email wording: the expiry in words, typed names neutralised, links in a personal message detected."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.domain.wording import date_in_words, looks_like_link, neutral


def test_the_date_in_words_is_utc_whatever_the_zone() -> None:
    assert (
        date_in_words(datetime(2026, 12, 1, 23, 54, 30, tzinfo=UTC)) == "Tuesday 1 December 2026, 23:54 UTC"
    )
    paris = timezone(timedelta(hours=1))
    assert date_in_words(datetime(2026, 12, 2, 0, 54, tzinfo=paris)) == "Tuesday 1 December 2026, 23:54 UTC"
    assert date_in_words(datetime(2027, 1, 9, 7, 5, tzinfo=UTC)) == "Saturday 9 January 2027, 07:05 UTC"


def test_a_name_loses_controls_bidi_and_line_breaks() -> None:
    assert neutral("Mallory\r\nBcc: x") == "Mallory Bcc: x"
    assert neutral("Acme\u202egnp.exe") == "Acmegnp[.]exe"  # no right-to-left override
    assert neutral("A\u200bB\ufeff C") == "AB C"


def test_a_name_is_bounded() -> None:
    long = "x" * 200
    assert neutral(long) == "x" * 59 + "…" and len(neutral(long)) == 60
    assert neutral("Acme Hosting") == "Acme Hosting"


def test_a_name_is_not_made_a_link() -> None:
    assert neutral("Visit evil.example now") == "Visit evil[.]example now"
    assert neutral("https://evil.example/x") == "https[:]//evil[.]example/x"
    assert neutral("Acme Inc.") == "Acme Inc."  # a dot that ends a word stays
    assert neutral("evil\uff0eexample") == "evil[.]example"  # a full-width dot is a dot


@pytest.mark.parametrize(
    "message",
    [
        "see https://evil.example",
        "go to www.evil",
        "log in at evil.example",
        "write to bob@evil.example",
        "evil\uff0ecom",
        "ftp://x",
        "bücher.de",
    ],
)
def test_links_in_a_message_are_found(message: str) -> None:
    assert looks_like_link(message)


@pytest.mark.parametrize(
    "message",
    [
        "Welcome aboard! See you Monday.",
        "e.g. invoices, i.e. billing",
        "Ends at 5.30 today",
        "Acme Inc. team",
    ],
)
def test_plain_messages_pass(message: str) -> None:
    assert not looks_like_link(message)


# Issue 25, item 6: anything a mail client could turn into a link is refused, prose is not.
LINKS = [
    "203.0.113.5/login",
    "203.0.113.5:8443",
    "log in at 203.0.113.5",
    "http://203.0.113.5",
    "mailto:bob@evil.example",
    "mailto:bob",
    "data:text/html,<script>",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "vbscript:msgbox",
    "tel:+15550100",
    "sms:+15550100",
    "file:///etc/passwd",
    "ftp://evil",
    "https://evil",
    "hxxp:evil",
    "www.evil",
    "WWW.EVIL",
    "see www.x",
    "evil.example",
    "evil.co.uk",
    "bob@evil.example",
    "evil.example/login",
    "shop.1/login",
    "evil.x/",
    "localhost:8080",
    "intranet:443",
    "evil.example:8443",
    "[2001:db8::1]",
    "[::1]:8080",
    "evil\uff0ecom",
    "evil\u3002com",
    "mailto\uff1abob",
    "\uff57\uff57\uff57\uff0eevil",
    "bücher.de",
    "xn--bcher-kva.de",
    "10.0.0.1",
    "visit evil.example today",
]
PROSE = [
    "Welcome aboard! See you Monday.",
    "e.g. invoices, i.e. billing",
    "Ends at 5.30 today",
    "Acme Inc. team",
    "Note: bring your laptop",
    "See you at 10:30",
    "Meeting 10:30:45 sharp",
    "Ratio 3:1 in our favour",
    "Version 2.5 is out",
    "Call me, it's urgent.",
    "Price: 12.50 EUR",
    "Q3 targets: done",
    "Welcome:) see you",
    "Great:-) thanks",
]


@pytest.mark.parametrize("message", LINKS)
def test_anything_a_mail_client_could_link_is_refused(message: str) -> None:
    assert looks_like_link(message)


@pytest.mark.parametrize("message", PROSE)
def test_prose_with_dots_and_colons_passes(message: str) -> None:
    assert not looks_like_link(message)


def test_the_table_is_large_enough() -> None:
    assert len(LINKS) + len(PROSE) >= 40


def test_a_reset_email_names_who_asked() -> None:
    from chalicelib.domain.caller import OPERATOR, Caller, SupportSession
    from chalicelib.domain.wording import SELF_SERVICE_REQUESTER, reset_requester, reset_sentences

    admin = Caller("user", user_id="usr_1", email="ann@acme.com", name="Ann\u202e Admin\nBcc: x")
    assert reset_requester(admin, "shop.example") == "Ann Admin Bcc: x of shop[.]example"  # neutralised
    support = Caller("user", user_id="usr_1", name="Ann Admin", support_session=SupportSession("s", "a", "r"))
    assert reset_requester(support, "Acme") == reset_requester(OPERATOR, "Acme") == "Your hosting provider"
    assert reset_sentences(None)["asked_by"] == SELF_SERVICE_REQUESTER == "Someone (maybe you)"
    assert reset_sentences("Ann Admin of Acme")["asked_by"] == "Ann Admin of Acme"
