"""Contract cases (as tests/unit/test_fake_contracts.py) for users and what hangs off them: logins and
passwords, lockout windows, revoked tokens, one-time links and the memberships' copies of a user."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.lockout import MAX_FAILURES, WINDOW, FailureWindow
from chalicelib.domain.outbox import Window
from chalicelib.ids import new_id
from chalicelib.services.outbox import mail_for
from chalicelib.store import keys
from chalicelib.store.links import new_reset_link
from chalicelib.store.models import EmailClaimItem, LinkItem
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from tests.helpers.fakes import FakeWorld


@covers("users.login_state", "users.change_password", "lockouts.reserve_login_attempt")
def test_a_password_change_holds_at_the_version_read_and_clears_the_window(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id = world.account("Acme")
    dev = world.member(account_id, "dev@acme.com")
    assert store.users.login_state("nobody@acme.com") == (None, None)
    assert store.lockouts.reserve_login_attempt("dev@acme.com", now, None)
    login, failures = store.users.login_state("dev@acme.com")
    assert (
        present(login).user_id,
        present(login).token_version,
        present(failures).count,
        present(failures).started_at,
    ) == (dev, 0, 1, now)
    user = present(store.users.get_user(dev))
    assert store.users.change_password(user, "hash-2")
    login, failures = store.users.login_state("dev@acme.com")
    assert (present(login).password_hash, present(login).token_version, failures) == ("hash-2", 1, None)
    after = present(store.users.get_user(dev))
    assert (after.token_version, after.link_generation) == (1, 1)
    assert store.users.change_password(user, "hash-3").failed == {"changed"}  # read at version 0
    assert present(store.users.login_state("dev@acme.com")[0]).password_hash == "hash-2"


@covers("lockouts.reserve_login_attempt", "lockouts.clear_login_failures")
def test_a_window_takes_so_many_checks_then_a_new_one_opens(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    email = "anyone@acme.com"  # counted whether or not the email has a login
    assert all(store.lockouts.reserve_login_attempt(email, now, None) for _ in range(MAX_FAILURES))
    known = store.users.login_state(email)[1]
    assert (present(known).count, present(known).started_at) == (MAX_FAILURES, now)
    assert not store.lockouts.reserve_login_attempt(email, now + timedelta(minutes=1), known)
    assert not store.lockouts.reserve_login_attempt(email, now + timedelta(minutes=1), None)
    later = now + WINDOW + timedelta(seconds=1)
    assert store.lockouts.reserve_login_attempt(email, later, known)  # the window passed: a new one
    assert store.users.login_state(email)[1] == FailureWindow(1, later)
    store.lockouts.clear_login_failures(email)
    assert store.users.login_state(email)[1] is None
    store.lockouts.clear_login_failures(email)  # clearing nothing is no error


@covers("users.auth_context", "revoked_tokens.revoke_token")
def test_the_callers_context_is_read_with_what_the_route_asks_for(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id = world.account("Acme")
    group = world.group(account_id, "Support")
    dev = world.member(account_id, "dev@acme.com", group_id=group)
    bare = store.users.auth_context(dev, "tok_1")
    assert (present(bare.user).email, bare.membership, bare.account, bare.revoked, bare.link) == (
        "dev@acme.com", None, None, False, None,
    )  # fmt: skip
    full = store.users.auth_context(dev, "tok_1", account_id, group_id=group, support_session_id="sup_x")
    assert (present(full.membership).group_id, present(full.account).name, present(full.group).name) == (
        group,
        "Acme",
        "Support",
    )
    assert full.support_session is None
    assert store.users.auth_context(dev, "tok_1", group_id=group).group is None  # no account: no group
    store.revoked_tokens.revoke_token("tok_1", now + timedelta(hours=1))
    assert store.users.auth_context(dev, "tok_1").revoked
    assert not store.users.auth_context(dev, "tok_2").revoked
    gone = store.users.auth_context("usr_missing", "tok_2", "acc_missing")
    assert (gone.user, gone.membership, gone.account) == (None, None, None)


@covers("users.auth_context")
def test_the_callers_context_reads_ahead_as_many_keys_as_fit_beside_it(world: FakeWorld) -> None:
    store = world.deps.store
    account_id = world.account("Acme")
    dev = world.member(account_id, "dev@acme.com")
    claimed, free = keys.email_claim(account_id, "dev@acme.com"), keys.email_claim(account_id, "no@acme.com")
    assert store.users.auth_context(dev, "tok_1", account_id).ahead.asked == frozenset()
    # (the operator's endpoint count is known from here on: it is no longer read along)
    context = store.users.auth_context(dev, "tok_1", account_id, ahead=[claimed, free, claimed])
    assert context.ahead.asked == {claimed, free}
    assert present(context.ahead.item(claimed, EmailClaimItem)).holder == "member"
    assert context.ahead.knows(free) and context.ahead.item(free, EmailClaimItem) is None
    assert present(context.membership).user_id == dev and present(context.account).name == "Acme"
    many = [keys.email_claim(account_id, f"u{n}@x.com") for n in range(120)]
    full = store.users.auth_context(dev, "tok_1", account_id, ahead=[claimed, *many])
    # beside the user, the token's revocation, the membership and the account: 96 keys, the first ones
    assert len(full.ahead.asked) == 96 and full.ahead.knows(claimed) and full.ahead.knows(many[94])
    assert not full.ahead.knows(many[95]) and full.ahead.item(many[95], EmailClaimItem) is None
    assert present(full.ahead.item(claimed, EmailClaimItem)).holder == "member"


@covers("users.login_users")
def test_logins_name_their_users_by_email(world: FakeWorld) -> None:
    account_id = world.account("Acme")
    dev = world.member(account_id, "dev@acme.com")
    users = world.deps.store.users
    assert users.login_users(["dev@acme.com", "nobody@acme.com"]) == {"dev@acme.com": dev}
    assert users.login_users([]) == {}


def reset_link(world: FakeWorld, user_id: str, email: str, generation: int = 0) -> LinkItem:
    expires = world.deps.now() + timedelta(hours=1)
    return new_reset_link(new_id("hash"), user_id, email, expires, generation)


@covers("links.save_link", "links.get_link", "links.reset_password")
def test_a_reset_link_is_saved_once_and_used_once_at_its_generation(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    dev = world.member(world.account("Acme"), "dev@acme.com")
    link = reset_link(world, dev, "dev@acme.com")
    assert store.links.save_link(link)
    assert store.links.save_link(link).failed == {"exists"}
    assert present(store.links.get_link(link.pk.removeprefix("LINK#"))).user_id == dev
    assert store.links.get_link("nothing") is None
    assert store.links.reset_password(link, "hash-2", now)
    assert present(store.links.get_link(link.pk.removeprefix("LINK#"))).used_at == now
    assert present(store.users.login_state("dev@acme.com")[0]).password_hash == "hash-2"
    assert store.links.reset_password(link, "hash-3", now).failed == {"used"}
    stale = reset_link(world, dev, "dev@acme.com", generation=0)  # made before that reset
    assert store.links.save_link(stale)
    assert store.links.reset_password(stale, "hash-4", now).failed == {"used"}
    current = reset_link(world, dev, "dev@acme.com", generation=1)
    assert store.links.save_link(current) and store.links.reset_password(current, "hash-5", now)
    assert present(store.users.get_user(dev)).token_version == 2


@covers("links.save_link")
def test_a_links_email_is_counted_on_the_address(world: FakeWorld) -> None:
    deps = world.deps
    dev = world.member(world.account("Acme"), "dev@acme.com")
    one = Window("hour", "hour:test", 1, deps.now() + timedelta(hours=1))
    first = mail_for(deps, "password_reset", "dev@acme.com", nonce="n1")
    assert deps.store.links.save_link(reset_link(world, dev, "dev@acme.com"), None, first, [one])
    assert deps.store.outbox.queue(first) is False  # queued with the link
    second = mail_for(deps, "password_reset", "dev@acme.com", nonce="n2")
    link = reset_link(world, dev, "dev@acme.com")
    outcome = deps.store.links.save_link(link, None, second, [one])
    assert outcome.which("address_limit") == {"hour:dev@acme.com"}
    assert deps.store.links.get_link(link.pk.removeprefix("LINK#")) is None  # nothing written
    assert deps.store.links.save_link(link, None, first).failed == {"conflict"}  # that email is queued


@covers("links.open_counted_link")
def test_an_invitation_link_counts_each_check_in_its_window(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    link = LinkItem(*keys.link("h_inv"), purpose="invitation", expires_at=now + timedelta(days=1),
                    email="ann@x.com", account_id="acc_1", invitation_id="inv_1")  # fmt: skip
    assert store.links.save_link(link)
    assert present(store.links.open_counted_link("h_inv", now)).attempts == 1
    opened = present(store.links.open_counted_link("h_inv", now + timedelta(minutes=1)))
    assert (opened.attempts, opened.attempts_started_at) == (2, now)
    later = now + WINDOW + timedelta(seconds=1)
    assert (present(store.links.open_counted_link("h_inv", later)).attempts_started_at) == later
    assert store.links.open_counted_link("missing", now) is None
    dev = world.member(world.account("Acme"), "dev@acme.com")
    assert store.links.save_link(reset := reset_link(world, dev, "dev@acme.com"))
    assert store.links.open_counted_link(reset.pk.removeprefix("LINK#"), now) is None  # not an invitation
    ended = LinkItem(*keys.link("h_end"), purpose="invitation", expires_at=now, email="b@x.com",
                     ended="revoked")  # fmt: skip
    assert store.links.save_link(ended)
    found = present(store.links.open_counted_link("h_end", now))
    assert found.ended == "revoked" and found.attempts is None  # answered as read, nothing counted
