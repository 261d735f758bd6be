"""Contract cases (as tests/unit/test_fake_contracts.py) for webhook endpoints (an account's and the
operator's, counted under their cap) and Idempotency-Key records (held, answered, released, taken over)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from chalicelib.store.idempotency import KEPT, LEASE, KeyHold
from chalicelib.store.webhooks import MAX_WEBHOOKS, new_webhook_item
from tests.helpers.present import present
from tests.unit.test_fake_contracts import covers

if TYPE_CHECKING:
    from chalicelib.store.models import WebhookItem
    from tests.helpers.fakes import FakeWorld


def hook(world: FakeWorld, account_id: str | None, n: int) -> WebhookItem:
    return new_webhook_item(account_id, f"whk_{n:03d}", f"https://93.184.216.34/{n}", ["*"], None, "s",
                            world.deps.now())  # fmt: skip


@covers("webhooks.create", "webhooks.delete", "webhooks.get_webhook", "webhooks.webhooks_of")
def test_an_accounts_endpoints_are_counted_under_their_cap(world: FakeWorld) -> None:
    store = world.deps.store
    account_id, other = world.account("Acme"), world.account("Other")
    for n in range(MAX_WEBHOOKS):
        assert store.webhooks.create(hook(world, account_id, n), None)
    assert store.webhooks.create(hook(world, account_id, 99), None).failed == {"full"}
    assert store.webhooks.create(hook(world, account_id, 0), None).failed == {"conflict", "full"}
    assert present(store.accounts.get_account(account_id)).webhook_count == MAX_WEBHOOKS
    assert store.webhooks.create(hook(world, "acc_missing", 1), None).failed == {"full"}
    assert store.webhooks.create(hook(world, other, 0), None)  # another account's own, same id
    first = present(store.webhooks.get_webhook(account_id, "whk_000"))
    assert (first.url, first.event_types) == ("https://93.184.216.34/0", ["*"])
    assert store.webhooks.get_webhook(None, "whk_000") is None
    assert store.webhooks.delete(first, None)
    assert store.webhooks.delete(first, None).failed == {"gone"}
    assert store.webhooks.get_webhook(account_id, "whk_000") is None
    assert present(store.accounts.get_account(account_id)).webhook_count == MAX_WEBHOOKS - 1
    assert store.webhooks.create(hook(world, account_id, 99), None)
    assert len(store.webhooks.webhooks_of(account_id)) == MAX_WEBHOOKS
    assert [w.webhook_id for w in store.webhooks.webhooks_of(other)] == ["whk_000"]


@covers("webhooks.create", "webhooks.page", "webhooks.webhooks_of")
def test_the_operators_endpoints_are_paged_oldest_first(world: FakeWorld) -> None:
    store = world.deps.store
    for n in (3, 1, 2):
        assert store.webhooks.create(hook(world, None, n), None)
    assert [w.webhook_id for w in store.webhooks.webhooks_of(None)] == ["whk_001", "whk_002", "whk_003"]
    first, more = store.webhooks.page(None, 2, None)
    assert ([w.webhook_id for w in first], more) == (["whk_001", "whk_002"], True)
    rest, more = store.webhooks.page(None, 2, first[-1].sk)
    assert ([w.webhook_id for w in rest], more) == (["whk_003"], False)
    assert store.webhooks.page(world.account("Empty"), 2, None) == ([], False)


@covers("webhooks.update")
def test_an_endpoint_changes_only_the_fields_named_while_it_is_there(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    account_id = world.account("Acme")
    assert store.webhooks.create(hook(world, account_id, 1), None)
    held = present(store.webhooks.get_webhook(account_id, "whk_001"))
    assert store.webhooks.update(held, {"enabled": False, "failing_since": now}, None, now)
    assert held.enabled is False  # on the item the caller holds
    worker = present(store.webhooks.get_webhook(account_id, "whk_001"))
    assert store.webhooks.update(held, {"description": "Billing", "enabled": True}, None, now)
    read = present(store.webhooks.get_webhook(account_id, "whk_001"))
    assert (read.description, read.enabled, read.failing_since, read.gsi2pk is not None) == (
        "Billing", True, now, True,
    )  # fmt: skip
    assert store.webhooks.update(held, {"description": None}, None, now)
    assert present(store.webhooks.get_webhook(account_id, "whk_001")).description is None
    assert store.webhooks.delete(worker, None)
    assert store.webhooks.update(held, {"url": "https://93.184.216.34/x"}, None, now).failed == {"gone"}
    assert held.url == "https://93.184.216.34/1"  # unchanged when nothing was written


def hold(holder: str, key: str = "k1") -> KeyHold:
    return KeyHold("user#usr_1", "POST /accounts", key, holder)


@covers("idempotency.reserve", "idempotency.answer", "idempotency.release")
def test_a_key_is_held_answered_or_freed_by_its_holder_only(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    assert store.idempotency.reserve(hold("h1"), "body", now) is None
    running = present(store.idempotency.reserve(hold("h2"), "body", now))
    assert (running.holder, running.body_digest) == ("h1", "body") and running.status_code is None
    assert present(store.idempotency.reserve(hold("h2"), "other", now)).body_digest == "body"
    store.idempotency.answer(hold("h2"), 201, '{"x": 2}')  # not its holder: nothing
    store.idempotency.release(hold("h2"), now)
    assert present(store.idempotency.reserve(hold("h3"), "body", now)).answer is None
    store.idempotency.answer(hold("h1"), 201, '{"x": 1}')
    done = present(
        store.idempotency.reserve(hold("h3"), "body", now + LEASE * 2)
    )  # answered: never abandoned
    assert (done.status_code, done.answer) == (201, '{"x": 1}')
    store.idempotency.release(hold("h1"), now)  # answered: kept, only its lease ends
    assert present(store.idempotency.reserve(hold("h3"), "body", now)).answer == '{"x": 1}'
    assert store.idempotency.reserve(hold("h3"), "body", now + KEPT + timedelta(seconds=1)) is None
    assert store.idempotency.reserve(hold("h1", "k2"), "body", now) is None
    store.idempotency.release(hold("h1", "k2"), now)  # nothing changed: free again
    assert store.idempotency.reserve(hold("h4", "k2"), "other", now) is None


@covers("idempotency.reserve", "idempotency.take_over")
def test_an_abandoned_key_runs_anew_and_a_lost_one_is_taken_over_once(world: FakeWorld) -> None:
    store, now = world.deps.store, world.deps.now()
    assert store.idempotency.reserve(hold("h1"), "body", now) is None
    later = now + LEASE + timedelta(seconds=1)
    assert present(store.idempotency.reserve(hold("h2"), "other", later)).holder == "h1"  # another body
    assert store.idempotency.reserve(hold("h2"), "body", later) is None  # abandoned: its lease over
    found = present(store.idempotency.reserve(hold("h3"), "body", later))
    assert found.holder == "h2"
    assert not store.idempotency.take_over(hold("h3"), found, later)  # h2's lease runs
    after = later + LEASE
    assert store.idempotency.take_over(hold("h3"), found, after)
    assert not store.idempotency.take_over(hold("h4"), found, after)  # h3 took it first
    assert present(store.idempotency.reserve(hold("h4"), "other", after)).holder == "h3"
    store.idempotency.answer(hold("h3"), 201, "{}")
    taken = present(store.idempotency.reserve(hold("h5"), "body", after + LEASE * 2))
    assert not store.idempotency.take_over(hold("h5"), taken, after + LEASE * 2)  # answered meanwhile
