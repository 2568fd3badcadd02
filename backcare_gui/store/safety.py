"""Safety records: red-flag screening answers, what hurt during a session, once-only notices.

Red-flag answers are kept, every time, never overwritten: they show when someone said they had
a warning sign and whether a clinician had checked them, which matters more than tidiness.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Literal, get_args

from backcare_gui.store.db import Database, from_text, to_text

RedFlagSource = Literal["screen", "cli", "rating"]
HurtAction = Literal["skip", "stop"]
SOURCES: Final[tuple[RedFlagSource, ...]] = get_args(RedFlagSource)
HURT_ACTIONS: Final[tuple[HurtAction, ...]] = get_args(HurtAction)


@dataclass(frozen=True, slots=True)
class RedFlagRecord:
    id: int
    answered_at: datetime
    source: RedFlagSource
    answers: Mapping[str, bool]  # flag id -> yes; read-only
    any_yes: bool
    clinician_checked: bool  # the person confirmed a clinician has checked them


@dataclass(frozen=True, slots=True)
class HurtEvent:
    id: int
    session_id: int
    at: datetime
    exercise_id: str
    exercise_name: str
    action: HurtAction  # the person skipped the exercise, or stopped the session


_RED_FLAG_COLUMNS: Final = "id, answered_at, source, answers, any_yes, clinician_checked"
_HURT_COLUMNS: Final = "id, session_id, at, exercise_id, exercise_name, action"


class SafetyRecords:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- red flags --------------------------------------------------------------------------

    def record_red_flags(self, answers: Mapping[str, bool], source: RedFlagSource,
                         clinician_checked: bool) -> int:
        """Keep one screening's answers; returns its id."""
        if source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}: {source!r}")
        if not all(isinstance(k, str) and isinstance(v, bool) for k, v in answers.items()):
            raise ValueError("answers map flag ids (text) to true or false")
        text = json.dumps(dict(answers), sort_keys=True)
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO red_flag_answers (answered_at, source, answers, any_yes,"
                " clinician_checked) VALUES (?, ?, ?, ?, ?)",
                (to_text(self._db.now()), source, text, int(any(answers.values())),
                 int(bool(clinician_checked))))
            record_id = cursor.lastrowid
        assert record_id is not None
        return record_id

    def latest_red_flags(self) -> RedFlagRecord | None:
        with self._db.reading() as conn:
            row = conn.execute(f"SELECT {_RED_FLAG_COLUMNS} FROM red_flag_answers"
                               " ORDER BY answered_at DESC, id DESC LIMIT 1").fetchone()
        return None if row is None else _red_flags(row)

    def red_flags_completed(self) -> bool:
        """Whether the screening is done: once answered all 'no', or with a clinician's check."""
        with self._db.reading() as conn:
            return conn.execute("SELECT 1 FROM red_flag_answers WHERE any_yes = 0"
                                " OR clinician_checked = 1 LIMIT 1").fetchone() is not None

    def all_red_flag_records(self) -> list[RedFlagRecord]:
        """Every screening, oldest first."""
        with self._db.reading() as conn:
            rows = conn.execute(f"SELECT {_RED_FLAG_COLUMNS} FROM red_flag_answers"
                                " ORDER BY answered_at, id").fetchall()
        return [_red_flags(row) for row in rows]

    # --- what hurt --------------------------------------------------------------------------

    def record_hurt(self, session_id: int, exercise_id: str, exercise_name: str,
                    action: HurtAction) -> int:
        """'This hurts' during a session; returns the event's id. The session must exist."""
        if action not in HURT_ACTIONS:
            raise ValueError(f"action must be one of {', '.join(HURT_ACTIONS)}: {action!r}")
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO hurt_events (session_id, at, exercise_id, exercise_name, action)"
                " VALUES (?, ?, ?, ?, ?)",
                (session_id, to_text(self._db.now()), str(exercise_id), str(exercise_name),
                 action))
            event_id = cursor.lastrowid
        assert event_id is not None
        return event_id

    def hurt_events(self, session_id: int | None = None) -> list[HurtEvent]:
        """One session's events, or everyone's; oldest first."""
        with self._db.reading() as conn:
            if session_id is None:
                rows = conn.execute(f"SELECT {_HURT_COLUMNS} FROM hurt_events"
                                    " ORDER BY at, id").fetchall()
            else:
                rows = conn.execute(f"SELECT {_HURT_COLUMNS} FROM hurt_events"
                                    " WHERE session_id = ? ORDER BY at, id",
                                    (session_id,)).fetchall()
        return [HurtEvent(row[0], row[1], from_text(row[2]), row[3], row[4], row[5])
                for row in rows]

    # --- once-only notices ------------------------------------------------------------------

    def notice_shown(self, key: str) -> bool:
        with self._db.reading() as conn:
            return conn.execute("SELECT 1 FROM notices WHERE key = ?",
                                (key,)).fetchone() is not None

    def mark_notice(self, key: str) -> None:
        """Remember that `key` was shown; the first time it was shown is kept."""
        with self._db.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO notices (key, shown_at) VALUES (?, ?)",
                         (str(key), to_text(self._db.now())))


def _red_flags(row: tuple[Any, ...]) -> RedFlagRecord:
    answers = json.loads(row[3])
    return RedFlagRecord(id=row[0], answered_at=from_text(row[1]), source=row[2],
                         answers=MappingProxyType({str(k): bool(v) for k, v in answers.items()}),
                         any_yes=bool(row[4]), clinician_checked=bool(row[5]))
