"""Bulk seeding through the store's own item builders (BatchWriteItem): a big account in seconds, for the
scale bench (bench/scale.py) and the round-trip bounds at a modest N (tests/api/test_round_trips.py)."""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Any

FIRST_NAMES = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun"]  # ties on purpose


def seed(deps: Any, members: int, invitations: int, contacts: int) -> tuple[str, str, dict[str, int]]:
    """An account with an owner, `members` more members (every tenth deactivated), `invitations` pending
    invitations and `contacts` contacts (every fifth opted in to `invoice`), written with BatchWriteItem
    through the store's own item builders. Answers the account id, the owner's token and the counts."""
    from chalicelib.ids import new_id
    from chalicelib.store.accounts import new_account_item
    from chalicelib.store.models import Item

    now = deps.now()
    account = new_account_item(new_id("acc"), "Big Agency", now)
    with Item.batch_write() as batch:
        owner_id, deactivated = _seed_members(batch, account.account_id, members, now)
        _seed_invitations(deps, batch, account.account_id, invitations)
        invoice = _seed_contacts(batch, account.account_id, contacts, now)
        account.owner_user_id = owner_id
        account.member_count = members + 1
        batch.save(account)
    token = deps.tokens.issue(owner_id, 0, now, via="password").token
    return account.account_id, token, {"members": members + 1, "deactivated": deactivated, "invoice": invoice}


def _seed_members(batch: Any, account_id: str, members: int, now: datetime) -> tuple[str, int]:
    """The owner (i = 0) and the members, each with a user, a login and a claim; (owner id, deactivated)."""
    from chalicelib.domain.permissions import MemberStatus, Role
    from chalicelib.ids import new_id
    from chalicelib.store.invitations import claim_item
    from chalicelib.store.members import new_membership_item
    from chalicelib.store.users import new_user_items

    # The bench runs this against older commits too, whose builder took no user.
    takes_user = "user" in inspect.signature(new_membership_item).parameters
    named = "account_name" in inspect.signature(new_membership_item).parameters
    owner_id, deactivated = "", 0
    for i in range(members + 1):
        user_id = new_id("usr")
        email = "owner@big.example" if i == 0 else f"member{i:05d}@big.example"
        profile = {
            "first_name": FIRST_NAMES[i % len(FIRST_NAMES)],
            "last_name": f"Person{(i * 7919) % 997:03d}",
        }
        user, login = new_user_items(user_id, email, "$argon2id$not-usable", profile, now)
        login.account_ids = {account_id}
        status: MemberStatus = "deactivated" if i and i % 10 == 0 else "active"
        deactivated += status == "deactivated"
        extra: dict[str, Any] = {"user": user} if takes_user else {}
        if named:  # the account's name in the gsi1 key
            extra["account_name"] = "Big Agency"
        role: Role = "owner" if i == 0 else "member"
        grant = [] if i == 0 else ["tickets"]
        contact = {"title": f"Title {i % 13}"}
        membership = new_membership_item(
            account_id, user_id, role, grant, now, status=status, contact=contact, **extra
        )
        claim = claim_item(account_id, email, "member", user_id, None)
        if status != "active":
            claim.member_status = status
        for item in (user, login, membership, claim):
            batch.save(item)
        owner_id = owner_id or user_id
    return owner_id, deactivated


def _seed_invitations(deps: Any, batch: Any, account_id: str, invitations: int) -> None:
    from chalicelib.services.invitations import new_invitation
    from chalicelib.store.invitations import claim_item

    for i in range(invitations):
        new, _ = new_invitation(deps, account_id, f"invitee{i:05d}@big.example", "member", [], None, {})
        invitation = new.invitation
        batch.save(invitation)
        batch.save(new.link)
        claim = claim_item(
            account_id, invitation.email, "invitation", invitation.invitation_id, invitation.expires_at
        )
        batch.save(claim)


def _seed_contacts(batch: Any, account_id: str, contacts: int, now: datetime) -> int:
    """The contacts (every fifth opted in to `invoice`, the rest to `general`); answers how many to
    invoice."""
    from chalicelib.ids import new_id
    from chalicelib.store import contacts as contact_store

    categories = getattr(contact_store, "category_items", None)  # older commits kept no category rows
    invoice = 0
    for i in range(contacts):
        prefs = ["invoice"] if i % 5 == 0 else ["general"]
        invoice += i % 5 == 0
        email = f"contact{i:05d}@client.example"
        contact = contact_store.new_contact_item(
            new_id("con"), account_id, email, prefs, {"first_name": "C"}, now
        )
        batch.save(contact)
        batch.save(contact_store.contact_email_item(contact))
        for row in categories(contact) if categories else []:
            batch.save(row)
    return invoice
