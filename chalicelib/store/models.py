"""PynamoDB models of the one table: a base `Item` with the generic keys, one subclass per entity.

The `entity` discriminator lets a BatchGet or Query over mixed items hand back the right classes. Key shapes
live in store/keys.py; each docstring repeats its entity's shape for the reader. The entities are defined by
what they are, in models_base.py, models_people.py, models_account.py, models_records.py and the other
models_*.py (flat modules, as the store's other modules are); every name is re-exported here, so
`from chalicelib.store.models import X` reads as it always did.

Naming an entity here loads the module that defines it, and only that one (`__getattr__` below): creating
a PynamoDB class costs about a quarter of a millisecond, and a cold start's first request names a few of
the 45 (reading an account: the people, account, records and sessions modules, not the domains', factors'
or SCIM's). Whatever needs every entity loads them all first (models_base.py `Entity`): an item of an
entity not loaded yet being read back, a query filtering on its entities, the table's schema.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from chalicelib.store.models_base import (
    TIME_FORMAT,
    ContactAttributes,
    ExpiryIndex,
    Item,
    ProfileAttributes,
    TimeAttribute,
    UserIndex,
    format_time,
    parse_time,
    string_list,
)

if TYPE_CHECKING:
    from chalicelib.store.models_account import (
        ContactCategoryItem,
        ContactEmailItem,
        ContactItem,
        GroupCountItem,
        GroupInvitationsByExpiryIndex,
        GroupItem,
        GroupNameItem,
        InvitationItem,
        InvitationRemindersIndex,
        InvitationsByExpiryIndex,
        SubAccountItem,
        fold_group,
    )
    from chalicelib.store.models_brands import BrandItem, BrandLogoItem
    from chalicelib.store.models_domains import (
        DomainClaimItem,
        EmailDomainItem,
        InviteLinkItem,
        InviteLinkRosterItem,
        InviteTokenItem,
        JoinDigestItem,
        JoinRequesterItem,
        JoinRequestItem,
        RemovedMarkItem,
    )
    from chalicelib.store.models_factors import (
        ChallengeItem,
        PasskeyCredentialItem,
        PasskeyItem,
        RecoveryCodesItem,
        TotpItem,
    )
    from chalicelib.store.models_people import (
        AccountItem,
        EmailClaimItem,
        LinkItem,
        LoginFailuresItem,
        LoginItem,
        MemberCountItem,
        MembershipItem,
        RevokedTokenItem,
        UserItem,
        fold,
    )
    from chalicelib.store.models_records import (
        AuditActorIndex,
        AuditEventItem,
        AuditTargetIndex,
        AuditTypeIndex,
        CounterItem,
        DeliveryItem,
        IdempotencyItem,
        MailItem,
        SupportSessionItem,
        WebhookItem,
    )
    from chalicelib.store.models_scim import ScimTokenHashItem, ScimTokenItem, ScimUserItem
    from chalicelib.store.models_sessions import SecurityEventItem, SessionItem

# Each entity module and the names it gives this one (tests/unit/test_entity_loading.py checks this against
# the block above and the modules themselves).
HOMES: dict[str, tuple[str, ...]] = {
    "chalicelib.store.models_account": (
        "ContactCategoryItem",
        "ContactEmailItem",
        "ContactItem",
        "GroupCountItem",
        "GroupInvitationsByExpiryIndex",
        "GroupItem",
        "GroupNameItem",
        "InvitationItem",
        "InvitationRemindersIndex",
        "InvitationsByExpiryIndex",
        "SubAccountItem",
        "fold_group",
    ),
    "chalicelib.store.models_brands": (
        "BrandItem",
        "BrandLogoItem",
    ),
    "chalicelib.store.models_domains": (
        "DomainClaimItem",
        "EmailDomainItem",
        "InviteLinkItem",
        "InviteLinkRosterItem",
        "InviteTokenItem",
        "JoinDigestItem",
        "JoinRequesterItem",
        "JoinRequestItem",
        "RemovedMarkItem",
    ),
    "chalicelib.store.models_factors": (
        "ChallengeItem",
        "PasskeyCredentialItem",
        "PasskeyItem",
        "RecoveryCodesItem",
        "TotpItem",
    ),
    "chalicelib.store.models_people": (
        "AccountItem",
        "EmailClaimItem",
        "LinkItem",
        "LoginFailuresItem",
        "LoginItem",
        "MemberCountItem",
        "MembershipItem",
        "RevokedTokenItem",
        "UserItem",
        "fold",
    ),
    "chalicelib.store.models_records": (
        "AuditActorIndex",
        "AuditEventItem",
        "AuditTargetIndex",
        "AuditTypeIndex",
        "CounterItem",
        "DeliveryItem",
        "IdempotencyItem",
        "MailItem",
        "SupportSessionItem",
        "WebhookItem",
    ),
    "chalicelib.store.models_scim": (
        "ScimTokenHashItem",
        "ScimTokenItem",
        "ScimUserItem",
    ),
    "chalicelib.store.models_sessions": (
        "SecurityEventItem",
        "SessionItem",
    ),
}
_HOME_OF = {name: module for module, names in HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """An entity module's name, from its module (imported on first use, then kept here)."""
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def load_every_entity() -> None:
    """Every entity registered with the discriminator (`Entity` asks, when a question needs them all)."""
    for module in HOMES:
        importlib.import_module(module)


# The modules whose entities declare indexes of their own (the others use Item's): the table's schema, which
# PynamoDB builds with the first connection, needs every index but not every entity.
INDEXED = ("chalicelib.store.models_account", "chalicelib.store.models_records")


def load_indexed_entities() -> None:
    for module in INDEXED:
        importlib.import_module(module)


__all__ = [
    "TIME_FORMAT",
    "AccountItem",
    "AuditActorIndex",
    "AuditEventItem",
    "AuditTargetIndex",
    "AuditTypeIndex",
    "BrandItem",
    "BrandLogoItem",
    "ChallengeItem",
    "ContactAttributes",
    "ContactCategoryItem",
    "ContactEmailItem",
    "ContactItem",
    "CounterItem",
    "DeliveryItem",
    "DomainClaimItem",
    "EmailClaimItem",
    "EmailDomainItem",
    "ExpiryIndex",
    "GroupCountItem",
    "GroupInvitationsByExpiryIndex",
    "GroupItem",
    "GroupNameItem",
    "IdempotencyItem",
    "InvitationItem",
    "InvitationRemindersIndex",
    "InvitationsByExpiryIndex",
    "InviteLinkItem",
    "InviteLinkRosterItem",
    "InviteTokenItem",
    "Item",
    "JoinDigestItem",
    "JoinRequestItem",
    "JoinRequesterItem",
    "LinkItem",
    "LoginFailuresItem",
    "LoginItem",
    "MailItem",
    "MemberCountItem",
    "MembershipItem",
    "PasskeyCredentialItem",
    "PasskeyItem",
    "ProfileAttributes",
    "RecoveryCodesItem",
    "RemovedMarkItem",
    "RevokedTokenItem",
    "ScimTokenHashItem",
    "ScimTokenItem",
    "ScimUserItem",
    "SecurityEventItem",
    "SessionItem",
    "SubAccountItem",
    "SupportSessionItem",
    "TimeAttribute",
    "TotpItem",
    "UserIndex",
    "UserItem",
    "WebhookItem",
    "fold",
    "fold_group",
    "format_time",
    "parse_time",
    "string_list",
]
