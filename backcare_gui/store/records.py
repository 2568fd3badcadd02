"""Session records: one row per guided session, written when it starts and updated as each
exercise completes, so a crash leaves an 'interrupted' row to resume, never nothing.

Every write method here is exactly one transaction. Times are stored in UTC; local dates
(today, a day range, a week) are turned into UTC bounds before they reach SQL.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final, Literal, get_args

from backcare_gui.store import process
from backcare_gui.store.db import (
    Database,
    day_clauses,
    day_range,
    from_text,
    local_date,
    to_text,
    where,
)

Status = Literal["running", "completed", "partial", "abandoned", "interrupted"]
FinishStatus = Literal["completed", "partial", "abandoned"]
Feeling = Literal["easier", "same", "harder"]
STATUSES: Final[tuple[Status, ...]] = get_args(Status)
FEELINGS: Final[tuple[Feeling, ...]] = get_args(Feeling)
# Body areas, in the order they are stored (and shown): the codes are a stored contract.
LOCATIONS: Final = ("lower-back", "upper-back", "neck", "buttock-hip", "left-leg", "right-leg")
# What counts as having done a session, for adherence and streaks.
COUNTED: Final[tuple[Status, ...]] = ("completed", "partial")

# The history table's sortable columns -> their SQL. Only these strings ever reach ORDER BY.
ORDERS: Final[dict[str, str]] = {
    "started_at": "started_at",
    "routine_title": "routine_title COLLATE NOCASE",
    "status": "status",
    "pain_before": "pain_before",
    "pain_after": "pain_after",
    "pain_change": "pain_after - pain_before",
    "feeling": "feeling",
    "active_seconds": "active_seconds",
    "planned_seconds": "planned_seconds",
    "exercises_done": "exercises_done",
    "ended_at": "ended_at",
}

_COLUMNS: Final = (
    "id, started_at, routine_id, routine_title, routine_sha256, planned_seconds, pain_before, "
    "locations, note, owner_pid, owner_started, status, ended_at, active_seconds, "
    "exercises_done, last_exercise_id, pain_after, feeling, updated_at, resumed_from")


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    started_at: datetime
    routine_id: str
    routine_title: str
    routine_sha256: str
    planned_seconds: float
    pain_before: int | None
    locations: tuple[str, ...]
    note: str
    owner_pid: int | None
    owner_started: str | None
    status: Status
    ended_at: datetime | None
    active_seconds: float
    exercises_done: int  # exercises completed in order: a resume starts at this index
    last_exercise_id: str | None
    pain_after: int | None
    feeling: Feeling | None
    updated_at: datetime
    resumed_from: int | None  # the interrupted session this one continues


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    text: str = ""  # in the routine title or the note, any case
    statuses: frozenset[str] = field(default_factory=frozenset)  # empty: all
    date_from: date | None = None  # local dates, both inclusive
    date_to: date | None = None


@dataclass(frozen=True, slots=True)
class PainPoint:
    session_id: int
    started_at: datetime
    pain_before: int | None
    pain_after: int | None


@dataclass(frozen=True, slots=True)
class WeekCount:
    monday: date  # local
    iso_year: int
    iso_week: int
    sessions: int  # completed + partial


@dataclass(frozen=True, slots=True)
class Adherence:
    weeks: tuple[WeekCount, ...]  # the last 8 ISO weeks, oldest first, this week last
    streak: int  # consecutive days with a session, up to today (or yesterday)


class _Keep(enum.Enum):
    """'Leave this field as it is' for edit(), where None is itself a value."""
    KEEP = enum.auto()


KEEP: Final = _Keep.KEEP


class SessionRecords:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- writes: one transaction each -------------------------------------------------------

    def start(self, routine_id: str, routine_title: str, routine_sha256: str,
              planned_seconds: float, pain_before: int | None, locations: Sequence[str],
              note: str, resumed_from: int | None = None) -> int:
        """A new 'running' session owned by this process; returns its id."""
        pain = _pain(pain_before, "pain_before")
        codes = _locations(locations)
        pid, started = process.current_owner()
        now = to_text(self._db.now())
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (started_at, routine_id, routine_title, routine_sha256,"
                " planned_seconds, pain_before, locations, note, owner_pid, owner_started,"
                " status, updated_at, resumed_from)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                (now, str(routine_id), str(routine_title), str(routine_sha256),
                 float(planned_seconds), pain, codes, str(note), pid, started, now,
                 resumed_from))
            session_id = cursor.lastrowid
        assert session_id is not None
        return session_id

    def exercise_done(self, session_id: int, exercises_done: int, last_exercise_id: str,
                      active_seconds: float) -> bool:
        """Progress after each completed exercise. False if there is no such session."""
        if exercises_done < 0:
            raise ValueError("exercises_done cannot be negative")
        return self._update(session_id, {"exercises_done": int(exercises_done),
                                         "last_exercise_id": str(last_exercise_id),
                                         "active_seconds": float(active_seconds)})

    def finish(self, session_id: int, status: FinishStatus, active_seconds: float,
               pain_after: int | None, feeling: Feeling | None) -> bool:
        if status not in get_args(FinishStatus):
            raise ValueError(f"a session finishes as completed, partial or abandoned: {status!r}")
        return self._update(session_id, {"status": status,
                                         "ended_at": to_text(self._db.now()),
                                         "active_seconds": float(active_seconds),
                                         "pain_after": _pain(pain_after, "pain_after"),
                                         "feeling": _feeling(feeling)})

    def set_after(self, session_id: int, pain_after: int | None, feeling: Feeling | None) -> bool:
        """The after-rating, which may come after finish()."""
        return self._update(session_id, {"pain_after": _pain(pain_after, "pain_after"),
                                         "feeling": _feeling(feeling)})

    def edit(self, session_id: int, *, pain_before: int | _Keep | None = KEEP,
             pain_after: int | _Keep | None = KEEP, note: str | _Keep = KEEP,
             locations: Sequence[str] | _Keep = KEEP,
             feeling: Feeling | _Keep | None = KEEP) -> bool:
        """Change only the fields given. False if there is no such session."""
        changes: dict[str, object] = {}
        if not isinstance(pain_before, _Keep):
            changes["pain_before"] = _pain(pain_before, "pain_before")
        if not isinstance(pain_after, _Keep):
            changes["pain_after"] = _pain(pain_after, "pain_after")
        if not isinstance(note, _Keep):
            changes["note"] = str(note)
        if not isinstance(locations, _Keep):
            changes["locations"] = _locations(locations)
        if not isinstance(feeling, _Keep):
            changes["feeling"] = _feeling(feeling)
        if not changes:
            return self.get(session_id) is not None
        return self._update(session_id, changes)

    def delete(self, session_id: int) -> bool:
        """Remove a session and what hurt during it. False if there was no such session."""
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

    def _update(self, session_id: int, changes: dict[str, object]) -> bool:
        # Column names come from the callers above, never from outside.
        changes = {**changes, "updated_at": to_text(self._db.now())}
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self._db.transaction() as conn:
            cursor = conn.execute(f"UPDATE sessions SET {assignments} WHERE id = ?",
                                  (*changes.values(), session_id))
            return cursor.rowcount > 0

    # --- reads ------------------------------------------------------------------------------

    def get(self, session_id: int) -> SessionRow | None:
        with self._db.reading() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM sessions WHERE id = ?",
                               (session_id,)).fetchone()
        return None if row is None else _session(row)

    def resumable(self, today: date) -> SessionRow | None:
        """The newest interrupted session started today (local date) that nothing has resumed."""
        first, end = day_range(today, today)
        with self._db.reading() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM sessions AS s"
                " WHERE status = 'interrupted' AND started_at >= ? AND started_at < ?"
                " AND NOT EXISTS (SELECT 1 FROM sessions AS r WHERE r.resumed_from = s.id)"
                " ORDER BY started_at DESC, id DESC LIMIT 1", (first, end)).fetchone()
        return None if row is None else _session(row)

    def count(self, filter: HistoryFilter) -> int:
        where, params = _where(filter)
        with self._db.reading() as conn:
            return int(conn.execute(f"SELECT count(*) FROM sessions{where}", params)
                       .fetchone()[0])

    def page(self, filter: HistoryFilter, order: str = "started_at",
             descending: bool = True, offset: int = 0, limit: int = 100) -> list[SessionRow]:
        """Rows offset..offset+limit of the filtered history in the given order (ties: newest
        first within the direction). `order` must be one of ORDERS."""
        if order not in ORDERS:
            raise ValueError(f"cannot order by {order!r}; one of: {', '.join(ORDERS)}")
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit cannot be negative")
        way = "DESC" if descending else "ASC"
        keys = [f"{ORDERS[order]} {way}"]
        if order != "started_at":
            keys.append(f"started_at {way}")
        keys.append(f"id {way}")
        where, params = _where(filter)
        with self._db.reading() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM sessions{where}"
                                f" ORDER BY {', '.join(keys)} LIMIT ? OFFSET ?",
                                (*params, int(limit), int(offset))).fetchall()
        return [_session(row) for row in rows]

    def pain_series(self, date_from: date | None = None,
                    date_to: date | None = None) -> list[PainPoint]:
        """Every session with a rating (before or after) in the local days given, oldest
        first, for the chart."""
        where, params = _where(HistoryFilter(date_from=date_from, date_to=date_to))
        rated = "(pain_before IS NOT NULL OR pain_after IS NOT NULL)"
        where = f"{where} AND {rated}" if where else f" WHERE {rated}"
        with self._db.reading() as conn:
            rows = conn.execute(f"SELECT id, started_at, pain_before, pain_after FROM sessions"
                                f"{where} ORDER BY started_at, id", params).fetchall()
        return [PainPoint(row[0], from_text(row[1]), row[2], row[3]) for row in rows]

    def adherence(self, today: date) -> Adherence:
        """Completed and partial sessions per ISO week (the last 8, by local date), and the
        streak of consecutive local days with one, up to today, or up to yesterday while
        today has none yet."""
        first_monday = today - timedelta(days=today.weekday(), weeks=7)
        counts = [0] * 8
        first, end = day_range(first_monday, today)
        streak, expected = 0, today
        with self._db.reading() as conn:
            for (started,) in conn.execute(
                    "SELECT started_at FROM sessions WHERE started_at >= ? AND started_at < ?"
                    " AND status IN ('completed', 'partial')", (first, end)):
                counts[(local_date(from_text(started)) - first_monday).days // 7] += 1
            # Newest first along the index; stops at the first day without a session.
            for (started,) in conn.execute(
                    "SELECT started_at FROM sessions WHERE started_at < ?"
                    " AND status IN ('completed', 'partial') ORDER BY started_at DESC", (end,)):
                day = local_date(from_text(started))
                if day > expected:
                    continue  # another session on a day already counted
                if day == expected or (streak == 0 and day == today - timedelta(days=1)):
                    streak += 1
                    expected = day - timedelta(days=1)
                    continue
                break
        weeks = []
        for n, sessions in enumerate(counts):
            monday = first_monday + timedelta(weeks=n)
            iso = monday.isocalendar()
            weeks.append(WeekCount(monday, iso.year, iso.week, sessions))
        return Adherence(tuple(weeks), streak)

    def export_rows(self, date_from: date | None = None,
                    date_to: date | None = None) -> list[SessionRow]:
        """Every session in the local days given, oldest first."""
        where, params = _where(HistoryFilter(date_from=date_from, date_to=date_to))
        with self._db.reading() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM sessions{where}"
                                " ORDER BY started_at, id", params).fetchall()
        return [_session(row) for row in rows]


def _where(history: HistoryFilter) -> tuple[str, list[object]]:
    """' WHERE ...' (or '') and its parameters. Only fixed SQL text; values are parameters."""
    clauses, params = day_clauses("started_at", history.date_from, history.date_to)
    if history.statuses:
        unknown = set(history.statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown statuses: {sorted(unknown)}")
        statuses = sorted(history.statuses)
        clauses.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    text = history.text.strip().casefold()
    if text:
        # bc_fold (str.casefold, registered by db.py) also folds non-ASCII letters.
        clauses.append("(instr(bc_fold(routine_title), ?) > 0 OR instr(bc_fold(note), ?) > 0)")
        params += [text, text]
    return where(clauses), params


def _session(row: tuple[Any, ...]) -> SessionRow:
    (id_, started_at, routine_id, routine_title, sha, planned, pain_before, locations, note,
     owner_pid, owner_started, status, ended_at, active, done, last_id, pain_after, feeling,
     updated_at, resumed_from) = row
    return SessionRow(
        id=id_, started_at=from_text(started_at), routine_id=routine_id,
        routine_title=routine_title, routine_sha256=sha, planned_seconds=float(planned),
        pain_before=pain_before, locations=tuple(code for code in locations.split(";") if code),
        note=note, owner_pid=owner_pid, owner_started=owner_started, status=status,
        ended_at=None if ended_at is None else from_text(ended_at),
        active_seconds=float(active), exercises_done=done, last_exercise_id=last_id,
        pain_after=pain_after, feeling=feeling, updated_at=from_text(updated_at),
        resumed_from=resumed_from)


def _pain(value: int | None, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{name} must be a whole number from 0 to 10, or None: {value!r}")
    return value


def _feeling(value: str | None) -> Feeling | None:
    if value is not None and value not in FEELINGS:
        raise ValueError(f"feeling must be one of {', '.join(FEELINGS)}, or None: {value!r}")
    return value


def _locations(codes: Sequence[str]) -> str:
    """Known codes only, each once, in LOCATIONS order, joined by ';'."""
    if isinstance(codes, str):
        raise ValueError("locations is a sequence of codes, not one string")
    unknown = set(codes) - set(LOCATIONS)
    if unknown:
        raise ValueError(f"unknown body areas: {sorted(unknown)}; known: {', '.join(LOCATIONS)}")
    return ";".join(code for code in LOCATIONS if code in codes)
