"""The real app, as a process, on a real X server."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers.app_process import AppProcess
from tests.helpers.prereq import require_commands
from tests.helpers.xserver import xvfb

pytestmark = pytest.mark.e2e


def test_the_app_opens_its_main_window_on_xvfb(tmp_path: Path) -> None:
    require_commands("xdotool")
    with xvfb() as display:
        app = AppProcess(["--data-dir", str(tmp_path / "data")],
                         {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})
        try:
            app.wait_for("main-window-shown")
            app.wait_for("library-ready")
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^BackCare$"],
                                   env={"DISPLAY": display}, capture_output=True, text=True)
            assert found.returncode == 0 and found.stdout.strip(), "no visible BackCare window"
            window_id = found.stdout.split()[0]
            geometry = subprocess.run(["xdotool", "getwindowgeometry", window_id],
                                      env={"DISPLAY": display}, capture_output=True, text=True,
                                      check=True).stdout
            width, height = (int(v) for v in geometry.split("Geometry:")[1].split()[0].split("x"))
            assert width >= 720 and height >= 520
        finally:
            app.stop()
    # the app made its data folders, and its log (which holds problems) is there and empty
    assert (tmp_path / "data" / "routines").is_dir()
    assert (tmp_path / "data" / "logs" / "backcare.log").read_text() == ""
