"""Which webhook URLs the service may call: only public internet addresses, over https.

A URL is judged by every address its host resolves to (one private address among public ones is enough to
refuse: the connection could land on it). Numeric hosts in the forms C's inet_aton accepts (2130706433,
0177.0.0.1, 0x7f.1, 127.1) are decoded here rather than left to the resolver, so the answer does not
depend on the platform. `vet` answers the addresses that passed, and the sender connects to one of those
itself: resolving again at connect time would let DNS answer differently (rebinding)."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

from chalicelib.config import local_service_ports

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., Sequence[tuple[Any, ...]]]  # socket.getaddrinfo's shape

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"https": 443, "http": 80}
# Names the clouds answer with their instance metadata service (which holds credentials).
METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data"})
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "fd00:ec2::23")
)
_DECIMAL_DIGITS = frozenset("0123456789")
_OCTAL_DIGITS = frozenset("01234567")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_PUBLIC_ONLY = "only public internet addresses can receive webhooks."
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class UnsafeURLError(ValueError):
    """A URL the service must not call; str() is a sentence for the person who entered it."""


@dataclass(frozen=True)
class Target:
    """A vetted URL: connect to one of `addresses`, and send `host` (for Host, SNI and the certificate)."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]


def url_problem(url: str, *, allow_loopback: bool, resolve: Resolver = socket.getaddrinfo) -> str | None:
    """Why the URL must be refused, for a person; None when it may be called."""
    try:
        vet(url, allow_loopback=allow_loopback, resolve=resolve)
    except UnsafeURLError as problem:
        return str(problem)
    return None


def vet(url: str, *, allow_loopback: bool, resolve: Resolver = socket.getaddrinfo) -> Target:
    """The URL's target with the addresses that may be connected to, or UnsafeURLError.

    allow_loopback (the local stage only) accepts loopback addresses, and http:// to them, except the
    ports of the local stage's own servers (the API's and the emulator's, read from the environment the
    local runner set); nothing else that is not public."""
    parts, scheme, port = _read(url, allow_loopback=allow_loopback)
    host = _ascii_host(parts.hostname or "")
    if host in METADATA_NAMES or host.endswith(".metadata.google.internal"):
        raise UnsafeURLError(f"The host {host} is a cloud metadata service.")
    port = port or DEFAULT_PORTS[scheme]
    literal = _ip_literal(host)
    addresses = [literal] if literal is not None else _resolved(host, port, resolve)
    _judge(addresses, host, port, literal, allow_loopback=allow_loopback)
    if scheme == "http" and not all(_non_public_kind(a) == "loopback" for a in addresses):
        raise UnsafeURLError("The URL must start with https:// (http:// is for loopback addresses only).")
    path = parts.path or "/"
    return Target(
        scheme=scheme,
        host=host,
        port=port,
        path=f"{path}?{parts.query}" if parts.query else path,
        addresses=tuple(dict.fromkeys(str(a) for a in addresses)),
    )


