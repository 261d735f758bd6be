"""SCIM's list of Users read without every member (issue 31): userName and externalId filters by key (the
member list is not read), a page without a filter read only as far as it goes, its total the account's
member count, deactivated members included."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.services import members
from tests.api.test_scim_users import okta_user
from tests.helpers.flows import onboard
from tests.helpers.scim import scim_account

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.domain.caller import Caller
    from chalicelib.schemas.members import MemberListQuery, MemberPage
    from chalicelib.store.models import AccountItem
    from tests.helpers import Api, Clock

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def list_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The limit of each page the member list is read by."""
    read = members.list_members
    limits: list[int] = []

    def counted(
        deps: Deps, caller: Caller, account: AccountItem, query: MemberListQuery, *args: Any, **kwargs: Any
    ) -> MemberPage:
        limits.append(query.limit)
        return read(deps, caller, account, query, *args, **kwargs)

    monkeypatch.setattr(members, "list_members", counted)
    return limits


def test_user_name_and_external_id_filters_are_key_lookups(
    api: Api, clock: Clock, list_reads: list[int]
) -> None:
    scim = scim_account(api, clock)
    ids = {
        email: scim.post("/Users", okta_user(email, external_id=f"ext-{email[0]}")).body["id"]
        for email in ("ann@acme.com", "bob@acme.com")
    }
    onboard(api, "Other Co", "zed@acme.com")  # a login of another account: never listed here
    list_reads.clear()
    for query, expected in (
        ('userName eq "BOB@acme.com"', [ids["bob@acme.com"]]),
        ('externalId eq "ext-a"', [ids["ann@acme.com"]]),
        ('externalId eq "EXT-A"', []),  # externalId is case-exact
        ('userName eq "ann@acme.com" and externalId eq "ext-b"', []),
        ('userName eq "zed@acme.com"', []),
        ('userName eq "nobody@acme.com"', []),
    ):
        found = scim.get(f"/Users?filter={query}")
        assert found.status == 200, found.body
        assert [user["id"] for user in found.body["Resources"]] == expected, query
        assert found.body["totalResults"] == len(expected)
    assert list_reads == []  # the member list was never read


def test_a_page_is_read_only_as_far_as_it_goes_and_counts_every_member(
    api: Api, clock: Clock, list_reads: list[int]
) -> None:
    scim = scim_account(api, clock)
    made = [scim.post("/Users", okta_user(f"{name}@acme.com", external_id=name)).body for name in "cab"]
    off = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    assert scim.patch(f"/Users/{made[0]['id']}", off).status == 200
    list_reads.clear()
    page = scim.get("/Users?startIndex=2&count=2").body
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (4, 2, 2)
    assert [user["userName"] for user in page["Resources"]] == ["b@acme.com", "c@acme.com"]
    assert [user["active"] for user in page["Resources"]] == [True, False]
    everyone = scim.get("/Users").body
    assert [user["userName"] for user in everyone["Resources"]] == [
        "a@acme.com",
        "b@acme.com",
        "c@acme.com",
        "owner@acme.com",
    ]
    assert list_reads == [100, 100]  # one page of the member list each
    assert scim.get("/Users?startIndex=5").body["Resources"] == []
