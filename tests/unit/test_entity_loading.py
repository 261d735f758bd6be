"""Entity modules load as they are named (store/models.py): the facade's names are each module's own, and
whatever needs every entity (an item of one not loaded yet read back, a query's filter, the table's schema)
still finds it (models_base.py `Entity`). The fresh-interpreter checks run as a cold Lambda would."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
from pathlib import Path

from pynamodb.indexes import Index
from pynamodb.models import Model

from chalicelib.store import models
from chalicelib.store.models_base import Item
from tests.helpers.fresh import fresh_python

ROOT = Path(__file__).resolve().parents[2]
FACADE = ROOT / "chalicelib/store/models.py"


def _type_checking_imports() -> dict[str, tuple[str, ...]]:
    tree = ast.parse(FACADE.read_text())
    checking = [
        n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING"
    ]
    block = checking[0]
    return {
        f"{node.module}": tuple(alias.name for alias in node.names)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
    }


def _defined_in(module_name: str) -> set[str]:
    """The entities, indexes and functions a models_*.py module defines (its public names)."""
    module = importlib.import_module(module_name)
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == module_name
        and (inspect.isfunction(value) or (inspect.isclass(value) and issubclass(value, Item | Index)))
    }


def test_the_facade_names_each_module_s_own_names_once_as_mypy_sees_them() -> None:
    assert _type_checking_imports() == models.HOMES
    named = [name for names in models.HOMES.values() for name in names]
    assert len(named) == len(set(named))
    for module, names in models.HOMES.items():
        assert set(names) == _defined_in(module), module
    assert set(named) <= set(models.__all__)
    assert models.AccountItem is importlib.import_module("chalicelib.store.models_people").AccountItem


def test_every_entity_lives_in_a_module_the_facade_loads() -> None:
    models.load_every_entity()
    entity = Item._get_discriminator_attribute()
    assert entity is not None
    registered = entity.get_registered_subclasses(Item)
    assert len(registered) == 45
    assert {cls.__module__ for cls in registered} == set(models.HOMES)


def test_the_indexed_modules_hold_every_index_an_entity_adds_to_item_s() -> None:
    models.load_every_entity()
    entity = Item._get_discriminator_attribute()
    assert entity is not None
    every = {name for cls in entity.get_registered_subclasses(Item) for name in cls._indexes}
    classes: list[type[Item]] = [Item, *entity.get_registered_subclasses(Item)]
    indexed = {
        name for cls in classes if cls is Item or cls.__module__ in models.INDEXED for name in cls._indexes
    }
    assert every == indexed
    assert {"gsi1", "gsi2", "gsi3"} <= indexed  # Item's own two, and the invitations' by expiry


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        models.NoSuchItem  # noqa: B018
    except AttributeError as error:
        assert "NoSuchItem" in str(error)
    else:
        raise AssertionError("an unknown name was found")


FRESH = """
import json, sys
from pynamodb.models import Model
from chalicelib.store.models import AccountItem, Item
entity = Item._get_discriminator_attribute()
loaded = lambda: sorted(m for m in sys.modules if m.startswith("chalicelib.store.models_"))
steps = {"named": loaded()}
entity.get_registered_subclasses(Model)
steps["schema"] = loaded()
steps["read back"] = entity.deserialize("scim_token").__name__
steps["after"] = loaded()
print(json.dumps(steps))
"""


def test_naming_an_entity_loads_its_module_and_reading_another_loads_the_rest() -> None:
    steps = json.loads(fresh_python(FRESH).strip().splitlines()[-1])
    base, people = "chalicelib.store.models_base", "chalicelib.store.models_people"
    assert steps["named"] == [base, people]
    assert steps["schema"] == sorted([base, people, *models.INDEXED])  # the schema: indexes, not all
    assert steps["read back"] == "ScimTokenItem"
    assert steps["after"] == sorted([base, *models.HOMES])


def test_a_query_s_filter_names_every_entity_even_those_not_loaded() -> None:
    code = (
        "from chalicelib.store.models import Item\n"
        "entity = Item._get_discriminator_attribute()\n"
        "print(len(entity.get_registered_subclasses(Item)))\n"
    )
    assert fresh_python(code).split() == ["45"]
    assert issubclass(Item, Model)
