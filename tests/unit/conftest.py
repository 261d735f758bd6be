"""The fast tier: use cases on in-memory fakes of the store, a recording mailer and a fixed clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.helpers import RecordingMailer
from tests.helpers.fakes import FakeWorld, fake_deps

if TYPE_CHECKING:
    from tests.helpers import Clock


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer(fail_for=("bounces@example.com",))


@pytest.fixture
def world(clock: Clock, mailer: RecordingMailer) -> FakeWorld:
    return FakeWorld(fake_deps(clock, mailer))
