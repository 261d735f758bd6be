"""Lists that cost a page: every member exactly once and in order for each sort and direction (ties
included), the reads of a page bounded whatever the account holds, sealed cursors, no stale copies, and a
recipients answer that tells a `contacts` holder nothing about who is a member."""

from __future__ import annotations

import base64
import contextvars
import json
from typing import TYPE_CHECKING, Any, cast

import pytest

from chalicelib.store.member_copies import MemberCopyStore
from chalicelib.store.members import MemberStore
from chalicelib.store.models import MembershipItem
from tests.helpers import PASSWORD, DynamoCalls, invite, join, latest_link, onboard
from tests.helpers.copies import run_copies
from tests.helpers.seed import seed_member

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.store.models import UserItem
    from tests.helpers import Api, Clock, Joined, Reply

SORTS = ["email", "first_name", "last_name", "title", "role", "status", "joined_at", "last_login_at"]


def _members(api: Api, account_id: str, token: str, query: str = "") -> Reply:
    return api.get(f"/accounts/{account_id}/members{query}", token=token)


def _walk(api: Api, account_id: str, token: str, query: str) -> list[Any]:
    seen, cursor = [], None
    while True:
        reply = _members(api, account_id, token, query + (f"&cursor={cursor}" if cursor else ""))
        assert reply.status == 200, reply.body
        seen += reply.body["items"]
        cursor = reply.body["next_cursor"]
        if cursor is None:
            return seen


def _expected_order(items: list[dict[str, Any]], sort: str, descending: bool) -> list[str]:
    """By the column (case-insensitive, none first), then the user id; by status, then the email (each
    status is its range of the email index: store/members.py ordered_page)."""

    def key(member: dict[str, Any]) -> tuple[str, str]:
        value = member[sort]
        tie = member["email"] if sort == "status" else member["user_id"]
        return ((value or "").lower() if isinstance(value, str) else "", tie)

    return [m["user_id"] for m in sorted(items, key=key, reverse=descending)]


@pytest.fixture
def crowd(api: Api, deps: Deps, clock: Clock) -> tuple[str, Joined]:
    """An owner and 23 seeded members: same first names (ties), joined in three waves (ties on joined_at),
    some deactivated, some having logged in."""
    account_id, owner = onboard(api)
    for i in range(23):
        if i % 8 == 0:
            clock.advance(seconds=5)
        seed_member(
            deps, account_id, f"m{i:02d}@example.com", status="deactivated" if i % 5 == 0 else "active"
        )
    return account_id, owner


@pytest.mark.parametrize("sort", SORTS)
def test_paging_returns_every_member_once_in_order_for_each_sort_and_direction(
    api: Api, crowd: tuple[str, Joined], sort: str
) -> None:
    account_id, owner = crowd
    for order in ("asc", "desc"):
        walked = _walk(api, account_id, owner.token, f"?sort={sort}&order={order}&limit=4")
        ids = [m["user_id"] for m in walked]
        assert len(ids) == len(set(ids)) == 24
        assert ids == _expected_order(walked, sort, order == "desc")


def test_the_status_filter_pages_in_email_order(api: Api, crowd: tuple[str, Joined]) -> None:
    account_id, owner = crowd
    for status, count in (("deactivated", 5), ("active", 19)):
        walked = _walk(api, account_id, owner.token, f"?status={status}&limit=3")
        assert [m["status"] for m in walked] == [status] * count
        assert [m["email"] for m in walked] == sorted(m["email"] for m in walked)


def test_an_indexed_page_reads_what_it_shows_whatever_the_account_holds(
    api: Api, deps: Deps, crowd: tuple[str, Joined]
) -> None:
    """Counts, not times: the default sort, joined_at, last_login_at and the status filter read at most
    2 x limit + 6 items (authorization included: since issue 30 it reads the token's sign-in session too)
    in at most 3 round trips."""
    account_id, owner = crowd
    for query in ("?limit=2", "?sort=joined_at&limit=2", "?sort=last_login_at&order=desc&limit=2",
                  "?status=deactivated&limit=2", "?status=active&order=desc&limit=2"):  # fmt: skip
        first = _members(api, account_id, owner.token, query).body
        with DynamoCalls() as calls:
            reply = _members(api, account_id, owner.token, f"{query}&cursor={first['next_cursor']}")
        assert reply.status == 200 and len(reply.body["items"]) == 2
        assert len(calls.operations) <= 3, (query, calls.operations)
        assert calls.items <= 2 * 2 + 6, (query, calls.items)


