"""The fast tier's rule tests and fake contracts again, on the real repositories over moto: the fakes must
behave as the store does, or these fail where the fast ones pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.helpers import RecordingMailer
from tests.helpers.seed import MotoWorld
from tests.unit.test_account_rules import *  # noqa: F403
from tests.unit.test_audit_rules import *  # noqa: F403
from tests.unit.test_email_worker_rules import *  # noqa: F403
from tests.unit.test_factor_rules import *  # noqa: F403
from tests.unit.test_fake_contracts import *  # noqa: F403  (the same cases, on this module's world)
from tests.unit.test_fake_contracts_audit import *  # noqa: F403
from tests.unit.test_fake_contracts_deliveries import *  # noqa: F403
from tests.unit.test_fake_contracts_domains import *  # noqa: F403
from tests.unit.test_fake_contracts_factors import *  # noqa: F403
from tests.unit.test_fake_contracts_invitation_flow import *  # noqa: F403
from tests.unit.test_fake_contracts_join_requests import *  # noqa: F403
from tests.unit.test_fake_contracts_member_copies import *  # noqa: F403
from tests.unit.test_fake_contracts_member_lists import *  # noqa: F403
from tests.unit.test_fake_contracts_outbox import *  # noqa: F403
from tests.unit.test_fake_contracts_reminders import *  # type: ignore[assignment]  # noqa: F403  (its own `invite`)
from tests.unit.test_fake_contracts_seats import *  # noqa: F403
from tests.unit.test_fake_contracts_sessions import *  # noqa: F403
from tests.unit.test_fake_contracts_sign_in import *  # noqa: F403
from tests.unit.test_fake_contracts_structure import *  # noqa: F403
from tests.unit.test_fake_contracts_support import *  # noqa: F403
from tests.unit.test_fake_contracts_users import *  # noqa: F403
from tests.unit.test_fake_contracts_work import *  # noqa: F403
from tests.unit.test_group_rules import *  # noqa: F403
from tests.unit.test_invitation_flow_rules import *  # type: ignore[assignment]  # noqa: F403  (its own `invite`)
from tests.unit.test_join_digest_rules import *  # noqa: F403
from tests.unit.test_member_rules import *  # noqa: F403
from tests.unit.test_reminder_rules import *  # type: ignore[assignment]  # noqa: F403  (its own `invite`)
from tests.unit.test_rules import *  # noqa: F403  (the same tests, collected here with this module's world)
from tests.unit.test_sign_in_rules import *  # noqa: F403
from tests.unit.test_sub_account_rules import *  # noqa: F403
from tests.unit.test_support_rules import *  # noqa: F403
from tests.unit.test_webhook_endpoint_rules import *  # noqa: F403

if TYPE_CHECKING:
    from chalicelib.deps import Deps


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer(fail_for=("bounces@example.com",))


@pytest.fixture
def world(deps: Deps, mailer: RecordingMailer) -> MotoWorld:
    deps.mailer = mailer
    return MotoWorld(deps)
