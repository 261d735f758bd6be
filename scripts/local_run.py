"""`make run`: the whole service on this machine, with no AWS account.

moto runs in this process (DynamoDB and SES on 127.0.0.1:$MOTO_PORT); the table is created from infra/;
the sender is verified; `chalice local` serves the API on 127.0.0.1:$PORT as a child process pointed at
moto. Every email moto accepts is printed here with its link. Any setting in the environment wins over
the local defaults below; two runs on different ports do not share anything.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.local_workers import (  # noqa: E402
    PROGRESS,
    WORK_WRITTEN,
    WORKER_HEADER,
    deliver_webhooks_forever,
    rewrite_copies_forever,
)

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


# moto serves one request at a time (MotoServer below), so a call may wait its turn behind a bulk invite for
# seconds: a read timeout would only send the same request again into the same queue. Connecting to
# loopback is immediate or refused. One retry, for a dropped connection: transactions carry their
# ClientRequestToken, which the local moto honours (scripts/moto_isolation.py), so a retry never applies
# a write twice. AWS keeps chalicelib/config.py's defaults (these are refused without AWS_ENDPOINT_URL).
EMULATOR_TIMEOUTS = {
    "DYNAMODB_CONNECT_TIMEOUT_SECONDS": "1",
    "DYNAMODB_READ_TIMEOUT_SECONDS": "30",
    "DYNAMODB_MAX_RETRIES": "1",
}


def local_settings(environ: dict[str, str]) -> dict[str, str]:
    moto_port = environ.get("MOTO_PORT", "5001")
    port = environ.get("PORT") or "8000"
    defaults = {
        "PORT": port,
        "MOTO_PORT": moto_port,
        # domain verification asks the local DNS server started below (scripts/local_dns.py), never the
        # internet's, on DNS_PORT (0: a free one, so two runs never collide); a newcomer adds the TXT
        # record to DNS_RECORDS. DNS_RESOLVER is set to it once it listens.
        "DNS_PORT": "0",
        "DNS_RECORDS": str(ROOT / ".local-dns" / f"records-{port}.json"),
        "TABLE_NAME": "portal-access-local",
        "SENDER_EMAIL": "no-reply@portal.example.com",
        # the pages this server serves itself, at a host name: a passkey's relying party is never an IP
        "PORTAL_URL": f"http://localhost:{port}/portal",
        "TOKEN_SECRET": secrets.token_urlsafe(32),
        "OPERATOR_API_KEY": secrets.token_urlsafe(32),
        "INVITATION_TTL_SECONDS": "604800",
        "ACCESS_TOKEN_TTL_SECONDS": "28800",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
        # a newcomer's receiver on this machine may be a webhook endpoint (refused on any deployed stage)
        "WEBHOOK_ALLOW_LOOPBACK": "true",
        **EMULATOR_TIMEOUTS,
        **FAKE_AWS,
    }
    return {**defaults, **{key: environ[key] for key in defaults if environ.get(key)}}


class MotoServer:
    """moto's server (DynamoDB and SES) on a thread of this process, one request at a time: moto's in-memory
    backend is not safe for concurrent requests (see scripts/moto_isolation.py). Connections are still
    accepted on threads, so one idle keep-alive connection never blocks the others."""

    def __init__(self, port: int) -> None:
        import logging
        import threading

        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from scripts.moto_answers import answer_items_as_json
        from scripts.moto_isolation import isolate_moto_transactions, one_request_at_a_time

        isolate_moto_transactions()
        answer_items_as_json()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's own request log drowns the emails
        app = one_request_at_a_time(with_sent_email(DomainDispatcherApplication(create_backend_app)))
        self._server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()


SENT_EMAIL_PATH = "/local/sent-email.json"
# {"idle": bool}: whether the workers have caught up with the API's writes of due work (the emails it
# committed are sent, or tried): what a reader of SENT_EMAIL_PATH waits for (tests/helpers/mail.py).
OUTBOX_IDLE_PATH = "/local/outbox-idle"


def with_sent_email(app: WSGIApplication) -> WSGIApplication:
    """moto's app, plus GET /local/sent-email.json: the emails SES accepted, oldest first, as
    [{"to", "subject", "body"}]. moto's /moto-api/data.json has them too, but it dumps every table of the
    emulator with them, which grows slow once a load test has filled it (the tests read email often)."""

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path not in (SENT_EMAIL_PATH, OUTBOX_IDLE_PATH):
            _remember_text_part(environ)
            _note_due_work(environ)
            return app(environ, start_response)
        if path == OUTBOX_IDLE_PATH:
            body = json.dumps({"idle": PROGRESS.idle()}).encode()
        else:
            sent = [
                {"to": list(m.destinations.get("ToAddresses", [])), "subject": m.subject, "body": m.body}
                for m in _ses_sent()
            ]
            body = json.dumps(sent).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return serve


# moto keeps only an email's HTML part; the text part, as the SendEmail request carried it, is kept here
# for printing: (to, subject) -> text parts, oldest first (moto serves one request at a time, in order)
TEXT_PARTS: dict[tuple[str, str], list[str]] = {}


def _remember_text_part(environ: WSGIEnvironment) -> None:
    """From an SES v2 SendEmail request (what chalicelib/mail/ses.py sends): its text part."""
    if environ.get("REQUEST_METHOD") != "POST" or not environ.get("PATH_INFO", "").endswith(
        "/v2/email/outbound-emails"
    ):
        return
    raw = _body(environ)
    try:
        request = json.loads(raw)
        simple = request["Content"]["Simple"]
        key = (request["Destination"]["ToAddresses"][0], simple["Subject"]["Data"])
        text = simple["Body"]["Text"]["Data"]
    except (ValueError, KeyError, IndexError, TypeError):
        return  # not an email this service sends: moto answers it as it would
    TEXT_PARTS.setdefault(key, []).append(text)


def _body(environ: WSGIEnvironment) -> bytes:
    """The request's body, left in place for moto to read after us."""
    import io

    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw


