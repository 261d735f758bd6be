"""The table's base `Item` (the generic keys and the indexes every entity shares), its time and list
attributes, and the contact and profile mixins."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from pynamodb.attributes import (
    Attribute,
    DiscriminatorAttribute,
    ListAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.constants import STRING
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# TIME_FORMAT's one shape, read without strptime: strptime's first call builds its locale-aware patterns,
# about 8 ms of a cold start's first read, for a form that never varies (format_time writes every one).
_STORED_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z", re.ASCII)


def string_list(*, null: bool = False, default: Any = None) -> ListAttribute[str]:
    """A list of text. PynamoDB types `of=` as if it were the element's Python type, but a list of text takes
    the attribute class: one cast here instead of one at every use."""
    return cast("ListAttribute[str]", ListAttribute(of=UnicodeAttribute, null=null, default=default))


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(value: str) -> datetime:
    """A time as format_time writes it; anything else is a ValueError (the datetime refuses a 31 June)."""
    match = _STORED_TIME.fullmatch(value)
    if match is None:
        raise ValueError(f"time data {value!r} does not match format {TIME_FORMAT!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


class TimeAttribute(Attribute[datetime]):
    """UTC time stored as fixed-width ISO 8601 text, so stored values sort as times do."""

    attr_type = STRING

    def serialize(self, value: datetime) -> str:
        return format_time(value)

    def deserialize(self, value: str) -> datetime:
        return parse_time(value)


_T = TypeVar("_T")


class Entity(DiscriminatorAttribute):
    """Item's `entity` discriminator, when entity modules load as they are named (store/models.py): PynamoDB
    knows an entity once its class exists, so what asks about entities not loaded yet loads them first."""

    def deserialize(self, value: Any) -> type:
        """The class of a stored item: an item of an entity not loaded yet loads every entity module."""
        try:
            return self._class_of(value)
        except ValueError:
            from chalicelib.store import models  # the facade over this module: imported when asked

            models.load_every_entity()
            return self._class_of(value)

    def _class_of(self, value: Any) -> type:
        found: type = super().deserialize(value)  # type: ignore[no-untyped-call]  # PynamoDB's is untyped
        return found

    def get_registered_subclasses(self, cls: type[_T]) -> list[type[_T]]:
        """PynamoDB asks with `Model` for the table's schema (every entity's indexes, when it makes its
        connection), and with an entity class to filter a query or scan to its entities."""
        from chalicelib.store import models

        if cls is Model:
            models.load_indexed_entities()  # the others' indexes are Item's: a read need not load them
        else:
            models.load_every_entity()
        return super().get_registered_subclasses(cls)


# PynamoDB's Index.__init_subclass__ has no annotations; the subclasses below are plain declarations.
class UserIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi1: a user's profile and memberships in one partition (login, /me)."""

    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ExpiryIndex(GlobalSecondaryIndex["Item"]):  # type: ignore[no-untyped-call]
    """gsi2, sparse and shared: invitations by expiry time, the background work's queues (store/due.py), and
    the owner's ticket's streams of members by email (store/ticket_stream.py)."""

    class Meta:
        index_name = "gsi2"
        # group_id: the purge takes an expired invitation off its group's count
        projection = IncludeProjection(
            ["account_id", "invitation_id", "email", "token_hash", "entity", "group_id"]
        )

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Item(Model):
    class Meta:
        # Bound from the settings on first use (store/table.py `bind`).
        table_name: str | None = None
        region = "us-east-1"
        host: str | None = None
        connect_timeout_seconds: int = 2
        read_timeout_seconds: int = 4
        max_retry_attempts: int = 3

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    entity = Entity()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    ttl = TTLAttribute(null=True)

    by_user = UserIndex()
    by_expiry = ExpiryIndex()


class ContactAttributes:
    """Contact details (domain/profile.py CONTACT_FIELDS): a person's own, or a member's at one account.
    A plain mixin: PynamoDB collects a model's attributes with inspect.getmembers, inherited ones included."""

    title = UnicodeAttribute(null=True)
    cell_phone = UnicodeAttribute(null=True)
    office_phone = UnicodeAttribute(null=True)
    extension = UnicodeAttribute(null=True)


class ProfileAttributes(ContactAttributes):
    """A person's names and contact details (PROFILE_FIELDS), as a user and an invitation store them."""

    first_name = UnicodeAttribute(null=True)
    last_name = UnicodeAttribute(null=True)
