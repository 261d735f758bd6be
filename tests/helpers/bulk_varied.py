"""Bulk seeding for issue 26's scale rows (bench/scale26.py), through the store's own item builders: an
account whose members vary in every sorted column, with custom groups, contacts in every category,
invitations and an audit log; and one user in many accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.helpers.bulk import FIRST_NAMES

if TYPE_CHECKING:
    from chalicelib.domain import permissions

# Issue 26's scale rows (bench/scale26.py): an account whose members vary in every sorted column, with custom
# groups, contacts in every category, invitations and an audit log; and one user in many accounts.
TITLES = ["CEO", "Designer", "Developer", "Bookkeeper", "Support", "Sales", "Ops"]
TEAM = 20  # the custom group the `group_id` row lists
CATEGORIES = ("general", "product", "domain", "invoice", "support", "affiliate")
AUDIT_TYPES = (
    "member.updated",
    "contact.updated",
    "invitation.created",
    "member.deactivated",
    "contact.created",
)
RARE_TYPE = "group.deleted"  # one audit event in a thousand: the two-filter row's rare type


def seed_varied(deps: Any, members: int) -> dict[str, Any]:
    """One account: an owner and `members` - 1 members (every 25th an admin, every 10th deactivated, names,
    titles, join and login times varied), a custom group of TEAM members, one granting `tickets` (every 50th
    member), N / 5 pending invitations, N / 5 contacts opted in to one or two categories, and N audit events
    of several types by ten actors. Answers ids and emails the bench's requests name."""
    from chalicelib.ids import new_id
    from chalicelib.store.accounts import new_account_item
    from chalicelib.store.models import Item

    now = deps.now()
    account = new_account_item(new_id("acc"), "Scale Agency", now)
    with Item.batch_write() as batch:
        groups = _groups(batch, account.account_id, members, now)
        people = _varied_members(batch, account.account_id, members, groups, now)
        _invitations(batch, deps, account.account_id, members // 5)
        _varied_contacts(batch, account.account_id, max(members // 5, 10), now)
        _audit_log(batch, deps, account.account_id, people, members, now)
        account.owner_user_id = people[0][0]
        account.member_count = members
        batch.save(account)
    token = deps.tokens.issue(people[0][0], 0, now, via="password").token
    member_id, member_email = people[3]  # an active member of the default group
    return {
        "account_id": account.account_id,
        "token": token,
        "owner_email": people[0][1],
        "member_email": member_email,
        "member_id": member_id,
        "group_id": groups["team"],
        "actor_id": people[1][0],
        "target_id": member_id,
    }


def _groups(batch: Any, account_id: str, members: int, now: Any) -> dict[str, str]:
    from chalicelib.store.groups import name_item, new_group_item

    sizes = {"team": TEAM, "desk": len(range(7, members, 50)), "empty": 0}
    grants = {"team": ["domains"], "desk": ["tickets"], "empty": ["invoices"]}
    ids: dict[str, str] = {}
    for label, size in sizes.items():
        group = new_group_item(account_id, f"grp-{label}", label.title(), None, grants[label], None, now)
        group.member_count = size
        batch.save(group)
        batch.save(name_item(group, group.name))
        ids[label] = group.group_id
    return ids


def _member_shape(
    i: int, groups: dict[str, str]
) -> tuple[permissions.Role, list[str], permissions.MemberStatus, str | None]:
    """Member i's role, permissions, status and custom group."""
    if i == 0:
        return "owner", [], "active", None
    status: permissions.MemberStatus = "deactivated" if i % 10 == 0 else "active"
    if 2 <= i < 2 + TEAM:
        return "member", [], status, groups["team"]
    if i % 50 == 7:
        return "member", [], status, groups["desk"]
    if i % 25 == 1:
        return "admin", [], status, None
    return "member", ["tickets"] if i % 3 == 0 else ["domains"], status, None


def _varied_members(
    batch: Any, account_id: str, members: int, groups: dict[str, str], now: Any
) -> list[tuple[str, str]]:
    """Each member's user, login, membership and email claim; answers (user id, email) in order."""
    from datetime import timedelta

    from chalicelib.ids import new_id
    from chalicelib.store.invitations import claim_item
    from chalicelib.store.members import new_membership_item
    from chalicelib.store.users import new_user_items

    people: list[tuple[str, str]] = []
    for i in range(members):
        user_id, email = new_id("usr"), f"m{(i * 7919) % 100003:06d}.{i}@scale.example"
        profile = {
            "first_name": FIRST_NAMES[i % len(FIRST_NAMES)],
            "last_name": f"Person{(i * 31) % 997:03d}",
        }
        user, login = new_user_items(user_id, email, "$argon2id$not-usable", profile, now - timedelta(days=1))
        user.last_login_at = now - timedelta(minutes=(i * 37) % 5000) if i % 4 else None
        login.account_ids = {account_id}
        role, permissions, status, group_id = _member_shape(i, groups)
        membership = new_membership_item(
            account_id,
            user_id,
            role,
            permissions,
            now - timedelta(minutes=(i * 53) % 9973),
            user=user,
            account_name="Scale Agency",
            status=status,
            group_id=group_id,
            contact={"title": TITLES[i % len(TITLES)]},
        )
        claim = claim_item(account_id, email, "member", user_id, None)
        claim.member_status = status if status != "active" else None
        for item in (user, login, membership, claim):
            batch.save(item)
        people.append((user_id, email))
    return people


def _invitations(batch: Any, deps: Any, account_id: str, count: int) -> None:
    from chalicelib.services.invitations import new_invitation
    from chalicelib.store.invitations import claim_item

    for i in range(count):
        new, _ = new_invitation(deps, account_id, f"invitee{i:05d}@scale.example", "member", [], None, {})
        batch.save(new.invitation)
        batch.save(new.link)
        batch.save(
            claim_item(
                account_id,
                new.invitation.email,
                "invitation",
                new.invitation.invitation_id,
                new.invitation.expires_at,
            )
        )


def _varied_contacts(batch: Any, account_id: str, count: int, now: Any) -> None:
    """Contact i opts in to category i mod 6, and every third also to the next one."""
    from chalicelib.ids import new_id
    from chalicelib.store import contacts as store

    for i in range(count):
        prefs = [CATEGORIES[i % 6]] + ([CATEGORIES[(i + 1) % 6]] if i % 3 == 0 else [])
        contact = store.new_contact_item(
            new_id("con"), account_id, f"contact{i:05d}@client.example", prefs, {"first_name": "C"}, now
        )
        for item in (contact, store.contact_email_item(contact), *store.category_items(contact)):
            batch.save(item)


def _audit_log(
    batch: Any, deps: Any, account_id: str, people: list[tuple[str, str]], count: int, now: Any
) -> None:
    """`count` events, newest last: types cycling through AUDIT_TYPES (RARE_TYPE every 1,000th), actors the
    first ten people, targets cycling through the first hundred."""
    from datetime import timedelta

    from chalicelib.domain.audit import Actor, Event, Target, as_event_type
    from chalicelib.store.audit import audit_item

    for i in range(count):
        kind = RARE_TYPE if i % 1000 == 500 else AUDIT_TYPES[i % len(AUDIT_TYPES)]
        actor_id, actor_email = people[i % min(10, len(people))]
        target_id, target_email = people[(i * 7) % min(100, len(people))]
        actor, target = Actor("user", actor_id, actor_email), Target("member", target_id, target_email)
        event = Event(as_event_type(kind), account_id, actor, target, now - timedelta(seconds=count - i))
        batch.save(audit_item(event, deps.settings.audit_retention_days))


def seed_user_in(deps: Any, accounts: int, password_hash: str) -> tuple[str, str]:
    """A user who is a member (with `tickets`) of `accounts` accounts, each with that one member; answers the
    user's email and the first account's id."""
    from chalicelib.ids import new_id
    from chalicelib.store.accounts import new_account_item
    from chalicelib.store.invitations import claim_item
    from chalicelib.store.members import new_membership_item
    from chalicelib.store.models import Item
    from chalicelib.store.users import new_user_items

    now = deps.now()
    email = f"many{accounts}@scale.example"
    user, login = new_user_items(
        new_id("usr"), email, password_hash, {"first_name": "Mia", "last_name": "Many"}, now
    )
    ids = [new_id("acc") for _ in range(accounts)]
    login.account_ids = set(ids)
    with Item.batch_write() as batch:
        batch.save(user)
        batch.save(login)
        for k, account_id in enumerate(ids):
            account = new_account_item(account_id, f"Client {(k * 7919) % 1009:04d}", now)
            account.member_count = 1
            membership = new_membership_item(
                account_id, user.user_id, "member", ["tickets"], now, user=user, account_name=account.name
            )
            for item in (account, membership, claim_item(account_id, email, "member", user.user_id, None)):
                batch.save(item)
    return email, ids[0]
