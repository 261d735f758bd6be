"""A mixed concurrent load over real HTTP against the local runner, and the check that the data holds
exactly what was answered: shared by the end-to-end load test and `make bench` (which reports its figures).

One fresh account (its own addresses, so it shares nothing with other tests on the same server): four
members joined first; then, on THREADS threads, bulk invitations with owner logins, and next accepts of
every one of those invitations mixed with member updates, a rename, logins and more bulk invitations.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from tests.helpers.flows import accept_new, create_account, join
from tests.helpers.http import Api, Reply
from tests.helpers.mail import to_address
from tests.helpers.settings import PASSWORD

THREADS = 8
BULK_INVITES, EMAILS_PER_INVITE = 12, 10  # then every one of these 120 invitations is accepted
LATE_INVITES = 4  # more bulk invitations while the accepts run
MEMBERS, UPDATES_PER_MEMBER = 4, 10
LOGINS = 24, 35  # logins by the owner and the members, in the first phase and in the second
PHASE_SECONDS = 240  # a bound, not a goal: past it the run fails instead of hanging
GRANTS = [["tickets"], ["domains"], ["invoices", "quotes"], ["emails"], ["orders", "tickets"]]


@dataclass
class Answered:
    kind: str
    status: int
    seconds: float
    body: Any
    sent: Any = None


@dataclass
class Run:
    account_id: str
    owner_token: str
    owner_email: str
    members: dict[str, str] = field(default_factory=dict)  # user id -> email, joined before the load
    answers: list[Answered] = field(default_factory=list)
    new_name: str = ""

    def of(self, kind: str) -> list[Answered]:
        return [a for a in self.answers if a.kind == kind]

    @property
    def server_errors(self) -> list[Answered]:
        return [a for a in self.answers if a.status >= 500]

    def figures(self) -> dict[str, float]:
        times = sorted(a.seconds for a in self.answers)
        statuses = [a.status for a in self.answers]
        return {
            "requests": len(statuses),
            "server_errors": sum(s >= 500 for s in statuses),
            "client_errors": sum(400 <= s < 500 for s in statuses),
            "p50_ms": statistics.median(times) * 1000,
            "p95_ms": times[max(0, round(0.95 * len(times)) - 1)] * 1000,
            "max_ms": times[-1] * 1000,
        }


def _timed(kind: str, call: Callable[[], Reply], sent: Any = None) -> Answered:
    started = time.perf_counter()
    reply = call()
    return Answered(kind, reply.status, time.perf_counter() - started, reply.body, sent)


def _concurrently(run: Run, tasks: list[Callable[[], Answered]]) -> None:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(task) for task in tasks]
        done, pending = wait(futures, timeout=PHASE_SECONDS)
        if pending:
            for future in pending:
                future.cancel()
            raise TimeoutError(
                f"{len(pending)} of {len(futures)} requests unanswered after {PHASE_SECONDS} s"
            )
        run.answers += [future.result() for future in futures]


def prepare(api: Api) -> Run:
    tag = uuid.uuid4().hex[:8]
    owner_email = f"owner-{tag}@load.example.com"
    account_id, _ = create_account(api, f"Load {tag}", owner_email)
    owner = accept_new(api, owner_email, "Olive", "Owner")
    run = Run(account_id, owner.token, owner_email, new_name=f"Load {tag} renamed")
    for n in range(MEMBERS):
        member = join(api, account_id, owner.token, f"member{n}-{tag}@load.example.com")
        run.members[member.user_id] = member.email
    return run


def _bulk(api: Api, run: Run, emails: list[str]) -> Callable[[], Answered]:
    body = {"emails": emails, "role": "member", "permissions": ["tickets"]}
    path = f"/accounts/{run.account_id}/invitations"
    return lambda: _timed("invite", lambda: api.post(path, body, token=run.owner_token), emails)


def _login(api: Api, email: str) -> Callable[[], Answered]:
    body = {"email": email, "password": PASSWORD}
    return lambda: _timed("login", lambda: api.post("/auth/login", body), email)


def _accept(api: Api, email: str, token: str) -> Callable[[], Answered]:
    body = {"token": token, "password": PASSWORD, "first_name": "Load", "last_name": "Tester"}
    return lambda: _timed("accept", lambda: api.post("/invitations/accept", body), email)


def _update(api: Api, run: Run, user_id: str, grant: list[str]) -> Callable[[], Answered]:
    path = f"/accounts/{run.account_id}/members/{user_id}"
    body = {"permissions": grant}
    return lambda: _timed("update", lambda: api.patch(path, body, token=run.owner_token), (user_id, grant))


def _rename(api: Api, run: Run) -> Callable[[], Answered]:
    path = f"/accounts/{run.account_id}"
    body = {"name": run.new_name}
    return lambda: _timed("rename", lambda: api.patch(path, body, token=run.owner_token), run.new_name)


def load(api: Api) -> Run:
    """Runs the whole load (after `prepare`); every answer is in the returned run."""
    run = prepare(api)
    tag = run.owner_email.split("-")[1].split("@")[0]
    batches = [
        [f"user{b}-{n}-{tag}@load.example.com" for n in range(EMAILS_PER_INVITE)]
        for b in range(BULK_INVITES + LATE_INVITES)
    ]
    first = [_bulk(api, run, emails) for emails in batches[:BULK_INVITES]]
    logins = [run.owner_email, *run.members.values()]
    first += [_login(api, logins[n % len(logins)]) for n in range(LOGINS[0])]
    _concurrently(run, _interleaved(first))

    links = _emailed_links(api, [e for emails in batches[:BULK_INVITES] for e in emails])
    second = [_accept(api, email, token) for email, token in links.items()]
    members = list(run.members)
    second += [
        _update(api, run, members[n % MEMBERS], GRANTS[n % len(GRANTS)])
        for n in range(MEMBERS * UPDATES_PER_MEMBER)
    ]
    second.append(_rename(api, run))
    second += [_login(api, logins[n % len(logins)]) for n in range(LOGINS[1])]
    second += [_bulk(api, run, emails) for emails in batches[BULK_INVITES:]]
    _concurrently(run, _interleaved(second))
    return run


def _emailed_links(api: Api, addresses: list[str]) -> dict[str, str]:
    """Each address's invitation link, once its email is out: the worker sends an account's emails a share
    per run, so they may take a few runs; past PHASE_SECONDS the run fails and names who got none."""
    deadline = time.monotonic() + PHASE_SECONDS
    while True:
        outbox = api.outbox()
        links = {a: mails[-1].link_token for a in addresses if (mails := to_address(outbox, a))}
        if len(links) == len(addresses):
            return links
        if time.monotonic() > deadline:
            missing = set(addresses) - set(links)
            raise TimeoutError(f"no invitation email after {PHASE_SECONDS} s to {missing}")
        time.sleep(0.5)


def _interleaved(tasks: list[Callable[[], Answered]]) -> list[Callable[[], Answered]]:
    """A fixed, well-mixed order (every seventh, wrapping), so each phase is the same from run to run."""
    step = 7 if len(tasks) % 7 else 11
    return [tasks[(n * step) % len(tasks)] for n in range(len(tasks))]


def pages(api: Api, path: str, token: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = ""
    while cursor is not None:
        reply = api.get(f"{path}?limit=100&cursor={cursor}", token=token)
        assert reply.status == 200, reply.body
        items += reply.body["items"]
        cursor = reply.body["next_cursor"]
    return items


def discrepancies(api: Api, run: Run) -> list[str]:
    """What the data says against what was answered: empty when every 201/200 is in the data and nothing
    else is."""
    problems = [f"{a.kind} answered {a.status}: {a.body}" for a in run.server_errors]
    members = {m["email"]: m for m in pages(api, f"/accounts/{run.account_id}/members", run.owner_token)}
    accepted = {a.sent for a in run.of("accept") if a.status == 201}
    problems += _member_problems(run, members, accepted)
    problems += _invitation_problems(api, run, accepted)
    problems += _update_problems(run, members)
    problems += _account_problems(api, run, len(members))
    return problems + _login_problems(run)


def _member_problems(run: Run, members: dict[str, Any], accepted: set[str]) -> list[str]:
    """The members are those there before the load and every 201 accept, nobody else."""
    before = {run.owner_email, *run.members.values()}
    if set(members) - before == accepted:
        return []
    extra, missing = set(members) - before - accepted, accepted - set(members)
    return [f"members without a 201 accept: {sorted(extra)}; 201 accepts not members: {missing}"]


def _invitation_problems(api: Api, run: Run, accepted: set[str]) -> list[str]:
    """Pending are the invitations answered "invited" and not accepted; every accept had one."""
    problems = []
    invited = {
        result["email"]
        for a in run.of("invite")
        if a.status == 200
        for result in a.body["results"]
        if result["status"] == "invited"
    }
    invitations = pages(api, f"/accounts/{run.account_id}/invitations", run.owner_token)
    pending = {i["email"] for i in invitations if i["status"] == "pending"}
    if pending != invited - accepted:
        problems.append(f"pending {len(pending)} invitations, expected {len(invited - accepted)}")
    if not accepted <= invited:
        problems.append(f"accepted without an invitation answered 200: {sorted(accepted - invited)}")
    return problems


def _update_problems(run: Run, members: dict[str, Any]) -> list[str]:
    """Each member holds the grant of one of its 200 updates (the last to commit), or its first one."""
    problems = []
    for user_id in run.members:
        granted = [a.sent[1] for a in run.of("update") if a.status == 200 and a.sent[0] == user_id]
        stored = next(m["permissions"] for m in members.values() if m["user_id"] == user_id)
        if sorted(stored) not in [sorted(g) for g in granted or [["tickets"]]]:
            problems.append(f"member {user_id} holds {stored}, which no 200 update answered")
    return problems


def _account_problems(api: Api, run: Run, member_count: int) -> list[str]:
    """The account's name is the rename's if it answered 200, and its count is its members'."""
    problems = []
    account = api.get(f"/accounts/{run.account_id}", token=run.owner_token).body
    renamed = [a for a in run.of("rename") if a.status == 200]
    if account["name"] != (run.new_name if renamed else run.new_name.removesuffix(" renamed")):
        problems.append(
            f"account named {account['name']!r} after a rename answered {run.of('rename')[0].status}"
        )
    if account["member_count"] != member_count:
        problems.append(f"member_count {account['member_count']} for {member_count} members")
    return problems


def _login_problems(run: Run) -> list[str]:
    # Every login is counted before its password is checked (the lockout), so many at once for one address
    # may be refused with a 429: a clean answer, never a 5xx.
    logins = run.of("login")
    if any(a.status not in (200, 429) for a in logins) or not any(a.status == 200 for a in logins):
        return [f"logins answered {sorted({a.status for a in logins})}"]
    return []
