"""Access patterns of invitations, their email claims and links.

Invariant kept by every write here: while an invitation item exists, its account's claim on its email
names it. So deleting an invitation always deletes (or hands over) that claim in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pynamodb.expressions.condition import Condition

from chalicelib.domain.groups import group_of
from chalicelib.domain.invitations import LinkEnd
from chalicelib.domain.lockout import FailureWindow
from chalicelib.domain.outbox import Window
from chalicelib.domain.permissions import Role
from chalicelib.store import keys
from chalicelib.store.groups import GROUP_GONE, count_changes
from chalicelib.store.joining import joining, write_joining
from chalicelib.store.keys import Key
from chalicelib.store.lists import query_index
from chalicelib.store.lockouts import failure_window
from chalicelib.store.models import (
    AccountItem,
    AuditEventItem,
    EmailClaimItem,
    GroupItem,
    InvitationItem,
    LinkItem,
    LoginItem,
    MailItem,
    MembershipItem,
    UserItem,
    format_time,
)
from chalicelib.store.outbox import (
    ACCOUNT_LIMIT,
    count_account_invitations,
    count_email_to,
    limit_label,
    queue,
)
from chalicelib.store.table import T, get_item, get_items
from chalicelib.store.tx import Outcome, Tx, holding, room


@dataclass(frozen=True)
class InvitationContext:
    """What opening an invitation link reads with it: the invitation, its account and custom group, the
    email's login and failed logins, and the user the link names as a hint (None unless that is the user
    the login names now)."""

    invitation: InvitationItem | None
    login: LoginItem | None
    account: AccountItem | None
    group: GroupItem | None
    failures: FailureWindow | None
    user: UserItem | None


# Each invitation writes 3 to 8 items (claim, invitation, link; its audit event, an expired one it replaces,
# its email in the outbox, the address's hour and day counts); a transaction also holds the group's count and
# the account's day count. Invitations fill transactions up to their room (DynamoDB's 100, less a rider's
# one): 14 typical ones each.
RESERVED_PER_TRANSACTION = 2


def items_of(entry: NewInvitation) -> int:
    replaced = 2 if entry.replaces else 0  # the expired invitation and its event
    return 3 + replaced + sum(x is not None for x in (entry.event, entry.mail)) + len(entry.windows)


def chunks(new: list[NewInvitation]) -> list[list[NewInvitation]]:
    """The invitations in order, in as few transactions as they fit."""
    found: list[list[NewInvitation]] = []
    space = 0
    for entry in new:
        if not found or items_of(entry) > space:
            found.append([])
            space = room() - RESERVED_PER_TRANSACTION
        found[-1].append(entry)
        space -= items_of(entry)
    return found


PURGED_PER_TRANSACTION = 20


@dataclass(frozen=True)
class Written:
    lost: set[str]  # emails another request claimed first
    group_gone: bool = False
    limited: dict[str, Window] = field(default_factory=dict)  # emails whose address had its fill, and where
    over_account_limit: set[str] = field(default_factory=set)  # emails left out: the account's day is full


def _copied_from(membership: MembershipItem) -> Condition:
    """The user exists with the fields the membership copied from them, as they are now."""
    return holding(
        UserItem, {name: getattr(membership, name) for name in ("email", "first_name", "last_name")}
    )


def count_invitations(tx: Tx, entries: list[NewInvitation], delta: int) -> None:
    """Each new invitation on its group's count, and each expired one it replaces off its own (one update
    per group: a transaction may touch an item once)."""
    if entries:
        account_id = entries[0].invitation.account_id
        changes: list[tuple[str | None, str, int]] = [
            (e.invitation.group_id, "invitation_count", delta) for e in entries
        ]
        changes += [(e.replaces.group_id, "invitation_count", -1) for e in entries if e.replaces]
        count_changes(tx, account_id, changes)


@dataclass(frozen=True)
class Replaced:
    """An expired invitation whose email a new one takes: deleted with its claim taken over, off its
    group's count, and its expiry recorded, all in the new one's transaction."""

    invitation_id: str
    group_id: str | None
    event: AuditEventItem | None = None


@dataclass
class NewInvitation:
    invitation: InvitationItem
    link: LinkItem
    replaces: Replaced | None = None  # an expired invitation whose claim this one takes over
    event: AuditEventItem | None = None  # its invitation.created, written with it
    mail: MailItem | None = None  # its email, into the outbox with it
    windows: tuple[Window, ...] = ()  # where that email counts against the address's limits


def new_invitation_item(
    invitation_id: str, account_id: str, email: str, role: Role, permissions: list[str], token_hash: str,
    now: datetime, expires_at: datetime, invited_by: str | None, invited_by_name: str | None,
    details: Mapping[str, object],
) -> InvitationItem:  # fmt: skip
    """A pending invitation with its expiry index keys; `details`: its optional fields (message, profile)."""
    invitation = InvitationItem(
        *keys.invitation(account_id, invitation_id), invitation_id=invitation_id, account_id=account_id,
        email=email, role=role, permissions=permissions, invited_by=invited_by,
        invited_by_name=invited_by_name, created_at=now, last_sent_at=now, send_count=1,
        expires_at=expires_at, delivery="queued", token_hash=token_hash,
    )  # fmt: skip
    for name, value in details.items():
        if value is not None:
            setattr(invitation, name, value)
    set_expiry_keys(invitation)
    return invitation


def claim_item(
    account_id: str, email: str, holder: str, ref_id: str, expires_at: datetime | None,
    group_id: str | None = None,
) -> EmailClaimItem:  # fmt: skip
    """`group_id`: an invitation's ("" for none), so the invitation that takes its expired claim over
    knows which group's count to lower without reading it."""
    pk, sk = keys.email_claim(account_id, email)
    return EmailClaimItem(
        pk, sk, email=email, holder=holder, ref_id=ref_id, expires_at=expires_at, group_id=group_id
    )


