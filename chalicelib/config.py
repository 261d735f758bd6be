"""Settings, read from the environment on first use (never at import: the Chalice test client sets a
stage's variables only while a request runs, and the local runner sets them per process)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.domain.branding import Brand, white_text_readable_on

REQUIRED = ("TABLE_NAME", "SENDER_EMAIL", "PORTAL_URL", "TOKEN_SECRET", "OPERATOR_API_KEY")
MIN_SECRET_LENGTH = 32
DEFAULT_LOGO_ID = "default"  # the default brand's logo among the brands' (brand ids are brd_...)
# Today's look, kept by a deployment that sets no BRAND_* variable.
DEFAULT_BRAND = Brand(
    name="Client portal", primary_color="#1d4ed8", support_email=None, sender_name="Client portal"
)


class ConfigError(RuntimeError):
    """The deployment is missing or has a bad setting; the service answers 500 until it is fixed."""


@dataclass(frozen=True)
class DynamoTimeouts:
    """How long to wait for DynamoDB, and how many times botocore retries a call. The defaults are AWS's:
    fail fast and leave time for a retry well inside API Gateway's 29 s."""

    connect_seconds: int = 2
    read_seconds: int = 4
    retries: int = 3


AWS_TIMEOUTS = DynamoTimeouts()
# An emulator (AWS_ENDPOINT_URL set) may be given its own: a local moto serves one request at a time, so a
# request may wait its turn for seconds where AWS would answer in milliseconds.
EMULATOR_TIMEOUTS = (
    "DYNAMODB_CONNECT_TIMEOUT_SECONDS",
    "DYNAMODB_READ_TIMEOUT_SECONDS",
    "DYNAMODB_MAX_RETRIES",
)


@dataclass(frozen=True)
class Settings:
    table_name: str
    sender_email: str
    portal_url: str
    token_secret: str
    operator_api_key: str
    invitation_ttl_seconds: int = 604800
    access_token_ttl_seconds: int = 28800
    password_reset_ttl_seconds: int = 3600
    audit_retention_days: int = 400
    # Emails to one address (invitations, resends, admin resets) per clock hour and per UTC day, and
    # invitations per account per UTC day (domain/outbox.py).
    recipient_emails_per_hour: int = 5
    recipient_emails_per_day: int = 20
    account_invitations_per_day: int = 500
    webhook_allow_loopback: bool = False  # local stage only: http:// on loopback for a newcomer's receiver
    dns_resolver: str | None = None  # host:port that domain verification asks (None: the system's)
    aws_endpoint_url: str | None = None
    region: str = "us-east-1"
    dynamodb: DynamoTimeouts = AWS_TIMEOUTS
    brand: Brand = field(default=DEFAULT_BRAND)  # the deployment's default brand (BRAND_*)
    brand_logo_source: str | None = None  # BRAND_LOGO_URL: fetched once, served as default_logo_path


def _whole_number(environ: Mapping[str, str], name: str, default: int, least: int = 1) -> int:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < least:
        raise ConfigError(f"{name} must be at least {least}, got {value}")
    return value


def _dynamo_timeouts(env: Mapping[str, str]) -> DynamoTimeouts:
    """AWS's settings, unless an emulator is configured and given its own: without AWS_ENDPOINT_URL an
    override is refused, so no stage's environment can loosen what a Lambda behind API Gateway needs."""
    given = [name for name in EMULATOR_TIMEOUTS if env.get(name)]
    if given and not env.get("AWS_ENDPOINT_URL"):
        raise ConfigError(f"{', '.join(given)} apply to a local emulator only (AWS_ENDPOINT_URL is not set)")
    return DynamoTimeouts(
        connect_seconds=_whole_number(env, EMULATOR_TIMEOUTS[0], AWS_TIMEOUTS.connect_seconds),
        read_seconds=_whole_number(env, EMULATOR_TIMEOUTS[1], AWS_TIMEOUTS.read_seconds),
        retries=_whole_number(env, EMULATOR_TIMEOUTS[2], AWS_TIMEOUTS.retries, least=0),
    )


def _loopback_webhooks(env: Mapping[str, str]) -> bool:
    """WEBHOOK_ALLOW_LOOPBACK is for the local stage: refused unless an emulator is configured, so no
    deployed stage can be talked into sending events to its own loopback."""
    allowed = env.get("WEBHOOK_ALLOW_LOOPBACK", "").lower() in ("1", "true", "yes")
    if allowed and not env.get("AWS_ENDPOINT_URL"):
        raise ConfigError("WEBHOOK_ALLOW_LOOPBACK is only for the local stage (with AWS_ENDPOINT_URL)")
    return allowed


CHALICE_LOCAL_PORT = 8000  # `chalice local`'s port when PORT is not given


