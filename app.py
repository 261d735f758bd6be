"""portal-access: wiring only. Routes live in chalicelib/api, rules in chalicelib/domain and services."""

from chalice.app import Chalice

from chalicelib.api import (
    accounts,
    audit,
    auth,
    contacts,
    groups,
    invitations,
    members,
    meta,
    pages,
    sub_accounts,
    support_sessions,
)
from chalicelib.api.http import error_middleware
from chalicelib.jobs import purge

app = Chalice(app_name="portal-access")
app.register_middleware(error_middleware, "http")
for blueprint in (
    meta.bp,
    auth.bp,
    accounts.bp,
    members.bp,
    invitations.bp,
    contacts.bp,
    sub_accounts.bp,
    groups.bp,
    audit.bp,
    support_sessions.bp,
    pages.bp,
    purge.bp,
):
    app.register_blueprint(blueprint)
