"""Everything the test tiers share: settings, a clock, one JSON client, the outbox, seeding, user journeys,
DynamoDB call counting, and in-memory fakes of the store for the fast tier."""

from tests.helpers.clock import Clock
from tests.helpers.dynamo import DynamoCalls
from tests.helpers.flows import (
    Joined,
    accept_new,
    create_account,
    invite,
    join,
    onboard,
    pending_acceptance,
    sign_in,
)
from tests.helpers.http import Api, Reply, chalice_transport, http_transport
from tests.helpers.mail import (
    Mail,
    RecordingMailer,
    emails_to,
    latest_link,
    link_token,
    moto_outbox,
    moto_server_outbox,
    outbox,
)
from tests.helpers.net import free_port
from tests.helpers.settings import OPERATOR_KEY, PASSWORD, SETTINGS_ENV

__all__ = [
    "OPERATOR_KEY",
    "PASSWORD",
    "SETTINGS_ENV",
    "Api",
    "Clock",
    "DynamoCalls",
    "Joined",
    "Mail",
    "RecordingMailer",
    "Reply",
    "accept_new",
    "chalice_transport",
    "create_account",
    "emails_to",
    "free_port",
    "http_transport",
    "invite",
    "join",
    "latest_link",
    "link_token",
    "moto_outbox",
    "moto_server_outbox",
    "onboard",
    "outbox",
    "pending_acceptance",
    "sign_in",
]