def local_service_ports(env: Mapping[str, str]) -> frozenset[int]:
    """The local stage's own servers on this machine: the API (PORT, else chalice local's default) and the
    emulator (AWS_ENDPOINT_URL's port). A loopback webhook may not target them: events posted to the API
    or to moto would be requests the service makes to itself (issue 25, item 8)."""
    ports = {_port_of(env.get("PORT")) or CHALICE_LOCAL_PORT}
    endpoint = env.get("AWS_ENDPOINT_URL") or ""
    ports.add(_port_of(endpoint.rsplit(":", 1)[-1].split("/")[0]) if ":" in endpoint.split("//")[-1] else 0)
    return frozenset(port for port in ports if port)


def _port_of(text: str | None) -> int:
    return int(text) if text and text.isdigit() and 0 < int(text) < 65536 else 0


def _dns_resolver(env: Mapping[str, str]) -> str | None:
    """DNS_RESOLVER as `host:port` (an IPv6 host in brackets), checked here so a typo fails at start."""
    raw = env.get("DNS_RESOLVER", "").strip()
    if not raw:
        return None
    host, _, port = raw.rpartition(":")
    if not host.strip("[]") or not _port_of(port):
        raise ConfigError(f"DNS_RESOLVER must be host:port, got {raw!r}")
    return raw


def default_logo_path(source: str) -> str:
    """Where the project serves its copy of BRAND_LOGO_URL (api/brands.py): the URL's digest is its version,
    so a new logo is a new address."""
    return f"/brand-logos/{DEFAULT_LOGO_ID}/{hashlib.sha256(source.encode()).hexdigest()[:16]}"


def _default_brand(env: Mapping[str, str], portal_url: str) -> Brand:
    """BRAND_* as the default brand. A colour white text is unreadable on stops the service from starting,
    as a brand given through the API is refused: every page and email would otherwise be unreadable.
    BRAND_LOGO_URL is fetched once by the project and served as its own copy, which is what pages and
    emails refer to."""
    name = env.get("BRAND_NAME", "").strip() or DEFAULT_BRAND.name
    color = env.get("BRAND_COLOR", "").strip() or DEFAULT_BRAND.primary_color
    try:
        readable = white_text_readable_on(color)
    except ValueError:
        raise ConfigError(f"BRAND_COLOR must be #rrggbb, got {color!r}") from None
    if not readable:
        raise ConfigError(f"BRAND_COLOR {color} is too light: white text on it is under 4.5:1 contrast")
    logo = env.get("BRAND_LOGO_URL", "").strip() or None
    if logo is not None and not logo.startswith("https://"):
        raise ConfigError(f"BRAND_LOGO_URL must be an https:// URL, got {logo!r}")
    copy = portal_url + default_logo_path(logo) if logo is not None else None
    # every email's footer links it: https only, as a brand made through the API (no javascript:)
    support_url = env.get("BRAND_SUPPORT_URL", "").strip() or None
    if support_url is not None and not support_url.startswith("https://"):
        raise ConfigError(f"BRAND_SUPPORT_URL must be an https:// URL, got {support_url!r}")
    return Brand(
        name=name,
        primary_color=color.lower(),
        support_email=env.get("BRAND_SUPPORT_EMAIL", "").strip() or None,
        sender_name=env.get("BRAND_SENDER_NAME", "").strip() or name,
        logo_url=copy,
        # emails show a PNG only (domain/branding.py): an SVG default logo leaves them the name
        email_logo_url=copy if logo is not None and logo.lower().split("?")[0].endswith(".png") else None,
        support_url=support_url,
    )


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise ConfigError(f"missing configuration: {', '.join(missing)}")
    for name in ("TOKEN_SECRET", "OPERATOR_API_KEY"):
        if len(env[name]) < MIN_SECRET_LENGTH:
            raise ConfigError(f"{name} must be at least {MIN_SECRET_LENGTH} characters")
    return Settings(
        table_name=env["TABLE_NAME"],
        sender_email=env["SENDER_EMAIL"],
        portal_url=env["PORTAL_URL"].rstrip("/"),
        token_secret=env["TOKEN_SECRET"],
        operator_api_key=env["OPERATOR_API_KEY"],
        invitation_ttl_seconds=_whole_number(env, "INVITATION_TTL_SECONDS", 604800),
        access_token_ttl_seconds=_whole_number(env, "ACCESS_TOKEN_TTL_SECONDS", 28800),
        audit_retention_days=_whole_number(env, "AUDIT_RETENTION_DAYS", 400),
        recipient_emails_per_hour=_whole_number(env, "RECIPIENT_EMAILS_PER_HOUR", 5),
        recipient_emails_per_day=_whole_number(env, "RECIPIENT_EMAILS_PER_DAY", 20),
        account_invitations_per_day=_whole_number(env, "ACCOUNT_INVITATIONS_PER_DAY", 500),
        webhook_allow_loopback=_loopback_webhooks(env),
        dns_resolver=_dns_resolver(env),
        aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        dynamodb=_dynamo_timeouts(env),
        brand=_default_brand(env, env["PORTAL_URL"].rstrip("/")),
        brand_logo_source=env.get("BRAND_LOGO_URL", "").strip() or None,
    )
