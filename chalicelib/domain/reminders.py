"""Rules of invitation reminders: when one falls due, whether a run sends it, and what its email says.

An invitation valid 3 days or more is reminded 48 hours before it ends, one valid 2 to under 3 days 24 hours
before; a shorter one never (its email is still fresh). A run sends an overdue reminder of a pending
invitation unless the invitation was sent or resent in the 24 hours before the run (its own email is
reminder enough), and never twice (`reminded_at`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from chalicelib.domain.wording import date_in_words
from chalicelib.msgids import N_, Words, english

LONG_VALIDITY = timedelta(days=3)
SHORT_VALIDITY = timedelta(days=2)
LONG_NOTICE = timedelta(hours=48)
SHORT_NOTICE = timedelta(hours=24)
RECENTLY_SENT = timedelta(hours=24)

Verdict = Literal["send", "wait", "drop"]


def reminder_due(last_sent_at: datetime, expires_at: datetime) -> datetime | None:
    """When the reminder of an invitation sent at `last_sent_at` and ending at `expires_at` falls due
    (None: it gets none). The validity is the span of the link the invitee holds: a resend measures anew."""
    validity = expires_at - last_sent_at
    if validity >= LONG_VALIDITY:
        return expires_at - LONG_NOTICE
    if validity >= SHORT_VALIDITY:
        return expires_at - SHORT_NOTICE
    return None


@dataclass(frozen=True)
class ReminderState:
    """What the sweep knows of one due invitation and its account."""

    last_sent_at: datetime
    expires_at: datetime
    reminded_at: datetime | None
    reminders_on: bool  # the account's `invitation_reminders`


def verdict(state: ReminderState, now: datetime) -> Verdict:
    """ "send" the reminder now, "wait" (sent in the last 24 hours: the next run looks again), or "drop"
    (reminded already, ended, or the account turned reminders off: its index entry goes, never read
    again)."""
    if state.reminded_at is not None or not state.reminders_on or state.expires_at <= now:
        return "drop"
    due = reminder_due(state.last_sent_at, state.expires_at)
    if due is None or due > now:
        return "drop" if due is None else "wait"
    if state.last_sent_at > now - RECENTLY_SENT:
        return "wait"
    return "send"


def reminder_headline(
    inviter: str, account: str, expires_at: datetime, words: Words = english, day: str | None = None
) -> str:
    """ "Olivia's invitation to Northwind Hosting ends on Tuesday": names already made safe for an email
    (domain/wording.py `neutral`); no inviter (the operator's invitation): the provider's. `day`: the
    weekday in the reader's words (default: English)."""
    day = day or f"{expires_at.astimezone(UTC):%A}"
    if inviter:
        msgid = N_("$inviter's invitation to $account ends on $day")
        return words(msgid, inviter=inviter, account=account, day=day)
    return words(N_("Your hosting provider's invitation to $account ends on $day"), account=account, day=day)


def ends_in_words(expires_at: datetime) -> str:
    """The day, date and time in UTC, as the invitation email says it."""
    return date_in_words(expires_at)


def link_opens(presented_hash: str, token_hash: str, reminder_token_hash: str | None) -> bool:
    """An invitation opens through its latest email's link or its reminder's (both until a resend, which
    ends both; accepting through either uses the one invitation)."""
    return presented_hash in (token_hash, reminder_token_hash)
