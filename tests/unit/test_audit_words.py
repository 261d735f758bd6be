"""The audit log's page words every event type the API records (audit-words.js): a new event type without
its words would show as its raw key, in English, in every language."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.domain.audit import EVENT_TYPES

WORDS = Path(__file__).resolve().parents[2] / "chalicelib" / "static" / "portal" / "audit-words.js"


def test_every_event_type_has_its_words_on_the_audit_page() -> None:
    worded = set(re.findall(r'"([a-z_]+\.[a-z_]+)":\s*t\(', WORDS.read_text(encoding="utf-8")))
    assert set(EVENT_TYPES) - worded == set()
    assert worded - set(EVENT_TYPES) == set()  # nor words for an event that is no more
