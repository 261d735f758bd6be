"""The pure rules of webhook delivery: the retry schedule, when an endpoint is disabled, the body's bytes,
and the Standard Webhooks signature headers."""

from __future__ import annotations

import base64
import itertools
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from chalicelib.delivery.signing import new_secret, signature_headers
from chalicelib.domain.retry import RetryPolicy
from chalicelib.domain.webhooks import DELIVERY_RETRIES, FAN_OUT_RETRIES, envelope, should_disable

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MAX_ATTEMPTS = DELIVERY_RETRIES.max_attempts or 0


def next_attempt_at(attempts_made: int, first: datetime) -> datetime | None:
    """The delivery schedule judged late (a worker running an hour behind changes nothing)."""
    return DELIVERY_RETRIES.next_attempt_at(attempts_made, first, first + timedelta(hours=1))


def schedule() -> list[datetime]:
    """Every due time the rule gives, from the first attempt until it gives up."""
    due, made = [T0], 1
    while (at := next_attempt_at(made, T0)) is not None:
        due.append(at)
        made += 1
    return due


def test_the_first_attempt_is_at_once_and_the_retries_span_more_than_a_day() -> None:
    due = schedule()
    assert due[0] == T0
    assert len(due) == MAX_ATTEMPTS
    assert due[-1] - T0 >= timedelta(hours=24)
    assert due[1] - T0 == timedelta(minutes=1)


def test_the_waits_grow_and_never_shrink() -> None:
    due = schedule()
    waits = [later - earlier for earlier, later in itertools.pairwise(due)]
    assert all(wait > timedelta(0) for wait in waits)
    assert waits == sorted(waits)
    assert waits[-1] >= 10 * waits[1]


def test_after_the_last_attempt_it_gives_up() -> None:
    assert next_attempt_at(MAX_ATTEMPTS - 1, T0) is not None
    assert next_attempt_at(MAX_ATTEMPTS, T0) is None
    assert next_attempt_at(MAX_ATTEMPTS + 5, T0) is None
    with pytest.raises(ValueError):
        next_attempt_at(0, T0)


def test_a_fan_out_that_keeps_failing_is_parked_after_five_tries() -> None:
    tries = [FAN_OUT_RETRIES.next_attempt_at(n, T0, T0) for n in range(1, 6)]
    assert tries[:4] == [T0 + timedelta(minutes=1), T0 + timedelta(minutes=10), T0 + timedelta(hours=1),
                         T0 + timedelta(hours=1)]  # fmt: skip
    assert tries[4] is None


def test_a_policy_must_end() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(waits=(timedelta(minutes=1),))
    with pytest.raises(ValueError):
        RetryPolicy(waits=(), max_attempts=3)


def test_due_times_count_from_the_first_attempt_not_from_when_the_worker_ran() -> None:
    # Whenever attempt 3 actually ran, attempt 4 is due 1 + 5 + 30 minutes after the first one.
    assert next_attempt_at(3, T0) == T0 + timedelta(minutes=36)


def test_an_endpoint_is_disabled_after_failing_for_five_days_and_not_before() -> None:
    assert not should_disable(None, T0)
    assert not should_disable(T0, T0 + timedelta(days=5) - timedelta(seconds=1))
    assert should_disable(T0, T0 + timedelta(days=5))
    assert should_disable(T0, T0 + timedelta(days=30))


def test_the_envelope_is_compact_json_in_a_fixed_key_order() -> None:
    body = envelope("member.removed", T0, {"target": {"user_id": "u_2"}, "actor": {"user_id": "u_1"}})
    assert body == (
        b'{"type":"member.removed","timestamp":"2026-03-02T09:00:00Z",'
        b'"data":{"actor":{"user_id":"u_1"},"target":{"user_id":"u_2"}}}'
    )
    assert json.loads(body)["data"]["target"] == {"user_id": "u_2"}


def test_the_envelope_does_not_depend_on_field_order_or_time_zone() -> None:
    paris = timezone(timedelta(hours=1))
    one = envelope("contact.updated", T0, {"a": 1, "b": {"y": 2, "x": 3}})
    other = envelope("contact.updated", T0.astimezone(paris), {"b": {"x": 3, "y": 2}, "a": 1})
    assert one == other


def test_the_envelope_is_ascii_and_refuses_what_json_cannot_carry() -> None:
    body = envelope("contact.updated", T0, {"name": "Zoë 🚀"})
    assert body.isascii()
    assert json.loads(body)["data"]["name"] == "Zoë 🚀"
    with pytest.raises(ValueError):
        envelope("contact.updated", T0, {"score": float("nan")})
    with pytest.raises(TypeError):
        envelope("contact.updated", T0, {"at": T0})
    with pytest.raises(ValueError):
        envelope("contact.updated", T0.replace(tzinfo=None), {})


def test_a_new_secret_is_whsec_and_32_random_bytes() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32
    assert first != second


def test_the_signature_matches_the_specifications_example() -> None:
    # The example of the Standard Webhooks specification (and of its reference libraries' tests).
    headers = signature_headers(
        ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        datetime.fromtimestamp(1614265330, UTC),
        b'{"test": 2432232314}',
    )
    assert headers == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def test_one_signature_per_secret_and_each_verifies_alone() -> None:
    new, old, stranger = new_secret(), new_secret(), new_secret()
    now = datetime.now(UTC).astimezone(timezone(timedelta(hours=-5)))  # any zone: the instant counts
    body = envelope("member.updated", now, {"user_id": "u_1"})
    headers = signature_headers([new, old], "evt_1", now, body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(new).verify(body, headers)["type"] == "member.updated"
    assert Webhook(old).verify(body, headers)["type"] == "member.updated"
    with pytest.raises(WebhookVerificationError):
        Webhook(stranger).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(body.replace(b"u_1", b"u_2"), headers)


def test_signing_needs_a_secret_and_an_aware_time() -> None:
    with pytest.raises(ValueError):
        signature_headers([], "evt_1", T0, b"{}")
    with pytest.raises(ValueError):
        signature_headers([new_secret()], "evt_1", T0.replace(tzinfo=None), b"{}")
