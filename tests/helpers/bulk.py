"""Bulk seeding through the store's own item builders (BatchWriteItem): a big account in seconds, for the
scale bench (bench/scale.py) and the round-trip bounds at a modest N (tests/api/test_round_trips.py)."""

from __future__ import annotations

import inspect
from typing import Any

FIRST_NAMES = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun"]  # ties on purpose


def seed(deps: Any, members: int, invitations: int, contacts: int) -> tuple[str, str, dict[str, int]]:
    """An account with an owner, `members` more members (every tenth deactivated), `invitations` pending
    invitations and `contacts` contacts (every fifth opted in to `invoice`), written with BatchWriteItem
    through the store's own item builders. Answers the account id, the owner's token and the counts."""
    from chalicelib.domain.permissions import MemberStatus
    from chalicelib.ids import new_id
    from chalicelib.services.invitations import new_invitation
    from chalicelib.store import contacts as contact_store
    from chalicelib.store.accounts import new_account_item
    from chalicelib.store.invitations import claim_item
    from chalicelib.store.members import new_membership_item
    from chalicelib.store.models import Item
    from chalicelib.store.users import new_user_items

    now = deps.now()
    account = new_account_item(new_id("acc"), "Big Agency", now)
    takes_user = "user" in inspect.signature(new_membership_item).parameters
    categories = getattr(contact_store, "category_items", None)
    owner_id = ""
    deactivated = 0
    with Item.batch_write() as batch:
        for i in range(members + 1):
            user_id = new_id("usr")
            email = "owner@big.example" if i == 0 else f"member{i:05d}@big.example"
            profile = {
                "first_name": FIRST_NAMES[i % len(FIRST_NAMES)],
                "last_name": f"Person{(i * 7919) % 997:03d}",
            }
            user, login = new_user_items(user_id, email, "$argon2id$not-usable", profile, now)
            login.account_ids = {account.account_id}
            status: MemberStatus = "deactivated" if i and i % 10 == 0 else "active"
            deactivated += status == "deactivated"
            extra: dict[str, Any] = {"user": user} if takes_user else {}
            membership = new_membership_item(
                account.account_id, user_id, "owner" if i == 0 else "member", [] if i == 0 else ["tickets"],
                now, status=status, contact={"title": f"Title {i % 13}"}, **extra,
            )  # fmt: skip
            claim = claim_item(account.account_id, email, "member", user_id, None)
            if status != "active":
                claim.member_status = status
            for item in (user, login, membership, claim):
                batch.save(item)
            if i == 0:
                owner_id = user_id
        for i in range(invitations):
            new, _ = new_invitation(
                deps, account.account_id, f"invitee{i:05d}@big.example", "member", [], None, {}
            )
            batch.save(new.invitation)
            batch.save(new.link)
            batch.save(claim_item(account.account_id, new.invitation.email, "invitation",
                                  new.invitation.invitation_id, new.invitation.expires_at))  # fmt: skip
        invoice = 0
        for i in range(contacts):
            prefs = ["invoice"] if i % 5 == 0 else ["general"]
            invoice += i % 5 == 0
            contact = contact_store.new_contact_item(
                new_id("con"),
                account.account_id,
                f"contact{i:05d}@client.example",
                prefs,
                {"first_name": "C"},
                now,
            )
            batch.save(contact)
            batch.save(contact_store.contact_email_item(contact))
            for row in categories(contact) if categories else []:
                batch.save(row)
        account.owner_user_id = owner_id
        account.member_count = members + 1
        batch.save(account)
    token = deps.tokens.issue(owner_id, 0, now).token
    return account.account_id, token, {"members": members + 1, "deactivated": deactivated, "invoice": invoice}
