"""scim2-tester, the SCIM compliance checker, against the real local server (issue 31): every check it
runs on discovery, Users and Groups, with no failure, whatever its random values (an admin or a member,
every sub-account or a list, both at once). Two things the checker cannot know
are the client's part here, as an identity provider's: a user's email is in a domain the account verified
(the checker makes up random addresses), and a token makes 10 requests a second at most (so the client
waits out a 429 and sends the request again, as an identity provider does)."""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import PASSWORD

if TYPE_CHECKING:
    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e
DOMAIN = "scim-e2e.example.com"
PAUSES: list[float] = []  # how long the client waited out 429s: the run's pace, reported


def _account(live: Live) -> tuple[str, str]:
    """An account with a verified email domain, and a SCIM token of it."""
    status, created = live.call(
        "POST", "/accounts", {"name": "SCIM Checked", "owner_email": f"owner@{DOMAIN}"}, operator=True
    )
    assert status == 201, created
    account_id = created["account"]["account_id"]
    body = {
        "token": live.latest_link(f"owner@{DOMAIN}"),
        "password": PASSWORD,
        "first_name": "O",
        "last_name": "W",
    }
    status, accepted = live.call("POST", "/invitations/accept", body)
    assert status == 201, accepted
    vouched = live.call(
        "POST", f"/accounts/{account_id}/email-domains", {"domain": DOMAIN, "verified": True}, operator=True
    )
    assert vouched.status == 201, vouched.body
    owner = accepted["access_token"]
    for name in ("Shop", "Blog"):  # what subAccounts can name (published as its canonical values)
        assert (
            live.call("POST", f"/accounts/{account_id}/sub-accounts", {"name": name}, token=owner).status
            == 201
        )
    made = live.call("POST", f"/accounts/{account_id}/scim-tokens", token=owner)
    assert made.status == 201, made.body
    return account_id, made.body["token"]


def _in_domain(payload: Any) -> Any:
    """A user the checker sends, with its made-up email in the verified domain."""
    if isinstance(payload, dict) and "userName" in payload:
        email = f"{uuid.uuid4().hex[:12]}@{DOMAIN}"
        payload = {**payload, "userName": email}
        if isinstance(payload.get("emails"), list):
            payload["emails"] = [
                {**e, "value": email} if isinstance(e, dict) else e for e in payload["emails"]
            ]
    return payload


def _named(result: Any) -> tuple[str, str, str]:
    found = re.search(r"'([^']+)'", result.reason or "")
    return (result.resource_type or "-", result.title or "", found.group(1) if found else "")


def test_scim2_tester_finds_no_failure(own_server: Live, capsys: pytest.CaptureFixture[str]) -> None:
    live = own_server  # its own server: it runs beside the shared server's tests, on the other worker
    httpx2 = pytest.importorskip("httpx2")
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import Status, check_server

    class DirectoryClient(SyncSCIMClient):
        def request(self, method: str, url: str, **kwargs: Any) -> Any:
            if method.upper() == "POST" and "json" in kwargs and "/Users" in url:
                kwargs["json"] = _in_domain(kwargs["json"])
            answer = super().request(method, url, **kwargs)
            while answer.status_code == 429:  # refused before anything was done: the same request again
                assert answer.headers["Retry-After"] == "1"
                PAUSES.append(1.01 - time.time() % 1)  # the limit counts per second: its next one
                time.sleep(PAUSES[-1])
                answer = super().request(method, url, **kwargs)
            return answer

    account_id, token = _account(live)
    base = f"{live.base_url}/scim/v2/{account_id}"
    http = httpx2.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    results = check_server(DirectoryClient(http))
    failed = {_named(r) for r in results if r.status in (Status.ERROR, Status.CRITICAL)}
    with capsys.disabled():
        print(f"\nscim2-tester: {len(results)} checks, {len(PAUSES)} 429s waited out ({sum(PAUSES):.1f} s)")
        for result in results:
            kind = result.resource_type or "-"
            print(f"  {result.status.name:10} {kind:6} {result.title}: {result.reason or ''}")
    assert failed == set(), "the checker found failures"
    assert sum(r.status == Status.SUCCESS for r in results) >= 60
