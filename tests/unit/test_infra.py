"""What the deployment template promises (cfn-lint in `make lint` checks that it is valid CloudFormation)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalice.utils import to_cfn_resource_name

from app import app
from chalicelib.api.errors import SECURITY_HEADERS

TEMPLATE = json.loads((Path(__file__).resolve().parents[2] / "infra" / "table.json").read_text())
RESOURCES = TEMPLATE["Resources"]


def statements(role: str) -> list[dict[str, Any]]:
    return [s for p in RESOURCES[role]["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def test_roles_grant_named_actions_on_the_table_and_email_only() -> None:
    for role in (
        "ApiHandlerRole",
        "PurgeExpiredInvitationsRole",
        "DeliverWebhooksRole",
        "WebhooksOnCommitRole",
        "SendEmailsRole",
        "RewriteCopiesRole",
    ):
        for statement in statements(role):
            assert all("*" not in action for action in statement["Action"]), statement
            assert {action.split(":")[0] for action in statement["Action"]} <= {"logs", "dynamodb", "ses"}
    purge = statements("PurgeExpiredInvitationsRole")
    assert "ses:SendEmail" not in {a for s in purge for a in s["Action"]}
    # the API commits its emails to the outbox and never sends one: the email sender and the stream's
    # worker do (services/outbox.py)
    assert "ses:SendEmail" not in {a for s in statements("ApiHandlerRole") for a in s["Action"]}
    for sender in ("SendEmailsRole", "WebhooksOnCommitRole"):
        assert "ses:SendEmail" in {a for s in statements(sender) for a in s["Action"]}, sender
    # it writes only in its own transactions: the expired items' deletes, the group counts on the account
    # partition, and the audit events of the expiries
    leading = {
        a: s.get("Condition", {}).get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
        for s in purge for a in s["Action"] if a in ("dynamodb:PutItem", "dynamodb:UpdateItem")
    }  # fmt: skip
    assert leading == {"dynamodb:UpdateItem": ["ACCOUNT#*"], "dynamodb:PutItem": ["AUDIT#*"]}


def test_the_table_keeps_its_data() -> None:
    table = RESOURCES["PortalTable"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}


def test_secrets_are_parameters_that_never_echo() -> None:
    for name in ("TokenSecret", "OperatorApiKey"):
        assert TEMPLATE["Parameters"][name]["NoEcho"] is True


def test_api_gateways_own_answers_have_the_contracts_error_shape() -> None:
    answers = {r["Properties"]["ResponseType"]: r["Properties"] for r in RESOURCES.values()
               if r.get("Type") == "AWS::ApiGateway::GatewayResponse"}  # fmt: skip
    assert answers["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"  # an unknown path, not a 403
    for properties in answers.values():
        body = json.loads(properties["ResponseTemplates"]["application/json"])
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
        assert properties["ResponseParameters"]["gatewayresponse.header.Content-Type"] == "'application/json'"
        for name, value in SECURITY_HEADERS.items():  # issue 25, item 8: the same headers as every answer
            assert properties["ResponseParameters"][f"gatewayresponse.header.{name}"] == f"'{value}'", name


def test_the_workers_write_deliveries_endpoints_outbox_marks_and_emails_only() -> None:
    """The webhook and email outbox workers (one Lambda on the schedule, one on the stream): deliveries and
    endpoints, the audit outbox's marks, the email outbox's items, the reset links the worker makes for a
    public request, and (ACCOUNT#) the invitations' `delivery`. No deletes, no counters, no logins."""
    for role in ("DeliverWebhooksRole", "WebhooksOnCommitRole"):
        worker = statements(role)
        actions = {a for s in worker for a in s["Action"]}
        assert "dynamodb:DeleteItem" not in actions and "ses:SendEmail" in actions
        [writes] = [s for s in worker if "dynamodb:PutItem" in s["Action"]]
        assert writes["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == [
            "WEBHOOK#*", "WEBHOOKS", "ACCOUNT#*", "AUDIT#*", "MAIL#*", "LINK#*"
        ]  # fmt: skip


def test_audit_events_wake_the_webhook_worker_through_the_tables_stream() -> None:
    """A committed event reaches the worker at once: the table's stream, filtered to inserts into AUDIT#
    partitions, is the event source of `webhooks_on_commit` (the schedule retries and catches up)."""
    table = RESOURCES["PortalTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "KEYS_ONLY"}  # keys only: no data leaves
    [source] = RESOURCES["WebhooksOnCommit"]["Properties"]["Events"].values()
    assert source["Properties"]["Stream"] == {"Fn::GetAtt": ["PortalTable", "StreamArn"]}
    patterns = [json.loads(f["Pattern"]) for f in source["Properties"]["FilterCriteria"]["Filters"]]
    assert patterns == [
        {"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": prefix}]}}}}
        for prefix in ("AUDIT#", "MAIL#")  # audit events for the webhooks, emails for the email outbox
    ]
    stream_reads = {
        a for s in statements("WebhooksOnCommitRole") if s["Sid"] == "Stream" for a in s["Action"]
    }
    assert stream_reads == {
        "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"
    }  # fmt: skip


