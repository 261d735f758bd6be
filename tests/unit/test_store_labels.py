"""The store's outcome labels are a closed set (store/tx.py `Label`): mypy checks each label a write is
given; this checks each label code tests an outcome for (`"x" in outcome.failed`, `"x" in failed`), which
mypy lets through as any str, so a misspelt one fails here instead of never matching."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import get_args

from chalicelib.store.outcomes import Label

ROOT = Path(__file__).resolve().parents[2] / "chalicelib"


def _tested_labels() -> list[tuple[str, str]]:
    found = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Compare) or not isinstance(node.left, ast.Constant):
                continue
            if not isinstance(node.left.value, str):
                continue
            for op, right in zip(node.ops, node.comparators, strict=True):
                target = right.attr if isinstance(right, ast.Attribute) else getattr(right, "id", "")
                if isinstance(op, ast.In | ast.NotIn) and target == "failed":
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.left.value))
    return found


def test_every_label_tested_for_is_one_a_write_can_fail_with() -> None:
    tested = _tested_labels()
    assert len(tested) >= 10  # the services' and the store's checks are found at all
    assert [(where, label) for where, label in tested if label not in get_args(Label)] == []
