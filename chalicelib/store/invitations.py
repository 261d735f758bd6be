"""Access patterns of invitations, their email claims and links.

Invariant kept by every write here: while an invitation item exists, its account's claim on its email
names it. So deleting an invitation always deletes (or hands over) that claim in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from chalicelib.store import keys
from chalicelib.store.models import (
    AccountItem,
    EmailClaimItem,
    InvitationItem,
    LinkItem,
    LoginItem,
    MembershipItem,
    UserItem,
)
from chalicelib.store.table import ConditionalTransaction, get_item, get_items, transaction

# 4 items per invitation (invitation, link, claim, and the expired invitation a claim may replace):
# 25 invitations fill a 100-item transaction.
INVITATIONS_PER_TRANSACTION = 25


@dataclass
class NewInvitation:
    invitation: InvitationItem
    link: LinkItem
    replaces: str | None = None  # id of an expired invitation whose claim this one takes over


def claim_item(
    account_id: str, email: str, holder: str, ref_id: str, expires_at: datetime | None
) -> EmailClaimItem:
    pk, sk = keys.email_claim(account_id, email)
    return EmailClaimItem(pk, sk, email=email, holder=holder, ref_id=ref_id, expires_at=expires_at)


def link_item(token_hash: str, invitation: InvitationItem) -> LinkItem:
    pk, sk = keys.link(token_hash)
    return LinkItem(
        pk,
        sk,
        purpose="invitation",
        expires_at=invitation.expires_at,
        email=invitation.email,
        account_id=invitation.account_id,
        invitation_id=invitation.invitation_id,
        ttl=invitation.expires_at,
    )


def set_expiry_keys(invitation: InvitationItem) -> None:
    from chalicelib.store.models import format_time

    invitation.gsi2pk, invitation.gsi2sk = keys.invitation_expiry_gsi2(
        invitation.invitation_id, format_time(invitation.expires_at)
    )
    invitation.ttl = invitation.expires_at


class InvitationStore:
    def claims(self, account_id: str, emails: list[str]) -> dict[str, EmailClaimItem]:
        found = get_items(keys.email_claim(account_id, email) for email in emails)
        return {item.email: item for item in found.values() if isinstance(item, EmailClaimItem)}

    def create_invitations(self, new: list[NewInvitation], now: datetime) -> set[str]:
        """Writes each invitation with its link and claim; returns the emails another request claimed
        first. A chunk cancelled by one lost race is retried without the losers."""
        lost: set[str] = set()
        for start in range(0, len(new), INVITATIONS_PER_TRANSACTION):
            pending = new[start : start + INVITATIONS_PER_TRANSACTION]
            while pending:
                losers = self._write_chunk(pending, now)
                if not losers:
                    break
                lost |= losers
                pending = [n for n in pending if n.invitation.email not in losers]
        return lost

    def _write_chunk(self, chunk: list[NewInvitation], now: datetime) -> set[str]:
        try:
            with transaction() as tx:
                for entry in chunk:
                    inv = entry.invitation
                    claim = claim_item(
                        inv.account_id, inv.email, "invitation", inv.invitation_id, inv.expires_at
                    )
                    if entry.replaces:
                        free = (EmailClaimItem.ref_id == entry.replaces) & (EmailClaimItem.expires_at <= now)
                        old_pk, old_sk = keys.invitation(inv.account_id, entry.replaces)
                        tx.delete(InvitationItem(old_pk, old_sk))
                    else:
                        free = EmailClaimItem.pk.does_not_exist()
                    tx.save(claim, condition=free)
                    tx.save(inv, condition=InvitationItem.pk.does_not_exist())
                    tx.save(entry.link, condition=LinkItem.pk.does_not_exist())
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            reasons = error.cancellation_reasons or []
            failed = {
                i for i, reason in enumerate(reasons) if reason and reason.code == "ConditionalCheckFailed"
            }
            ranges = zip(chunk, _item_ranges(chunk), strict=True)
            losers = {entry.invitation.email for entry, items in ranges if failed & items}
            if not losers:
                raise
            return losers
        return set()

    def get_invitation(self, account_id: str, invitation_id: str) -> InvitationItem | None:
        return get_item(InvitationItem, keys.invitation(account_id, invitation_id))

    def invitations_of(self, account_id: str) -> list[InvitationItem]:
        pk, prefix = keys.invitations_of(account_id)
        return list(InvitationItem.query(pk, InvitationItem.sk.startswith(prefix), consistent_read=True))

    def mark_undelivered(self, invitations: list[InvitationItem]) -> None:
        for invitation in invitations:
            invitation.update(
                actions=[InvitationItem.delivery.set("failed")], condition=InvitationItem.pk.exists()
            )

    def resend(
        self, invitation: InvitationItem, old_hash: str, new_link: LinkItem, not_sent_since: datetime
    ) -> bool:
        """Stores the invitation as the caller changed it (new token hash, expiry, count) with its new link,
        in one transaction; False if it was resent, revoked or accepted meanwhile."""
        set_expiry_keys(invitation)
        claim_pk, claim_sk = keys.email_claim(invitation.account_id, invitation.email)
        attempt = ConditionalTransaction()
        with attempt as tx:
            tx.save(
                invitation,
                condition=(InvitationItem.token_hash == old_hash)
                & (InvitationItem.last_sent_at <= not_sent_since),
            )
            tx.delete(LinkItem(*keys.link(old_hash)))
            tx.save(new_link, condition=LinkItem.pk.does_not_exist())
            tx.update(
                EmailClaimItem(claim_pk, claim_sk),
                actions=[EmailClaimItem.expires_at.set(invitation.expires_at)],
                condition=EmailClaimItem.ref_id == invitation.invitation_id,
            )
        return attempt.committed

    def revoke(self, invitation: InvitationItem) -> bool:
        claim_pk, claim_sk = keys.email_claim(invitation.account_id, invitation.email)
        attempt = ConditionalTransaction()
        with attempt as tx:
            tx.delete(invitation, condition=InvitationItem.pk.exists())
            tx.delete(LinkItem(*keys.link(invitation.token_hash)))
            tx.delete(
                EmailClaimItem(claim_pk, claim_sk),
                condition=EmailClaimItem.ref_id == invitation.invitation_id,
            )
        return attempt.committed

    def invitation_context(
        self, link: LinkItem
    ) -> tuple[InvitationItem | None, LoginItem | None, AccountItem | None]:
        """What accepting or looking up a link needs, in one BatchGetItem."""
        account_id, invitation_id = link.account_id or "", link.invitation_id or ""
        found = get_items(
            [keys.invitation(account_id, invitation_id), keys.login(link.email), keys.account(account_id)]
        )
        invitation = found.get(keys.invitation(account_id, invitation_id))
        login = found.get(keys.login(link.email))
        account = found.get(keys.account(account_id))
        return (
            invitation if isinstance(invitation, InvitationItem) else None,
            login if isinstance(login, LoginItem) else None,
            account if isinstance(account, AccountItem) else None,
        )

    def accept(
        self,
        invitation: InvitationItem,
        membership: MembershipItem,
        now: datetime,
        new_user: tuple[UserItem, LoginItem] | None,
        existing_user_id: str | None,
    ) -> str | None:
        """Uses the invitation exactly once: None on success, else the reason it could not be used
        ("used", "email_taken", "already_member", "owner_taken")."""
        account_id, email, user_id = invitation.account_id, invitation.email, membership.user_id
        blame: list[str] = []  # per transaction item, in order: what its failed condition means
        try:
            with transaction() as tx:
                tx.delete(
                    invitation,
                    condition=(InvitationItem.token_hash == invitation.token_hash)
                    & (InvitationItem.expires_at > now),
                )
                tx.delete(LinkItem(*keys.link(invitation.token_hash)))
                tx.save(
                    claim_item(account_id, email, "member", user_id, None),
                    condition=EmailClaimItem.ref_id == invitation.invitation_id,
                )
                tx.save(membership, condition=MembershipItem.pk.does_not_exist())
                blame += ["used", "used", "used", "already_member"]
                account_actions = [AccountItem.member_count.add(1)]
                account_condition = AccountItem.pk.exists()
                if invitation.role == "owner":
                    account_actions.append(AccountItem.owner_user_id.set(user_id))
                    account_condition &= AccountItem.owner_user_id.does_not_exist()
                tx.update(
                    AccountItem(*keys.account(account_id)),
                    actions=account_actions,
                    condition=account_condition,
                )
                blame.append("owner_taken")
                if new_user is not None:
                    user, login = new_user
                    tx.save(login, condition=LoginItem.pk.does_not_exist())
                    tx.save(user, condition=UserItem.pk.does_not_exist())
                    blame += ["email_taken", "email_taken"]
                elif existing_user_id is not None:
                    tx.update(
                        UserItem(*keys.user(existing_user_id)),
                        actions=[UserItem.last_login_at.set(now)],
                        condition=UserItem.pk.exists(),
                    )
                    blame.append("used")
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            for meaning, reason in zip(blame, error.cancellation_reasons or [], strict=False):
                if reason is not None and reason.code == "ConditionalCheckFailed":
                    return meaning
            return "used"
        return None

    def expired_invitations(self, now: datetime) -> list[InvitationItem]:
        """Query each expiry shard up to now: reads grow with what has expired, not with the table."""
        from chalicelib.store.models import format_time

        bound = keys.expiry_upper_bound(format_time(now))
        found: list[InvitationItem] = []
        for partition in keys.expiry_partitions():
            found.extend(InvitationItem.by_expiry.query(partition, InvitationItem.gsi2sk <= bound))
        return found

    def delete_expired(self, invitations: list[InvitationItem], now: datetime) -> int:
        """Deletes expired invitations with their links and claims, 33 to a transaction; a chunk that a
        concurrent resend or accept cancels is retried one invitation at a time. Returns how many went."""
        deleted = 0
        for start in range(0, len(invitations), 33):
            chunk = invitations[start : start + 33]
            if self._delete_expired_chunk(chunk, now):
                deleted += len(chunk)
            elif len(chunk) > 1:
                deleted += sum(self._delete_expired_chunk([one], now) for one in chunk)
        return deleted

    def _delete_expired_chunk(self, chunk: list[InvitationItem], now: datetime) -> bool:
        attempt = ConditionalTransaction()
        with attempt as tx:
            for invitation in chunk:
                claim_pk, claim_sk = keys.email_claim(invitation.account_id, invitation.email)
                tx.delete(
                    InvitationItem(*keys.invitation(invitation.account_id, invitation.invitation_id)),
                    condition=InvitationItem.expires_at <= now,
                )
                tx.delete(LinkItem(*keys.link(invitation.token_hash)))
                tx.delete(
                    EmailClaimItem(claim_pk, claim_sk),
                    condition=EmailClaimItem.ref_id == invitation.invitation_id,
                )
        return attempt.committed


def _item_ranges(chunk: list[NewInvitation]) -> list[set[int]]:
    """Which transaction item positions belong to each invitation (for reading cancellation reasons)."""
    ranges, position = [], 0
    for entry in chunk:
        size = 4 if entry.replaces else 3
        ranges.append(set(range(position, position + size)))
        position += size
    return ranges
