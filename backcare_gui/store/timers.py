"""Heat sessions and desk breaks as records: what happened and when (one transaction each)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal, get_args

from backcare_gui.store.db import Database, day_clauses, from_text, to_text, where

TimerKind = Literal["micro_break", "movement_break", "heat"]
Outcome = Literal["taken", "natural", "skipped", "postponed", "completed", "cancelled"]
KINDS: Final = get_args(TimerKind)
OUTCOMES: Final = get_args(Outcome)


@dataclass(frozen=True, slots=True)
class TimerEvent:
    id: int
    at: datetime
    kind: TimerKind
    outcome: Outcome
    seconds: float
    detail: str


class TimerRecords:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, kind: TimerKind, outcome: Outcome, seconds: float = 0.0,
               detail: str = "", at: datetime | None = None) -> int:
        if kind not in KINDS or outcome not in OUTCOMES:
            raise ValueError(f"not a timer event: {kind!r} {outcome!r}")
        when = to_text(at or self._db.now())
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO timer_events (at, kind, outcome, seconds, detail)"
                " VALUES (?, ?, ?, ?, ?)", (when, kind, outcome, float(seconds), detail))
            event_id = cursor.lastrowid
        assert event_id is not None
        return event_id

    def events(self, date_from: date | None = None, date_to: date | None = None,
               kind: TimerKind | None = None) -> list[TimerEvent]:
        """Oldest first; dates are local and inclusive."""
        clauses, args = day_clauses("at", date_from, date_to)
        if kind is not None:
            clauses.append("kind = ?")
            args.append(kind)
        with self._db.reading() as conn:
            rows = conn.execute("SELECT id, at, kind, outcome, seconds, detail FROM timer_events"
                                f"{where(clauses)} ORDER BY at, id", args).fetchall()
        return [TimerEvent(r[0], from_text(r[1]), r[2], r[3], r[4], r[5]) for r in rows]

    def heat_today(self, today: date) -> list[TimerEvent]:
        """Heat sessions that ran today (completed or cancelled part-way)."""
        return [e for e in self.events(today, today, "heat")
                if e.outcome in ("completed", "cancelled")]


CSV_COLUMNS: Final = ("id", "at", "kind", "outcome", "seconds", "detail")


def csv_rows(events: list[TimerEvent]) -> list[list[str]]:
    """One row per event, times as local ISO 8601 with their offset, for `timers export`."""
    return [[str(e.id), e.at.astimezone().isoformat(timespec="seconds"), e.kind, e.outcome,
             f"{e.seconds:g}", e.detail] for e in events]