def test_a_cursor_shows_no_person_and_opens_only_its_own_list(
    api: Api, deps: Deps, crowd: tuple[str, Joined]
) -> None:
    account_id, owner = crowd
    other_id, other_owner = onboard(api, "Other Co", "boss@other.com")
    for query in ("?limit=2", "?sort=first_name&limit=2", "?status=active&limit=2"):
        cursor = _members(api, account_id, owner.token, query).body["next_cursor"]
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        for shown in (b"example.com", b"m0", b"Seeded", b"owner", b"usr_"):
            assert shown not in raw
        with pytest.raises(ValueError):
            json.loads(raw)
        assert _members(api, other_id, other_owner.token, f"{query}&cursor={cursor}").status == 400
        assert _members(api, account_id, owner.token, f"?sort=role&limit=2&cursor={cursor}").status == 400
        tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
        assert _members(api, account_id, owner.token, f"{query}&cursor={tampered}").status == 400


def test_the_lists_show_a_new_name_and_login_time_once_the_copies_job_has_run(
    api: Api, deps: Deps, clock: Clock
) -> None:
    """A rename and a login write the user alone; the copies job rewrites every membership's copy (each
    account's sorts), once, and takes the user's mark off: a run after it has nothing to do."""
    account_id, owner = onboard(api)
    dev = join(api, account_id, owner.token, "dev@acme.com")
    other_id, other_owner = onboard(api, "Other Co", "boss@other.com")
    invite(api, other_id, other_owner.token, ["dev@acme.com"])
    accepted = api.post("/invitations/accept", {"token": latest_link("dev@acme.com")}, token=dev.token)
    assert accepted.status == 201
    run_copies(deps)
    renamed = api.patch("/me", {"first_name": "Renata", "last_name": "Newname"}, token=dev.token)
    assert renamed.status == 200 and renamed.body["first_name"] == "Renata"
    assert api.get("/me", token=dev.token).body["user"]["first_name"] == "Renata"  # the user: at once
    assert run_copies(deps) == [1]
    for listed_at, token in ((account_id, owner.token), (other_id, other_owner.token)):
        for sort in ("email", "first_name", "last_name"):
            shown = {m["email"]: m for m in _members(api, listed_at, token, f"?sort={sort}").body["items"]}
            assert (shown["dev@acme.com"]["first_name"], shown["dev@acme.com"]["last_name"]) == (
                "Renata",
                "Newname",
            )
        by_name = _members(api, listed_at, token, "?sort=first_name").body["items"]
        assert [m["first_name"] for m in by_name] == sorted(m["first_name"] for m in by_name)
    clock.advance(seconds=30)
    assert api.post("/auth/login", {"email": "dev@acme.com", "password": PASSWORD}).status == 200
    assert run_copies(deps) == [1]
    assert run_copies(deps) == []  # the mark is off: nothing due
    for listed_at, token in ((account_id, owner.token), (other_id, other_owner.token)):
        for sort in ("email", "last_login_at", "title"):
            shown = {m["email"]: m for m in _members(api, listed_at, token, f"?sort={sort}").body["items"]}
            assert shown["dev@acme.com"]["last_login_at"] == clock().strftime("%Y-%m-%dT%H:%M:%SZ")
        latest = _members(api, listed_at, token, "?sort=last_login_at&order=desc&limit=1").body["items"]
        assert latest[0]["email"] == "dev@acme.com"