def _read(url: str, *, allow_loopback: bool) -> tuple[SplitResult, str, int | None]:
    """The URL's parts, its scheme in lower case and its port, if it is one the service may read at all:
    of bounded length, no spaces or control characters, https (or http on the local stage), no user info,
    a host without a zone, an ASCII path and no port 0."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURLError(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F or c == "\\" for c in url):
        raise UnsafeURLError("The URL contains spaces, control characters or backslashes.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as bad:
        raise UnsafeURLError(f"The URL cannot be read ({bad}).") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or (scheme == "http" and not allow_loopback):
        raise UnsafeURLError("The URL must start with https://.")
    if "@" in parts.netloc:
        raise UnsafeURLError("The URL must not contain a user name or password.")
    if not parts.hostname or parts.hostname == ".":
        raise UnsafeURLError("The URL has no host.")
    if "%" in parts.hostname:
        raise UnsafeURLError("The URL's host must not contain '%'.")
    if not (parts.path + parts.query).isascii():
        raise UnsafeURLError("The URL's path and query must be ASCII (percent-encode other characters).")
    if port == 0:
        raise UnsafeURLError("The URL's port cannot be 0.")
    return parts, scheme, port


def _judge(
    addresses: list[IPAddress], host: str, port: int, literal: IPAddress | None, *, allow_loopback: bool
) -> None:
    """Refuses the first address that is not public (loopback passes on the local stage, but not on the
    ports of its own servers); the sentence says how the host came to be that address."""
    for address in addresses:
        kind = _non_public_kind(address)
        if kind == "loopback" and allow_loopback and port in local_service_ports(os.environ):
            raise UnsafeURLError(
                f"Port {port} on this machine is the API's own or its emulator's: use your receiver's port."
            )
        if kind is None or (kind == "loopback" and allow_loopback):
            continue
        if literal is None:
            said = f"resolves to {address}, which is"
        else:
            said = "is" if str(address) == host else f"is the address {address}, which is"
        raise UnsafeURLError(f"The host {host} {said} {kind}: {_PUBLIC_ONLY}")


def _ascii_host(hostname: str) -> str:
    try:
        host = hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise UnsafeURLError("The URL's host name is not a valid domain name.") from None
    return host.removesuffix(".")  # "localhost." is localhost


def _resolved(host: str, port: int, resolve: Resolver) -> list[IPAddress]:
    try:
        answers = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeURLError(f"The host {host} could not be resolved.") from None
    addresses = []
    for *_, sockaddr in answers:
        try:  # an IPv6 answer may carry a zone ("fe80::1%eth0"); it is still judged by its address
            addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
        except ValueError:
            raise UnsafeURLError(f"The host {host} resolves to something not an IP address.") from None
    if not addresses:
        raise UnsafeURLError(f"The host {host} could not be resolved.")
    return addresses


def _ip_literal(host: str) -> IPAddress | None:
    """The address a numeric host stands for, in any form inet_aton accepts; None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    pieces = host.split(".")
    if not 1 <= len(pieces) <= 4:
        return None
    numbers = [_inet_aton_number(piece) for piece in pieces]
    if any(n is None for n in numbers):
        return None
    *leading, last = [n for n in numbers if n is not None]
    if any(n > 0xFF for n in leading) or last >= 1 << (8 * (4 - len(leading))):
        raise UnsafeURLError(f"The host {host} is a malformed IP address.")
    value = last
    for index, byte in enumerate(reversed(leading)):
        value |= byte << (8 * (4 - len(leading) + index))
    return ipaddress.IPv4Address(value)


def _inet_aton_number(piece: str) -> int | None:
    """One part of an inet_aton address: 0x-prefixed hex, 0-prefixed octal or decimal (digits only: no
    sign or underscore, which Python's int() would take)."""
    if piece[:2].lower() == "0x":
        digits, base, alphabet = piece[2:], 16, _HEX_DIGITS
    elif len(piece) > 1 and piece.startswith("0"):
        digits, base, alphabet = piece[1:], 8, _OCTAL_DIGITS
    else:
        digits, base, alphabet = piece, 10, _DECIMAL_DIGITS
    if not digits or not set(digits) <= alphabet:
        return None
    return int(digits, base)


def _non_public_kind(address: IPAddress) -> str | None:
    """What a non-public address is, in words; None for a public one. Addresses that carry an IPv4
    address inside an IPv6 one (mapped, compatible, 6to4, NAT64) are judged by the IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None and (kind := _non_public_kind(inner)) is not None:
            return f"{kind} (as {inner} inside an IPv6 address)"
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return "loopback"
    if address.is_unspecified or address in _THIS_NETWORK:
        return "an unspecified address"
    if address.is_link_local:
        return "a link-local address"
    if address in _SHARED:
        return "a carrier-grade NAT address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if address.is_reserved or address == ipaddress.IPv4Address("255.255.255.255"):
        return "a reserved address"
    if address.is_private or not address.is_global:
        return "a private address"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in network for network in _NAT64) or (
        address in _IPV4_COMPATIBLE and int(address) > 1  # not :: or ::1, which are judged as they are
    ):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
