"""Stored times (store/models_base.py): one fixed-width UTC form, read back without strptime (whose first
call costs a cold start's first read about 8 ms)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.store.models_base import TimeAttribute, format_time, parse_time
from tests.helpers.fresh import fresh_python


def test_a_stored_time_reads_back_as_the_same_utc_instant() -> None:
    berlin = timezone(timedelta(hours=2))
    for moment in (
        datetime(2026, 12, 6, 22, 5, 9, tzinfo=UTC),
        datetime(2024, 2, 29, 0, 0, 0, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 7, 1, 1, 30, 0, tzinfo=berlin),  # stored as its UTC instant
    ):
        stored = format_time(moment)
        assert parse_time(stored) == moment
        assert parse_time(stored).tzinfo is UTC
        assert TimeAttribute().deserialize(TimeAttribute().serialize(moment)) == moment
    assert format_time(datetime(2026, 7, 1, 1, 30, tzinfo=berlin)) == "2026-06-30T23:30:00Z"
    assert parse_time("2026-06-30T23:30:00Z") == datetime(2026, 6, 30, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-06-30T23:30:00",  # no Z
        "2026-06-30T23:30:00+00:00",
        "2026-06-30 23:30:00Z",
        "2026-06-30T23:30:00.123Z",
        "2026-6-30T23:30:00Z",
        "2026-06-31T23:30:00Z",  # no 31 June
        "2026-06-30T24:00:00Z",
        "2026-06-30T23:30:00Z ",
        "\uff12\uff10\uff12\uff16-06-30T23:30:00Z",  # fullwidth digits: digits to \\d without re.ASCII
        "",
    ],
)
def test_anything_but_the_stored_form_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


def test_reading_a_stored_time_loads_no_strptime() -> None:
    code = (
        "import sys\n"
        "from chalicelib.store.models_base import parse_time\n"
        "parse_time('2026-12-06T22:05:09Z')\n"
        "print('_strptime' in sys.modules)\n"
    )
    assert fresh_python(code).strip() == "False"
