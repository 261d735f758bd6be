"""Issue 26: notification recipients come in pages (`limit`/`cursor` over `cc`), and a page of the owner's
ticket reads the streams it merges from after the cursor, never the account's members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tests.helpers import DynamoCalls, join, onboard
from tests.helpers.seed import seed_member

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from tests.helpers import Api, Reply

OWNER = "owner@acme.com"


def path(account_id: str, query: str) -> str:
    return f"/accounts/{account_id}/notification-recipients?{query}"


def owners_ticket(api: Api, account_id: str, token: str, extra: str = "") -> Reply:
    return api.get(path(account_id, f"category=support&ticket_opened_by={OWNER}{extra}"), token=token)


def every_page(
    api: Api, account_id: str, token: str, query: str, limit: int
) -> tuple[list[list[str]], set[Any]]:
    """Each page's cc, following the cursors; and the `to` of every page."""
    pages, tos, cursor = [], set(), None
    while True:
        extra = f"&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        reply = api.get(path(account_id, query + extra), token=token)
        assert reply.status == 200, reply.body
        assert len(reply.body["cc"]) <= limit
        pages.append(reply.body["cc"])
        tos.add(tuple(reply.body["to"]))
        cursor = reply.body["next_cursor"]
        if cursor is None:
            return pages, tos
        assert len(pages) < 50, "the cursors do not end"


def add_contact(api: Api, account_id: str, token: str, email: str, **prefs: bool) -> None:
    body = {"email": email, "email_preferences": prefs}
    assert api.post(f"/accounts/{account_id}/contacts", body, token=token).status == 201


def test_the_owners_ticket_pages_merge_contacts_members_and_groups_without_duplicates(
    api: Api, deps: Deps
) -> None:
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}"
    web = api.post(f"{base}/groups", {"name": "Web", "permissions": ["tickets"]}, token=owner.token).body
    books = api.post(f"{base}/groups", {"name": "Books", "permissions": ["invoices"]}, token=owner.token)
    for i in range(3):
        seed_member(deps, account_id, f"admin{i}@acme.com", role="admin")
        seed_member(deps, account_id, f"dev{i}@acme.com", permissions=("tickets",))
        seed_member(deps, account_id, f"web{i}@acme.com", group_id=web["group_id"])
        seed_member(deps, account_id, f"books{i}@acme.com", group_id=books.body["group_id"])
        seed_member(deps, account_id, f"clerk{i}@acme.com", permissions=("invoices",))
        seed_member(deps, account_id, f"off{i}@acme.com", permissions=("tickets",), status="deactivated")
        add_contact(api, account_id, owner.token, f"help{i}@example.com", support=True)
        add_contact(api, account_id, owner.token, f"bill{i}@example.com", invoice=True)
    add_contact(api, account_id, owner.token, "dev0@acme.com", support=True)  # a member and a contact
    add_contact(api, account_id, owner.token, "off0@acme.com", support=True)  # a deactivated member
    add_contact(api, account_id, owner.token, OWNER, support=True)  # the owner, in `to` already
    expected = sorted(
        f"{who}{i}@{domain}"
        for i in range(3)
        for who, domain in (
            ("admin", "acme.com"),
            ("dev", "acme.com"),
            ("web", "acme.com"),
            ("help", "example.com"),
        )
    )
    whole = owners_ticket(api, account_id, owner.token, "&limit=100").body
    assert whole == {"to": [OWNER], "cc": expected, "next_cursor": None}
    for limit in (1, 2, 5):
        pages, tos = every_page(
            api, account_id, owner.token, f"category=support&ticket_opened_by={OWNER}", limit
        )
        assert [email for page in pages for email in page] == expected, limit
        assert tos == {(OWNER,)}


def test_a_category_pages_its_contacts_by_email(api: Api) -> None:
    account_id, owner = onboard(api)
    for i in range(7):
        add_contact(api, account_id, owner.token, f"c{i}@example.com", general=True)
    add_contact(api, account_id, owner.token, "x@example.com", invoice=True)
    first = api.get(path(account_id, "category=general&limit=3"), token=owner.token).body
    assert first["cc"] == ["c0@example.com", "c1@example.com", "c2@example.com"] and first["next_cursor"]
    pages, _ = every_page(api, account_id, owner.token, "category=general", 3)
    assert pages == [[f"c{i}@example.com" for i in range(j, min(j + 3, 7))] for j in (0, 3, 6)]
    last = api.get(path(account_id, "category=general&limit=7"), token=owner.token).body
    assert last["next_cursor"] is None and len(last["cc"]) == 7


def test_bad_limits_and_cursors_are_refused(api: Api) -> None:
    account_id, owner = onboard(api)
    for i in range(3):
        add_contact(api, account_id, owner.token, f"c{i}@example.com", general=True, invoice=True)
    for limit in ("0", "101", "many"):
        reply = api.get(path(account_id, f"category=general&limit={limit}"), token=owner.token)
        assert reply.code == "validation_error", limit
    cursor = api.get(path(account_id, "category=general&limit=1"), token=owner.token).body["next_cursor"]
    assert (
        api.get(path(account_id, "category=general&cursor=junk"), token=owner.token).code
        == "validation_error"
    )
    tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    assert api.get(path(account_id, f"category=general&cursor={tampered}"), token=owner.token).code == (
        "validation_error"
    )
    # a cursor opens only the list it came from: another category, or a ticket's list
    assert api.get(path(account_id, f"category=invoice&cursor={cursor}"), token=owner.token).code == (
        "validation_error"
    )
    ticket = f"category=general&ticket_opened_by={OWNER}&cursor={cursor}"
    assert api.get(path(account_id, ticket), token=owner.token).code == "validation_error"
    follow = api.get(path(account_id, f"category=general&limit=1&cursor={cursor}"), token=owner.token)
    assert follow.status == 200 and follow.body["cc"] == ["c1@example.com"]


