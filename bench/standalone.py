"""One bench module run on its own (`python bench/<name>.py`): the app over a fresh in-memory moto, as
`make bench` gives it to every module (bench/run.py), so a module's `__main__` is three lines."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def api_on_fresh_moto() -> Iterator[tuple[Any, Any]]:
    """(Api, Deps): the table and the sender's SES identity made, the deps built on a test Clock and in
    use, the app's routes served through chalice's test client."""
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.config import load_settings
    from chalicelib.deps import build_deps, use_deps
    from chalicelib.store.table import create_table
    from tests.helpers import SETTINGS_ENV, Api, Clock, chalice_transport
    from tests.helpers.mail import drained_moto_outbox

    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(SETTINGS_ENV)
    with mock_aws():
        settings = load_settings(dict(os.environ))
        create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress=settings.sender_email)
        deps = build_deps(settings)
        deps.clock = Clock()
        use_deps(deps)
        from app import app

        with Client(app) as client:
            yield Api(chalice_transport(client), drained_moto_outbox(deps)), deps
