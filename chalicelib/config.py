"""Settings, read from the environment on first use (never at import: the Chalice test client sets a
stage's variables only while a request runs, and the local runner sets them per process)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

REQUIRED = ("TABLE_NAME", "SENDER_EMAIL", "PORTAL_URL", "TOKEN_SECRET", "OPERATOR_API_KEY")
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The deployment is missing or has a bad setting; the service answers 500 until it is fixed."""


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
    aws_endpoint_url: str | None = None
    region: str = "us-east-1"


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {value}")
    return value


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
        invitation_ttl_seconds=_positive_int(env, "INVITATION_TTL_SECONDS", 604800),
        access_token_ttl_seconds=_positive_int(env, "ACCESS_TOKEN_TTL_SECONDS", 28800),
        aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
    )
