"""Issue 26's scale rows: what one request costs as the account (N members) or the user's accounts grow.

Per N, one fresh moto table and one account seeded in bulk through the store's item builders
(tests/helpers/bulk.py `seed_varied`), then the first page (limit 50) of each list and sort, the recipients of
each category, the audit log with none, one and two filters. Then a user in 1, 50 and 500 accounts
(`seed_user_in`): login, accepting one more invitation, GET /me (and GET /me/accounts when the API has it),
PATCH /me, POST /authorize cold (a fresh Deps) and warm. Each request counts its DynamoDB round trips, items
read and items written (botocore's events); bench/scale26_report.py tables them and says which are flat.

`python bench/scale26.py --max 5000` prints the tables (`--accounts 1,50` other account counts, `--json FILE`
keeps the figures, `--from FILE` prints them again, `--doc` writes the section into docs/benchmarks.md).
BENCH_SCALE_MAX (default 50,000) caps N, here and in `make bench`.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scale import Reads  # noqa: E402
from bench.scale26_report import growing, head_commit, report_lines, write_section  # noqa: E402

SIZES = (100, 1000, 5000, 50000)
ACCOUNTS = (1, 50, 500)
# Above this N, a row whose items read grew more than 3x between the two sizes before is not asked again: it
# reads the whole account, and moto walks its whole table for each page of a Query, so at 50,000 such a row
# alone would take hours.
SKIP_ABOVE = 5000
PAGE = 50
SORTS = ("email", "first_name", "last_name", "title", "role", "status", "joined_at", "last_login_at")
CATEGORIES = ("general", "product", "domain", "invoice", "support", "affiliate")


class Counts(Reads):
    """Reads' round trips and items read, and the items each call asks to write. A Query's items read are
    those it evaluated (ScannedCount), not only those its filter let through: DynamoDB bills the former."""

    def __init__(self) -> None:
        super().__init__()
        self.written = 0

    def _writes(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("PutItem", "UpdateItem", "DeleteItem"):
            self.written += 1
        elif model.name == "BatchWriteItem":
            self.written += sum(len(requests) for requests in params.get("RequestItems", {}).values())
        elif model.name == "TransactWriteItems":
            self.written += sum(1 for item in params.get("TransactItems", []) if "ConditionCheck" not in item)

    def _filtered(self, parsed: dict[str, Any], **_: Any) -> None:
        if "ScannedCount" in parsed and "Items" in parsed:
            self.items += parsed["ScannedCount"] - len(parsed["Items"])

    def __enter__(self) -> Counts:
        from chalicelib.store.table import dynamodb_client

        super().__enter__()
        events = dynamodb_client().meta.events
        events.register("provide-client-params.dynamodb", self._writes)
        events.register("after-call.dynamodb", self._filtered)
        return self

    def __exit__(self, *exc: object) -> None:
        from chalicelib.store.table import dynamodb_client

        events = dynamodb_client().meta.events
        events.unregister("provide-client-params.dynamodb", self._writes)
        events.unregister("after-call.dynamodb", self._filtered)
        super().__exit__(*exc)


def request(api: Any, method: str, path: str, token: str | None, body: Any = None) -> dict[str, Any]:
    """One request's counts, its status, and its body (dropped before the figures are kept)."""
    with Counts() as counts:
        reply = api.call(method, path, body, token=token)
    return {"status": reply.status, "round_trips": len(counts.operations), "items": counts.items,
            "written": counts.written, "operations": counts.operations, "body": reply.body}  # fmt: skip


def list_paths(seeded: dict[str, Any]) -> dict[str, str]:
    """The first page of each member list and sort, invitations and contacts."""
    base = f"/accounts/{seeded['account_id']}"
    queries = {f"members sort={name}": f"sort={name}" for name in SORTS}
    queries |= {
        "members sort=email desc": "sort=email&order=desc",
        "members sort=last_name desc": "sort=last_name&order=desc",
    }
    queries |= {f"members status={status}": f"status={status}" for status in ("active", "deactivated")}
    queries["members group_id (20 members)"] = f"group_id={seeded['group_id']}"
    paths = {label: f"{base}/members?{query}&limit={PAGE}" for label, query in queries.items()}
    paths["invitations"] = f"{base}/invitations?limit={PAGE}"
    paths["contacts"] = f"{base}/contacts?limit={PAGE}"
    return paths


