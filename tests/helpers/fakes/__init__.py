"""In-memory stand-ins for the store's repositories and the password hasher, for the fast tier: the rules of
the use cases run in milliseconds with no moto. Each fake class subclasses the Protocol it stands in for
(chalicelib/services/ports), so mypy checks every signature; a method it does not fake is refused by name
(`not_faked`). Each faked method keeps the
conditions its real repository writes with (the same labels in the same `Outcome`), and
tests/unit/test_fake_contracts.py runs a case per faked method that tests/api/test_rules_on_moto.py runs
again on the real repositories, so a fake that drifts from its repository fails there."""

from tests.helpers.fakes.table import NotFakedError, Table
from tests.helpers.fakes.world import FakeStore, FakeWorld, PlainPasswords, fake_deps

__all__ = ["FakeStore", "FakeWorld", "NotFakedError", "PlainPasswords", "Table", "fake_deps"]
