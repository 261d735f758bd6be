"""What a support session may not do, whatever the member it acts as may: the session lasts an hour, so it
must not hand out power that outlives it (issue 25, item 5). Pure rules, applied by the api layer (paths) and
by the use cases that grant roles and permissions."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.caller import Caller
from chalicelib.domain.permissions import ADMIN_ONLY
from chalicelib.msgids import N_

# Path segments a support session's token never passes: passwords and password resets, ownership, webhooks,
# support sessions themselves, and the routes the contract plans for the security policy, SCIM tokens, email
# domains and invite links (refused from the day they exist), sign-in sessions and an admin's sign-out. A
# rule of the path, so every route under them inherits it without saying so. (Unformatted: packed, the
# segments read as one list.)
SUPPORT_BARRED_SEGMENTS = frozenset(
    {
        "password", "password-reset", "ownership", "webhooks", "support-sessions", "security", "scim-tokens",
        "email-domains", "invite-links", "sign-out", "sessions",
    }
)  # fmt: skip


def is_support(caller: Caller) -> bool:
    return caller.support_session is not None


def support_grant_problem(caller: Caller, role: str | None, permissions: Iterable[str] = ()) -> str | None:
    """Why a support session may not give this role and these permissions (to an invitation, a member, a
    join request), or None: never the admin (or owner) role, never an admin-only permission."""
    if not is_support(caller):
        return None
    if role in ("owner", "admin"):
        return N_("A support session cannot make anyone an admin.")
    if ADMIN_ONLY & set(permissions):
        return N_("A support session cannot grant admin-only permissions.")
    return None
