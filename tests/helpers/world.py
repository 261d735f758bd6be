"""A world of its own for each run of a stateful (hypothesis) test: moto, the table, SES's sender identity, a
settable clock and the app behind the public API. Fixtures cannot serve a RuleBasedStateMachine, which
hypothesis builds anew for every example."""

from __future__ import annotations

import os

from chalice.test import Client
from moto import mock_aws

from chalicelib.config import load_settings
from chalicelib.deps import build_deps, use_deps
from chalicelib.store.table import create_table
from tests.helpers.botocore_cache import client
from tests.helpers.clock import Clock
from tests.helpers.http import Api, chalice_transport
from tests.helpers.mail import drained_moto_outbox
from tests.helpers.settings import SETTINGS_ENV


class World:
    def __init__(self) -> None:
        self._mock = mock_aws()
        self._mock.start()
        settings = load_settings({**os.environ, **SETTINGS_ENV})
        create_table(client("dynamodb"), settings.table_name)
        client("ses").verify_email_identity(EmailAddress=settings.sender_email)
        self.clock = Clock()
        deps = build_deps(settings)
        deps.clock = self.clock
        use_deps(deps)
        from app import app

        self.client = Client(app)
        self.api = Api(chalice_transport(self.client), drained_moto_outbox(deps))

    def stop(self) -> None:
        use_deps(None)
        self._mock.stop()
