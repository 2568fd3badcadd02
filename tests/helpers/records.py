"""Store test helpers: a clock to inject, rows written straight into the file, many rows fast."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from backcare_gui.store.db import Database, to_text

SHA = "0" * 64


class Clock:
    """`now` for Database.open: stands still until moved."""

    def __init__(self, start: datetime = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.moment = moment


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
          second: int = 0, microsecond: int = 0) -> datetime:
    """An aware datetime at that wall-clock time on this machine's (current) zone."""
    return datetime(year, month, day, hour, minute, second, microsecond).astimezone()


def session_values(**columns: Any) -> dict[str, Any]:
    """Every column of a sessions row, defaults overridden by `columns`."""
    started = columns.pop("started_at", datetime(2026, 3, 10, 12, tzinfo=UTC))
    text = to_text(started) if isinstance(started, datetime) else started
    values: dict[str, Any] = {
        "started_at": text, "routine_id": "desk-break", "routine_title": "Desk break",
        "routine_sha256": SHA, "planned_seconds": 120.0, "pain_before": 4,
        "locations": "lower-back", "note": "", "owner_pid": None, "owner_started": None,
        "status": "completed", "ended_at": text, "active_seconds": 118.0,
        "exercises_done": 3, "last_exercise_id": "cat-cow", "pain_after": 2,
        "feeling": "easier", "updated_at": text, "resumed_from": None,
    }
    values.update(columns)
    return values


def insert_session(db: Database, **columns: Any) -> int:
    """A sessions row written directly (for rows the API would never write, such as another
    process's 'running' session)."""
    values = session_values(**columns)
    with db.transaction() as conn:
        cursor = conn.execute(
            f"INSERT INTO sessions ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()))
        assert cursor.lastrowid is not None
        return cursor.lastrowid


def bulk_insert_sessions(db: Database, count: int,
                         first: datetime = datetime(2020, 1, 1, 8, tzinfo=UTC),
                         step: timedelta = timedelta(hours=5)) -> None:
    """`count` finished sessions, `step` apart from `first`, in one transaction."""
    statuses = ("completed", "completed", "partial", "abandoned", "interrupted")
    rows = []
    for n in range(count):
        values = session_values(
            started_at=first + n * step, routine_title=f"Routine {n % 7}",
            note=f"note {n}" if n % 3 == 0 else "", status=statuses[n % len(statuses)],
            pain_before=n % 11, pain_after=(n * 7) % 11, active_seconds=float(n % 300))
        rows.append(tuple(values.values()))
    columns = list(session_values())
    with db.transaction() as conn:
        conn.executemany(f"INSERT INTO sessions ({', '.join(columns)})"
                         f" VALUES ({', '.join('?' * len(columns))})", rows)


def pid_never_used() -> int:
    """A pid no process can have: above the kernel's limit."""
    try:
        limit = int(Path("/proc/sys/kernel/pid_max").read_text(encoding="ascii"))
    except OSError:
        limit = 4_194_304  # the largest pid_max Linux allows
    return limit + 1


@contextmanager
def local_zone(name: str) -> Iterator[None]:
    """Run with this machine's local zone set to `name` (POSIX TZ)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


# A child process that starts a session, records two exercises, says its session id, then
# exits ('exit') or waits to be killed ('wait'). argv: database path, mode.
CHILD_SESSION = """
import sys, time
from pathlib import Path
from backcare_gui.store import Database, SessionRecords
db = Database.open(Path(sys.argv[1]))
records = SessionRecords(db)
sid = records.start('desk-break', 'Desk break', '0' * 64, 120.0, 6, ['neck', 'lower-back'],
                    'stiff after the drive')
records.exercise_done(sid, 1, 'neck-rolls', 30.0)
records.exercise_done(sid, 2, 'cat-cow', 61.5)
print(sid, flush=True)
if sys.argv[2] == 'wait':
    time.sleep(300)
"""
