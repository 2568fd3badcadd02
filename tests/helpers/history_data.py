"""Sessions for the History page, its exports and its benchmark: a few through the real
SessionRecords and SafetyRecords API (as the app writes them), or many at once, straight into
the file (the same rows, one transaction)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from backcare_gui.store.db import Database
from backcare_gui.store.records import FinishStatus, SessionRecords
from backcare_gui.store.safety import SafetyRecords
from tests.helpers.records import Clock, session_values

ROUTINES: tuple[tuple[str, str], ...] = (
    ("morning-mobility", "Morning mobility"), ("core-basics", "Core basics"),
    ("spasm-relief", "Spasm relief"), ("desk-break", "Desk break"),
    ("evening-stretch", "Evening stretch"))
SHA = "0" * 64


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def open_db(folder: Path, clock: Clock | None = None) -> Database:
    folder.mkdir(parents=True, exist_ok=True)
    return Database.open(folder / "backcare.sqlite3", now=clock or Clock(now_utc()))


def session_times(count: int, end: datetime, seed: int = 1) -> list[datetime]:
    """`count` start times up to `end`, oldest first: one or two a day, a rest day now and
    then (so a streak is a real person's streak, not years long)."""
    rng = random.Random(seed)
    times: list[datetime] = []
    day = end - timedelta(minutes=5)
    while len(times) < count:
        if rng.random() < 0.15:  # a day off
            day -= timedelta(days=1)
            continue
        for _ in range(1 if rng.random() < 0.6 else 2):
            if len(times) < count:
                times.append(day - timedelta(hours=len(times) % 2 * 6,
                                             minutes=rng.randrange(60)))
        day -= timedelta(days=1)
    return sorted(times)


def record_sessions(db: Database, clock: Clock, count: int, end: datetime | None = None,
                    seed: int = 1, hurt_every: int = 0) -> list[int]:
    """`count` sessions written as the app writes them (start, exercises, finish), one every
    day or so up to `end`. Every `hurt_every`-th session has a 'this hurts' event."""
    records, safety = SessionRecords(db), SafetyRecords(db)
    rng = random.Random(seed)
    statuses: Sequence[FinishStatus] = ("completed", "completed", "completed", "partial",
                                        "completed", "abandoned")
    ids = []
    for n, start in enumerate(session_times(count, end or now_utc(), seed)):
        clock.set(start)
        routine_id, title = ROUTINES[n % len(ROUTINES)]
        before = rng.randrange(2, 9)
        note = ("stiff after the drive, \"sharp\" at first\nthen better" if n % 7 == 3
                else "")
        sid = records.start(routine_id, title, SHA, 300.0, before,
                            ["lower-back"] + (["neck"] if n % 3 == 0 else []), note)
        clock.advance(minutes=2)
        records.exercise_done(sid, 1, "cat-cow", 110.0)
        if hurt_every and n % hurt_every == 0:
            safety.record_hurt(sid, "knee-to-chest", "Knee to chest", "skip")
        clock.advance(minutes=3)
        status = statuses[n % len(statuses)]
        after = None if status == "abandoned" else max(0, before - rng.randrange(-1, 4))
        records.finish(sid, status, 290.0 if status == "completed" else 150.0, after,
                       None if after is None else "easier")
        ids.append(sid)
    return ids


def bulk_sessions(db: Database, count: int, end: datetime | None = None, seed: int = 1) -> None:
    """`count` finished sessions up to `end` in one transaction (for thousands)."""
    rng = random.Random(seed)
    statuses = ("completed", "completed", "completed", "partial", "abandoned")
    rows: list[tuple[Any, ...]] = []
    for n, start in enumerate(session_times(count, end or now_utc(), seed)):
        routine_id, title = ROUTINES[n % len(ROUTINES)]
        before = rng.randrange(0, 11)
        values = session_values(
            started_at=start, routine_id=routine_id, routine_title=title,
            status=statuses[n % len(statuses)], pain_before=before,
            pain_after=min(10, max(0, before - rng.randrange(-1, 4))),
            active_seconds=float(60 + n % 240),
            note=f"note {n}" if n % 10 == 0 else "")
        rows.append(tuple(values.values()))
    columns = list(session_values())
    with db.transaction() as conn:
        conn.executemany(f"INSERT INTO sessions ({', '.join(columns)})"
                         f" VALUES ({', '.join('?' * len(columns))})", rows)
