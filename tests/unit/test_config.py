"""DynamoDB timeouts: AWS's unless an emulator is configured and given its own."""

from __future__ import annotations

import pytest

from chalicelib.config import AWS_TIMEOUTS, ConfigError, DynamoTimeouts, load_settings
from scripts.local_run import local_settings
from tests.helpers import SETTINGS_ENV
from tests.helpers.present import present

EMULATOR = {"AWS_ENDPOINT_URL": "http://127.0.0.1:5001"}


def test_without_an_override_dynamodb_gets_the_aws_timeouts() -> None:
    assert load_settings(SETTINGS_ENV).dynamodb == AWS_TIMEOUTS == DynamoTimeouts(2, 4, 3)
    assert load_settings({**SETTINGS_ENV, **EMULATOR}).dynamodb == AWS_TIMEOUTS


def test_an_emulator_may_have_its_own_timeouts() -> None:
    env = {**SETTINGS_ENV, **EMULATOR, "DYNAMODB_READ_TIMEOUT_SECONDS": "30", "DYNAMODB_MAX_RETRIES": "0"}
    assert load_settings(env).dynamodb == DynamoTimeouts(connect_seconds=2, read_seconds=30, retries=0)


@pytest.mark.parametrize(
    "name", ["DYNAMODB_CONNECT_TIMEOUT_SECONDS", "DYNAMODB_READ_TIMEOUT_SECONDS", "DYNAMODB_MAX_RETRIES"]
)
def test_without_an_emulator_an_override_is_refused(name: str) -> None:
    """No stage's environment can loosen what a Lambda behind API Gateway's 29 s needs."""
    with pytest.raises(ConfigError, match=name):
        load_settings({**SETTINGS_ENV, name: "60"})


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_timeout_must_be_a_positive_whole_number(value: str) -> None:
    with pytest.raises(ConfigError):
        load_settings({**SETTINGS_ENV, **EMULATOR, "DYNAMODB_READ_TIMEOUT_SECONDS": value})


def test_the_local_runner_waits_for_its_serialised_moto_and_the_environment_still_wins() -> None:
    local = load_settings({**SETTINGS_ENV, **local_settings({})}).dynamodb
    assert local.read_seconds > AWS_TIMEOUTS.read_seconds and local.retries >= 1
    chosen = local_settings({"DYNAMODB_READ_TIMEOUT_SECONDS": "9"})
    assert load_settings({**SETTINGS_ENV, **chosen}).dynamodb.read_seconds == 9


def test_dns_resolver_is_host_and_port_or_the_systems() -> None:
    assert load_settings(SETTINGS_ENV).dns_resolver is None
    assert load_settings({**SETTINGS_ENV, "DNS_RESOLVER": "127.0.0.1:5353"}).dns_resolver == "127.0.0.1:5353"
    assert load_settings({**SETTINGS_ENV, "DNS_RESOLVER": "[::1]:53"}).dns_resolver == "[::1]:53"
    for bad in ("127.0.0.1", "127.0.0.1:dns", ":53", "127.0.0.1:70000"):
        with pytest.raises(ConfigError, match="DNS_RESOLVER"):
            load_settings({**SETTINGS_ENV, "DNS_RESOLVER": bad})


def test_without_brand_settings_the_default_brand_keeps_todays_look() -> None:
    brand = load_settings(SETTINGS_ENV).brand
    assert (brand.name, brand.primary_color, brand.sender_name) == (
        "Client portal",
        "#1d4ed8",
        "Client portal",
    )
    assert (brand.logo_url, brand.support_email, brand.support_url, brand.brand_id) == (
        None,
        None,
        None,
        None,
    )


def test_the_default_brand_comes_from_the_environment() -> None:
    env = {
        **SETTINGS_ENV,
        "BRAND_NAME": "Acme Hosting",
        "BRAND_COLOR": "#0B5394",
        "BRAND_LOGO_URL": "https://cdn.acme.example/logo.png",
        "BRAND_SUPPORT_EMAIL": "help@acme.example",
        "BRAND_SUPPORT_URL": "https://acme.example/help",
    }
    brand = load_settings(env).brand
    assert (brand.name, brand.primary_color, brand.sender_name) == ("Acme Hosting", "#0b5394", "Acme Hosting")
    assert (brand.support_email, brand.support_url) == ("help@acme.example", "https://acme.example/help")
    # pages and emails refer to the project's copy, never to the given address (its digest: the version)
    copy = f"{SETTINGS_ENV['PORTAL_URL']}/brand-logos/default/"
    assert brand.logo_url == brand.email_logo_url and present(brand.logo_url).startswith(copy)
    assert "cdn.acme.example" not in present(brand.logo_url)
    assert load_settings(env).brand_logo_source == "https://cdn.acme.example/logo.png"
    svg = load_settings({**env, "BRAND_LOGO_URL": "https://cdn.acme.example/logo.svg"}).brand
    assert svg.logo_url is not None and svg.logo_url != brand.logo_url and svg.email_logo_url is None
    assert load_settings({**env, "BRAND_SENDER_NAME": "Acme Support"}).brand.sender_name == "Acme Support"


@pytest.mark.parametrize("color", ["#ffff00", "#777777", "navy", "#12345"])
def test_a_brand_colour_white_text_is_unreadable_on_stops_the_service(color: str) -> None:
    with pytest.raises(ConfigError, match="BRAND_COLOR"):
        load_settings({**SETTINGS_ENV, "BRAND_COLOR": color})


def test_a_brand_logo_must_be_https() -> None:
    with pytest.raises(ConfigError, match="BRAND_LOGO_URL"):
        load_settings({**SETTINGS_ENV, "BRAND_LOGO_URL": "http://cdn.acme.example/logo.png"})
