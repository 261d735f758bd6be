"""Contract cases (as tests/unit/test_fake_contracts.py) for a user's memberships seen from the user's side:
a login writing the user alone, renames and the copies job, the accounts page by name, and the counted
login check that says where the email led (split from test_fake_contracts_users.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow
from chalicelib.store import keys
from chalicelib.store.account_names import SETTLE
from chalicelib.store.models import GroupItem, SubAccountItem
from chalicelib.store.read_ahead import NOTHING_AHEAD
from chalicelib.store.scope_hints import KEPT_AHEAD, NO_SCOPE, ScopeHint
from chalicelib.store.sub_accounts import new_sub_account_item
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers
from tests.unit.test_fake_contracts_invitation_flow import invite, membership_for

if TYPE_CHECKING:
    from tests.helpers.fakes import FakeWorld


@covers(
    "member_copies.user_and_accounts",
    "member_copies.memberships_of_user",
    "member_copies.record_login",
    "member_copies.users_due",
    "member_copies.rewrite_copies",
)
def test_a_login_writes_the_user_alone_and_the_copies_job_brings_each_membership_along(
    world: FakeWorld,
) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id = world.account("Acme")
    dev = world.member(account_id, "dev@acme.com")
    login = store.users.login_state("dev@acme.com")[0]
    user, memberships, accounts = store.member_copies.user_and_accounts(dev, present(login).account_ids)
    assert (present(user).email, [m.account_id for m in memberships], list(accounts)) == (
        "dev@acme.com", [account_id], [account_id],
    )  # fmt: skip
    assert store.member_copies.user_and_accounts(dev, ["acc_missing"])[1:] == ([], {})
    assert store.member_copies.user_and_accounts("usr_missing", [])[0] is None
    assert [m.user_id for m in store.member_copies.memberships_of_user(dev)] == [dev]
    assert store.member_copies.memberships_of_user("usr_missing") == []
    assert store.lockouts.reserve_login_attempt("dev@acme.com", now, None)
    later = now + timedelta(minutes=2)
    store.member_copies.record_login(dev, later, "dev@acme.com")
    assert present(store.users.get_user(dev)).last_login_at == later
    assert present(store.users.login_state("dev@acme.com")[1]).count == 0  # its check given back
    assert present(store.members.get_membership(account_id, dev)).last_login_at != later  # not by the request
    fresh = present(store.members.get_membership(account_id, dev))
    assert store.members.update_member(fresh, role="admin")  # an admin's change before the job runs
    (due,) = store.member_copies.users_due(later, 10)
    assert store.member_copies.rewrite_copies(due) == 1
    stored = present(store.members.get_membership(account_id, dev))
    assert (stored.role, stored.last_login_at) == ("admin", later)  # the job kept the admin's change
    assert store.member_copies.users_due(later, 10) == []  # the mark is off
    assert store.members.update_member(stored, title="Lead")  # the rewrite left it updatable


@covers("member_copies.update_profile")
def test_a_rename_writes_the_user_and_marks_it_for_the_copies_job(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id = world.account("Acme")
    dev = world.member(account_id, "dev@acme.com")
    user = store.users.get_user(dev)
    written = store.member_copies.update_profile(dev, {"cell_phone": "+1 555 0100"}, now=now)
    assert written.cell_phone == "+1 555 0100"  # the changes as written (no user given to apply them to)
    assert (present(store.users.get_user(dev)).cell_phone, present(store.users.get_user(dev)).first_name) == (
        "+1 555 0100", "Seeded",
    )  # fmt: skip
    assert store.member_copies.users_due(now, 10) == []  # no copied field changed: nothing to rewrite
    renamed = store.member_copies.update_profile(dev, {"first_name": "Dana", "cell_phone": None}, user, now)
    assert renamed.first_name == "Dana" and renamed.cell_phone is None
    assert present(store.users.get_user(dev)).first_name == "Dana"
    assert present(store.users.get_user(dev)).cell_phone is None
    assert present(store.members.get_membership(account_id, dev)).first_name == "Seeded"  # not by the request
    (due,) = store.member_copies.users_due(now, 10)
    store.member_copies.rewrite_copies(due)
    assert present(store.members.get_membership(account_id, dev)).first_name == "Dana"


def _join(world: FakeWorld, account_id: str, user_id: str, status: str = "active") -> None:
    """An existing user joins one more account, as accepting writes it."""
    store, now = world.deps.store, world.deps.now()
    user = present(store.users.get_user(user_id))
    invitation = invite(world, account_id, user.email)
    membership = membership_for(world, invitation, user)
    assert store.invitations.accept(invitation, membership, now, None, user_id)
    if status != "active":
        assert store.members.update_member(
            present(store.members.get_membership(account_id, user_id)), status=status
        )


@covers(
    "member_copies.accounts_page",
    "accounts.named",
    "accounts.rename_account",
    "member_copies.accounts_renamed",
    "member_copies.rewrite_names",
)
def test_a_users_accounts_page_by_name_and_a_rename_reorders_by_the_job(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    names = ["beta", "Alpha", "gamma", "Delta", "epsilon"]
    ids = {name: world.account(name) for name in names}
    dev = world.member(ids["beta"], "dev@acme.com")
    for name in names[1:]:
        _join(world, ids[name], dev, "deactivated" if name == "gamma" else "active")

    def page(after: tuple[str, str] | None, limit: int = 2) -> tuple[list[str], bool, bool]:
        found = store.member_copies.accounts_page(dev, after, limit)
        return [m.account_id for m in found.memberships], found.more, found.unnamed

    order = [ids[n] for n in ("Alpha", "beta", "Delta", "epsilon")]  # gamma deactivated: not listed
    assert page(None) == (order[:2], True, False)
    second = store.member_copies.accounts_page(dev, None, 2).memberships[-1]
    assert page((second.account_sort, second.account_id)) == (order[2:], False, False)
    assert page(None, 10) == (order, False, False)
    assert store.member_copies.accounts_page("usr_missing", None, 2) == ([], False, False)
    named = store.accounts.named([ids["Alpha"], "acc_missing"], user_id=dev)
    assert (list(named.accounts), present(named.user).user_id) == ([ids["Alpha"]], dev)
    assert store.accounts.named([ids["Alpha"]]).user is None
    account = present(store.accounts.get_account(ids["Alpha"]))
    assert store.accounts.rename_account(account, "ALPHA", None, now)  # orders alike: nothing to rewrite
    assert store.member_copies.accounts_renamed(now, 10) == []
    assert store.accounts.rename_account(account, "Zeta", None, now)
    assert page(None, 10)[0] == order  # the name shows at once; the order waits for the job
    (renamed,) = store.member_copies.accounts_renamed(now, 10)
    assert (renamed.account_id, renamed.name) == (ids["Alpha"], "Zeta")
    assert store.member_copies.rewrite_names(renamed, now) == 1
    assert page(None, 10)[0] == [*order[1:], ids["Alpha"]]
    assert store.member_copies.accounts_renamed(now, 10) == []  # due again a minute later: one more pass
    (again,) = store.member_copies.accounts_renamed(now + SETTLE, 10)
    assert store.member_copies.rewrite_names(again, now + SETTLE) == 0
    assert store.member_copies.accounts_renamed(now + 2 * SETTLE, 10) == []  # nothing left: the mark is off
    assert store.members.update_member(present(store.members.get_membership(ids["Alpha"], dev)), title="Lead")


@covers("lockouts.count_login_check", "member_copies.login_and_page", "member_copies.record_password_sign_in")
def test_a_counted_check_says_where_the_email_led_and_a_sign_in_alone_leaves_no_window(
    world: FakeWorld,
) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id = world.account("Acme")
    dev = world.member(account_id, "dev@acme.com")
    first = store.lockouts.count_login_check("dev@acme.com", now)
    assert first.window == FailureWindow(1, now) and first.allowed
    login, page, ahead = store.member_copies.login_and_page("dev@acme.com", None)
    assert present(login).user_id == dev and page is None and ahead == NOTHING_AHEAD
    group = world.group(account_id, "Support")
    shop = new_sub_account_item(account_id, "sub_shop", "Shop", now)
    assert store.sub_accounts.create(shop)
    needed = ScopeHint(
        frozenset({(account_id, "sub_shop"), (account_id, "sub_gone")}), frozenset({(account_id, group)})
    )
    store.member_copies.record_password_sign_in(dev, now, "dev@acme.com", True, {account_id}, scope=needed)
    assert store.users.login_state("dev@acme.com")[1] is None  # alone in its window: none left behind
    again = store.lockouts.count_login_check("dev@acme.com", now)
    assert (again.window.count, again.user_id, again.account_ids) == (1, dev, frozenset({account_id}))
    assert again.scope == needed
    login, page, ahead = store.member_copies.login_and_page("dev@acme.com", (dev, {account_id}), again.scope)
    user, memberships, accounts = present(page)
    assert present(login).user_id == present(user).user_id == dev
    assert [m.account_id for m in memberships] == [account_id] and set(accounts) == {account_id}
    # every item hinted is asked for; the one gone is simply not found
    assert ahead.asked == set(needed.item_keys()) and ahead.knows(keys.sub_account(account_id, "sub_gone"))
    assert present(ahead.item(keys.group(account_id, group), GroupItem)).name == "Support"
    assert {key: item.name for key, item in ahead.found.items() if isinstance(item, SubAccountItem)} == {
        keys.sub_account(account_id, "sub_shop"): "Shop"
    }
    # a page too large for the batch's 100 keys asks for fewer of the hinted items (groups first)
    many = {f"acc_{i:02}" for i in range(48)}  # login, user and 96 page keys: room for 2 more
    wide = ScopeHint(frozenset((account_id, f"sub_{i}") for i in range(5)), needed.groups)
    _, _, trimmed = store.member_copies.login_and_page("dev@acme.com", (dev, many), wide)
    assert trimmed.asked == {keys.group(account_id, group), keys.sub_account(account_id, "sub_0")}
    # the item keeps no more than a login's batch could ever read ahead
    hundred = ScopeHint(frozenset((account_id, f"sub_{i:03}") for i in range(100)))
    store.member_copies.record_password_sign_in(dev, now, "dev@acme.com", False, {account_id}, scope=hundred)
    kept = store.lockouts.count_login_check("dev@acme.com", now).scope
    assert len(kept.sub_accounts) == KEPT_AHEAD and kept.sub_accounts < hundred.sub_accounts
    store.member_copies.record_password_sign_in(dev, now, "dev@acme.com", False, {account_id})
    assert store.lockouts.count_login_check("dev@acme.com", now).scope == NO_SCOPE  # unscoped now
    # a wrong password counted meanwhile: the sign-in is no longer alone, and gives its check back instead
    assert store.lockouts.count_login_check("dev@acme.com", now).window.count == 2
    store.member_copies.record_password_sign_in(dev, now, "dev@acme.com", True, {account_id})
    assert store.users.login_state("dev@acme.com")[1] == FailureWindow(1, now)
    later = now + WINDOW  # the window has passed: reopened at 1, where the email led kept
    reopened = store.lockouts.count_login_check("dev@acme.com", later)
    assert (reopened.window, reopened.user_id) == (FailureWindow(1, later), dev)
    unknown = store.lockouts.count_login_check("nobody@acme.com", now)
    assert (unknown.window.count, unknown.user_id, unknown.account_ids) == (1, None, frozenset())
    assert store.member_copies.login_and_page("nobody@acme.com", None) == (None, None, NOTHING_AHEAD)


@covers("lockouts.count_login_check")
def test_every_check_past_the_limit_is_counted_and_refused(world: FakeWorld) -> None:
    now = world.deps.now()
    checks = [
        world.deps.store.lockouts.count_login_check("ghost@acme.com", now) for _ in range(MAX_FAILURES + 2)
    ]
    assert [c.window.count for c in checks] == list(range(1, MAX_FAILURES + 3))
    assert [c.allowed for c in checks] == [True] * MAX_FAILURES + [False, False]
