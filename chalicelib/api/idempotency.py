"""`Idempotency-Key` on the POSTs that create things: a client that did not hear the answer (a timeout, a 5xx
from a gateway) sends the request again with the same key and gets the first answer, not a second account.

- Scoped to the caller (a user, the operator, a support session) and the request's path: nobody else's key
  can ever replay an answer to them, whatever key they choose.
- The same key with the same body within 24 hours: the first answer, status and body, replayed (with
  `Idempotent-Replayed: true`). With another body: 422 `idempotency_key_reused`. While the first request
  still runs: 409 `idempotency_in_progress` (Retry-After 1).
- Only a success is kept: a request refused before it changed anything (4xx, 5xx) frees the key, so its
  retry runs anew.
- A request that dies (a timeout, a crash) holds its key for its lease (60 s, past the function's timeout).
  Every transaction it commits marks the key, in that same transaction (store/tx.py's rider), if it still
  holds the key. After the lease, a retry of one that died unmarked runs anew (it changed nothing); of one
  that died marked, after its change but before its answer was stored, is 409 `idempotency_outcome_unknown`:
  never a second change; except on a resumable route (the bulk invite), whose retry takes the key over and
  completes what the first left undone, answering every email (issue 25, item 10). One still alive after
  its lease, whose key a retry took over, commits nothing more and answers 409 `idempotency_in_progress`.
- Answers that carry a credential (a support session's access token, an invitation accept's) are never
  stored: those routes do not take the header (it is ignored there). A new webhook's secret is replayed to
  the same caller only; the endpoint's item holds the same secret anyway (it signs with it).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from chalice.app import Request, Response

from chalicelib.errors import AppError, RiderRefusedError, validation_error

if TYPE_CHECKING:
    from chalicelib.deps import Deps
    from chalicelib.domain.caller import Caller
    from chalicelib.store.idempotency import KeyHold

log = logging.getLogger(__name__)
HEADER = "Idempotency-Key"
_SHAPE = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces: what the IETF draft's keys are


# The view's writes found the key no longer this request's (a retry took it over after the lease).
TakenOver = RiderRefusedError


def key_of(request: Request) -> str | None:
    raw = request.headers.get(HEADER.lower())
    if not isinstance(raw, str):
        return None
    if not _SHAPE.match(raw):
        raise validation_error(HEADER, "must be 1 to 255 printable ASCII characters")
    return raw


def _scope(caller: Caller) -> str | None:
    if caller.support_session is not None:
        return f"support#{caller.support_session.session_id}"
    if caller.is_operator:
        return "operator"
    return f"user#{caller.user_id}" if caller.user_id else None


def claim(
    deps: Deps, caller: Caller, path: str, key: str, body: str, resumable: bool = False
) -> KeyHold | Response:
    """The request's hold on its key, or the answer to give instead (a replay, or an error raised). On a
    `resumable` route (its view completes what an earlier run under the key left undone and answers in
    full), a retry after a run that changed something and was lost takes the key over and runs again."""
    from chalicelib.store.idempotency import KeyHold  # the store loads here anyway: keep it off app's import

    scope = _scope(caller)
    if scope is None:
        raise AppError("unauthenticated", "An Idempotency-Key needs a signed-in caller.")
    held = KeyHold(scope, path, hashlib.sha256(key.encode()).hexdigest(), secrets.token_hex(16))
    body_digest = hashlib.sha256(body.encode()).hexdigest()
    found = deps.store.idempotency.reserve(held, body_digest, deps.now())
    if found is None:
        return held
    if found.body_digest != body_digest:
        raise AppError(
            "idempotency_key_reused", "This Idempotency-Key came with another body: use a new key."
        )
    if found.status_code is None or found.answer is None:
        gone = found.lease_until is None or found.lease_until <= deps.now()
        if found.committed_at is not None and gone and resumable:
            if deps.store.idempotency.take_over(held, found, deps.now()):
                return held
            raise in_progress()
        if found.committed_at is not None and gone:
            raise AppError(
                "idempotency_outcome_unknown",
                "The first request with this key made its change, but its answer was lost: "
                "read the result instead of retrying with this key.",
            )
        raise in_progress()
    headers: dict[str, str | list[str]] = {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        "Idempotent-Replayed": "true",
    }
    return Response(body=found.answer, status_code=int(found.status_code), headers=headers)


def in_progress() -> AppError:
    return AppError(
        "idempotency_in_progress", "The first request with this key is still running.", retry_after=1
    )


def marking(deps: Deps, held: KeyHold) -> AbstractContextManager[None]:
    """While the view runs: each transaction it commits marks the key as having changed something."""
    return deps.store.idempotency.marking(held, deps.now())


def settle(deps: Deps, held: KeyHold, response: Response) -> None:
    """Keeps a success's answer under the key; frees the key after any other answer (if still held).

    Never raises: the answer is already decided, and a change that committed must be answered as the
    success it was, with its ids, even when keeping the answer fails (DynamoDB unreachable a moment). The
    key then stays marked as changed: a retry with it is told so (`idempotency_outcome_unknown`), or, on a
    route that resumes (a bulk invite), completes and answers in full."""
    store = deps.store.idempotency
    try:
        if 200 <= response.status_code < 300:
            body = response.body if isinstance(response.body, str) else str(response.body or "")
            store.answer(held, response.status_code, body)
        else:
            store.release(held, deps.now())
    except Exception:  # any failure: the answer stands; the key's record says what it can
        log.exception("the Idempotency-Key's record could not be settled; answering all the same")