def test_the_reminder_sweep_reads_its_index_and_accounts_and_writes_reminders_only() -> None:
    """It Queries gsi5 alone, reads accounts, and writes in its reminders' transactions: the invitation on
    the account partition, its fresh link and email, the address's counts; never SES (the outbox sends)."""
    granted = statements("SendInvitationRemindersRole")
    by_sid = {s["Sid"]: s for s in granted}
    assert all("*" not in action for s in granted for action in s["Action"])
    assert {a for s in granted for a in s["Action"]} == {
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:Query",
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem", "dynamodb:PutItem",
    }  # fmt: skip
    assert by_sid["DueReminders"]["Resource"] == [{"Fn::Sub": "${PortalTable.Arn}/index/gsi5"}]
    leading = {
        s["Sid"]: s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        for s in granted if s["Sid"] not in ("Logs", "DueReminders")
    }  # fmt: skip
    assert leading == {"Accounts": ["ACCOUNT#*"], "RemindedInvitations": ["ACCOUNT#*"],
                       "LinksAndEmails": ["LINK#*", "MAIL#*"], "AddressCounts": ["RECIPIENT#*"]}  # fmt: skip
    variables = RESOURCES["SendInvitationReminders"]["Properties"]["Environment"]["Variables"]
    assert variables == RESOURCES["PurgeExpiredInvitations"]["Properties"]["Environment"]["Variables"]


def packaged_functions() -> dict[str, str]:
    """Every Lambda function `chalice package` makes of the app, by logical id: each event source (schedules,
    the stream) and pure Lambda function under chalice's own CamelCase of its name, and the API's handler."""
    names = [source.name for source in app.event_sources] + [f.name for f in app.pure_lambda_functions]
    functions = {to_cfn_resource_name(name): name for name in names}
    if app.routes:
        functions["APIHandler"] = "api_handler"
    return functions


def test_every_packaged_function_has_the_services_environment_and_its_own_role() -> None:
    """A function left out of infra/table.json deploys with no TABLE_NAME or secrets and chalice's logs-only
    role: it would fail on its first run. So every job added to the app must be added here too."""
    functions = packaged_functions()
    assert {"SendEmails", "RewriteCopies", "PurgeExpiredInvitations", "WebhooksOnCommit"} <= set(functions)
    expected = RESOURCES["PurgeExpiredInvitations"]["Properties"]["Environment"]["Variables"]
    assert set(expected) == {"TABLE_NAME", "SENDER_EMAIL", "PORTAL_URL", "TOKEN_SECRET", "OPERATOR_API_KEY"}
    for logical_id, name in functions.items():
        assert logical_id in RESOURCES, f"{name}: no {logical_id} in infra/table.json"
        variables = RESOURCES[logical_id]["Properties"].get("Environment", {}).get("Variables")
        assert variables == expected, logical_id
        role = "ApiHandlerRole" if logical_id == "APIHandler" else f"{logical_id}Role"
        assert role in RESOURCES, f"{name}: no {role} in infra/table.json"
        granted = {a for s in statements(role) for a in s["Action"]}
        assert any(a.startswith("dynamodb:") for a in granted), f"{role} grants no table access"
        assert all("*" not in a for a in granted), role


def leading_keys(role: str) -> dict[str, list[str]]:
    return {
        s["Sid"]: s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        for s in statements(role) if "Condition" in s
    }  # fmt: skip


