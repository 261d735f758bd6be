"""Modules imported on first use: Lambda imports app.py on every cold start, and a route should pay only for
what it runs (the storage layer, PynamoDB and botocore clients are a large part of that import)."""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands in for a module until an attribute is read; importlib's lock makes the first import safe
    from several threads at once."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)

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
    """Stands in for a schemas module in a route module: each attribute names a model (a `ModelRef`) without
    importing anything, so building the route table builds no pydantic class; a request builds only the
    models of its own route (and what they refer to). Under TYPE_CHECKING the route module imports the real
    module instead, so mypy checks every name."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> ModelRef:
        if attribute.startswith("__"):  # copy, pickle and inspect probe dunders: not model names
            raise AttributeError(attribute)
        return ModelRef(self._name, attribute)

    def __repr__(self) -> str:
        return f"<lazy models {self._name}>"
