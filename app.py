"""portal-access: wiring only. Routes live in chalicelib/api, rules in chalicelib/domain and services."""

from chalicelib.api.lazy import FirstRequestPaused, collector_paused

# The routes' modules make tens of thousands of objects that live as long as the process: the cyclic
# collector rests while they load instead of walking them again and again (see collector_paused).
with collector_paused():
    from chalicelib.api import (
        accounts,
        audit,
        brands,
        contacts,
        email_domains,
        factors,
        groups,
        invitations,
        invite_links,
        joining,
        members,
        meta,
        pages,
        portal,
        scim,
        scim_tokens,
        security,
        sessions,
        sub_accounts,
        support_sessions,
        webhooks,
    )
    from chalicelib.api.application import PortalApp
    from chalicelib.api.errors import error_middleware
    from chalicelib.jobs import copies as copies_job
    from chalicelib.jobs import domains as domain_jobs
    from chalicelib.jobs import join_requests as join_request_jobs
    from chalicelib.jobs import purge
    from chalicelib.jobs import reminders as reminder_jobs
    from chalicelib.jobs import webhooks as webhook_jobs

    app = PortalApp(app_name="portal-access")
    app.register_middleware(FirstRequestPaused(), "http")  # first: it wraps the rest
    app.register_middleware(error_middleware, "http")
    for blueprint in (
        meta.bp,
        sessions.bp,
        security.bp,
        factors.bp,
        accounts.bp,
        brands.bp,
        members.bp,
        invitations.bp,
        contacts.bp,
        sub_accounts.bp,
        email_domains.bp,
        joining.bp,
        invite_links.bp,
        scim_tokens.bp,
        scim.bp,
        groups.bp,
        audit.bp,
        webhooks.bp,
        support_sessions.bp,
        pages.bp,
        portal.bp,
        purge.bp,
        reminder_jobs.bp,
        webhook_jobs.bp,
        copies_job.bp,
        domain_jobs.bp,
        join_request_jobs.bp,
    ):
        app.register_blueprint(blueprint)
