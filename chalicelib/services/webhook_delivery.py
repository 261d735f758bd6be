"""The webhook worker: hands each queued audit event to the endpoints that want it, then attempts the
deliveries due, on the one worker loop (services/worker_loop.py): concurrently, fairly across accounts, and
within the run's deadline. At least once: a delivery is taken (leased) before its attempt and recorded after
it, so a worker that dies in between leaves it due again, to be sent a second time, never zero times.

A run reads each queued event once and each account's endpoints once (the operator's too); after every
attempt it learns the endpoint as it now stands from the write that records the attempt's marks, so an
endpoint turned off or given a new secret or URL mid-run gets nothing more sent the old way. An event for an
endpoint that is off is held for it (never lost) until it is on again. Run on AWS when the stream says an
event committed and every minute (jobs/webhooks.py), and every few seconds by `make run`."""

from __future__ import annotations

import json
import logging
import threading
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import partial

from chalicelib.deps import Deps
from chalicelib.domain.audit import SYSTEM, Event, Target
from chalicelib.domain.locales import reader_locale
from chalicelib.domain.webhooks import DELIVERY_RETRIES, FAN_OUT_RETRIES, envelope, should_disable
from chalicelib.domain.wording import neutral
from chalicelib.i18n.text import date_in_words
from chalicelib.ids import new_sortable_id
from chalicelib.schemas.audit import AuditEvent
from chalicelib.services.outbox import notice
from chalicelib.services.worker_loop import Deadline, Limits, Report, Tally, Task, run_fairly
from chalicelib.store.audit import audit_item
from chalicelib.store.deliveries import new_delivery_item, set_due, set_held
from chalicelib.store.models import AuditEventItem, DeliveryItem, MailItem, WebhookItem

log = logging.getLogger(__name__)
# Long enough for one attempt (5 s) and its record; a worker gone longer than this is presumed dead.
LEASE = timedelta(minutes=2)
# Deliveries to one endpoint in one run, one after another (in the order they came), while the run's time
# lasts: an account's share of a run.
PER_ENDPOINT = 50
LIMITS = Limits(workers=16, per_account=4, share=50, budget_seconds=50.0)


def run_once(deps: Deps, now: datetime | None = None, limits: Limits = LIMITS) -> Report:
    """One run, all of it within `limits.budget_seconds` from its start (plus one attempt)."""
    deadline = Deadline.of(limits)
    run = _Run(deps, now or deps.now())
    fresh = run.fan_out(deadline)
    run.release_held()
    due = deps.store.deliveries.due(run.now) if not deadline.passed() else []
    report = run_fairly("webhooks", run.tasks([*fresh, *due]), limits, deadline=deadline)
    report.fanned_out = run.fanned_out
    report.deferred += run.hand_back(fresh)
    return report


def wants(webhook: WebhookItem, event_type: str) -> bool:
    """Whether the endpoint subscribes to the type (on or off: an endpoint that is off has it held)."""
    return "*" in webhook.event_types or event_type in webhook.event_types


