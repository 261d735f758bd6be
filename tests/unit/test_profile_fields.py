"""The six profile fields are listed once (domain/profile.py); every declaration of them must say the same
fields in the same order, or a field added in one place is silently missing in another."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.profile import CONTACT_FIELDS, PROFILE_FIELDS
from chalicelib.schemas.invitations import AcceptIn, InviteIn
from chalicelib.schemas.members import Member, MemberUpdateIn
from chalicelib.schemas.sessions import Profile, ProfileIn, User
from chalicelib.store.models import (
    ContactAttributes,
    InvitationItem,
    MembershipItem,
    ProfileAttributes,
    UserItem,
)


def profile_part(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(name for name in names if name in PROFILE_FIELDS)


def test_every_declaration_lists_the_profile_fields_in_order() -> None:
    for model in (Profile, ProfileIn, InviteIn, AcceptIn, User):
        assert profile_part(model.model_fields) == PROFILE_FIELDS, model.__name__
    for contact in (Member, MemberUpdateIn):  # a member's contact details at the account
        assert tuple(n for n in contact.model_fields if n in CONTACT_FIELDS) == CONTACT_FIELDS, (
            contact.__name__
        )

    def declared(mixin: type) -> tuple[str, ...]:
        return tuple(name for name in vars(mixin) if not name.startswith("_"))

    assert declared(ContactAttributes) == CONTACT_FIELDS
    assert declared(ProfileAttributes) + CONTACT_FIELDS == PROFILE_FIELDS
    for item in (UserItem, InvitationItem):
        assert set(PROFILE_FIELDS) <= set(item.get_attributes()), item.__name__
    assert set(CONTACT_FIELDS) <= set(MembershipItem.get_attributes())
    # the names stay the user's: a membership holds only copies, rewritten by whatever changes the user's
    from chalicelib.store.member_index import USER_COPIES

    assert set(PROFILE_FIELDS[:2]) & set(MembershipItem.get_attributes()) == set(PROFILE_FIELDS[:2])
    assert set(PROFILE_FIELDS[:2]) <= set(USER_COPIES)
