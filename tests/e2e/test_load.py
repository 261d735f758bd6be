"""`make run` under concurrent use: 8 threads, over 200 mixed requests over real HTTP; afterwards the data
holds every request answered 201/200 and nothing else, and nothing answered a 5xx. Its timings are
`make bench`'s (bench/load.py), not a goal here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.helpers.load import discrepancies, load

if TYPE_CHECKING:
    from tests.e2e.conftest import Live


def test_concurrent_mixed_load_leaves_exactly_what_was_answered(live: Live) -> None:
    run = load(live)
    assert len(run.answers) >= 200
    assert {a.kind for a in run.answers} == {"invite", "login", "accept", "update", "rename"}
    assert discrepancies(live, run) == []
    accepts = run.of("accept")
    assert sum(a.status == 201 for a in accepts) == len(
        accepts
    )  # each invitation accepted once, by its one link
