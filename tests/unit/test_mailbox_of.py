"""The mailbox an address reaches, for counting what an anonymous sender has sent to it (domain/emails.py)."""

from __future__ import annotations

import pytest

from chalicelib.domain.emails import mailbox_of


@pytest.mark.parametrize(
    ("address", "mailbox"),
    [
        ("ann@example.com", "ann@example.com"),
        ("ann+1@example.com", "ann@example.com"),
        ("ann+a+b@example.com", "ann@example.com"),
        ("a.nn+zz@gmail.com", "ann@gmail.com"),
        ("a.n.n@googlemail.com", "ann@googlemail.com"),
        ("a.nn@example.com", "a.nn@example.com"),  # dots matter elsewhere
        ("+only@example.com", "+only@example.com"),  # no local part left: kept as it is
        ("...@gmail.com", "...@gmail.com"),
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_a_tag_and_gmails_dots_reach_one_mailbox(address: str, mailbox: str) -> None:
    assert mailbox_of(address) == mailbox
