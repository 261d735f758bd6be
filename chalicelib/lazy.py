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