def test_the_email_sender_reads_its_index_and_what_it_renders_and_writes_emails_links_deliveries() -> None:
    """services/email_worker.py: Queries gsi2 (MAILDUE#) alone, reads the emails and what they are rendered
    from (invitations, accounts, groups, sub-accounts; a reset's link, login and user), leases and records
    its emails, makes a public reset's link, sets the invitation's `delivery`, and sends through SES. And it
    sorts out a no-login use of an invite link (services/link_emails.py, where no answer waits): an
    invitation made from the link (its claim, link, seat, counts, an expired one it replaces, its events; the
    account's expired seats released through gsi3), a resend, or a join request. Those writes, and only
    they, are on its account's, audit, count and link partitions."""
    granted = statements("SendEmailsRole")
    by_sid = {s["Sid"]: s for s in granted}
    assert {a for s in granted for a in s["Action"]} == {
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:Query",
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
        "dynamodb:DeleteItem", "ses:SendEmail",
    }  # fmt: skip
    assert by_sid["DueEmails"]["Action"] == ["dynamodb:Query"]
    assert by_sid["DueEmails"]["Resource"] == [{"Fn::Sub": "${PortalTable.Arn}/index/gsi2"}]
    assert by_sid["LinkJoinSeats"]["Resource"] == [{"Fn::Sub": "${PortalTable.Arn}/index/gsi3"}]
    assert leading_keys("SendEmailsRole") == {
        "Read": ["MAIL#*", "ACCOUNT#*", "LINK#*", "LOGIN#*", "USER#*"],
        "EmailsAndLinks": ["MAIL#*", "LINK#*"],
        "InvitationDelivery": ["ACCOUNT#*"],
        "LinkJoins": ["ACCOUNT#*", "AUDIT#*", "INVITECOUNT#*", "RECIPIENT#*", "LINK#*", "MAIL#*"],
    }
    assert by_sid["Email"]["Action"] == ["ses:SendEmail"]


def test_the_copies_job_reads_users_and_memberships_and_rewrites_them_only() -> None:
    """services/copies_worker.py: Queries gsi2 (COPIES#, NAMES#), reads the due users and accounts, a user's
    login and memberships, an account's memberships (a Query of its partition), and rewrites memberships and
    the marks in transactions that check the user or account (ConditionCheckItem). Never SES, never a put or
    a delete."""
    granted = statements("RewriteCopiesRole")
    by_sid = {s["Sid"]: s for s in granted}
    assert {a for s in granted for a in s["Action"]} == {
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:Query",
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem",
    }  # fmt: skip
    assert by_sid["DueCopies"]["Resource"] == [{"Fn::Sub": "${PortalTable.Arn}/index/gsi2"}]
    assert leading_keys("RewriteCopiesRole") == {
        "Read": ["USER#*", "ACCOUNT#*", "LOGIN#*"],
        "Copies": ["ACCOUNT#*", "USER#*"],
    }


def test_the_domain_rechecks_read_their_queue_and_write_domains_claims_and_events_only() -> None:
    """It Queries gsi2 (the DOMAINDUE shards), reads the due domains on their accounts' partitions, and
    writes in its checks' transactions: the domain, its claim (taken or given up), the audit event."""
    granted = statements("RecheckEmailDomainsRole")
    assert {a for s in granted for a in s["Action"]} == {
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:Query",
        "dynamodb:BatchGetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem",
    }  # fmt: skip
    by_sid = {s["Sid"]: s for s in granted}
    assert by_sid["DueDomains"]["Resource"] == [{"Fn::Sub": "${PortalTable.Arn}/index/gsi2"}]
    leading = {
        s["Sid"]: s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        for s in granted if s["Sid"] not in ("Logs", "DueDomains")
    }  # fmt: skip
    assert leading == {"Domains": ["ACCOUNT#*"], "DomainClaims": ["DOMAIN#*"], "AuditEvents": ["AUDIT#*"]}
    variables = RESOURCES["RecheckEmailDomains"]["Properties"]["Environment"]["Variables"]
    assert variables == RESOURCES["PurgeExpiredInvitations"]["Properties"]["Environment"]["Variables"]


def test_the_join_request_expiry_reads_its_queue_and_updates_requests_only() -> None:
    """jobs/join_requests.py: Queries gsi2 (the JOINDUE shards), reads the due requests on their accounts'
    partitions, and updates each request and its requester's pointer (both ACCOUNT#)."""
    granted = statements("ExpireJoinRequestsRole")
    assert {a for s in granted for a in s["Action"]} == {
        "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:Query",
        "dynamodb:BatchGetItem", "dynamodb:UpdateItem",
    }  # fmt: skip
    assert leading_keys("ExpireJoinRequestsRole") == {"JoinRequests": ["ACCOUNT#*"]}