def test_recipients_tell_a_contacts_holder_nothing_about_who_is_a_member(api: Api) -> None:
    """17.7: with only `contacts`, asking who a ticket of a member, a deactivated member and a stranger is
    copied to gives one answer shape: the opener. On main a member came back copied and a stranger not."""
    account_id, owner = onboard(api)
    join(api, account_id, owner.token, "dev@acme.com", permissions=["tickets"])
    gone = join(api, account_id, owner.token, "gone@acme.com", permissions=["tickets"])
    api.post(f"/accounts/{account_id}/members/{gone.user_id}/deactivate", token=owner.token)
    clerk = join(api, account_id, owner.token, "clerk@acme.com", permissions=["contacts"])
    path = f"/accounts/{account_id}/notification-recipients?category=support&ticket_opened_by="
    answers = {
        email: api.get(path + email, token=clerk.token).body
        for email in ("dev@acme.com", "gone@acme.com", "stranger@else.com")
    }
    assert answers == {
        email: {"to": ["owner@acme.com"], "cc": [email], "next_cursor": None}
        for email in ("dev@acme.com", "gone@acme.com", "stranger@else.com")
    }
    owners_ticket = api.get(path + "owner@acme.com", token=clerk.token).body
    assert owners_ticket == {
        "to": ["owner@acme.com"],
        "cc": [],
        "next_cursor": None,
    }  # no member's email to a contacts holder
    # the owner (who lists members) and the operator get the full rule
    assert api.get(path + "gone@acme.com", token=owner.token).body["cc"] == []
    assert api.get(path + "stranger@else.com", operator=True).body["cc"] == []
    assert api.get(path + "dev@acme.com", operator=True).body["cc"] == ["dev@acme.com"]


def test_the_card_sorts_follow_role_and_status_changes_at_once(api: Api, deps: Deps) -> None:
    """The compact cards (sort by role, status) are rewritten with every change of what they hold:
    an ownership transfer, a deactivation, a change of role."""
    account_id, owner = onboard(api)
    heir = join(api, account_id, owner.token, "heir@acme.com")
    dev = join(api, account_id, owner.token, "dev@acme.com")
    assert (
        api.post(f"/accounts/{account_id}/ownership", {"user_id": heir.user_id}, token=owner.token).status
        == 200
    )
    assert (
        api.post(f"/accounts/{account_id}/members/{dev.user_id}/deactivate", token=heir.token).status == 200
    )
    by_role = _members(api, account_id, heir.token, "?sort=role").body["items"]
    assert sorted((m["role"], m["user_id"]) for m in by_role) == [(m["role"], m["user_id"]) for m in by_role]
    assert {m["email"]: m["role"] for m in by_role} == {
        "dev@acme.com": "member",
        "owner@acme.com": "admin",
        "heir@acme.com": "owner",
    }
    by_status = _members(api, account_id, heir.token, "?sort=status&order=desc").body["items"]
    assert by_status[0]["email"] == "dev@acme.com" and by_status[0]["status"] == "deactivated"
    only_off = _members(api, account_id, heir.token, "?status=deactivated&sort=role").body["items"]
    assert [m["email"] for m in only_off] == ["dev@acme.com"]