def link_item(token_hash: str, invitation: InvitationItem, login_user_id: str | None = None) -> LinkItem:
    """`login_user_id`: the user the email's login named when the link was made (a hint, see LinkItem)."""
    return LinkItem(
        *keys.link(token_hash), purpose="invitation", expires_at=invitation.expires_at,
        email=invitation.email, account_id=invitation.account_id, invitation_id=invitation.invitation_id,
        ttl=invitation.expires_at, group_id=invitation.group_id, user_id=login_user_id,
    )  # fmt: skip


def ended_link(token_hash: str, invitation: InvitationItem, ended: LinkEnd) -> LinkItem:
    """The link as a tombstone that opens nothing: it only tells its holder why (accepted, revoked or
    replaced), until its TTL, the invitation's expiry when the link was made (read `invitation` before a
    resend changes it). Written whole, over the link or where DynamoDB's TTL removed it already."""
    tombstone = link_item(token_hash, invitation)
    tombstone.ended = ended
    return tombstone


def set_expiry_keys(invitation: InvitationItem) -> None:
    """The purge's key (gsi2) and the list's (gsi3, and gsi4 for the invitation's group), by expiry."""
    expires = format_time(invitation.expires_at)
    invitation.gsi2pk, invitation.gsi2sk = keys.invitation_expiry_gsi2(invitation.invitation_id, expires)
    invitation.gsi3pk, invitation.gsi3sk, invitation.gsi4pk, invitation.gsi4sk = keys.invitation_index_keys(
        invitation.account_id, invitation.invitation_id, group_of(invitation.group_id), expires
    )
    # No TTL: DynamoDB's would delete it behind the purge's back, leaving its group's count up and no
    # invitation.expired in the log. The purge (hourly) is the one way an expired invitation goes.
    invitation.ttl = None


def add_invitation(tx: Tx, entry: NewInvitation, now: datetime | None = None) -> None:
    """The invitation, its link and its claim on the email, labelled with the email: a claim already taken
    (by a member, or a pending invitation) fails the write. With `replaces`, the claim of that expired
    invitation is taken over and the expired invitation deleted."""
    inv = entry.invitation
    claim = claim_item(
        inv.account_id, inv.email, "invitation", inv.invitation_id, inv.expires_at, inv.group_id or ""
    )
    if entry.replaces and now is not None:
        old = entry.replaces
        free = (EmailClaimItem.ref_id == old.invitation_id) & (EmailClaimItem.expires_at <= now)
        # the group its count comes off must be the one it is in (a claim from before claims named groups
        # says none: one in a group then waits for the purge, which counts it right)
        in_group = (
            InvitationItem.group_id == old.group_id
            if old.group_id
            else InvitationItem.group_id.does_not_exist()
        )
        tx.delete(InvitationItem(*keys.invitation(inv.account_id, old.invitation_id)), condition=in_group,
                  label=inv.email)  # fmt: skip
        tx.record(old.event)
    else:
        free = EmailClaimItem.pk.does_not_exist()
    tx.put(claim, condition=free, label=inv.email)
    tx.put(inv, condition=InvitationItem.pk.does_not_exist(), label=inv.email)
    tx.put(entry.link, condition=LinkItem.pk.does_not_exist(), label=inv.email)
    tx.record(entry.event)
    if entry.mail is not None:
        queue(tx, entry.mail)
        count_email_to(tx, inv.email, entry.windows)


