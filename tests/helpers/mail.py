"""Emails the service sent, however they were caught: moto's in-process SES (API tier), a running moto
server (the local runner's /local/sent-email.json, end to end), or a recording mailer (fast tier)."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.mail.mailer import MailDeliveryError, OutgoingEmail

LINK_TOKEN = re.compile(r"#token=([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str  # moto keeps the HTML part; the recording mailer keeps the text part

    @property
    def link_token(self) -> str:
        match = LINK_TOKEN.search(self.body)
        assert match, f"no link in {self.body!r}"
        return match.group(1)


def link_token(message: Mail) -> str:
    return message.link_token


def moto_outbox() -> list[Mail]:
    """Messages moto's in-process SES accepted, oldest first."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    sent = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    return [Mail(tuple(m.destinations.get("ToAddresses", [])), m.subject, m.body) for m in sent]


def moto_server_outbox(moto_url: str, seconds: float = 30) -> list[Mail]:
    """Messages the local runner's moto server accepted, oldest first (its /local/sent-email.json: moto's own
    /moto-api/data.json dumps every table with them, and grows slow once the load test has run), once its
    outbox worker has caught up with what the API committed (/local/outbox-idle): the emails leave through
    the worker, as on AWS."""
    deadline = time.monotonic() + seconds
    while True:
        with urllib.request.urlopen(moto_url + "/local/outbox-idle", timeout=30) as reply:
            if json.loads(reply.read())["idle"] or time.monotonic() > deadline:
                break
        time.sleep(0.1)
    with urllib.request.urlopen(moto_url + "/local/sent-email.json", timeout=30) as reply:
        sent = json.loads(reply.read())
    return [Mail(tuple(m["to"]), m["subject"], m["body"]) for m in sent]


def to_address(messages: list[Mail], address: str) -> list[Mail]:
    return [m for m in messages if address in m.to]


def drain_outbox(deps: Any, now: datetime | None = None) -> Any:
    """Runs the email outbox's worker once (what `make run` does on each write that gives it work and AWS on
    each commit): every email goes out this way, the request sends none. `now`: judge what is due at a later
    time (past a retry's backoff or a lease). Answers the worker's report."""
    from chalicelib.services.email_worker import run_once

    return run_once(deps, now)


def drained_moto_outbox(deps: Any) -> Callable[[], list[Mail]]:
    """The API tier's outbox: what moto's SES accepted once the outbox worker has run."""

    def read() -> list[Mail]:
        drain_outbox(deps)
        return moto_outbox()

    return read


# The API tier's shorthand: what moto in this process has sent, once the outbox worker has run on the
# collaborators the test installed.
def outbox() -> list[Mail]:
    from chalicelib.deps import get_deps

    return drained_moto_outbox(get_deps())()


def emails_to(address: str) -> list[Mail]:
    return to_address(outbox(), address)


def latest_link(address: str) -> str:
    messages = emails_to(address)
    assert messages, f"no email to {address}"
    return messages[-1].link_token


class RecordingMailer:
    """The `Mailer` protocol in memory: keeps what was sent; `fail_for` addresses raise as SES would."""

    def __init__(self, fail_for: tuple[str, ...] = ()) -> None:
        self.sent: list[Mail] = []
        self.fail_for = set(fail_for)
        self._lock = threading.Lock()  # bulk invites send from several threads

    def send(self, email: OutgoingEmail) -> None:
        if email.to in self.fail_for:
            raise MailDeliveryError(f"rejected: {email.to}")
        with self._lock:
            self.sent.append(Mail((email.to,), email.subject, email.text))

    def to(self, address: str) -> list[Mail]:
        return to_address(self.sent, address)