@pytest.mark.parametrize("again", [False, True])
def test_a_login_racing_a_deactivation_and_a_new_title_leaves_both_listed(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch, again: bool
) -> None:
    """The copies job rewrites each membership's copies and list keys from the memberships it read. An
    admin who deactivates the member and gives them a title between that read and the job's write (and,
    `again`, reactivates them with another title after the job read the membership anew) must stay seen:
    the rewrite holds only while the membership is as read, and is redone from a fresh read when it is
    not."""
    account_id, owner = onboard(api)
    dev = join(api, account_id, owner.token, "dev@acme.com")
    members = f"/accounts/{account_id}/members/{dev.user_id}"
    before_write = [("deactivate", "Lead")]
    after_reread = [("reactivate", "CTO")] if again else []
    store_module = __import__("chalicelib.store.member_copies", fromlist=["get_items"])
    listed, reread = MemberCopyStore._memberships_listed, store_module.get_items
    rewriting = []  # set once the job has read the memberships: its rewrites of what changed follow
    clock.advance(seconds=60)  # a login time the memberships do not copy yet

    def admin_acts(pending: list[tuple[str, str]]) -> None:
        if pending:
            action, title = pending.pop(0)
            assert api.post(f"{members}/{action}", token=owner.token).status == 200
            assert api.patch(members, {"title": title}, token=owner.token).status == 200

    def read_then_the_admin(self: MemberCopyStore, user: UserItem) -> list[MembershipItem]:
        found = listed(self, user)
        admin_acts(before_write)
        rewriting.append(True)
        return found

    def reread_then_the_admin(wanted: Any) -> Any:
        found = reread(wanted)
        if rewriting and any(isinstance(item, MembershipItem) for item in found.values()):
            admin_acts(after_reread)
        return found

    assert api.post("/auth/login", {"email": "dev@acme.com", "password": PASSWORD}).status == 200
    monkeypatch.setattr(type(deps.store.member_copies), "_memberships_listed", read_then_the_admin)
    monkeypatch.setattr(store_module, "get_items", reread_then_the_admin)
    assert run_copies(deps) == [1]
    monkeypatch.undo()
    assert rewriting == [True]
    assert after_reread == []  # the admin's second change came while the job rewrote
    status, title = ("active", "CTO") if again else ("deactivated", "Lead")
    other = "active" if status == "deactivated" else "deactivated"
    listed_now = {
        m["email"] for m in _members(api, account_id, owner.token, f"?status={status}").body["items"]
    }
    hidden = {m["email"] for m in _members(api, account_id, owner.token, f"?status={other}").body["items"]}
    assert "dev@acme.com" in listed_now and "dev@acme.com" not in hidden
    for sort in ("title", "status", "last_login_at"):
        shown = {m["email"]: m for m in _members(api, account_id, owner.token, f"?sort={sort}").body["items"]}
        assert (shown["dev@acme.com"]["status"], shown["dev@acme.com"]["title"]) == (status, title)
        assert shown["dev@acme.com"]["last_login_at"] == clock().strftime("%Y-%m-%dT%H:%M:%SZ")


def _names_in(api: Api, account_id: str, token: str, email: str) -> tuple[str, str]:
    shown = {m["email"]: m for m in _members(api, account_id, token, "?sort=first_name").body["items"]}
    return shown[email]["first_name"], shown[email]["last_name"]


@pytest.mark.parametrize("rename_lands", ["before the accept commits", "while the copies job runs"])
def test_a_rename_racing_an_accept_leaves_no_old_name(
    api: Api, deps: Deps, monkeypatch: pytest.MonkeyPatch, rename_lands: str
) -> None:
    """A member accepts an invitation to a second account while renaming themselves. Either order of the
    two writes ends with the new name in both accounts' lists once the copies job has run: an accept whose
    copy of the names is stale fails its condition and copies them again; an accept landing while the job
    rewrites copies the new name itself."""
    account_id, owner = onboard(api)
    dev = join(api, account_id, owner.token, "dev@acme.com")
    other_id, other_owner = onboard(api, "Other Co", "boss@other.com")
    invite(api, other_id, other_owner.token, ["dev@acme.com"])
    link, rename = latest_link("dev@acme.com"), {"first_name": "Renata", "last_name": "Newname"}
    other_request = contextvars.Context().run  # the other request: its own context
    accepted: dict[str, Reply] = {}
    if rename_lands == "before the accept commits":
        store, write = deps.store.invitations, deps.store.invitations.accept

        def renamed_first(*args: Any, **kwargs: Any) -> Any:
            monkeypatch.setattr(store, "accept", write)
            assert other_request(api.patch, "/me", rename, token=dev.token).status == 200
            return write(*args, **kwargs)

        monkeypatch.setattr(store, "accept", renamed_first)
        reply = api.post("/invitations/accept", {"token": link}, token=dev.token)
        assert reply.status == 201, reply.body
    else:
        assert api.patch("/me", rename, token=dev.token).status == 200
        listed = MemberCopyStore._memberships_listed

        def accepted_meanwhile(self: MemberCopyStore, user: UserItem) -> list[MembershipItem]:
            found = listed(self, user)
            accepted["reply"] = other_request(
                api.post, "/invitations/accept", {"token": link}, token=dev.token
            )
            return found

        monkeypatch.setattr(type(deps.store.member_copies), "_memberships_listed", accepted_meanwhile)
        assert run_copies(deps) == [1]
        assert accepted["reply"].status == 201
    monkeypatch.undo()
    run_copies(deps)
    assert _names_in(api, account_id, owner.token, "dev@acme.com") == ("Renata", "Newname")
    assert _names_in(api, other_id, other_owner.token, "dev@acme.com") == ("Renata", "Newname")


