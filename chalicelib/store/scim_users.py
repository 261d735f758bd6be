"""What SCIM keeps of the members it manages (issue 31): each one's externalId, whether SCIM made their
login and the access a directory said beside the membership, one item per member under the account (all
of them one Query: a page of Users, a filter on externalId and the uniqueness check read them together).
It is written in the transaction of the change it comes with: a create's (`provision`, with the login SCIM
makes) and every change's (`changing`: it rides along, its version moved on, the condition of If-Match)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from chalicelib.store import keys
from chalicelib.store.joining import joining, write_joining
from chalicelib.store.models import (
    AuditEventItem,
    LoginItem,
    MembershipItem,
    RemovedMarkItem,
    ScimUserItem,
    UserItem,
)
from chalicelib.store.seats import SeatsRead
from chalicelib.store.table import get_item
from chalicelib.store.tx import Outcome, Tx, assignments, riding_along

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action


class ScimUserStore:
    def records_of(self, account_id: str) -> dict[str, ScimUserItem]:
        """user_id -> record."""
        pk, prefix = keys.scim_users_of(account_id)
        found = ScimUserItem.query(pk, ScimUserItem.sk.startswith(prefix), consistent_read=True)
        return {item.user_id: item for item in found if isinstance(item, ScimUserItem)}

    def get_record(self, account_id: str, user_id: str) -> ScimUserItem | None:
        return get_item(ScimUserItem, keys.scim_user(account_id, user_id))

    def save_record(self, record: ScimUserItem) -> Outcome:
        return Tx().put(record).commit()

    def ensure_record(self, account_id: str, user_id: str) -> ScimUserItem:
        """SCIM's record of a member, made (empty) for one the JSON API added: a change rides on it."""
        found = self.get_record(account_id, user_id)
        if found is not None:
            return found
        made = new_record(account_id, user_id, None, False)
        Tx().put(made, condition=ScimUserItem.pk.does_not_exist()).commit()
        return self.get_record(account_id, user_id) or made

    @contextmanager
    def changing(self, record: ScimUserItem, read: int | None, writer: str) -> Iterator[None]:
        """Within the block, every transaction also writes SCIM's record as `record` says (its externalId
        and what was said saved with the change they come with) and moves its version on. `read`: the
        version If-Match was checked against, then a condition of each of those transactions (or this
        request, `writer`, moved it on itself); None: no If-Match, no condition."""
        item, actions, condition = _record_write(record, read, writer)
        with riding_along(item, actions, condition):
            yield

    def save_changed(self, record: ScimUserItem, read: int | None, writer: str) -> Outcome:
        """The record's write alone, for a change that wrote nothing else; failed: `read` is stale."""
        item, actions, condition = _record_write(record, read, writer)
        return Tx().update(item, actions, condition=condition, label="changed").commit()

    def forget(self, account_id: str, user_id: str) -> Outcome:
        return Tx().delete(ScimUserItem(*keys.scim_user(account_id, user_id))).commit()

    def provision(
        self,
        membership: MembershipItem,
        seats: SeatsRead,
        event: AuditEventItem,
        record: ScimUserItem,
        new_login: tuple[UserItem, LoginItem] | None,
    ) -> Outcome:
        """A member SCIM makes, in one transaction: the membership and its seat under `seats` (a join, as
        store/join_requests.py join_writes), its event, SCIM's record of it (the externalId with it) and,
        for a person without a login, the login SCIM makes, with the account listed on it: refused for
        seats, none of it stays. Fails "email_taken" (a login for the email appeared meanwhile: join that
        one), "already_member", or SEATS (store/seats.py)."""
        tx = Tx().record(event)
        join = joining(membership, membership.email)
        write_joining(tx, join, claim_of=None, list_login=new_login is None, seats=seats)
        tx.delete(RemovedMarkItem(*keys.removed_mark(membership.account_id, membership.user_id)))
        if new_login is not None:
            user, login = new_login
            login.account_ids = {membership.account_id}
            tx.put(login, condition=LoginItem.pk.does_not_exist(), label="email_taken")
            tx.put(user, condition=UserItem.pk.does_not_exist(), label="email_taken")
        return tx.put(record).commit()


def new_record(account_id: str, user_id: str, external_id: str | None, made_login: bool) -> ScimUserItem:
    return ScimUserItem(
        *keys.scim_user(account_id, user_id),
        account_id=account_id,
        user_id=user_id,
        external_id=external_id,
        made_login=made_login,
    )


def _record_write(
    record: ScimUserItem, read: int | None, writer: str
) -> tuple[ScimUserItem, list[Action], Condition]:
    values = {
        "external_id": record.external_id,
        "made_login": bool(record.made_login),
        "said": record.said,
        "said_for": record.said_for,
        "writer": writer,
    }
    actions = [*assignments(ScimUserItem, values), ScimUserItem.version.add(1)]
    condition: Condition = ScimUserItem.pk.exists()
    if read is not None:
        condition &= (ScimUserItem.version == read) | (ScimUserItem.writer == writer)
    return ScimUserItem(*keys.scim_user(record.account_id, record.user_id)), actions, condition
