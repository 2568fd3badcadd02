"""The database schema, as numbered forward migrations.

`PRAGMA user_version` holds how many migrations a file has had; MIGRATIONS[n] brings a file
from version n to n + 1. A later feature adds one string at the end, never edits an old one
(files out there already ran it), and adds a seed to tests/unit/test_store_db.py for the
version it leaves behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

# Version 0 -> 1: sessions, what hurt during them, red-flag screenings, once-only notices.
_V1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,               -- ISO 8601 UTC with microseconds: sorts as text
    routine_id TEXT NOT NULL,
    routine_title TEXT NOT NULL,
    routine_sha256 TEXT NOT NULL,
    planned_seconds REAL NOT NULL,
    pain_before INTEGER NULL CHECK (pain_before BETWEEN 0 AND 10),
    locations TEXT NOT NULL DEFAULT '',     -- body-area codes joined by ';'
    note TEXT NOT NULL DEFAULT '',
    owner_pid INTEGER,
    owner_started TEXT,
    status TEXT NOT NULL
        CHECK (status IN ('running', 'completed', 'partial', 'abandoned', 'interrupted')),
    ended_at TEXT NULL,
    active_seconds REAL NOT NULL DEFAULT 0,
    exercises_done INTEGER NOT NULL DEFAULT 0,
    last_exercise_id TEXT NULL,
    pain_after INTEGER NULL CHECK (pain_after BETWEEN 0 AND 10),
    feeling TEXT NULL CHECK (feeling IN ('easier', 'same', 'harder')),
    updated_at TEXT NOT NULL,
    -- SET NULL: deleting the continuation from history must not be refused.
    resumed_from INTEGER NULL REFERENCES sessions(id) ON DELETE SET NULL
);
-- History pages, date ranges, adherence (rowid is the index's hidden last column, so
-- ORDER BY started_at, id is served too).
CREATE INDEX sessions_started_at ON sessions(started_at);
-- "Has this one been resumed?" and the foreign key's ON DELETE check.
CREATE INDEX sessions_resumed_from ON sessions(resumed_from) WHERE resumed_from IS NOT NULL;
-- Finding rows left 'running' by a crash, on every start.
CREATE INDEX sessions_running ON sessions(status) WHERE status = 'running';

CREATE TABLE hurt_events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    exercise_id TEXT NOT NULL,
    exercise_name TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('skip', 'stop'))
);
CREATE INDEX hurt_events_session ON hurt_events(session_id);

CREATE TABLE red_flag_answers (
    id INTEGER PRIMARY KEY,
    answered_at TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('screen', 'cli', 'rating')),
    answers TEXT NOT NULL,                  -- JSON object: flag id -> true/false
    any_yes INTEGER NOT NULL CHECK (any_yes IN (0, 1)),
    clinician_checked INTEGER NOT NULL CHECK (clinician_checked IN (0, 1))
);

CREATE TABLE notices (
    key TEXT PRIMARY KEY,
    shown_at TEXT NOT NULL
);
"""

# Version 1 -> 2: heat sessions and desk breaks, one row per thing that happened.
_V2 = """
CREATE TABLE timer_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                       -- ISO 8601 UTC, like sessions.started_at
    kind TEXT NOT NULL CHECK (kind IN ('micro_break', 'movement_break', 'heat')),
    outcome TEXT NOT NULL CHECK (outcome IN ('taken', 'natural', 'skipped', 'postponed',
                                             'completed', 'cancelled')),
    seconds REAL NOT NULL DEFAULT 0,        -- how long the break or the heat lasted
    detail TEXT NOT NULL DEFAULT ''         -- e.g. "postponed 2 of 2", "the routine"
);
CREATE INDEX timer_events_at ON timer_events(at);
"""

# Version 2 -> 3: the spasm diary, one row per episode the person logs.
_V3 = """
CREATE TABLE diary_episodes (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,               -- ISO 8601 UTC, like sessions.started_at
    ended_at TEXT NULL                      -- NULL: still going (ended later with one click)
        CHECK (ended_at IS NULL OR ended_at >= started_at),  -- same-width UTC text sorts
    severity INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 10),  -- the sessions' pain scale
    locations TEXT NOT NULL DEFAULT '',     -- body-area codes joined by ';', like sessions
    triggers TEXT NOT NULL DEFAULT '',      -- trigger codes (core/diary.py) joined by ';'
    trigger_other TEXT NOT NULL DEFAULT '', -- the person's words when 'other' is a trigger
    helped TEXT NOT NULL DEFAULT '',        -- what-helped codes (core/diary.py) joined by ';'
    helped_routine TEXT NULL,               -- the routine id when 'a routine' helped
    note TEXT NOT NULL DEFAULT '',
    red_flags TEXT NOT NULL DEFAULT '{}',   -- JSON object: red-flag id -> ticked on the form
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- Date ranges, weekly counts, the export (rowid rides along, so ORDER BY started_at, id too).
CREATE INDEX diary_episodes_started_at ON diary_episodes(started_at);
-- "Still going?" on every start of the diary page.
CREATE INDEX diary_episodes_going ON diary_episodes(started_at) WHERE ended_at IS NULL;
"""

MIGRATIONS: tuple[str, ...] = (
    _V1,
    _V2,
    _V3,
)


class NewerFileError(Exception):
    """The file was written by a newer BackCare (more migrations than this one knows)."""


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Bring `conn`'s file up to len(migrations); returns the version it had.

    Each step is one transaction together with its user_version, so a crash leaves the file at
    the old version or the new one. Foreign keys are off while migrating, as SQLite's own
    recipe for changing a table asks (a rebuild would otherwise cascade deletes), and are
    checked before each step commits. `conn` must be in autocommit mode (isolation_level None).
    """
    start = version(conn)
    if start > len(migrations):
        raise NewerFileError(f"file version {start}, this BackCare knows {len(migrations)}")
    if start == len(migrations):
        return start
    conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set it first
    try:
        for number in range(start, len(migrations)):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(migrations[number]):
                    conn.execute(statement)
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise sqlite3.IntegrityError(f"migration {number + 1} broke a foreign key")
                conn.execute(f"PRAGMA user_version = {number + 1:d}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back on its own already
                    conn.execute("ROLLBACK")
                raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return start


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (executescript would commit half-way)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement in migration: {current.strip()[:60]!r}")
    return statements