DYNAMODB_WRITES = ("TransactWriteItems", "PutItem", "UpdateItem", "BatchWriteItem")


def _note_due_work(environ: WSGIEnvironment) -> None:
    """Wakes the workers when this request writes a due index key (`<KIND>#<shard>`, store/keys.py). A
    false wake costs one empty run; a missed one waits for the next idle round."""
    import re

    from chalicelib.store.keys import DUE_KINDS

    if not environ.get("HTTP_X_AMZ_TARGET", "").endswith(DYNAMODB_WRITES):
        return
    if re.search(rb'"(?:%s)#\d+"' % "|".join(DUE_KINDS).encode(), _body(environ)):
        if not environ.get("HTTP_" + WORKER_HEADER.upper().replace("-", "_")):
            PROGRESS.written()  # before the wake: the run it starts counts it
        WORK_WRITTEN.set()


def _ses_sent() -> list[Any]:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)


def prepare_aws(settings: dict[str, str]) -> None:
    import boto3

    from chalicelib.store.table import create_table

    endpoint, region = settings["AWS_ENDPOINT_URL"], settings["AWS_REGION"]
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=region)
    if settings["TABLE_NAME"] not in dynamodb.list_tables()["TableNames"]:
        create_table(dynamodb, settings["TABLE_NAME"])
    ses = boto3.client("ses", endpoint_url=endpoint, region_name=region)
    ses.verify_email_identity(EmailAddress=settings["SENDER_EMAIL"])


def sent_messages() -> list[Any]:
    from scripts.moto_isolation import exclusively

    return exclusively(_ses_sent)


def print_email(message: Any) -> None:  # moto's record of a sent email (its kinds vary)
    """The email as its reader gets it: the text part (its link once), else the HTML part's links."""
    import re

    to = ", ".join(message.destinations.get("ToAddresses", []))
    print(f"\n=== email to {to}\n    subject: {message.subject}", flush=True)
    texts = TEXT_PARTS.get((to, message.subject))
    if texts:
        print("    " + texts.pop(0).rstrip().replace("\n", "\n    "), flush=True)
        return
    # the HTML part has each link twice (its button, and spelled out): once each
    for link in dict.fromkeys(re.findall(r'href="([^"]+)"', message.body)):
        print(f"    link:    {link}", flush=True)


def wait_for(url: str, child: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"chalice local exited with {child.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the API did not answer on {url} within {seconds:.0f} s")


