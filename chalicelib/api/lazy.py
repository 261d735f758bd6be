"""What the routes load on first use, named in this one place: Lambda imports app.py on every cold start, and
a route should pay only for what it runs (a use case brings the storage layer, PynamoDB and botocore; a
schemas module builds its pydantic classes, about a millisecond each even with `defer_build`).

A route module imports the use cases and models it calls from here, as if from their own modules:

    from chalicelib.api.lazy import members, members_schemas as schemas

For mypy, and for a reader following a call, each name below is the real module (the `TYPE_CHECKING`
block). At run time each is a stand-in for it, by one convention: `<name>_schemas` stands for
`chalicelib.schemas.<name>` (a `LazyModels`), any other name for `chalicelib.services.<name>` (a
`LazyModule`). So each module is named once, by an import that mypy checks, never by a string; a use
case or model this block does not name is an error in `make lint`, and tests/unit/test_lazy_imports.py
checks that each name's stand-in is the module its import names."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # re-exported (mypy.ini): the routes import these names from here
    from chalicelib.schemas import account_changes as account_changes_schemas
    from chalicelib.schemas import accounts as accounts_schemas
    from chalicelib.schemas import audit as audit_schemas
    from chalicelib.schemas import brand_changes as brand_changes_schemas
    from chalicelib.schemas import brands as brands_schemas
    from chalicelib.schemas import contacts as contacts_schemas
    from chalicelib.schemas import email_domains as email_domains_schemas
    from chalicelib.schemas import factors as factors_schemas
    from chalicelib.schemas import groups as groups_schemas
    from chalicelib.schemas import invitations as invitations_schemas
    from chalicelib.schemas import invite_links as invite_links_schemas
    from chalicelib.schemas import joining as joining_schemas
    from chalicelib.schemas import members as members_schemas
    from chalicelib.schemas import meta as meta_schemas
    from chalicelib.schemas import scim_tokens as scim_tokens_schemas
    from chalicelib.schemas import security as security_schemas
    from chalicelib.schemas import sessions as sessions_schemas
    from chalicelib.schemas import sub_accounts as sub_accounts_schemas
    from chalicelib.schemas import support_sessions as support_sessions_schemas
    from chalicelib.schemas import webhooks as webhooks_schemas
    from chalicelib.services import (
        acceptance,
        access_check,
        account_security,
        accounts,
        audit_log,
        authentication,
        brand_logos,
        brands,
        contacts,
        email_domains,
        groups,
        invitation_admin,
        invitations,
        invite_links,
        join_requests,
        joining,
        link_emails,
        link_joins,
        members,
        mfa_login,
        owner_invitations,
        passkey_admin,
        password_reset,
        scim_auth,
        scim_groups,
        scim_tokens,
        scim_user_changes,
        scim_user_list,
        scim_users,
        seats,
        session_list,
        sessions,
        sub_accounts,
        support_sessions,
        totp,
        webhooks,
    )
else:

    def __getattr__(name: str) -> LazyModule | LazyModels:
        # Only at run time: mypy does not see it, so a name the block above lacks stays a type error.
        return stand_in(name)


if TYPE_CHECKING:  # the middleware's types; not names the routes import (the block above is those)
    from chalice.app import Request, Response


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the block runs, and what it made frozen after it (`gc.freeze`:
    later collections skip those objects). For app.py's imports on a cold start: Chalice, pydantic and the
    route modules make about 60,000 objects that live as long as the process, none of them garbage, and the
    collector walked them as they were made. Measured with gc.callbacks over the first signed-in read
    (issue 33): 178 collections, one of them full, about 40 ms, before; 125, none full, about 17 ms, after.
    A collector already off stays off."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Freezing is a list splice, however many objects: unfrozen, the first allocation after
        # `gc.enable()` would collect everything the block made in one pass (see FirstRequestPaused).
        gc.freeze()
        if was_on:
            gc.enable()


class FirstRequestPaused:
    """HTTP middleware, registered first by app.py so that it wraps everything else: the collector rests
    through a process's first request as well, which loads what that route uses (on a signed-in read: the
    storage layer, PynamoDB and the entities' models, the token check, the route's use case and models),
    and freezes what it made; it is on for every later request. Measured over the first signed-in read's
    CPU time: about 5 % of it for the pause (issue 33). Left unfrozen, that request's objects (tens of
    thousands: modules, model classes, botocore's client and service model) were all walked by one young
    collection as the collector came back, about 15 ms inside the request, to find some 250 objects of
    garbage; frozen, those few hundred stay for the process's life, once (issue 33, cold start)."""

    def __init__(self) -> None:
        # Lambda serves one request at a time per process; on the local server's threads a request racing
        # the first runs with the collector resting too, nothing worse.
        self.served = False

    def __call__(self, request: Request, get_response: Callable[[Request], Response]) -> Response:
        if self.served:
            return get_response(request)
        self.served = True
        with collector_paused():
            return get_response(request)


SERVICES = "chalicelib.services"
SCHEMAS = "chalicelib.schemas"
SCHEMAS_SUFFIX = "_schemas"


def stand_in(name: str) -> LazyModule | LazyModels:
    """The run-time stand-in for a name of the block above, by the module docstring's convention."""
    if name.startswith("_"):  # import machinery and tools probe dunders: never a module of ours
        raise AttributeError(name)
    if name.endswith(SCHEMAS_SUFFIX):
        return LazyModels(f"{SCHEMAS}.{name.removesuffix(SCHEMAS_SUFFIX)}")
    return LazyModule(f"{SERVICES}.{name}")


class LazyModule:
    """Stands in for a module until an attribute is read; importlib's lock makes the first import safe
    from several threads at once."""

    __slots__ = ("_module", "_name")  # underscored: every other attribute read is the module's

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:  # kept after the first read: a warm request does not go through importlib
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name}>"


class ModelRef:
    """A pydantic model named by its module and class, imported when a route first needs it (`resolve`)."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def resolve(self) -> Any:
        return getattr(importlib.import_module(self.module), self.name)

    def __repr__(self) -> str:
        return f"<model {self.module}.{self.name}>"


class LazyModels:
    """Stands in for a schemas module: each attribute names a model (a `ModelRef`) without importing
    anything, so building the route table builds no pydantic class; a request builds only the models of its
    own route (and what they refer to)."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> ModelRef:
        if attribute.startswith("__"):  # copy, pickle and inspect probe dunders: not model names
            raise AttributeError(attribute)
        return ModelRef(self._name, attribute)

    def __repr__(self) -> str:
        return f"<lazy models {self._name}>"
