"""A real process killed with SIGKILL in the middle of a session: the store keeps what it had
written, marks it interrupted on the next start, and offers it to resume."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backcare_gui.store import Database, HistoryFilter, SessionRecords
from tests.conftest import ROOT
from tests.helpers.records import CHILD_SESSION

pytestmark = pytest.mark.e2e


def _read_line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if selector.select(timeout=0.2):
            return proc.stdout.readline()
        if proc.poll() is not None:
            break
    raise AssertionError(f"the child never said it was ready (exit code {proc.poll()})")


def test_a_killed_session_is_interrupted_and_resumable(tmp_path: Path) -> None:
    path = tmp_path / "data" / "backcare.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", CHILD_SESSION, str(path), "wait"],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        session = int(_read_line(child, timeout=60))
        # Alive, the session is its owner's: opening the store here leaves it running.
        db = Database.open(path)
        running = SessionRecords(db).get(session)
        assert running is not None and running.status == "running"
        db.close()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        assert child.stdout is not None
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    db = Database.open(path)
    records = SessionRecords(db)
    row = records.get(session)
    assert row is not None
    assert row.status == "interrupted"
    assert row.ended_at == row.updated_at
    assert (row.exercises_done, row.last_exercise_id, row.active_seconds) == (2, "cat-cow", 61.5)
    assert (row.pain_before, row.note, row.locations) == \
        (6, "stiff after the drive", ("lower-back", "neck"))
    assert row.owner_pid == child.pid
    assert records.count(HistoryFilter()) == 1
    today = row.started_at.astimezone().date()
    resumable = records.resumable(today)
    assert resumable is not None and resumable.id == session
    # Resuming continues it: the interrupted one is then no longer offered.
    records.start(row.routine_id, row.routine_title, row.routine_sha256, row.planned_seconds,
                  row.pain_before, row.locations, row.note, resumed_from=session)
    assert records.resumable(today) is None
    assert db.list_backups()  # the daily backup was written by the first open
    db.close()
