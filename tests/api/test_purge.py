"""The hourly purge: only expired invitations go, and it reads only what has expired."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from chalicelib import cli
from chalicelib.jobs.purge import purge_expired
from chalicelib.security.links import hash_link_token
from tests.helpers import DynamoCalls, invite, latest_link, onboard, sign_in

if TYPE_CHECKING:
    from chalice.test import Client

    from chalicelib.config import Settings
    from chalicelib.deps import Deps
    from tests.helpers import Api, Clock


def test_purge_removes_only_expired_invitations(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["old1@example.com", "old2@example.com"])
    old_link = latest_link("old1@example.com")
    clock.advance(days=3)
    invite(api, account_id, sign_in(api, owner.email), ["fresh@example.com"])
    clock.advance(days=4, seconds=1)
    report = purge_expired(deps.store, clock())
    assert (report.expired_found, report.deleted) == (2, 2)
    assert [i.email for i in deps.store.invitations.invitations_of(account_id)] == ["fresh@example.com"]
    assert deps.store.invitations.claims(account_id, ["old1@example.com", "fresh@example.com"]).keys() == {
        "fresh@example.com"
    }
    assert deps.store.links.get_link(hash_link_token(old_link)) is None
    assert purge_expired(deps.store, clock()).deleted == 0


def test_purge_reads_grow_with_expired_invitations_only(api: Api, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, [f"early{i}@example.com" for i in range(5)])
    clock.advance(days=7)
    with DynamoCalls() as first:
        assert purge_expired(deps.store, clock()).expired_found == 5
    # the five from the index, the five again by key (whether each still holds a seat: store/seats.py),
    # and their account (does it listen for webhooks?)
    assert first.items == 11

    token = sign_in(api, owner.email)
    invite(api, account_id, token, [f"late{i}@example.com" for i in range(5)])
    clock.advance(days=7)
    token = sign_in(api, owner.email)
    invite(api, account_id, token, [f"live{i}@example.com" for i in range(45)])  # unrelated, not expired
    with DynamoCalls() as second:
        report = purge_expired(deps.store, clock())
    assert (report.expired_found, report.deleted) == (5, 5)
    assert second.items == 11  # not 51 or more: the live invitations are never read
    assert "Scan" not in second.operations


def test_the_scheduled_function_purges(api: Api, chalice_client: Client, deps: Deps, clock: Clock) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["a@example.com", "b@example.com"])
    clock.advance(days=7)
    event = chalice_client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    reply = chalice_client.lambda_.invoke("purge_expired_invitations", event)
    assert reply.payload == {"expired_found": 2, "deleted": 2}


def test_the_operator_cli_purges_as_of_a_given_time(
    api: Api, deps: Deps, clock: Clock, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, owner = onboard(api)
    invite(api, account_id, owner.token, ["a@example.com"])
    monkeypatch.setenv("TABLE_NAME", deps.settings.table_name)
    assert cli.main(["purge-invitations", "--now", "2026-11-24T09:00:00Z"]) == 0
    assert "expired invitations found: 0, deleted: 0" in capsys.readouterr().out
    later = (clock() + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert cli.main(["purge-invitations", "--now", later]) == 0
    assert "expired invitations found: 1, deleted: 1" in capsys.readouterr().out


LIST_COLUMNS = ("email", "first_name", "last_name", "title", "role", "joined_at", "last_login_at")


def test_the_operator_cli_creates_a_table_like_the_templates(
    aws: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    monkeypatch.setenv("TABLE_NAME", "portal-access-dev")
    assert cli.main(["create-table"]) == 0
    assert "created portal-access-dev" in capsys.readouterr().out
    client = boto3.client("dynamodb", region_name="us-east-1")
    table = client.describe_table(TableName="portal-access-dev")["Table"]
    assert {index["IndexName"] for index in table["GlobalSecondaryIndexes"]} == {
        "gsi1",
        "gsi2",
        "gsi3",
        "gsi4",
        "gsi5",
    } | {f"{scope}_{column}" for scope in ("members", "group") for column in LIST_COLUMNS}
    ttl = client.describe_time_to_live(TableName="portal-access-dev")["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "ttl")
