"""The hourly digest of new join requests (issue 29, API.md "Join requests and invite links"): the account's
`user_management` holders get at most one email an hour listing the requests made since the last one.

A new request marks its account's digest due (store/join_requests.py), so a run reads only the accounts
with new requests, never every account. A digest sent less than an hour ago waits in the index until the
hour is over; sending it is conditional on the digest being as read, so two runs at once send one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from chalicelib.deps import Deps
from chalicelib.domain.locales import Locale, as_locale
from chalicelib.domain.permissions import allows, as_role
from chalicelib.domain.wording import neutral
from chalicelib.i18n.text import translate_plural
from chalicelib.msgids import N_plural
from chalicelib.schemas.joining import status_of
from chalicelib.services.outbox import notice
from chalicelib.services.password_reset import PORTAL_NAME
from chalicelib.store.models import JoinDigestItem, JoinRequestItem, MailItem

EVERY: Final = timedelta(hours=1)
BATCH: Final = 100
LISTED: Final = 20  # requests named in one email; the rest are counted


@dataclass
class DigestReport:
    due: int = 0
    sent: int = 0  # digests sent (each to every user manager of its account)
    waiting: int = 0  # one was sent less than an hour ago


def send_digests(deps: Deps, at: datetime, *, dry_run: bool = False) -> DigestReport:
    report = DigestReport()
    for digest in deps.store.join_requests.digests_due(at, BATCH):
        report.due += 1
        if digest.last_sent_at is not None and digest.last_sent_at + EVERY > at:
            report.waiting += 1
        elif not dry_run and _send(deps, digest, at):
            report.sent += 1
    return report


def _send(deps: Deps, digest: JoinDigestItem, at: datetime) -> bool:
    """The digest's emails, queued with its record; none when nothing new is pending any more (it still
    leaves the index)."""
    account = deps.store.accounts.get_account(digest.account_id)
    since = digest.last_sent_at
    new = [
        request
        for request in deps.store.join_requests.requests_of(digest.account_id)
        if status_of(request, at) == "pending" and (since is None or request.created_at > since)
    ]
    mails: list[MailItem] = []
    if account is not None and new:
        locale = as_locale(account.default_locale)  # one digest for every manager: the account's language
        values = _values(deps, account.name, new, locale)
        mails = [
            notice(deps, "join_requests_digest", to, values, locale=locale, account_id=account.account_id)
            for to in _managers(deps, digest)
        ]
    return bool(deps.store.join_requests.send_digest(digest, mails, deps.now()))


def _values(deps: Deps, account_name: str, new: list[JoinRequestItem], locale: Locale) -> dict[str, str]:
    new.sort(key=lambda request: request.created_at)
    lines = [f"- {request.email}" for request in new[:LISTED]]
    if len(new) > LISTED:
        more = N_plural("- and $count more", "- and $count more")
        lines.append(translate_plural(locale, more, len(new) - LISTED))
    return {
        "portal_name": PORTAL_NAME,
        "account_name": neutral(account_name),
        "count": str(len(new)),
        "requests": "\n".join(lines),
        "link": f"{deps.settings.portal_url}/join-requests",  # the Join requests page
    }


def _managers(deps: Deps, digest: JoinDigestItem) -> list[str]:
    """The active members holding user_management: an admin-only key, so the owner and the admins."""
    members = deps.store.members.members_of(digest.account_id)
    return sorted(
        {
            member.email
            for member in members
            if member.status == "active"
            and allows(as_role(member.role), member.permissions or [], "user_management")
        }
    )