def main() -> None:
    settings = local_settings(dict(os.environ))
    os.environ.update(settings)  # this process talks to moto too: fake credentials, local endpoint
    moto = MotoServer(int(settings["MOTO_PORT"]))
    prepare_aws(settings)
    # a resolver given in the environment wins (a real one, to verify real domains from here)
    resolver = os.environ.get("DNS_RESOLVER") or start_dns(settings)
    settings["DNS_RESOLVER"] = os.environ["DNS_RESOLVER"] = resolver
    chalice = [sys.executable, "scripts/chalice_local.py", "local", "--stage", "local", "--no-autoreload"]
    child = subprocess.Popen(
        [*chalice, "--host", "127.0.0.1", "--port", settings["PORT"]], cwd=ROOT, env=dict(os.environ)
    )

    def stop(*_args: Any) -> None:
        child.terminate()
        moto.stop()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    api = f"http://127.0.0.1:{settings['PORT']}"
    wait_for(f"{api}/health", child)
    print_banner(settings, api)
    # The tests' servers rest less between worker runs (LOCAL_WORKER_GAP_SECONDS): every email a test reads
    # waits for a run, and make run's 2 s would be most of their wait.
    gap = float(os.environ.get("LOCAL_WORKER_GAP_SECONDS", "2"))
    threading.Thread(target=deliver_webhooks_forever, args=(gap,), daemon=True).start()
    threading.Thread(target=rewrite_copies_forever, daemon=True).start()
    printed = 0
    while child.poll() is None:
        messages = sent_messages()
        for message in messages[printed:]:
            print_email(message)
        printed = len(messages)
        time.sleep(0.3)
    moto.stop()
    raise SystemExit(child.returncode)


def start_dns(settings: dict[str, str]) -> str:
    """The DNS server domain verification asks, answering the TXT records of DNS_RECORDS (read per query):
    its host:port."""
    from scripts.local_dns import start

    records = Path(settings["DNS_RECORDS"])
    records.parent.mkdir(exist_ok=True)
    if not records.exists():
        records.write_text("{}\n")
    server, _ = start(int(settings["DNS_PORT"]), records)
    return f"127.0.0.1:{server.server.server_address[1]}"


def print_banner(settings: dict[str, str], api: str) -> None:
    print(
        f"\nportal-access is running\n"
        f"    sign in:       {settings['PORTAL_URL']}/login\n"
        f"    API:           {api}\n"
        f"    API reference: {api}/docs (and {api}/openapi.json)\n"
        f"    operator key:  {settings['OPERATOR_API_KEY']}\n"
        f"    moto:          {settings['AWS_ENDPOINT_URL']} (sent email: /local/sent-email.json)\n"
        f"    DNS:           {settings['DNS_RESOLVER']} answers email-domain checks; to add the TXT record\n"
        f"                   a domain shows, write it to {settings['DNS_RECORDS']}, e.g.\n"
        f'                   {{"_portal-access.acme.com": "portal-access-verify=..."}}\n'
        f"    operator CLI:  AWS_ENDPOINT_URL={settings['AWS_ENDPOINT_URL']} "
        f"TABLE_NAME={settings['TABLE_NAME']} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local "
        f"AWS_DEFAULT_REGION={settings['AWS_REGION']} .venv/bin/python -m chalicelib.cli purge-invitations\n"
        f"    scheduled:     {scheduled_line(settings)}\n"
        "                   (every scheduled job: domain re-checks, reminders, purge, outbox workers; add"
        " --now <ISO 8601"
        " time> to run as if it were then, --dry-run to only list what would happen)\n",
        flush=True,
    )


def scheduled_line(settings: dict[str, str]) -> str:
    """`run-scheduled` against this server: it needs the service's own settings (TOKEN_SECRET makes the
    reminders' links, which this server must open) besides the table's."""
    names = ("AWS_ENDPOINT_URL", "TABLE_NAME", "SENDER_EMAIL", "PORTAL_URL", "TOKEN_SECRET",
             "OPERATOR_API_KEY", "WEBHOOK_ALLOW_LOOPBACK", "DNS_RESOLVER", *EMULATOR_TIMEOUTS,
             *FAKE_AWS)  # fmt: skip
    return " ".join(f"{name}={settings[name]}" for name in names) + (
        " .venv/bin/python -m chalicelib.cli run-scheduled"
    )


if __name__ == "__main__":
    main()
