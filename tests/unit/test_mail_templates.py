"""Template rendering: user text can never break out of a subject line or into HTML."""

from chalicelib.config import DEFAULT_BRAND
from chalicelib.mail.templates import render

VALUES = {
    "headline": "Mallory\r\nBcc: victim@example.com invited you to <script>alert(1)</script>",
    "inviter_name": "Mallory\r\nBcc: victim@example.com",
    "account_name": "<script>alert(1)</script>",
    "role_label": "a member",
    "role_title": "User",
    "modules": "View and pay invoices",
    "sub_accounts": "all of them",
    "message_block": "line one\nline two\x07",
    "link": "https://portal.example.com/invitations/accept#token=abc",
    "expires_words": "Monday 30 November 2026, 09:00 UTC",
}


def test_subject_is_one_line_whatever_the_names() -> None:
    email = render("invitation", to="a@example.com", values=VALUES, brand=DEFAULT_BRAND)
    assert "\n" not in email.subject and "\r" not in email.subject
    assert email.subject.startswith("Mallory Bcc: victim@example.com invited you")


def test_html_escapes_user_text_and_bodies_keep_line_breaks_only() -> None:
    email = render("invitation", to="a@example.com", values=VALUES, brand=DEFAULT_BRAND)
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "line one\nline two" in email.text and "\x07" not in email.text
    assert VALUES["link"] in email.html and VALUES["link"] in email.text


def test_the_invitation_has_a_button_and_the_plain_link_in_both_parts() -> None:
    email = render("invitation", to="a@example.com", values=VALUES, brand=DEFAULT_BRAND)
    assert email.html.count(f'href="{VALUES["link"]}"') == 2  # the button, and the link spelled out
    assert f">{VALUES['link']}</a>" in email.html and "Accept the invitation</a>" in email.html
    for part in (email.text, email.html):
        assert VALUES["expires_words"] in part and VALUES["modules"] in part and "User" in part