def recipient_paths(seeded: dict[str, Any]) -> dict[str, str]:
    """Recipients of each category, and support for a ticket by the owner and by a member."""
    base = f"/accounts/{seeded['account_id']}/notification-recipients?limit={PAGE}&category="
    paths = {f"recipients {category}": base + category for category in CATEGORIES}
    paths["recipients support, ticket by owner"] = f"{base}support&ticket_opened_by={seeded['owner_email']}"
    paths["recipients support, ticket by member"] = f"{base}support&ticket_opened_by={seeded['member_email']}"
    return paths


def audit_paths(seeded: dict[str, Any]) -> dict[str, str]:
    from tests.helpers.bulk_varied import AUDIT_TYPES, RARE_TYPE

    base, actor = f"/accounts/{seeded['account_id']}/audit-events?limit={PAGE}", seeded["actor_id"]
    return {"audit, no filter": base, f"audit type={AUDIT_TYPES[0]}": f"{base}&type={AUDIT_TYPES[0]}",
            "audit actor_user_id": f"{base}&actor_user_id={actor}",
            "audit target_id": f"{base}&target_id={seeded['target_id']}",
            f"audit actor_user_id + type={RARE_TYPE} (rare)": f"{base}&actor_user_id={actor}&type={RARE_TYPE}"}  # fmt: skip


def account_rows(api: Any, seeded: dict[str, Any], skip: set[str]) -> dict[str, dict[str, Any]]:
    """Each path as the owner, but those in `skip`. Recipients take `limit` where the API has it: a 400 for
    the unknown parameter is asked again without it, and the row says so."""
    paths = list_paths(seeded) | recipient_paths(seeded) | audit_paths(seeded)
    rows: dict[str, dict[str, Any]] = {}
    for label, path in paths.items():
        if label in skip:
            continue
        row = request(api, "GET", path, seeded["token"])
        if row["status"] == 400 and "notification-recipients" in path:
            row = request(api, "GET", path.replace(f"limit={PAGE}&", ""), seeded["token"]) | {
                "note": "limit refused"
            }
        rows[label] = row
    return rows


def user_rows(api: Any, deps: Any, accounts: int) -> dict[str, dict[str, Any]]:
    """A user in `accounts` accounts: login, GET /me (and its next page), PATCH /me, /authorize cold and warm,
    then accepting an invitation to one more account (last: it adds an account)."""
    from chalicelib.deps import build_deps, use_deps
    from tests.helpers import PASSWORD, onboard
    from tests.helpers.bulk_varied import seed_user_in
    from tests.helpers.mail import latest_link

    email, first = seed_user_in(deps, accounts, deps.passwords.hash(PASSWORD))
    rows = {"login": request(api, "POST", "/auth/login", None, {"email": email, "password": PASSWORD})}
    token = rows["login"]["body"]["access_token"]
    rows["GET /me"] = request(api, "GET", "/me", token)
    cursor = rows["GET /me"]["body"].get("accounts_cursor") if rows["GET /me"]["status"] == 200 else None
    suffix = f"?cursor={cursor}" if cursor else ""
    rows["GET /me/accounts (cursor from GET /me)"] = request(api, "GET", f"/me/accounts{suffix}", token)
    rows["PATCH /me (first_name)"] = request(api, "PATCH", "/me", token, {"first_name": "Mira"})
    fresh = build_deps(deps.settings)  # cold: nothing this process learned lately
    fresh.clock = deps.clock  # the run's clock: it issued the token
    use_deps(fresh)
    asked = {"account_id": first, "permission": "tickets"}
    rows["POST /authorize (cold)"] = request(api, "POST", "/authorize", token, asked)
    rows["POST /authorize (warm)"] = request(api, "POST", "/authorize", token, asked)
    account_id, owner = onboard(api, f"Newcomer {accounts}", f"owner{accounts}@newcomer.example")
    invited = api.post(
        f"/accounts/{account_id}/invitations",
        {"emails": [email], "permissions": ["tickets"]},
        token=owner.token,
    )
    assert invited.status == 200, invited.body
    rows["accept one more invitation (Bearer)"] = request(
        api, "POST", "/invitations/accept", token, {"token": latest_link(email)}
    )
    return rows


