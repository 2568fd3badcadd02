"""A whole session in the real app, started from the command line as a desktop shortcut would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.app_process import AppProcess
from tests.helpers.routines import write
from tests.helpers.xserver import xvfb

pytestmark = pytest.mark.e2e

QUICK = """\
format: backcare-routine/1
id: quick
title: Quick
prepare_seconds: 1
rest_between_exercises: 0.5
exercises:
  - id: a
    name: Stretch A
    hold: 1
    sides: [left, right]
    switch_seconds: 0.5
  - id: b
    name: Stretch B
    steps: [{name: In, seconds: 0.5}, {name: Out, seconds: 0.5}]
"""


def test_start_runs_a_whole_routine_in_the_real_app(tmp_path: Path) -> None:
    home = tmp_path / "data"
    write(home / "routines", "quick.yaml", QUICK)
    # a desktop shortcut's user has read the red flags once, on the command line
    subprocess.run([sys.executable, "-m", "backcare_gui", "--data-dir", str(home), "red-flags",
                    "--none-apply"], check=True, capture_output=True)
    with xvfb() as display:
        app = AppProcess(["--data-dir", str(home), "--start", "quick", "--pain-before", "3"],
                         {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})
        try:
            app.wait_for("session-started quick 0")
            finished = app.wait_for("session-finished", timeout=30)
            first = app.wait_for("phase-shown 0 prepare")
            # 1 + 1 + 0.5 + 1 + 0.5 + 0.5 + 0.5 = 5 s of phases, in real time
            assert 4.9 < finished - first < 6.5
            shown = [line.split()[3] for line in app.lines if " phase-shown " in line]
            assert shown == [str(i) for i in range(7)]
            # no sound device here: every cue was shown instead, the session went on
            cues = [line.split()[3] for line in app.lines if "cue-flashed" in line
                    or "cue-played" in line]
            assert cues[0] == "start" and cues[-1] == "done" and "switch" in cues
        finally:
            app.stop()
