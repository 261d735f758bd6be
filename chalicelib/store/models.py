"""PynamoDB models of the one table: a base `Item` with the generic keys, one subclass per entity.

The `entity` discriminator lets a BatchGet or Query over mixed items hand back the right classes. Key shapes
live in store/keys.py; each docstring repeats its entity's shape for the reader. The entities are defined by
what they are, in models_base.py, models_people.py, models_account.py, models_records.py and
models_sessions.py (flat modules, as the store's other modules are); every name is re-exported here, so
`from chalicelib.store.models import X` reads as it always did, and importing this module registers every
entity.
"""

from __future__ import annotations

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
