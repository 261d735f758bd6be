"""What SCIM keeps of the members it manages (issue 31): each one's externalId and whether SCIM made their
login, one item per member under the account (all of them one Query: a page of Users, a filter on
externalId and the uniqueness check read them together)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from chalicelib.store import keys
from chalicelib.store.models import LoginItem, ScimUserItem, UserItem
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

    def drop_unused_login(self, email: str, user_id: str, no_password: str) -> Outcome:
        """A login SCIM made for a create that then failed (seats), deleted with its user: only while it
        is still unused (no account lists it, no password set, never signed in); else it fails and stays."""
        in_use = (
            (LoginItem.user_id == user_id)
            & LoginItem.account_ids.does_not_exist()
            & (LoginItem.password_hash == no_password)
        )
        tx = Tx().delete(LoginItem(*keys.login(email)), condition=in_use)
        tx.delete(UserItem(*keys.user(user_id)), condition=UserItem.last_login_at.does_not_exist())
        return tx.commit()


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