def in_table(measure: Any) -> dict[str, Any]:
    """`measure(api, deps)` in a fresh moto table with SES ready; answers what it answered and its seconds."""
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.config import load_settings
    from chalicelib.deps import build_deps, use_deps
    from chalicelib.store.table import create_table
    from tests.helpers import SETTINGS_ENV, Api, Clock, chalice_transport
    from tests.helpers.mail import drained_moto_outbox

    with mock_aws():
        settings = load_settings({**os.environ, **SETTINGS_ENV})
        create_table(boto3.client("dynamodb", region_name="us-east-1"), settings.table_name)
        boto3.client("ses", region_name="us-east-1").verify_email_identity(EmailAddress=settings.sender_email)
        deps = build_deps(settings)
        deps.clock = Clock()
        use_deps(deps)
        from app import app

        try:
            with Client(app) as client:
                answer: dict[str, Any] = measure(
                    Api(chalice_transport(client), drained_moto_outbox(deps)), deps
                )
                return answer
        finally:
            use_deps(None)


def account_at(size: int, skip: set[str]) -> dict[str, Any]:
    from tests.helpers.bulk_varied import seed_varied

    def measure(api: Any, deps: Any) -> dict[str, Any]:
        started = time.perf_counter()
        seeded = seed_varied(deps, size)
        seeded_s = time.perf_counter() - started
        rows = account_rows(api, seeded, skip)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # the process's peak so far
        return {
            "seed_s": seeded_s,
            "read_s": time.perf_counter() - started - seeded_s,
            "rows": rows,
            "peak_mb": peak_mb,
        }

    return in_table(measure)


def run(
    sizes: tuple[int, ...] = SIZES, accounts: tuple[int, ...] = ACCOUNTS, echo: Any = None, keep: Any = None
) -> dict[str, Any]:
    """The user in each account count, then each size; `echo(text)` hears the progress, `keep(figures)` gets
    the figures so far after each size (a long run leaves what it measured). Bodies are dropped."""
    out: dict[str, Any] = {"sizes": {}, "accounts": {}}
    for count in accounts:
        started = time.perf_counter()
        rows = in_table(lambda api, deps, count=count: {"rows": user_rows(api, deps, count)})
        out["accounts"][str(count)] = _figures(rows) | {"seconds": time.perf_counter() - started}
        if echo:
            echo(f"user in {count} accounts: {time.perf_counter() - started:.1f} s")
    for size in sizes:
        skip = growing(out["sizes"]) if size > SKIP_ABOVE else set()
        entry = account_at(size, skip)
        out["sizes"][str(size)] = _figures(entry)
        if echo:
            echo(f"N={size:,}: seeded in {entry['seed_s']:.1f} s, requests in {entry['read_s']:.1f} s")
        if keep:
            keep(out)
    return out


def _figures(entry: dict[str, Any]) -> dict[str, Any]:
    rows = {label: {k: v for k, v in row.items() if k != "body"} for label, row in entry["rows"].items()}
    for label, row in entry["rows"].items():
        body = row["body"] if isinstance(row["body"], dict) else {}
        returned = body.get("items", body.get("cc", body.get("accounts")))
        rows[label]["returned"] = len(returned) if isinstance(returned, list) else None
    return {k: v for k, v in entry.items() if k != "rows"} | {"rows": rows}


def sizes_up_to(largest: int) -> tuple[int, ...]:
    return tuple(size for size in SIZES if size <= largest)


def measure(argv: list[str]) -> dict[str, Any]:
    """A run as the command line asks, its figures written to `--json FILE` after each size."""
    largest = (
        int(argv[argv.index("--max") + 1])
        if "--max" in argv
        else int(os.environ.get("BENCH_SCALE_MAX", "50000"))
    )
    counts = argv[argv.index("--accounts") + 1] if "--accounts" in argv else ",".join(map(str, ACCOUNTS))
    commit = head_commit()
    target = Path(argv[argv.index("--json") + 1]) if "--json" in argv else None

    def keep(figures: dict[str, Any]) -> None:
        if target:
            target.write_text(json.dumps(figures | {"commit": commit}, indent=1))

    def echo(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    accounts = tuple(int(count) for count in counts.split(",") if count)
    result = run(sizes_up_to(largest), accounts, echo, keep) | {"commit": commit}
    keep(result)
    return result


def main(argv: list[str]) -> None:
    from tests.helpers import SETTINGS_ENV

    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(SETTINGS_ENV)
    if "--from" in argv:  # the tables again from a run's figures
        result = json.loads(Path(argv[argv.index("--from") + 1]).read_text())
    else:
        result = measure(argv)
    lines = report_lines(result, result.get("commit", ""))
    if "--doc" in argv:
        write_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv)