class _Run:
    def __init__(self, deps: Deps, now: datetime) -> None:
        self.deps, self.now, self.fanned_out = deps, now, 0
        self._endpoints: dict[str | None, dict[str, WebhookItem]] = {}
        self._leased: dict[str, datetime] = {}  # delivery id -> the lease this run holds on it
        self._started: set[str] = set()
        self._lock = threading.Lock()

    def endpoints_of(self, account_id: str | None) -> dict[str, WebhookItem]:
        """Read once per run (None: the operator's)."""
        with self._lock:
            if account_id not in self._endpoints:
                found = self.deps.store.webhooks.webhooks_of(account_id)
                self._endpoints[account_id] = {w.webhook_id: w for w in found}
            return self._endpoints[account_id]

    def fan_out(self, deadline: Deadline) -> list[DeliveryItem]:
        """Each queued event handed to its endpoints, each on its own: one that fails is tried again on its
        own schedule (FAN_OUT_RETRIES), then parked; the rest go on. An account's share of the queue at a
        time (store/due.py), and none past the deadline (what is left stays queued)."""
        made: list[DeliveryItem] = []
        for event in self.deps.store.deliveries.events_due(self.now):
            if deadline.passed():
                break
            try:
                made += self._fan_out_one(event)
            except Exception as error:
                log.exception("event %s: not handed to its endpoints", event.event_id)
                self._fan_out_failed(event, error)
        return made

    def _fan_out_one(self, event: AuditEventItem) -> list[DeliveryItem]:
        data = json.loads(AuditEvent.of(event).model_dump_json())
        body = envelope(event.type, event.occurred_at, data)
        endpoints = [*self.endpoints_of(event.account_id).values(), *self.endpoints_of(None).values()]
        deliveries = []
        for webhook in (w for w in endpoints if wants(w, event.type)):
            delivery = new_delivery_item(new_sortable_id("dlv"), webhook, event, body, self.now)
            if webhook.enabled:  # taken by this run at once: no lease write, no second read
                set_due(delivery, self.now + LEASE)
                self._leased[delivery.delivery_id] = self.now + LEASE
            else:
                set_held(delivery)
            deliveries.append(delivery)
        if not self.deps.store.deliveries.fan_out(event, deliveries):
            return []  # another worker did it
        self.fanned_out += 1
        return [delivery for delivery in deliveries if delivery.status == "pending"]

    def _fan_out_failed(self, event: AuditEventItem, error: Exception) -> None:
        attempts = int(event.fan_out_attempts or 0) + 1
        retry_at = FAN_OUT_RETRIES.next_attempt_at(attempts, event.occurred_at, self.now)
        try:
            self.deps.store.deliveries.fan_out_failed(
                event, attempts, retry_at, f"{type(error).__name__}: {error}"
            )
        except Exception:
            log.exception(
                "event %s: its failure not recorded either; it is due again as it was", event.event_id
            )

    def release_held(self) -> None:
        for webhook in self.deps.store.deliveries.endpoints_to_release(self.now):
            try:
                self.deps.store.deliveries.release(webhook, self.now)
            except Exception:
                log.exception("webhook %s: held deliveries not released this run", webhook.webhook_id)

    def tasks(self, deliveries: list[DeliveryItem]) -> list[Task]:
        """One task per endpoint: its deliveries in the order their events came, PER_ENDPOINT at most."""
        by_endpoint: dict[str, list[DeliveryItem]] = defaultdict(list)
        for delivery in sorted(deliveries, key=lambda d: (d.first_attempt_at, d.delivery_id)):
            by_endpoint[delivery.webhook_id].append(delivery)
        return [
            Task(
                group[0].account_id or "",
                partial(self._send_all, group[:PER_ENDPOINT]),
                f"webhook {webhook_id}",
            )
            for webhook_id, group in by_endpoint.items()
        ]

    def _send_all(self, deliveries: list[DeliveryItem], deadline: Deadline) -> Tally:
        tally = Tally()
        for delivery in deliveries:
            if deadline.passed():
                break  # a leased one is due again when its lease lapses; the others are still due
            tally.add(self._attempt(delivery))
        return tally

    def hand_back(self, fresh: list[DeliveryItem]) -> int:
        """The new deliveries this run took but did not start (past a share or the deadline): due now, for
        the next run, rather than when their lease would lapse. Returns how many."""
        handed = 0
        for delivery in fresh:
            leased = self._leased.get(delivery.delivery_id)
            if delivery.delivery_id in self._started or leased is None:
                continue
            set_due(delivery, self.now)
            handed += 1
            try:
                self.deps.store.deliveries.record(delivery, leased)
            except Exception:
                log.exception("delivery %s: due when its lease lapses", delivery.delivery_id)
        return handed

    def _attempt(self, delivery: DeliveryItem) -> Tally:
        store = self.deps.store.deliveries
        self._started.add(delivery.delivery_id)
        leased = self._leased.get(delivery.delivery_id)
        if leased is None:
            leased = self.now + LEASE
            if not store.lease(delivery, leased):
                return Tally()
        webhook = self.endpoints_of(delivery.account_id).get(delivery.webhook_id)
        if webhook is None or not webhook.enabled:
            if webhook is None:
                delivery.status, delivery.last_error = "failed", "the endpoint was deleted"
                set_due(delivery, None)
            else:
                set_held(delivery)
            store.record(delivery, leased)
            return Tally(parked=1)
        succeeded = self._send(webhook, delivery)
        store.record(delivery, leased)
        self._remember(delivery.account_id, store.endpoint_attempted(webhook, succeeded, self.now), webhook)
        return Tally(attempted=1, succeeded=int(succeeded), failed=int(not succeeded))

    def _send(self, webhook: WebhookItem, delivery: DeliveryItem) -> bool:
        from chalicelib.delivery.sender import send

        # Signed with the wall clock, not the service's clock: receivers compare it with theirs (a 5 minute
        # replay window), whatever time the schedule runs on.
        attempt = send(
            webhook.url,
            _secrets(webhook, self.now),
            delivery.event_id,
            datetime.now(UTC),
            delivery.body.encode("ascii"),
            allow_loopback=self.deps.settings.webhook_allow_loopback,
        )
        delivery.attempts = int(delivery.attempts) + 1
        delivery.last_attempt_at, delivery.last_status_code = self.now, attempt.status_code
        delivery.last_error = attempt.error
        if attempt.succeeded:
            delivery.status = "succeeded"
            set_due(delivery, None)
            return True
        following = DELIVERY_RETRIES.next_attempt_at(
            int(delivery.attempts), delivery.first_attempt_at, self.now
        )
        if following is None:
            delivery.status = "failed"
        set_due(delivery, max(following, self.now) if following else None)
        return False

    def _remember(self, account_id: str | None, fresh: WebhookItem | None, was: WebhookItem) -> None:
        """The endpoint as the attempt's record found it (None: deleted), turned off after 5 days failing."""
        due_off = fresh is not None and fresh.enabled and should_disable(fresh.failing_since, self.now)
        if fresh is not None and due_off and self._turn_off(fresh):
            fresh.enabled = False
        with self._lock:
            endpoints = self._endpoints.setdefault(account_id, {})
            if fresh is None:
                endpoints.pop(was.webhook_id, None)
            else:
                endpoints[fresh.webhook_id] = fresh

    def _turn_off(self, webhook: WebhookItem) -> bool:
        log.warning("webhook %s turned off after failing since %s", webhook.webhook_id, webhook.failing_since)
        event = None
        if webhook.account_id:
            target = Target("webhook", webhook.webhook_id)
            made = Event(
                "webhook.disabled", webhook.account_id, SYSTEM, target, self.now, {"enabled": (True, False)}
            )
            event = audit_item(made, self.deps.settings.audit_retention_days)
        return self.deps.store.deliveries.turn_off(webhook, event, _owner_notice(self.deps, webhook))


def _secrets(webhook: WebhookItem, now: datetime) -> list[str]:
    """The current secret, and a rotated one until it lapses: receivers verify with either."""
    until = webhook.previous_secret_until
    rotated = [webhook.previous_secret] if webhook.previous_secret and until and until > now else []
    return [webhook.secret, *rotated]


def _owner_notice(deps: Deps, webhook: WebhookItem) -> MailItem | None:
    """An account's endpoint turned off: its owner hears of it through the email outbox, committed with the
    endpoint's change (the operator's own are in the log)."""
    account = deps.store.accounts.get_account(webhook.account_id) if webhook.account_id else None
    owner = deps.store.users.get_user(account.owner_user_id) if account and account.owner_user_id else None
    if account is None or owner is None or webhook.failing_since is None:
        return None
    locale = reader_locale(owner.locale, account.default_locale)
    values = {
        "account_name": neutral(account.name),
        "url": webhook.url,  # the owner's own endpoint
        "failing_since_words": date_in_words(webhook.failing_since, locale),
    }
    return notice(deps, "webhook_disabled", owner.email, values, locale=locale, account_id=account.account_id)
