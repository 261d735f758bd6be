"""Fake AWS credentials and settings before anything imports boto, one fresh moto table per test."""

from __future__ import annotations

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib.config import load_settings
from chalicelib.deps import Deps, build_deps, use_deps
from chalicelib.store.table import create_table
from scripts.moto_isolation import isolate_moto_transactions
from tests.support import SETTINGS_ENV, Api, Clock

isolate_moto_transactions()


@pytest.fixture
def aws():
    with mock_aws():
        settings = load_settings({**os.environ, **SETTINGS_ENV})
        create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress=settings.sender_email)
        yield settings


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def deps(aws, clock) -> Deps:
    built = build_deps(aws)
    built.clock = clock
    use_deps(built)
    yield built
    use_deps(None)


@pytest.fixture
def api(deps) -> Api:
    from app import app

    with Client(app) as client:
        yield Api(client)
