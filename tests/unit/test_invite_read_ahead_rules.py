"""The keys a bulk invite reads ahead with its authorization (services/invite_claims.py), and how many fit
beside the caller's keys in one BatchGetItem (store/read_ahead.py)."""

from __future__ import annotations

import json

import pytest

from chalicelib.schemas.invitations import MAX_EMAILS
from chalicelib.services.invite_claims import claim_keys_ahead, claims_of
from chalicelib.store import keys
from chalicelib.store.models import EmailClaimItem
from chalicelib.store.read_ahead import ReadAhead, fitting, read_ahead
from chalicelib.store.table import BATCH_KEYS


def claim(email: str) -> tuple[str, str]:
    return keys.email_claim("acc_1", email)


def test_the_bodys_addresses_are_screened_as_the_invite_screens_them() -> None:
    rows = [
        " Ann@X.com",
        {"email": "bob@x.com", "first_name": "Bob"},
        "ann@x.com",
        "nope",
        "cy@mailinator.com",
    ]
    raw = json.dumps({"emails": rows, "role": "member"})
    assert claim_keys_ahead("acc_1", raw) == [claim("ann@x.com"), claim("bob@x.com")]
    assert claim_keys_ahead("acc_1", raw.encode()) == [claim("ann@x.com"), claim("bob@x.com")]


@pytest.mark.parametrize(
    "raw",
    [
        None,
        b"",
        b"not json",
        b"\xff\xfe\x00",
        json.dumps(["ann@x.com"]),
        json.dumps({"emails": "ann@x.com"}),
        json.dumps({"emails": [1, None, {"email": 2}, ["ann@x.com"]]}),
        json.dumps({"email": ["ann@x.com"]}),
        json.dumps({"emails": [f"u{n}@x.com" for n in range(MAX_EMAILS + 1)]}),
        "[" * 100_000,
    ],
    ids=[
        "none",
        "empty",
        "text",
        "not_utf8",
        "array",
        "string",
        "no_address",
        "no_emails",
        "too_many",
        "deep",
    ],
)
def test_an_odd_body_gives_no_keys(raw: bytes | str | None) -> None:
    assert claim_keys_ahead("acc_1", raw) == []


def test_as_many_as_fit_beside_the_callers_keys_first_ones_first() -> None:
    wanted = [("USER#u", "USER"), ("REVOKED#t", "REVOKED")]
    ahead = [claim(f"u{n}@x.com") for n in range(BATCH_KEYS)]
    asked = fitting([ahead[0], *ahead, wanted[0]], wanted)
    assert asked == ahead[: BATCH_KEYS - 2]  # distinct, none of the caller's, in order
    assert fitting(ahead, ahead) == []
    assert fitting([], wanted) == []


class Claims:
    """The one store method `claims_of` may call, counting what it is asked."""

    def __init__(self, held: dict[str, EmailClaimItem]) -> None:
        self.held = held
        self.asked: list[list[str]] = []

    def claims(self, account_id: str, emails: list[str]) -> dict[str, EmailClaimItem]:
        self.asked.append(list(emails))
        return {e: self.held[e] for e in emails if e in self.held}


def test_only_the_claims_not_read_ahead_are_read_and_asked_and_absent_is_absent() -> None:
    member = EmailClaimItem(*claim("ann@x.com"), email="ann@x.com", holder="member", ref_id="usr_1")
    later = EmailClaimItem(*claim("bob@x.com"), email="bob@x.com", holder="member", ref_id="usr_2")
    store = Claims({"ann@x.com": member, "bob@x.com": later, "cy@x.com": later})

    class Deps:
        class store:  # noqa: N801 (the shape of deps.store)
            invitations = store

    ahead = read_ahead([claim("ann@x.com"), claim("bob@x.com")], {claim("ann@x.com"): member})
    found = claims_of(Deps, "acc_1", ["ann@x.com", "bob@x.com", "cy@x.com"], ahead)  # type: ignore[arg-type]
    # bob's claim was asked and not found then: none, whatever a later read would say
    assert found == {"ann@x.com": member, "cy@x.com": later} and store.asked == [["cy@x.com"]]
    assert claims_of(Deps, "acc_1", ["ann@x.com"], ahead) == {"ann@x.com": member}  # type: ignore[arg-type]
    assert store.asked == [["cy@x.com"]]  # every one read ahead: no read at all
    assert claims_of(Deps, "acc_1", ["ann@x.com"], None) == {"ann@x.com": member}  # type: ignore[arg-type]
    assert store.asked[-1] == ["ann@x.com"] and ReadAhead().knows(claim("ann@x.com")) is False
