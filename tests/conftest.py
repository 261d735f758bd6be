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

from collections.abc import Iterator
from functools import partial

import pytest

from tests.helpers import Clock

# argon2id at a test's cost (1 MiB, one pass: under 1 ms a hash) rather than OWASP's (19 MiB, two passes:
# 30 ms of CPU a hash or check, a fifth of the CPU of the API files measured). No test is about the cost:
# they check what is hashed, checked, counted and refused, which is the same at any cost. The servers the
# end-to-end tests start keep the production cost (their own processes).
ARGON2_TEST_COST = {"memory_cost": 1024, "time_cost": 1}


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's own choice of scheduler
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`make test`'s `-n 2 --dist loadgroup`: the shared server's tests on one worker (tests/helpers/
    scheduling.py); any other --dist is xdist's own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.helpers.scheduling import SharedServerScheduling

    return SharedServerScheduling(config, log)


@pytest.fixture(autouse=True, scope="session")
def _argon2_at_test_cost() -> Iterator[None]:
    from chalicelib.security import passwords

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "Passwords", partial(passwords.Passwords, **ARGON2_TEST_COST))
        yield


@pytest.fixture
def clock() -> Clock:
    return Clock()
