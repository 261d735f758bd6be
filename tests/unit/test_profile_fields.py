"""The six profile fields are listed once (domain/profile.py); every declaration of them must say the same
fields in the same order, or a field added in one place is silently missing in another."""

from __future__ import annotations

from chalicelib.domain.profile import PROFILE_FIELDS
from chalicelib.schemas.auth import Profile, ProfileIn, User
from chalicelib.schemas.invitations import AcceptIn, InviteIn
from chalicelib.store.models import InvitationItem, ProfileAttributes, UserItem


def profile_part(names) -> tuple[str, ...]:
    return tuple(name for name in names if name in PROFILE_FIELDS)


def test_every_declaration_lists_the_profile_fields_in_order():
    for model in (Profile, ProfileIn, InviteIn, AcceptIn, User):
        assert profile_part(model.model_fields) == PROFILE_FIELDS, model.__name__
    mixin = [name for name in vars(ProfileAttributes) if not name.startswith("_")]
    assert tuple(mixin) == PROFILE_FIELDS
    for item in (UserItem, InvitationItem):
        assert set(PROFILE_FIELDS) <= set(item.get_attributes()), item.__name__
