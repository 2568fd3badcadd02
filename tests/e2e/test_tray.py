"""The real app in a real tray on Xvfb: the icon shows, a break comes due, its window appears,
and the break is recorded."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from backcare_gui.store.db import Database
from backcare_gui.store.timers import TimerRecords
from tests.helpers.app_process import AppProcess
from tests.helpers.prereq import require_commands
from tests.helpers.routines import write
from tests.helpers.xserver import tray_host, xvfb

pytestmark = pytest.mark.e2e

SHORT_BREAKS = """\
breaks.enabled: true
breaks.micro_every: 1
breaks.micro_length: 300
breaks.movement_every: 30
breaks.work_start: "00:00"
breaks.work_end: "23:59"
breaks.work_days: mon,tue,wed,thu,fri,sat,sun
"""


def test_tray_break_window_and_record(tmp_path: Path) -> None:
    require_commands("xdotool", "trayer")
    home = tmp_path / "data"
    write(home, "settings.yaml", SHORT_BREAKS)
    with xvfb() as display, tray_host(display):
        env = {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        app = AppProcess(["--data-dir", str(home), "--minimized"], env)
        try:
            app.wait_for("tray-shown")
            visible = subprocess.run(["xdotool", "search", "--onlyvisible", "--name",
                                      "^BackCare$"], env={"DISPLAY": display},
                                     capture_output=True, text=True)
            assert visible.stdout.strip() == ""  # started in the tray, no window
            app.wait_for("break-due micro", timeout=90)
            app.wait_for("break-window micro")
            found = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name",
                                    "Time to stand up"], env={"DISPLAY": display},
                                   capture_output=True, text=True, timeout=20)
            window = found.stdout.split()[0]
            subprocess.run(["xdotool", "windowfocus", "--sync", window], env={"DISPLAY": display},
                           check=True, timeout=20)
            # Esc closes the break window without a choice: that is a skip, and it is recorded
            subprocess.run(["xdotool", "key", "Escape"], env={"DISPLAY": display}, check=True,
                           timeout=20)
            app.wait_for("timer-record micro_break skipped")
        finally:
            app.stop()
    db = Database.open(home / "backcare.sqlite3")
    try:
        events = TimerRecords(db).events()
    finally:
        db.close()
    assert [(e.kind, e.outcome) for e in events] == [("micro_break", "skipped")]