def test_another_accounts_cursor_opens_nothing_here(api: Api) -> None:
    account_id, owner = onboard(api)
    other_id, other = onboard(api, "Other", "boss@other.com")
    for i in range(3):
        add_contact(api, account_id, owner.token, f"c{i}@example.com", general=True)
        add_contact(api, other_id, other.token, f"o{i}@example.com", general=True)
    theirs = api.get(path(other_id, "category=general&limit=1"), token=other.token).body["next_cursor"]
    assert theirs
    reply = api.get(path(account_id, f"category=general&cursor={theirs}"), token=owner.token)
    assert reply.code == "validation_error"
    assert api.get(path(other_id, "category=general"), token=owner.token).code == "not_found"
    mine = api.get(path(account_id, "category=general"), token=owner.token).body["cc"]
    assert mine == ["c0@example.com", "c1@example.com", "c2@example.com"]


def test_membership_writes_keep_the_owners_ticket_current(api: Api) -> None:
    """Each write that changes who holds `tickets` (permissions, role, status, group, the group's own
    grants, ownership) changes the owner's ticket's copies at once."""
    account_id, owner = onboard(api)
    base = f"/accounts/{account_id}"
    dev = join(api, account_id, owner.token, "dev@acme.com", permissions=["invoices"])
    group = api.post(f"{base}/groups", {"name": "Web", "permissions": ["invoices"]}, token=owner.token).body

    def copied() -> list[str]:
        reply = owners_ticket(api, account_id, owner.token)
        assert reply.status == 200, reply.body
        return cast("list[str]", reply.body["cc"])

    member = f"{base}/members/{dev.user_id}"
    assert copied() == []
    assert api.patch(member, {"permissions": ["tickets"]}, token=owner.token).status == 200
    assert copied() == ["dev@acme.com"]
    assert api.post(f"{member}/deactivate", token=owner.token).status == 200
    assert copied() == []
    assert api.post(f"{member}/reactivate", token=owner.token).status == 200
    assert copied() == ["dev@acme.com"]
    assert api.patch(member, {"group_id": group["group_id"]}, token=owner.token).status == 200
    assert copied() == []  # the group does not grant tickets
    groups = f"{base}/groups/{group['group_id']}"
    assert api.patch(groups, {"permissions": ["tickets"]}, token=owner.token).status == 200
    assert copied() == ["dev@acme.com"]
    assert api.patch(member, {"group_id": "default", "role": "admin"}, token=owner.token).status == 200
    assert copied() == ["dev@acme.com"]
    assert api.post(f"{base}/ownership", {"user_id": dev.user_id}, token=owner.token).status == 200
    # dev owns the account now (and is `to`); the old owner is an admin, so copied
    reply = api.get(path(account_id, "category=support&ticket_opened_by=dev@acme.com"), token=owner.token)
    assert reply.body == {"to": ["dev@acme.com"], "cc": [OWNER], "next_cursor": None}


def _ticket_page_cost(api: Api, deps: Deps, members: int) -> tuple[list[str], int, int]:
    from tests.helpers.bulk import seed

    account_id, token, _ = seed(deps, members, 0, 0)
    query = "category=support&ticket_opened_by=owner@big.example&limit=20"
    first = api.get(path(account_id, query), token=token).body
    assert len(first["cc"]) == 20 and first["next_cursor"]
    with DynamoCalls() as calls:
        reply = api.get(path(account_id, f"{query}&cursor={first['next_cursor']}"), token=token)
    assert reply.status == 200
    return calls.operations, calls.items, len(reply.body["cc"])


def test_a_page_of_the_owners_ticket_costs_the_same_at_60_and_300_members(api: Api, deps: Deps) -> None:
    """Every seeded member holds `tickets` (every tenth deactivated): the page reads the ticket stream
    after the cursor, not the members. Authorization (1 BatchGetItem), the opener and owner (1), the
    groups (1 Query), the support contacts (1), the ticket stream (1): 5 round trips, 27 items at N = 60,
    300 or 1,000."""
    small = _ticket_page_cost(api, deps, 60)
    large = _ticket_page_cost(api, deps, 300)
    assert small[0] == large[0] == ["BatchGetItem", "BatchGetItem", "Query", "Query", "Query"]
    assert small[2] == large[2] == 20
    assert small[1] == large[1] <= 20 + 1 + 10  # the stream's 21 keys, the opener, the owner, the caller


def test_a_page_of_a_category_costs_the_same_at_60_and_300_contacts(api: Api, deps: Deps) -> None:
    from tests.helpers.bulk import seed

    found = []
    for contacts in (300, 1500):  # every fifth opted in to invoice: 60 and 300
        account_id, token, counts = seed(deps, 5, 0, contacts)
        first = api.get(path(account_id, "category=invoice&limit=20"), token=token).body
        with DynamoCalls() as calls:
            reply = api.get(
                path(account_id, f"category=invoice&limit=20&cursor={first['next_cursor']}"), token=token
            )
        assert len(reply.body["cc"]) == 20 and reply.body["next_cursor"]
        found.append((calls.operations, calls.items))
    assert found[0] == found[1]
    assert found[0][0] == ["BatchGetItem", "Query", "BatchGetItem"]
    assert found[0][1] <= 2 * 20 + 5
