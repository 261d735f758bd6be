"""Webhook URLs the service refuses to call, and a few it calls; DNS is answered by a table, not a network."""

from __future__ import annotations

import socket
from typing import Any, NoReturn

import pytest

from chalicelib.security.ssrf import url_problem, vet

# What the injected resolver answers, as getaddrinfo would.
DNS = {
    "hooks.example.com": ["93.184.216.34"],
    "billing.example.net": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "internal.example.com": ["10.0.0.7"],
    "sneaky.example.com": ["93.184.216.34", "192.168.1.20"],  # one private answer among public ones
    "rebound.example.com": ["127.0.0.1"],
    "v6-private.example.com": ["fd12:3456::1"],
    "v6-mapped.example.com": ["::ffff:169.254.169.254"],
    "cgnat.example.com": ["100.100.1.1"],
    "localhost": ["127.0.0.1", "::1"],
}


def resolve(host: str, port: int, type: int = 0, **_: Any) -> list[tuple[Any, ...]]:
    if host not in DNS:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return [
        (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
        for a in DNS[host]
    ]


def no_dns(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise AssertionError("a numeric host must be judged without a DNS lookup")


REFUSED = [
    ("https://127.0.0.1/hook", "loopback"),
    ("https://2130706433/hook", "loopback"),  # decimal 127.0.0.1
    ("https://0177.0.0.1/hook", "loopback"),  # octal
    ("https://0x7f.1/hook", "loopback"),  # hex, short form
    ("https://127.1/hook", "loopback"),  # short form
    ("https://0x7f000001/hook", "loopback"),  # one hex number
    ("https://167772161/hook", "private"),  # decimal 10.0.0.1
    ("https://012.0.0.1/hook", "private"),  # octal 10.0.0.1
    ("https://0xc0.0xa8.0x01.0x01/hook", "private"),  # hex 192.168.1.1
    ("https://10.0.0.1/hook", "private"),
    ("https://172.16.5.4/hook", "private"),
    ("https://192.168.0.10/hook", "private"),
    ("https://100.64.0.1/hook", "carrier-grade NAT"),
    ("https://169.254.10.1/hook", "link-local"),
    ("https://169.254.169.254/latest/meta-data/", "metadata"),
    ("https://2852039166/latest/meta-data/", "metadata"),  # decimal 169.254.169.254
    ("https://[fd00:ec2::254]/latest/meta-data/", "metadata"),
    ("https://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ("https://metadata/computeMetadata/v1/", "metadata"),
    ("https://[::1]/hook", "loopback"),
    ("https://[::ffff:127.0.0.1]/hook", "loopback"),  # IPv4-mapped
    ("https://[::ffff:7f00:1]/hook", "loopback"),  # IPv4-mapped, hex
    ("https://[::ffff:10.0.0.1]/hook", "private"),
    ("https://[::ffff:169.254.169.254]/hook", "metadata"),
    ("https://[::127.0.0.1]/hook", "loopback"),  # IPv4-compatible
    ("https://[2002:a00:1::]/hook", "private"),  # 6to4 around 10.0.0.1
    ("https://[64:ff9b::7f00:1]/hook", "loopback"),  # NAT64 around 127.0.0.1
    ("https://[fc00::1]/hook", "private"),
    ("https://[fe80::1]/hook", "link-local"),
    ("https://[ff02::1]/hook", "multicast"),
    ("https://224.0.0.251/hook", "multicast"),
    ("https://0.0.0.0/hook", "unspecified"),
    ("https://0/hook", "unspecified"),
    ("https://[::]/hook", "unspecified"),
    ("https://255.255.255.255/hook", "reserved"),
    ("https://240.0.0.1/hook", "reserved"),
    ("https://internal.example.com/hook", "resolves to 10.0.0.7"),
    ("https://sneaky.example.com/hook", "resolves to 192.168.1.20"),
    ("https://rebound.example.com/hook", "resolves to 127.0.0.1"),
    ("https://v6-private.example.com/hook", "resolves to fd12:3456::1"),
    ("https://v6-mapped.example.com/hook", "metadata"),
    ("https://cgnat.example.com/hook", "carrier-grade NAT"),
    ("https://localhost/hook", "loopback"),
    ("https://localhost./hook", "loopback"),
    ("http://hooks.example.com/hook", "https://"),
    ("ftp://hooks.example.com/hook", "https://"),
    ("hooks.example.com/hook", "https://"),
    ("https://user:pass@hooks.example.com/hook", "user name or password"),
    ("https://hooks.example.com@10.0.0.1/hook", "user name or password"),
    ("https://nowhere.example.org/hook", "could not be resolved"),
    ("https:///hook", "no host"),
    ("https://hooks.example.com:0/hook", "port"),
    ("https://hooks.example.com:99999/hook", "cannot be read"),
    ("https://hooks.example.com/a b", "spaces"),
    ("https://hooks.example.com\\@10.0.0.1/", "backslashes"),
    ("https://" + "a" * 2050 + ".com/", "longer than"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED, ids=[url[:60] for url, _ in REFUSED])
def test_the_url_is_refused_with_a_reason(url: str, reason: str) -> None:
    problem = url_problem(url, allow_loopback=False, resolve=resolve)
    assert problem is not None, url
    assert reason in problem


def _is_numeric(url: str) -> bool:
    host = url.partition("://")[2].split("/")[0].strip("[]")
    return bool(host) and set(host) <= set("0123456789abcdefx.:")


NUMERIC = [url for url, _ in REFUSED if _is_numeric(url)]


@pytest.mark.parametrize("url", NUMERIC)
def test_numeric_hosts_are_judged_without_asking_dns(url: str) -> None:
    assert url_problem(url, allow_loopback=False, resolve=no_dns) is not None


ACCEPTED = [
    "https://hooks.example.com/hook",
    "https://HOOKS.example.com:8443/hook?account=acc_1",
    "https://billing.example.net/",
    "https://93.184.216.34/hook",
    "https://1572395042/hook",  # decimal 93.184.216.34: judged by the address it is
    "https://[2606:4700:4700::1111]/hook",
]


@pytest.mark.parametrize("host", ["0x+5.0.0.1", "01_0.0.0.1", "1_0.0.0.1", "08.0.0.1", "0x.1"])
def test_what_inet_aton_would_not_take_is_a_name_for_the_resolver(host: str) -> None:
    asked = []

    def record(name: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        asked.append(name)
        return resolve("hooks.example.com", port)

    assert url_problem(f"https://{host}/", allow_loopback=False, resolve=record) is None
    assert asked == [host]


@pytest.mark.parametrize("url", ACCEPTED)
def test_public_https_urls_are_accepted(url: str) -> None:
    assert url_problem(url, allow_loopback=False, resolve=resolve) is None


def test_vet_answers_every_vetted_address_and_the_request_target() -> None:
    target = vet("https://Billing.Example.NET.:8443/in?x=1", allow_loopback=False, resolve=resolve)
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "billing.example.net",
        8443,
        "/in?x=1",
    )
    assert target.addresses == ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")


def test_a_numeric_host_is_connected_to_as_the_address_it_decodes_to() -> None:
    assert vet("https://1572395042/", allow_loopback=False, resolve=no_dns).addresses == ("93.184.216.34",)


LOOPBACK_ONLY = [
    ("http://127.0.0.1:9000/hook", None),
    ("http://localhost:9000/hook", None),
    ("https://localhost:8443/hook", None),
    ("http://[::1]:9000/hook", None),
    ("http://2130706433:9000/hook", None),
    ("http://10.0.0.1:9000/hook", "private"),
    ("http://169.254.169.254/latest/", "metadata"),
    ("http://internal.example.com/hook", "private"),
    ("http://hooks.example.com/hook", "loopback addresses only"),  # public, but not over http
    ("http://[::ffff:127.0.0.1]:9000/hook", "loopback"),  # only plain loopback addresses
]


@pytest.mark.parametrize(("url", "reason"), LOOPBACK_ONLY)
def test_allow_loopback_adds_loopback_and_nothing_else(url: str, reason: str | None) -> None:
    problem = url_problem(url, allow_loopback=True, resolve=resolve)
    if reason is None:
        assert problem is None
    else:
        assert problem is not None
        assert reason in problem


def test_the_default_resolver_is_the_system_one() -> None:
    # localhost resolves locally on every machine; no network is needed.
    assert "loopback" in (url_problem("https://localhost/", allow_loopback=False) or "")
    assert url_problem("http://localhost:1/", allow_loopback=True) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8123/hooks",
        "http://localhost:8123/x",
        "http://127.0.0.1:5123/",
        "http://[::1]:5123/",
    ],
)
def test_in_the_local_stage_a_loopback_webhook_may_not_target_the_api_or_moto(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 25, item 8: the local runner's API (PORT) and emulator (AWS_ENDPOINT_URL) are not receivers."""
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5123")
    problem = url_problem(url, allow_loopback=True, resolve=resolve)
    assert problem is not None and "API's own or its emulator's" in problem
    assert url_problem("http://127.0.0.1:9000/hooks", allow_loopback=True, resolve=resolve) is None


def test_without_a_port_given_chalice_locals_default_is_the_apis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    assert url_problem("http://127.0.0.1:8000/", allow_loopback=True, resolve=resolve) is not None
