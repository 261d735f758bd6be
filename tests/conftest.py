"""Fake AWS credentials before anything imports botocore (no test may reach a real account), and the
fixtures every tier shares. The moto fixtures live in tests/api/conftest.py, so the fast tier never loads
moto."""

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

import pytest

from tests.helpers import Clock


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's own choice of scheduler
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`make test`'s `-n 2 --dist loadgroup`: the shared server's tests on one worker (tests/helpers/
    scheduling.py); any other --dist is xdist's own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.helpers.scheduling import SharedServerScheduling

    return SharedServerScheduling(config, log)


@pytest.fixture
def clock() -> Clock:
    return Clock()