def test_an_admin_edit_racing_a_login_keeps_the_login_in_the_lists(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner gives a member a title; the member logs in between the owner's read and write. The edit's
    card and keys are computed from its read, so it holds only while the card is as read, and is made
    again on the membership as it is now: the login's time still orders the last-login list."""
    account_id, owner = onboard(api)
    dev = join(api, account_id, owner.token, "dev@acme.com")
    clock.advance(seconds=60)
    assert api.post("/auth/login", {"email": "owner@acme.com", "password": PASSWORD}).status == 200
    members = deps.store.members
    once = cast(MemberStore, members)._update_once
    logged_in: dict[str, int] = {}

    def login_meanwhile(*args: Any, **kwargs: Any) -> Any:
        if not logged_in:
            clock.advance(seconds=60)
            login = {"email": "dev@acme.com", "password": PASSWORD}
            logged_in["status"] = contextvars.Context().run(api.post, "/auth/login", login).status
        return once(*args, **kwargs)

    monkeypatch.setattr(members, "_update_once", login_meanwhile)
    edit = f"/accounts/{account_id}/members/{dev.user_id}"
    assert api.patch(edit, {"title": "Lead"}, token=owner.token).status == 200
    monkeypatch.undo()
    assert logged_in == {"status": 200}
    assert run_copies(deps) == [2]  # the owner's login and the member's
    latest = _members(api, account_id, owner.token, "?sort=last_login_at&order=desc").body["items"]
    assert [m["email"] for m in latest] == ["dev@acme.com", "owner@acme.com"]
    by_title = _members(api, account_id, owner.token, "?sort=title").body["items"]
    assert {m["email"]: m["title"] for m in by_title}["dev@acme.com"] == "Lead"


def test_a_rename_landing_mid_job_is_not_undone(
    api: Api, deps: Deps, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copies job copies the user it read onto each membership; a rename committing between that read
    and the write is not reverted: the write holds only while the user holds the mark the job read, and the
    rename's own mark has the next run copy the new name."""
    account_id, owner = onboard(api)
    dev = join(api, account_id, owner.token, "dev@acme.com")
    clock.advance(seconds=60)  # a login time the membership does not copy yet: the first run has work
    assert api.post("/auth/login", {"email": "dev@acme.com", "password": PASSWORD}).status == 200
    listed = MemberCopyStore._memberships_listed
    renamed: dict[str, int] = {}

    def renamed_meanwhile(self: MemberCopyStore, user: UserItem) -> list[MembershipItem]:
        if not renamed:
            rename = {"first_name": "Renata", "last_name": "Newname"}
            renamed["status"] = contextvars.Context().run(api.patch, "/me", rename, token=dev.token).status
        return listed(self, user)

    monkeypatch.setattr(type(deps.store.member_copies), "_memberships_listed", renamed_meanwhile)
    assert run_copies(deps) == [1, 1]  # the first run wrote nothing stale and left the user due
    monkeypatch.undo()
    assert renamed == {"status": 200}
    assert _names_in(api, account_id, owner.token, "dev@acme.com") == ("Renata", "Newname")
    shown = {
        m["email"]: m for m in _members(api, account_id, owner.token, "?sort=last_login_at").body["items"]
    }
    assert shown["dev@acme.com"]["last_login_at"] is not None
