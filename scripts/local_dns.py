"""A small DNS server for domain verification without the internet: the tests start one on 127.0.0.1 with
a random port (tests/helpers/dns.py), and `make run` starts one for DNS_RESOLVER. It answers TXT and CNAME
records it is given (CNAMEs chased in the answer, as a recursive resolver would), NXDOMAIN for any other
name, and SERVFAIL, or no answer at all, for the names it is told to fail.

    .venv/bin/python scripts/local_dns.py --port 5353 --records records.json   # {"name": "value" | ...}
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path
from typing import Any

from dnslib import CNAME, QTYPE, RCODE, RR, TXT, DNSRecord
from dnslib.server import BaseResolver, DNSServer

CHUNK = 255  # one TXT string's limit: longer values go as several strings, joined by the reader


def _key(name: str) -> str:
    return name.rstrip(".").lower() + "."


class Records(BaseResolver):  # type: ignore[misc]  # dnslib has no type hints
    """What the server answers, changeable while it runs (thread-safe enough: whole-value assignments)."""

    def __init__(self, path: Path | None = None) -> None:
        self.txt: dict[str, list[str]] = {}
        self.cname: dict[str, str] = {}
        self.servfail: set[str] = set()
        self.silent: set[str] = set()
        self.path = path
        self.port = 0  # set by `start` once it listens

    def set_txt(self, name: str, *values: str) -> None:
        self.txt = {**self.txt, _key(name): list(values)}

    def set_cname(self, name: str, target: str) -> None:
        self.cname = {**self.cname, _key(name): _key(target)}

    def clear(self, name: str) -> None:
        key = _key(name)
        self.txt = {k: v for k, v in self.txt.items() if k != key}
        self.cname = {k: v for k, v in self.cname.items() if k != key}
        self.servfail, self.silent = self.servfail - {key}, self.silent - {key}

    def fail(self, name: str, *, silent: bool = False) -> None:
        """SERVFAIL for this name, or (silent) no answer at all: the asker times out."""
        if silent:
            self.silent = self.silent | {_key(name)}
        else:
            self.servfail = self.servfail | {_key(name)}

    def _from_file(self) -> dict[str, list[str]]:
        """The file's records as it reads now ({name: value or [values]}); a file being written or broken
        counts as empty until it reads whole."""
        if self.path is None or not self.path.exists():
            return {}
        try:
            found = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return {}
        return {_key(n): v if isinstance(v, list) else [v] for n, v in found.items() if isinstance(n, str)}

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        txt = {**self.txt, **self._from_file()}
        reply = request.reply()
        name = _key(str(request.q.qname))
        if name in self.silent:
            time.sleep(10)  # longer than any asker waits: it has given up when this empty answer goes
            return reply
        if name in self.servfail:
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        for _ in range(8):
            if name not in self.cname:
                break
            reply.add_answer(RR(name, QTYPE.CNAME, rdata=CNAME(self.cname[name]), ttl=60))
            name = self.cname[name]
        if name in txt:
            for value in txt[name]:
                chunks = [value[i : i + CHUNK] for i in range(0, len(value), CHUNK)] or [""]
                reply.add_answer(RR(name, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
        elif not reply.rr:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


def start(port: int = 0, path: Path | None = None) -> tuple[DNSServer, Records]:
    """A server on 127.0.0.1 (port 0: a free one, read back from `server.server.server_address`)."""
    records = Records(path)
    server = DNSServer(records, address="127.0.0.1", port=port, logger=_Quiet())
    server.start_thread()
    records.port = server.server.server_address[1]
    return server, records


class _Quiet:
    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--port", type=int, default=5353)
    parser.add_argument(
        "--records", type=Path, default=None, help="a JSON file of TXT records, read per query"
    )
    args = parser.parse_args()
    server, _ = start(args.port, args.records)
    print(f"DNS on 127.0.0.1:{server.server.server_address[1]}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
