"""Kill the real app with SIGKILL mid-session: nothing is lost but the seconds since the last
update, and the next start offers to continue from the exercise where it stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from backcare_gui.core.timeline import build_timeline
from backcare_gui.store.db import Database
from backcare_gui.store.records import SessionRecords
from tests.helpers.app_process import AppProcess
from tests.helpers.prereq import require_commands
from tests.helpers.routines import parse, write
from tests.helpers.xserver import xvfb

pytestmark = pytest.mark.e2e

THREE = """\
format: backcare-routine/1
id: three
title: Three holds
prepare_seconds: 1
rest_between_exercises: 1
exercises:
  - {id: one, name: One, hold: 1.5}
  - {id: two, name: Two, hold: 1.5}
  - {id: three, name: Three, hold: 30}
"""


def test_sigkill_mid_session_then_resume(tmp_path: Path) -> None:
    require_commands("xdotool")
    home = tmp_path / "data"
    write(home / "routines", "three.yaml", THREE)
    subprocess.run([sys.executable, "-m", "backcare_gui", "--data-dir", str(home), "red-flags",
                    "--none-apply"], check=True, capture_output=True)
    phases = build_timeline(parse(THREE)).phases
    third = next(p for p in phases if p.exercise_index == 2)
    with xvfb() as display:
        env = {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        app = AppProcess(["--data-dir", str(home), "--start", "three", "--pain-before", "5"],
                         env)
        try:
            app.wait_for(f"phase-shown {third.index} {third.kind.value}", timeout=30)
            os.kill(app.proc.pid, signal.SIGKILL)
            app.proc.wait(timeout=10)
        finally:
            app.stop()
        assert app.proc.returncode == -signal.SIGKILL

        db = Database.open(home / "backcare.sqlite3")  # marks the dead owner's row
        try:
            (row,) = SessionRecords(db).export_rows()
            assert row.status == "interrupted"
            assert (row.pain_before, row.exercises_done, row.last_exercise_id) == (5, 2, "two")
            assert row.active_seconds >= 5.0  # 1 + 1.5 + 1 + 1.5 s, written as they ended
            assert SessionRecords(db).resumable(date.today()) == row
        finally:
            db.close()

        again = AppProcess(["--data-dir", str(home)], env)
        try:
            again.wait_for(f"resume-offered {row.id}", timeout=30)
            found = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name",
                                    "Continue your session"], env=env | {"DISPLAY": display},
                                   capture_output=True, text=True, timeout=20)
            box = found.stdout.split()[0]
            subprocess.run(["xdotool", "windowfocus", "--sync", box], env={"DISPLAY": display},
                           check=True, timeout=20)
            subprocess.run(["xdotool", "key", "--window", box, "Return"],
                           env={"DISPLAY": display}, check=True, timeout=20)
            again.wait_for("session-started three 2", timeout=30)
        finally:
            again.stop()
    db = Database.open(home / "backcare.sqlite3")
    try:
        rows = SessionRecords(db).export_rows()
        assert [r.resumed_from for r in rows] == [None, row.id]
        assert rows[1].pain_before == 5
    finally:
        db.close()
