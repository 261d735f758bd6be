"""Support sessions: an operator (hosting staff) acts as an active member of one account for up to an hour,
with a reason the owner is emailed and every change recorded as the operator's, naming the session."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from chalicelib.deps import Deps
from chalicelib.domain.audit import Target
from chalicelib.domain.caller import Caller, SupportSession, display_name
from chalicelib.domain.locales import reader_locale
from chalicelib.domain.wording import neutral
from chalicelib.errors import AppError, changed_meanwhile, not_found
from chalicelib.i18n.text import date_in_words
from chalicelib.ids import new_id
from chalicelib.schemas.support_sessions import SupportSessionCreated, SupportSessionIn
from chalicelib.services.audit_record import record
from chalicelib.services.lookup import named
from chalicelib.services.outbox import notice
from chalicelib.services.password_reset import PORTAL_NAME
from chalicelib.store import keys
from chalicelib.store.models import AccountItem, MailItem, SupportSessionItem, UserItem, format_time
from chalicelib.store.support_sessions import new_support_session_item

# The longest a session lasts: long enough for a support call, short enough that a leaked token soon dies.
SESSION_LENGTH = timedelta(hours=1)


def _inactive() -> AppError:
    return AppError(
        "member_deactivated", "The member is deactivated: support can act only as an active member."
    )


def _as_support(caller: Caller, session: SupportSessionItem) -> Caller:
    """The operator, recorded as acting through `session` (domain/audit.py actor_of)."""
    support = SupportSession(session.support_session_id, session.account_id, session.reason)
    return replace(caller, user_id=session.user_id, support_session=support)


def _target(session: SupportSessionItem) -> Target:
    return Target("support_session", session.support_session_id)


def start(deps: Deps, caller: Caller, account: AccountItem, body: SupportSessionIn) -> SupportSessionCreated:
    """Reads the member, their user and the owner in one BatchGetItem; writes the session with its
    `support_session.started` event in one transaction (which also requires the member to be active still);
    then emails the owner."""
    if not keys.is_valid_id(body.user_id):
        raise not_found("member")
    account_id = account.account_id
    membership, user, owner = deps.store.support_sessions.target(
        account_id, body.user_id, account.owner_user_id
    )
    if membership is None or user is None:
        raise not_found("member")
    if membership.status != "active":
        raise _inactive()
    now = deps.now()
    expires_at = now + SESSION_LENGTH
    session = new_support_session_item(new_id("sup"), account_id, user.user_id, body.reason, now, expires_at)
    started = {"expires_at": (None, format_time(expires_at))}
    event = record(
        deps, "support_session.started", _as_support(caller, session), account_id, _target(session), started
    )
    notice = _notice(deps, owner, user, account, session) if owner is not None else None
    outcome = deps.store.support_sessions.start(session, event, notice)
    if "inactive" in outcome.failed:
        raise _inactive()
    if not outcome:
        raise changed_meanwhile("The support session could not be started; try again.")
    issued = deps.tokens.issue_support(
        user.user_id, int(user.token_version), account_id, session.support_session_id, now, expires_at
    )
    return SupportSessionCreated(
        access_token=issued.token, expires_at=expires_at, support_session_id=session.support_session_id
    )


def _notice(
    deps: Deps, owner: UserItem, member: UserItem, account: AccountItem, session: SupportSessionItem
) -> MailItem:
    """The owner's email, committed with the session (services/outbox.py): a bounced one is retried by the
    outbox, never undoes the session."""
    locale = reader_locale(owner.locale, account.default_locale)
    values = {
        "portal_name": PORTAL_NAME,
        "account_name": neutral(account.name),
        "member": neutral(display_name(member.first_name, member.last_name, member.email)),
        "reason": session.reason,
        "expires_words": date_in_words(session.expires_at, locale),
        "session_id": session.support_session_id,
    }
    return notice(deps, "support_session", owner.email, values, locale=locale, account_id=account.account_id)


def end(deps: Deps, caller: Caller, account: AccountItem, session_id: str) -> None:
    """Ends a live session at once (its token is refused from the next request on), with its
    `support_session.ended` event. Ending one already ended or expired changes nothing."""
    session = named(
        session_id, lambda: deps.store.support_sessions.get(account.account_id, session_id), "support session"
    )
    now = deps.now()
    if session.ended_at is not None or session.expires_at <= now:
        return
    event = record(
        deps, "support_session.ended", _as_support(caller, session), account.account_id, _target(session)
    )
    deps.store.support_sessions.end(session, now, event)  # failed only if ended meanwhile: ended either way
