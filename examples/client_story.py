"""The user-management story through a client generated from /openapi.json, and nothing else: the operator
creates an account, its owner accepts as a new user without a token, signs in, invites two people (one an
admin), lists the members and asks /authorize. Typed end to end (mypy --strict passes it, with no ignore).

    openapi-python-client generate --url http://127.0.0.1:8000/openapi.json --meta none \\
        --output-path portal_access_client
    OPERATOR_API_KEY=... python examples/client_story.py http://127.0.0.1:8000

Each invitation's link token arrives by email: this script asks for it (`make run` prints every email);
tests/e2e/test_generated_client.py runs `story` with the tokens read from the local server."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from portal_access_client import AuthenticatedClient, Client
from portal_access_client.api.accounts import create_account
from portal_access_client.api.auth import login
from portal_access_client.api.authorize import authorize
from portal_access_client.api.invitations import accept_invitation, invite
from portal_access_client.api.members import list_members
from portal_access_client.models import (
    AcceptIn,
    AcceptOut,
    AccountCreated,
    AccountCreateIn,
    AssignableRole,
    AuthorizeIn,
    AuthorizeOut,
    InviteIn,
    InviteResults,
    InviteResultStatus,
    LoginIn,
    LoginOut,
    MemberPage,
    PermissionKey,
)

PASSWORD = "a long story passphrase"


def operator_client(base_url: str, key: str) -> AuthenticatedClient:
    """The operator's routes declare the X-Operator-Key header (an apiKey scheme): the generated client
    carries it as its credential, under that header name and with no prefix."""
    return AuthenticatedClient(base_url=base_url, token=key, prefix="", auth_header_name="X-Operator-Key")


def story(base_url: str, operator_key: str, token_for: Callable[[str], str], domain: str) -> list[str]:
    """`token_for(email)`: the link token of the latest invitation emailed to that address. Returns the
    members' emails as listed."""
    owner_email = f"owner@{domain}"
    created = create_account.sync(
        client=operator_client(base_url, operator_key),
        body=AccountCreateIn(name="Story Hosting", owner_email=owner_email),
    )
    assert isinstance(created, AccountCreated), created
    account_id = created.account.account_id

    anonymous = Client(base_url=base_url)  # accepting needs no token
    body = AcceptIn(token=token_for(owner_email), password=PASSWORD, first_name="Olive", last_name="Story")
    accepted = accept_invitation.sync(client=anonymous, body=body)
    assert isinstance(accepted, AcceptOut), accepted

    signed_in = login.sync(client=anonymous, body=LoginIn(email=owner_email, password=PASSWORD))
    assert isinstance(signed_in, LoginOut), signed_in
    assert [a.account_id for a in signed_in.accounts] == [account_id]
    owner = AuthenticatedClient(base_url=base_url, token=signed_in.access_token)

    books, admin = f"books@{domain}", f"admin@{domain}"
    for email, role, permissions in (
        (books, AssignableRole.MEMBER, [PermissionKey.INVOICES, PermissionKey.QUOTES]),
        (admin, AssignableRole.ADMIN, []),
    ):
        results = invite.sync(
            account_id, client=owner, body=InviteIn(emails=[email], role=role, permissions=permissions)
        )
        assert isinstance(results, InviteResults), results
        assert [r.status for r in results.results] == [InviteResultStatus.INVITED]
    for email, first in ((books, "Bea"), (admin, "Ada")):
        joined = accept_invitation.sync(
            client=anonymous,
            body=AcceptIn(token=token_for(email), password=PASSWORD, first_name=first, last_name="Story"),
        )
        assert isinstance(joined, AcceptOut), joined

    page = list_members.sync(account_id, client=owner)
    assert isinstance(page, MemberPage), page

    bea = login.sync(client=anonymous, body=LoginIn(email=books, password=PASSWORD))
    assert isinstance(bea, LoginOut), bea
    as_bea = AuthenticatedClient(base_url=base_url, token=bea.access_token)
    for permission, allowed in ((PermissionKey.INVOICES, True), (PermissionKey.PAYMENTS, False)):
        answer = authorize.sync(client=as_bea, body=AuthorizeIn(account_id=account_id, permission=permission))
        assert isinstance(answer, AuthorizeOut) and answer.allowed is allowed, (permission, answer)
    return [member.email for member in page.items]


def main() -> None:
    base_url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    listed = story(
        base_url,
        os.environ["OPERATOR_API_KEY"],
        lambda email: input(f"The link token emailed to {email} (after #token=): ").strip(),
        domain=sys.argv[2] if len(sys.argv) > 2 else "story.example.com",
    )
    print("Members:", ", ".join(listed))


if __name__ == "__main__":
    main()
