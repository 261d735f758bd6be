"""schemathesis against the live local server: every check, every operation, from the generated spec.

Four settings, each for a reason the README repeats:
- TRACE is left out of the unexpected methods tried: `chalice local` runs on http.server, which answers
  TRACE with its own 501 HTML before the app sees it (API Gateway never forwards TRACE).
- `cursor` is pinned to "" (the first page): a cursor is opaque text the API issued, which JSON Schema
  cannot describe; a cursor it did not issue is a 400, tested in tests/api.
- A body that names a member (a support session's user_id) may be answered 404 by contract, which the
  ensure_resource_availability check takes for the account a stateful step has just created.
- A body over 64 KiB is a 413 by contract, which schemathesis would count as neither accepting nor rejecting.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import OPERATOR_KEY

if TYPE_CHECKING:
    from tests.e2e.conftest import Live

pytestmark = pytest.mark.e2e
ST = Path(sys.executable).parent / "st"
# Bodies whose schema-valid data the API may still refuse with a 400 by contract: sub-account ids that are not
# this account's, an admin-only permission granted to a User (the document has one permission enum for
# granting and asking alike), webhook URLs that are not https or resolve to a private address (or to
# nothing at all, here: no DNS), and email domains that are no domain once normalised, or a mailbox
# provider's, a disposable one or a public suffix (kept lists), which no schema can know.
SCOPED_BODIES = [
    ("POST", "/accounts/{account_id}/invitations"),
    ("PATCH", "/accounts/{account_id}/members/{user_id}"),
    ("POST", "/accounts/{account_id}/join-requests/{join_request_id}/approve"),  # as a member update
    ("PATCH", "/accounts/{account_id}/groups/{group_id}"),
    ("POST", "/accounts/{account_id}/webhooks"),
    ("PATCH", "/accounts/{account_id}/webhooks/{webhook_id}"),
    ("POST", "/webhooks"),
    ("PATCH", "/webhooks/{webhook_id}"),
    ("POST", "/accounts/{account_id}/email-domains"),
    ("PATCH", "/accounts/{account_id}/email-domains/{domain}"),
    # a group id must be one of this account's groups, as a sub-account id must
    ("POST", "/accounts/{account_id}/invite-links"),
    # a name needs a letter or digit of any script, which no ECMA pattern without the `u` flag can say
    ("PATCH", "/accounts/{account_id}"),
    # exactly one of code, recovery_code and credential (the document does not say it with a oneOf yet)
    ("POST", "/auth/login/mfa"),
    # a brand's colour must carry white text at 4.5:1 and its logo_url must be fetched (https, a public
    # address, an image), and a logo's bytes must be a PNG or a sound SVG: rules of content, not of shape
    ("POST", "/brands"),
    ("PATCH", "/brands/{brand_id}"),
    ("PUT", "/brands/{brand_id}/logo"),
]
# Bodies the API may refuse by contract for what came before them, which no schema can know either: an
# Idempotency-Key sent again with another body (422) or while its first request runs (409), and an address
# that has had its fill of emails (429).
STATEFUL_BODIES = [
    ("POST", "/accounts"),
    ("POST", "/accounts/{account_id}/owner-invitation"),
    ("POST", "/accounts/{account_id}/contacts"),
    ("POST", "/accounts/{account_id}/groups"),
    ("POST", "/accounts/{account_id}/sub-accounts"),
]
# Bodies that name a member of the account: a 404 for a user_id that is not one is the contract. The stateful
# phase creates an account (POST /accounts), then sends one of these to it with a generated user_id, and
# ensure_resource_availability reads that 404 as the new account gone missing; every other check still runs.
MEMBER_BODIES = [("POST", "/accounts/{account_id}/support-sessions")]
# A body over 64 KiB is a 413 by contract, valid or not (a list of 1,000 sub-account ids can pass that size),
# and schemathesis counts a 413 neither as accepting valid data nor as rejecting invalid data: its own
# lists of expected answers, with 413.
ACCEPTED = '["2xx", "3xx", "401", "403", "404", "409", "413", "429", "5xx"]'
REJECTED = '["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]'
HTTP_METHODS = ("get", "put", "post", "delete", "options", "patch", "head")
METHODS_BUT_TRACE = '["GET", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"]'


def test_schemathesis_finds_nothing(own_server: Live, tmp_path: Path) -> None:
    live = own_server
    status, created = live.call(
        "POST", "/accounts", {"name": "Fuzzed", "owner_email": "fuzz@e2e.example.com"}, operator=True
    )
    assert status == 201
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "[parameters]\n"
        f'"path.account_id" = "{created["account"]["account_id"]}"\n'
        '"query.cursor" = ""\n'
        "[phases.coverage]\n"
        f"unexpected-methods = {METHODS_BUT_TRACE}\n"
        # every check, here rather than `--checks all`: a check named on the command line would win over
        # the operations' own settings below
        "[checks]\nenabled = true\n"
        f"[checks.positive_data_acceptance]\nexpected-statuses = {ACCEPTED}\n"
        f"[checks.negative_data_rejection]\nexpected-statuses = {REJECTED}\n"
        + "".join(
            f'[[operations]]\ninclude-name = "{method} {path}"\n'
            "[operations.checks.positive_data_acceptance]\n"
            'expected-statuses = ["2xx", "400", "401", "403", "404", "409", "413", "422", "429"]\n'
            for method, path in SCOPED_BODIES + STATEFUL_BODIES
        )
        + "".join(
            f'[[operations]]\ninclude-name = "{method} {path}"\n'
            "[operations.checks.ensure_resource_availability]\nenabled = false\n"
            for method, path in MEMBER_BODIES
        )
    )
    command = [
        str(ST), "--config-file", str(config), "run", f"{live.base_url}/openapi.json",
        "-H", f"X-Operator-Key: {OPERATOR_KEY}",
        "--max-examples", "25", "--seed", "20261124", "--no-color",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    summary = result.stdout[result.stdout.find("SUMMARY") :] or result.stdout[-4000:]
    assert result.returncode == 0, result.stdout[-12000:]
    # every operation of the document but at most one that schemathesis found no example to send for
    status, document = live.call("GET", "/openapi.json")
    assert status == 200
    operations = sum(len(set(item) & set(HTTP_METHODS)) for item in document["paths"].values())
    assert f"Tested: {operations}" in summary or f"Tested: {operations - 1}" in summary, summary