class InvitationStore:
    def listed(
        self, account_id: str, group_id: str | None, pending: bool, now: datetime, *, limit: int,
        after: str | None,
    ) -> tuple[list[InvitationItem], str | None]:  # fmt: skip
        """One page of an account's (or one group's) pending or expired invitations, latest expiry first:
        a Query of limit + 1 index keys (gsi3, gsi4 for a group), then the invitations by key, strongly
        consistent. Answers the page and the last row's index sort key when more follow."""
        index = "gsi4" if group_id else "gsi3"
        bound = keys.invitation_index_bound(format_time(now))
        upper = after if after is not None else (None if pending else bound)
        found = query_index(
            index, f"{index}pk", keys.invitations_index_partition(account_id, group_id), f"{index}sk",
            limit=limit, descending=True, above=bound if pending else None, below=upper,
        )  # fmt: skip
        wanted = [(row["pk"], row["sk"]) for row in found.rows]
        items = get_items(wanted)
        page = [i for key in wanted if isinstance(i := items.get(key), InvitationItem)]
        return page, found.rows[-1][f"{index}sk"] if found.more and found.rows else None

    def claims(self, account_id: str, emails: list[str]) -> dict[str, EmailClaimItem]:
        return self.claims_and_logins(account_id, emails, with_logins=False)[0]

    def claims_and_logins(
        self, account_id: str, emails: list[str], *, with_logins: bool = True
    ) -> tuple[dict[str, EmailClaimItem], dict[str, str]]:
        """The emails' claims on the account and, in the same BatchGetItem, the user id of each email that
        has a login (which the invitation links note: accepting then reads that user with the invitation)."""
        wanted = [keys.email_claim(account_id, email) for email in emails]
        found = get_items(wanted + ([keys.login(email) for email in emails] if with_logins else []))
        claims = {item.email: item for item in found.values() if isinstance(item, EmailClaimItem)}
        return claims, {item.email: item.user_id for item in found.values() if isinstance(item, LoginItem)}

    def create_invitations(
        self, new: list[NewInvitation], now: datetime, account_day: Window | None = None
    ) -> Written:
        """Writes each invitation with its link, claim and email, and counts them on their group (and on
        the account's day, with `account_day`); answers the emails another request claimed first, those
        whose address had its fill of emails, and those left out once the account's day was full. A chunk
        cancelled by one lost race or one full address is retried without it; a group deleted meanwhile
        stops the whole invite (`group_gone`)."""
        lost: set[str] = set()
        limited: dict[str, Window] = {}
        batches = chunks(new)
        for index, batch in enumerate(batches):
            pending = batch
            while pending:
                tx = Tx()
                for entry in pending:
                    add_invitation(tx, entry, now)
                count_invitations(tx, pending, +1)
                if account_day is not None:
                    count_account_invitations(tx, pending[0].invitation.account_id, account_day, len(pending))
                outcome = tx.commit()
                if outcome.committed:
                    break
                if GROUP_GONE in outcome.failed:
                    return Written(lost, True, limited)
                if ACCOUNT_LIMIT in outcome.failed:  # the day is full: this chunk and the rest wait
                    rest = pending + [entry for later in batches[index + 1 :] for entry in later]
                    return Written(lost, False, limited, {entry.invitation.email for entry in rest})
                losers = set(outcome.failed) & {entry.invitation.email for entry in pending}
                full = {
                    entry.invitation.email: window
                    for entry in pending
                    for window in entry.windows
                    if limit_label(window, entry.invitation.email) in outcome.failed
                }
                if not losers and not full:  # cancelled by a concurrent transaction only: the caller's retry
                    raise RuntimeError(f"invitations not written: {sorted(outcome.failed)}")
                lost |= losers
                limited |= {email: window for email, window in full.items() if email not in losers}
                pending = [n for n in pending if n.invitation.email not in losers | set(full)]
        return Written(lost, False, limited)

    def get_invitation(self, account_id: str, invitation_id: str) -> InvitationItem | None:
        return get_item(InvitationItem, keys.invitation(account_id, invitation_id))

    def invitations_of(self, account_id: str) -> list[InvitationItem]:
        pk, prefix = keys.invitations_of(account_id)
        return list(InvitationItem.query(pk, InvitationItem.sk.startswith(prefix), consistent_read=True))

    def resend(
        self, invitation: InvitationItem, old_hash: str, links: tuple[LinkItem, LinkItem],
        not_sent_since: datetime, event: AuditEventItem | None = None, mail: MailItem | None = None,
        windows: tuple[Window, ...] = (),
    ) -> Outcome:  # fmt: skip
        """Stores the invitation as the caller changed it (new token hash, expiry, count) with its links (the
        old one ended as "replaced", see `ended_link`, and the new one) and its email (counted against the
        address's `windows`: a full one fails with its limit_label), in one transaction; fails if it was
        resent, revoked or accepted meanwhile."""
        replaced, new_link = links
        set_expiry_keys(invitation)
        tx = (
            Tx()
            .record(event)
            .put(
                invitation,
                condition=(InvitationItem.token_hash == old_hash)
                & (InvitationItem.last_sent_at <= not_sent_since),
            )
        )
        tx.put(replaced)  # over the old link (old_hash), as unconditional as deleting it was
        tx.put(new_link, condition=LinkItem.pk.does_not_exist())
        tx.update(
            EmailClaimItem(*keys.email_claim(invitation.account_id, invitation.email)),
            [EmailClaimItem.expires_at.set(invitation.expires_at)],
            condition=EmailClaimItem.ref_id == invitation.invitation_id,
        )
        if mail is not None:
            queue(tx, mail)
            count_email_to(tx, invitation.email, windows)
        return tx.commit()

    def revoke(self, invitation: InvitationItem, event: AuditEventItem | None = None) -> Outcome:
        """Deletes the invitation and its claim; its link is left ended as "revoked" (`ended_link`)."""
        tx = Tx().record(event).delete(invitation, condition=InvitationItem.pk.exists())
        tx.put(ended_link(invitation.token_hash, invitation, "revoked"))
        tx.delete(
            EmailClaimItem(*keys.email_claim(invitation.account_id, invitation.email)),
            condition=EmailClaimItem.ref_id == invitation.invitation_id,
        )
        count_changes(tx, invitation.account_id, [(invitation.group_id, "invitation_count", -1)])
        return tx.commit()

    def invitation_context(self, link: LinkItem) -> InvitationContext:
        """What accepting or looking up a link needs, in one BatchGetItem: with the invitation's custom group,
        which its link names, and for accepting with a password the email's failed logins and the user the
        link names (a hint taken when it was sent: the login read here decides)."""
        account_id, invitation_id = link.account_id or "", link.invitation_id or ""
        wanted = [
            keys.invitation(account_id, invitation_id),
            keys.login(link.email),
            keys.login_failures(link.email),
            keys.account(account_id),
        ]
        if link.group_id:
            wanted.append(keys.group(account_id, link.group_id))
        if link.user_id:
            wanted.append(keys.user(link.user_id))
        found = get_items(wanted)

        def take(key: Key | None, kind: type[T]) -> T | None:
            item = found.get(key) if key is not None else None
            return item if isinstance(item, kind) else None

        login = take(keys.login(link.email), LoginItem)
        user = take(keys.user(link.user_id) if link.user_id else None, UserItem)
        return InvitationContext(
            invitation=take(keys.invitation(account_id, invitation_id), InvitationItem),
            login=login,
            account=take(keys.account(account_id), AccountItem),
            group=take(keys.group(account_id, link.group_id) if link.group_id else None, GroupItem),
            failures=failure_window(found, link.email),
            user=user if user is not None and login is not None and user.user_id == login.user_id else None,
        )

    def accept(
        self,
        invitation: InvitationItem,
        membership: MembershipItem,
        now: datetime,
        new_user: tuple[UserItem, LoginItem] | None,
        existing_user_id: str | None,
        event: AuditEventItem | None = None,
    ) -> Outcome:
        """Uses the invitation exactly once, leaving its link ended as "accepted" (`ended_link`; never over an
        ended one). Failure labels: "used" (accepted, revoked, resent or expired meanwhile),
        "already_member", "owner_taken", "email_taken" (a login was created meanwhile), "renamed" (the
        existing user changed their name since it was read, or is gone: read it again)."""
        account_id, email = invitation.account_id, invitation.email
        tx = (
            Tx()
            .record(event)
            .delete(
                invitation,
                condition=(InvitationItem.token_hash == invitation.token_hash)
                & (InvitationItem.expires_at > now),
                label="used",
            )
        )
        tx.put(
            ended_link(invitation.token_hash, invitation, "accepted"),
            condition=LinkItem.ended.does_not_exist(),
            label="used",
        )
        write_joining(
            tx, joining(membership, email), claim_of=invitation.invitation_id,
            list_login=new_user is None and existing_user_id is not None,
            counts=[(invitation.group_id, "invitation_count", -1)],
        )  # fmt: skip
        if new_user is not None:
            user, login = new_user
            login.account_ids = {account_id}
            tx.put(login, condition=LoginItem.pk.does_not_exist(), label="email_taken")
            tx.put(user, condition=UserItem.pk.does_not_exist(), label="email_taken")
        elif existing_user_id is not None:
            # The membership copies the user's email and names: a rename committed since they were read
            # would find no membership to rewrite (the login did not list this account yet).
            tx.update(
                UserItem(*keys.user(existing_user_id)), [UserItem.last_login_at.set(now)],
                condition=_copied_from(membership), label="renamed",
            )  # fmt: skip
            # (write_joining lists the account on the login.) A right password leaves the email's window as
            # it is: it reserved no check there, and clearing it would let a burst of wrong ones at login
            # start again from zero.
        return tx.commit()

    def expired_pages(self, now: datetime, size: int = 100) -> Iterator[list[InvitationItem]]:
        """The invitations expired by `now`, `size` at a time across the expiry shards: reads grow with what
        has expired, not with the table, and no more than a page is held at once."""
        bound = keys.expiry_upper_bound(format_time(now))
        page: list[InvitationItem] = []
        for partition in keys.expiry_partitions():
            for item in InvitationItem.by_expiry.query(
                partition, InvitationItem.gsi2sk <= bound, page_size=size
            ):
                if isinstance(item, InvitationItem):
                    page.append(item)
                if len(page) == size:
                    yield page
                    page = []
        if page:
            yield page

    def delete_expired(
        self, invitations: list[InvitationItem], now: datetime,
        event_of: Callable[[InvitationItem], AuditEventItem] | None = None,
    ) -> int:  # fmt: skip
        """Deletes expired invitations with their links and claims (and, with `event_of`, records each
        expiry), 20 to a transaction; a chunk that a concurrent resend or accept cancels is retried one
        invitation at a time. Returns how many went."""
        deleted = 0
        for start in range(0, len(invitations), PURGED_PER_TRANSACTION):
            chunk = invitations[start : start + PURGED_PER_TRANSACTION]
            if _delete_expired(chunk, now, event_of):
                deleted += len(chunk)
            elif len(chunk) > 1:
                deleted += sum(bool(_delete_expired([one], now, event_of)) for one in chunk)
        return deleted


def _delete_expired(
    chunk: list[InvitationItem], now: datetime, event_of: Callable[[InvitationItem], AuditEventItem] | None
) -> Outcome:
    tx = Tx()
    for invitation in chunk:
        tx.record(event_of(invitation) if event_of else None)
        tx.delete(
            InvitationItem(*keys.invitation(invitation.account_id, invitation.invitation_id)),
            condition=InvitationItem.expires_at <= now,
        )
        tx.delete(LinkItem(*keys.link(invitation.token_hash)))
        tx.delete(
            EmailClaimItem(*keys.email_claim(invitation.account_id, invitation.email)),
            condition=EmailClaimItem.ref_id == invitation.invitation_id,
        )
    for account_id in {invitation.account_id for invitation in chunk}:
        count_changes(
            tx,
            account_id,
            [(i.group_id, "invitation_count", -1) for i in chunk if i.account_id == account_id],
        )
    return tx.commit()
