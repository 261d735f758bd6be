"""Finding 2 of issue 17: POST /auth/password-reset must take the same time for an address with a login and
one without. Measures the medians in-process over moto, alternating known and unknown addresses (a fresh
address every time, so no per-address limit is reached).

    .venv/bin/python bench/reset_timing.py [requests per kind]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def measure(api: Any, deps: Any, requests: int = 200) -> dict[str, float]:
    """Median and p90 milliseconds of the request for known and unknown addresses."""
    from tests.helpers.seed import seed_user

    known_emails = [f"known{i}@timing.example.com" for i in range(requests)]
    for email in known_emails:
        seed_user(deps, email)
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for i in range(requests):
        for kind, email in (("known", known_emails[i]), ("unknown", f"nobody{i}@timing.example.com")):
            started = time.perf_counter()
            reply = api.post("/auth/password-reset", {"email": email})
            times[kind].append((time.perf_counter() - started) * 1000)
            assert reply.status == 202
    result = {"requests": float(requests)}
    for kind, values in times.items():
        result[f"{kind}_median_ms"] = statistics.median(values)
        result[f"{kind}_p90_ms"] = statistics.quantiles(values, n=10)[-1]
    return result


def lines(result: dict[str, float]) -> list[str]:
    known, unknown = result["known_median_ms"], result["unknown_median_ms"]
    return [
        "## Password reset: known and unknown addresses",
        "",
        f"{int(result['requests'])} requests each, alternating, in-process over moto. The request commits one "
        "transaction either way (the address's count and an outbox email); the worker looks the login up later.",
        "",
        f"- median: known {known:.2f} ms, unknown {unknown:.2f} ms (difference {abs(known - unknown):.2f} ms, "
        f"{abs(known - unknown) / max(known, unknown) * 100:.1f}%)",
        f"- p90: known {result['known_p90_ms']:.2f} ms, unknown {result['unknown_p90_ms']:.2f} ms",
        "",
    ]


def main() -> None:
    import os

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
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with mock_aws():
        settings = load_settings({**os.environ, **SETTINGS_ENV})
        create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress=settings.sender_email)
        deps = build_deps(settings)
        deps.clock = Clock()
        use_deps(deps)
        from app import app

        with Client(app) as client:
            print(
                "\n".join(
                    lines(measure(Api(chalice_transport(client), drained_moto_outbox(deps)), deps, requests))
                )
            )


if __name__ == "__main__":
    main()
