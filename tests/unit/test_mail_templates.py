"""Template rendering: user text can never break out of a subject line or into HTML."""

from chalicelib.mail.templates import render

VALUES = {
    "inviter_name": "Mallory\r\nBcc: victim@example.com",
    "account_name": "<script>alert(1)</script>",
    "role_label": "a member",
    "message_block": "line one\nline two\x07",
    "link": "https://portal.example.com/invitations/accept#token=abc",
    "expires_at": "2026-11-30T09:00:00Z",
}


def test_subject_is_one_line_whatever_the_names():
    email = render("invitation", to="a@example.com", values=VALUES)
    assert "\n" not in email.subject and "\r" not in email.subject
    assert email.subject.startswith("Mallory Bcc: victim@example.com invited you")


def test_html_escapes_user_text_and_bodies_keep_line_breaks_only():
    email = render("invitation", to="a@example.com", values=VALUES)
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "line one\nline two" in email.text and "\x07" not in email.text
    assert VALUES["link"] in email.html and VALUES["link"] in email.text
