"""Fixtures the store's tests share: a local zone far from UTC, a clock that stands still until
moved, and a real database file on that clock. A test module may bring its own zone or clock;
the database follows whichever it has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backcare_gui.store.db import Database
from tests.helpers.records import Clock, local, local_zone

# Far from UTC (+13 in March): a local day and its UTC day differ for half the hours.
ZONE = "Pacific/Auckland"


@pytest.fixture
def zone() -> Iterator[None]:
    with local_zone(ZONE):
        yield


@pytest.fixture
def clock(zone: None) -> Clock:
    return Clock(local(2026, 3, 10, 8, 30))


@pytest.fixture
def db(tmp_path: Path, clock: Clock) -> Iterator[Database]:
    database = Database.open(tmp_path / "data" / "backcare.sqlite3", now=clock)
    yield database
    database.close()
