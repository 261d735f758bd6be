"""The API tier: one fresh moto table per test, the real collaborators on it, and a JSON client over
chalice.test.Client."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from chalice.test import Client, TestHTTPClient
from moto import mock_aws

from chalicelib.config import load_settings
from chalicelib.deps import Deps, build_deps, use_deps
from chalicelib.store.table import create_table
from scripts.moto_answers import answer_items_as_json
from scripts.moto_isolation import isolate_moto_transactions
from tests.helpers import SETTINGS_ENV, Api, chalice_transport
from tests.helpers.botocore_cache import client, share_one_loader
from tests.helpers.error_contract import ErrorContract
from tests.helpers.mail import drained_moto_outbox
from tests.helpers.receiver import WebhookReceiver

if TYPE_CHECKING:
    from chalice.test import HTTPResponse

    from chalicelib.config import Settings
    from tests.helpers import Clock

isolate_moto_transactions()
answer_items_as_json()
share_one_loader()


@pytest.fixture(autouse=True)
def _real_environ() -> Iterator[None]:
    """chalice.test.Client swaps os.environ for a copy with the stage's variables while a request runs, then
    puts back what it found; two requests on two threads (the race tests) can put back each other's copy,
    leaving the dev stage's variables in os.environ for good. Each test ends with the real one again."""
    real = os.environ
    yield
    os.environ = real  # noqa: B003  (the very object chalice swapped out, not a new environment)


def _document() -> dict[str, Any]:
    from chalicelib.api.openapi import openapi_document  # every route is registered once app is imported

    return openapi_document()


@pytest.fixture(autouse=True)
def _error_contract(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ErrorContract]:
    """Every answer of every chalice.test.Client in the test checked against its route's OpenAPI entry
    (tests/helpers/error_contract.py); pytest_runtest_call below fails the test on an undeclared one."""
    contract = ErrorContract(_document)
    sent = TestHTTPClient.request

    def checked(
        self: TestHTTPClient, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> HTTPResponse:
        response = sent(self, method, path, headers, body)
        contract.check(method, path, response.status_code, response.body)
        return response

    monkeypatch.setattr(TestHTTPClient, "request", checked)
    request.node.error_contract = contract
    yield contract


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test that provoked an error its route's OpenAPI entry does not declare fails, however its own
    assertions went (one that fails by itself is reported with its own failure)."""
    result = yield
    contract = getattr(item, "error_contract", None)
    if contract is not None and contract.violations:
        pytest.fail("answers the OpenAPI document does not declare:\n" + "\n".join(contract.violations))
    return result


@pytest.fixture
def aws() -> Iterator[Settings]:
    with mock_aws():
        settings = load_settings({**os.environ, **SETTINGS_ENV})
        create_table(client("dynamodb"), settings.table_name)
        client("ses").verify_email_identity(EmailAddress=settings.sender_email)
        yield settings


@pytest.fixture
def deps(aws: Settings, clock: Clock) -> Iterator[Deps]:
    from chalicelib.store.listeners import forget_operator

    built = build_deps(aws)
    built.clock = clock
    use_deps(built)
    forget_operator()  # a fresh table: whether the operator has endpoints is asked anew
    yield built
    use_deps(None)


@pytest.fixture
def chalice_client(deps: Deps) -> Iterator[Client]:
    from app import app

    with Client(app) as client:
        yield client


@pytest.fixture
def api(chalice_client: Client, deps: Deps) -> Api:
    return Api(chalice_transport(chalice_client), drained_moto_outbox(deps))


@pytest.fixture
def loopback(deps: Deps) -> Deps:
    """The local stage's setting, so a receiver on 127.0.0.1 may be a webhook endpoint."""
    from dataclasses import replace

    deps.settings = replace(deps.settings, webhook_allow_loopback=True)
    return deps


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A webhook receiver on 127.0.0.1 (tests/helpers/receiver.py)."""
    receiver = WebhookReceiver().up()
    yield receiver
    receiver.down()
