"""One DNS TXT question, with dnspython: is this value published at this name? Asked of the resolver that
DNS_RESOLVER names (`host:port`; the system's when unset), within 3 seconds. CNAMEs are followed and a
record's strings joined. Only NXDOMAIN or an answer without the value is `missing`; a timeout, SERVFAIL or
anything else that is no answer is `unreachable`, so it can neither verify nor unverify a domain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import dns.resolver

TxtResult = Literal["found", "missing", "unreachable"]
TIMEOUT_SECONDS = 3.0
MAX_CNAME_HOPS = 8


def resolver_for(address: str | None, timeout: float = TIMEOUT_SECONDS) -> dns.resolver.Resolver:
    import dns.resolver  # loaded by the lookups only: no request's cold start pays for it

    if address is None:
        resolver = dns.resolver.Resolver()
    else:
        host, _, port = address.rpartition(":")
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [host.strip("[]")]
        resolver.port = int(port)
    resolver.timeout = resolver.lifetime = timeout
    return resolver


def txt_values(resolver: dns.resolver.Resolver, name: str) -> list[str] | None:
    """The TXT values at `name` after its CNAMEs (each record's strings joined); None: the name does not
    exist. Raises dns.exception.DNSException for no answer at all."""
    import dns.rdatatype
    import dns.resolver

    for _ in range(MAX_CNAME_HOPS):
        try:
            answer = resolver.resolve(name, "TXT", raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN:
            return None
        if answer.rrset is not None:
            return [b"".join(r.strings).decode("utf-8", "replace") for r in answer.rrset]
        target = _cname_target(answer)
        if target is None:
            return []
        name = target
    return []


def _cname_target(answer: dns.resolver.Answer) -> str | None:
    """Where a CNAME answer without the TXT record points, when the server did not chase it itself."""
    import dns.rdatatype

    for rrset in answer.response.answer:
        if rrset.rdtype == dns.rdatatype.CNAME:
            return str(rrset[0].target)
    return None


def has_txt(name: str, value: str, resolver_address: str | None) -> TxtResult:
    import dns.exception

    try:
        found = txt_values(resolver_for(resolver_address), name)
    except dns.exception.DNSException:
        return "unreachable"
    except OSError:  # no network at all: as good as a timeout
        return "unreachable"
    return "found" if found is not None and value in found else "missing"
