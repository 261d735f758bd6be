"""What services need from email: send one message, or many at once. Failures are reported, not raised,
so a bounced send never loses the invitation it was for."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)
MAX_CONCURRENT_SENDS = 10


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    sender_name: str | None = None  # the From display name: the brand's (mail/templates.py)


class MailDeliveryError(Exception):
    pass


class Mailer(Protocol):
    def send(self, email: OutgoingEmail) -> None:
        """Send it or raise MailDeliveryError."""


def deliver(mailer: Mailer, email: OutgoingEmail) -> bool:
    try:
        mailer.send(email)
    except MailDeliveryError:
        log.warning("email to %s was not delivered", email.to, exc_info=True)
        return False
    return True


def deliver_all(mailer: Mailer, emails: list[OutgoingEmail]) -> list[bool]:
    """Sends concurrently (a 50-invitee request waits for the slowest send, not the sum), in input order."""
    if len(emails) <= 1:
        return [deliver(mailer, email) for email in emails]
    from concurrent.futures import ThreadPoolExecutor  # only a bulk invite sends more than one

    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT_SENDS, len(emails))) as pool:
        return list(pool.map(lambda email: deliver(mailer, email), emails))
