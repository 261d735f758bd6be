"""The fakes stay honest by construction: each is typed as the Protocol it stands in for, has no method
beyond it, refuses what it does not fake, and each method it does fake has a contract case that runs on the
fake here and on moto in tests/api/test_rules_on_moto.py."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest

from chalicelib.services import ports
from tests.helpers.fakes import (
    FakeStore,
    NotFakedError,
    contacts,
    deliveries,
    domains,
    factors,
    fake_deps,
    invitations,
    join_requests,
    lockouts,
    member_lists,
    people,
    reminders,
    sessions,
    structure,
    users,
    work,
    world,
)
from tests.unit.test_fake_contracts import COVERED

if TYPE_CHECKING:
    from tests.helpers import Clock

UNIT = Path(__file__).parent
ON_MOTO = UNIT.parent / "api" / "test_rules_on_moto.py"
CONTRACTS = sorted(p.stem for p in UNIT.glob("test_fake_contracts*.py"))
for _name in CONTRACTS:  # each contract module's cases join COVERED as it is imported
    importlib.import_module(f"tests.unit.{_name}")

FAKE_MODULES = (
    factors, people, users, invitations, contacts, structure, work, deliveries, member_lists, reminders,
    sessions, world, domains, join_requests, lockouts,
)  # fmt: skip
FAKES = sorted(
    (cls for module in FAKE_MODULES for _, cls in inspect.getmembers(module, inspect.isclass)
     if cls.__module__ == module.__name__),
    key=lambda cls: cls.__name__,
)  # fmt: skip


def protocols_of(cls: type) -> list[type]:
    return [base for base in cls.__mro__[1:] if getattr(base, "_is_protocol", False) and base is not Protocol]


def public_members(cls: type) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("_")}


def is_refusal(value: object) -> bool:
    return getattr(value, "__qualname__", "").startswith("not_faked.")


def repository_of(store: FakeStore, name: str) -> object:
    return getattr(store, name)


def faked_methods() -> dict[str, object]:
    """Every method a fake repository really fakes, as "repository.method"."""
    store = FakeStore()
    found: dict[str, object] = {}
    for name in public_members(ports.Repositories):
        try:
            repository = repository_of(store, name)
        except NotFakedError:
            continue
        for method in public_members(type(repository)):
            value = vars(type(repository))[method]
            if not is_refusal(value):
                found[f"{name}.{method}"] = value
    return found


@pytest.mark.parametrize("fake", FAKES, ids=[cls.__name__ for cls in FAKES])
def test_every_public_member_of_a_fake_belongs_to_a_protocol_it_subclasses(fake: type) -> None:
    protocols = protocols_of(fake)
    assert protocols, f"{fake.__name__} subclasses no Protocol"
    allowed = set().union(*(public_members(p) for p in protocols))
    assert public_members(fake) - allowed == set()


def test_the_fake_store_answers_every_repository_the_protocol_names_or_refuses_it() -> None:
    store = FakeStore()
    answered, refused = set(), set()
    for name in public_members(ports.Repositories):
        try:
            repository = repository_of(store, name)
        except NotFakedError:
            refused.add(name)
            continue
        answered.add(name)
        assert protocols_of(type(repository)), f"store.{name} is no Protocol's fake"
    assert answered == {
        "users",
        "accounts",
        "members",
        "contacts",
        "invitations",
        "outbox",
        "groups",
        "sub_accounts",
        "claims",
        "audit",
        "support_sessions",
        "lockouts",
        "revoked_tokens",
        "links",
        "member_copies",
        "webhooks",
        "idempotency",
        "deliveries",
        "factors",
        "reminders",
        "email_domains",
        "sessions",
        "join_requests",  # every method refused: joins are tested on moto (tests/api/test_joining.py)
        "invite_links",  # the same (tests/api/test_invite_links.py)
        "scim_tokens",  # the same (tests/api/test_scim_tokens.py)
        "scim_users",  # the same (tests/api/test_scim_users.py)
        "brands",  # the same (tests/api/test_brands.py)
    }
    assert answered == public_members(ports.Repositories) and refused == set()


def test_a_method_without_a_fake_refuses_by_name(clock: Clock) -> None:
    store = fake_deps(clock).store
    with pytest.raises(NotFakedError, match=r"store\.idempotency\.marking has no in-memory fake"):
        store.idempotency.marking(None)  # type: ignore[call-arg,arg-type]  # refused before any argument is read


def test_every_faked_method_has_a_contract_case() -> None:
    assert set(faked_methods()) - COVERED == set()
    assert COVERED - set(faked_methods()) == set()  # no case names a method that is not faked


def takes_world(path: Path) -> bool:
    """Whether a module has a test or fixture that takes the `world` (the fakes here, moto there)."""
    functions = (n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef))
    return any(arg.arg == "world" for f in functions for arg in f.args.args)


def test_every_fast_tier_module_on_the_world_runs_again_on_moto() -> None:
    """Read, not imported: the moto tier's module loads moto, which the fast tier never does."""
    tree = ast.parse(ON_MOTO.read_text())
    again = {
        n.module.rsplit(".", 1)[-1] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
    }
    on_world = {p.stem for p in UNIT.glob("test_*.py") if takes_world(p)}
    assert on_world - again == set()
    assert set(CONTRACTS) <= on_world
