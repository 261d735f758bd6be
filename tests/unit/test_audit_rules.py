"""A change that changes nothing records nothing (so no webhook goes twice under a new id), and each change
records what it changed: the use cases on the fakes, read back through the audit log's own use case, and
again on moto (tests/api/test_rules_on_moto.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.caller import OPERATOR
from chalicelib.schemas.audit import AuditQuery
from chalicelib.schemas.groups import GroupIn, GroupUpdateIn
from chalicelib.schemas.members import MemberUpdateIn
from chalicelib.schemas.sub_accounts import SubAccountIn
from chalicelib.services import audit_log, groups, members, sub_accounts
from tests.helpers.present import present

if TYPE_CHECKING:
    from chalicelib.domain.audit import EventType
    from chalicelib.domain.permissions import MemberStatus
    from chalicelib.schemas.audit import AuditEvent
    from tests.helpers.fakes import FakeWorld


def events(world: FakeWorld, account_id: str, kind: EventType) -> list[AuditEvent]:
    return audit_log.list_events(world.deps, account_id, AuditQuery(type=kind)).items


def test_a_second_deactivate_or_reactivate_or_the_same_patch_records_nothing(world: FakeWorld) -> None:
    deps = world.deps
    account_id = world.account("Acme")
    world.member(account_id, "owner@acme.com", "owner")
    clerk = world.member(account_id, "clerk@acme.com", permissions=("tickets",))
    account = present(deps.store.accounts.get_account(account_id))
    transitions: tuple[tuple[MemberStatus, EventType], ...] = (
        ("deactivated", "member.deactivated"),
        ("active", "member.reactivated"),
    )
    for status, kind in transitions:
        for _ in range(2):
            assert members.set_status(deps, OPERATOR, account, clerk, status).status == status
        (only,) = events(world, account_id, kind)
        before = "active" if status == "deactivated" else "deactivated"
        assert only.changes == {"status": [before, status]}  # [from, to]
    for body in (MemberUpdateIn(role="member"), MemberUpdateIn(permissions=["tickets"])):
        assert members.update_member(deps, OPERATOR, account, clerk, body).permissions == ["tickets"]
    assert events(world, account_id, "member.updated") == []
    members.update_member(deps, OPERATOR, account, clerk, MemberUpdateIn(role="member", title="Clerk"))
    (latest,) = events(world, account_id, "member.updated")
    assert set(present(latest.changes)) == {"title"}  # not the role it had


def test_a_sub_account_or_group_renamed_to_its_own_name_records_nothing(world: FakeWorld) -> None:
    deps = world.deps
    account_id = world.account("Acme")
    account = present(deps.store.accounts.get_account(account_id))
    shop = sub_accounts.create_sub_account(deps, OPERATOR, account, SubAccountIn(name="Shop")).sub_account_id
    account = present(deps.store.accounts.get_account(account_id))
    assert (
        sub_accounts.rename_sub_account(deps, OPERATOR, account, shop, SubAccountIn(name="Shop")).name
        == "Shop"
    )
    assert events(world, account_id, "sub_account.updated") == []
    web = groups.create_group(deps, OPERATOR, account, GroupIn(name="Web", permissions=["tickets"])).group_id
    same = GroupUpdateIn(name="Web", permissions=["tickets"])
    assert groups.update_group(deps, OPERATOR, account, web, same).name == "Web"
    assert events(world, account_id, "group.updated") == []
    assert [e.type for e in events(world, account_id, "group.created")] == ["group.created"]
