"""Support staff acting as a member: the rules of starting and ending a support session, on the fakes and
again on moto (tests/api/test_rules_on_moto.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from chalicelib.domain.caller import OPERATOR
from chalicelib.errors import AppError
from chalicelib.schemas.audit import AuditQuery
from chalicelib.schemas.support_sessions import SupportSessionIn
from chalicelib.services import audit_log, support_sessions
from tests.helpers.mail import drain_outbox
from tests.helpers.present import present

if TYPE_CHECKING:
    from tests.helpers import RecordingMailer
    from tests.helpers.fakes import FakeWorld


def test_a_session_acts_as_an_active_member_tells_the_owner_and_ends_once(
    world: FakeWorld, mailer: RecordingMailer
) -> None:
    deps = world.deps
    account_id = world.account("Acme")
    world.member(account_id, "owner@acme.com", "owner")
    dev = world.member(account_id, "dev@acme.com")
    asleep = world.member(account_id, "asleep@acme.com", status="deactivated")
    account = present(deps.store.accounts.get_account(account_id))
    reason = "Ticket 4711: the invoice page fails"
    started = support_sessions.start(deps, OPERATOR, account, SupportSessionIn(user_id=dev, reason=reason))
    claims = deps.tokens.read(started.access_token, deps.now())
    assert (claims.user_id, claims.support_session_id) == (dev, started.support_session_id)
    assert mailer.sent == []  # the request commits the email; the outbox's worker sends it
    drain_outbox(deps)
    assert [m.to for m in mailer.sent] == [("owner@acme.com",)] and reason in mailer.sent[0].body
    with pytest.raises(AppError) as refused:
        support_sessions.start(deps, OPERATOR, account, SupportSessionIn(user_id=asleep, reason=reason))
    assert refused.value.message.startswith("The member is deactivated")
    support_sessions.end(deps, OPERATOR, account, started.support_session_id)
    support_sessions.end(deps, OPERATOR, account, started.support_session_id)  # already ended: nothing
    kinds = [e.type for e in audit_log.list_events(deps, account_id, AuditQuery()).items]
    assert kinds == ["support_session.ended", "support_session.started"]
