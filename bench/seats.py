"""Issue 28's seats: the DynamoDB round trips of one invitation into an account with a seat limit against one
without (the limit must cost no round trip: the seats are read with the account by authorization, and
taken by an ADD in the invitation's own transaction), and of a reactivation likewise; beside them what a
crossing or a full plan costs (informative).

    .venv/bin/python bench/seats.py     (prints the table's lines; `make bench` writes them in its report)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

Row = tuple[str, list[str], int]


def measure(api: Any) -> list[Row]:
    """Each case on an account of its own, through the API (chalice.test.Client over moto)."""
    from tests.helpers import DynamoCalls, accept_new, create_account, invite

    rows: list[Row] = []

    def run(label: str, call: Any) -> Any:
        with DynamoCalls() as calls:
            reply = call()
        rows.append((label, calls.operations, reply.status))
        return reply

    def account(name: str, limit: int | None) -> tuple[str, str]:
        owner = f"owner@{name}.bench"
        account_id, _ = create_account(api, name, owner)
        token = accept_new(api, owner).token
        if limit is not None:
            assert api.put(f"/accounts/{account_id}/seats", {"limit": limit}, operator=True).status == 200
        return account_id, token

    def one(account_id: str, token: str, email: str) -> Any:
        body = {"emails": [email], "permissions": ["tickets"]}
        return lambda: api.post(f"/accounts/{account_id}/invitations", body, token=token)

    cases = (("unlimited", None, "no limit"), ("limited", 100, "limit 100, 1 used"))
    for name, limit, said in cases:
        account_id, token = account(name, limit)
        run(f"POST invitations (1 email), {said}", one(account_id, token, f"a@{name}.bench"))
    for name, limit, said in cases:
        account_id, token = account(f"re-{name}", None)
        invite(api, account_id, token, [f"m@re-{name}.bench"])
        member = f"/accounts/{account_id}/members/{accept_new(api, f'm@re-{name}.bench').user_id}"
        assert api.post(member + "/deactivate", token=token).status == 200
        if limit is not None:
            assert api.put(f"/accounts/{account_id}/seats", {"limit": limit}, operator=True).status == 200
        path, bearer = member + "/reactivate", token
        run(f"POST members/{{id}}/reactivate, {said}", lambda: api.post(path, token=bearer))  # noqa: B023
    account_id, token = account("re-crossing", None)
    invite(api, account_id, token, ["m@re-crossing.bench"])
    member = f"/accounts/{account_id}/members/{accept_new(api, 'm@re-crossing.bench').user_id}"
    assert api.post(member + "/deactivate", token=token).status == 200
    assert api.put(f"/accounts/{account_id}/seats", {"limit": 5}, operator=True).status == 200
    invite(api, account_id, token, ["a@re-crossing.bench", "b@re-crossing.bench"])  # 3 of 5, 2 pending
    path, bearer = member + "/reactivate", token
    run("POST members/{id}/reactivate, 4 of 5 after: warning", lambda: api.post(path, token=bearer))
    account_id, token = account("crossing", 5)
    invite(api, account_id, token, ["a@crossing.bench", "b@crossing.bench"])
    for label, email in (
        ("4 of 5 after: warning", "c"),
        ("5 of 5 after: full", "d"),
        ("plan full: skipped", "e"),
    ):
        run(f"POST invitations (1 email), {label}", one(account_id, token, f"{email}@crossing.bench"))
    return rows


def lines(rows: list[Row]) -> list[str]:
    by_label = {label: calls for label, calls, _ in rows}
    invite_equal = len(by_label["POST invitations (1 email), no limit"]) == len(
        by_label["POST invitations (1 email), limit 100, 1 used"]
    )
    reactivate_equal = len(by_label["POST members/{id}/reactivate, no limit"]) == len(
        by_label["POST members/{id}/reactivate, limit 100, 1 used"]
    )
    found = [
        "## Seats (issue 28)",
        "",
        "Goal: one invitation into an account with a seat limit costs the round trips of one without, and so does",
        "a reactivation: the seats come with the account that authorization reads, and are taken by an ADD under",
        "a condition in the way in's own transaction (no read before the write). Below, informative: a step",
        "predicted to cross 80 % or the limit records its event in its own transaction, and costs no round trip",
        "more (issue 33): the account keeps a lower bound on its seat-holding invitations' expiry, so it looks",
        "for expired ones still holding seats (one Query; their seats released in one transaction, so the event",
        "counts only seats in use) only once that bound has passed: then the Query more, and the release's",
        "TransactWriteItems if some expired (4 in tests/api/test_seat_round_trips.py), the bound raised to the",
        "next expiry in the way in's transaction. A full plan skips on the account as read likewise.",
        "",
        "| request | round trips | calls | goal |",
        "|---|---|---|---|",
    ]
    for label, calls, status in rows:
        goal = "equal" if "limit 100" in label or "no limit" in label else "-"
        met = invite_equal if "invitations" in label else reactivate_equal
        verdict = ("met" if met else "MISSED") if goal == "equal" else "-"
        found.append(f"| {label} ({status}) | {len(calls)} | {', '.join(calls)} | {verdict} |")
    return [*found, ""]


if __name__ == "__main__":
    from bench.standalone import api_on_fresh_moto

    with api_on_fresh_moto() as (api, deps):
        print("\n".join(lines(measure(api))))
