"""The fast tier: use cases on in-memory fakes of the store, a recording mailer and a fixed clock."""

from __future__ import annotations

import pytest

from tests.helpers import RecordingMailer
from tests.helpers.fakes import FakeWorld, fake_deps


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer(fail_for=("bounces@example.com",))


@pytest.fixture
def world(clock, mailer) -> FakeWorld:
    return FakeWorld(fake_deps(clock, mailer))
