"""idle_cpu_seconds_per_min: CPU time the app uses in a minute sitting in the tray with break
timers armed (goal 0.00: no busy polling). The app runs on Xvfb with a tray host (trayer),
started with --minimized; its CPU time (user + system, from /proc) is read after it has
settled and again a minute later."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import figure, note

MEASURE_S = 60.0
SETTINGS = """\
breaks.enabled: true
breaks.work_start: "00:00"
breaks.work_end: "23:59"
breaks.work_days: mon,tue,wed,thu,fri,sat,sun
reminder.enabled: true
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run() -> None:
    missing = [c for c in ("Xvfb", "trayer", "xdotool") if not shutil.which(c)]
    if missing:
        note(f"idle cpu: needs {', '.join(missing)}")
        figure("idle_cpu_seconds_per_min", None)
        return
    from tests.helpers.app_process import AppProcess
    from tests.helpers.xserver import tray_host, xvfb

    with tempfile.TemporaryDirectory() as tmp, xvfb() as display, tray_host(display):
        home = Path(tmp)
        (home / "settings.yaml").write_text(SETTINGS)
        app = AppProcess(["--data-dir", str(home), "--minimized"],
                         {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})
        try:
            app.wait_for("tray-shown")
            time.sleep(3)  # let start-up work finish
            before = cpu_seconds(app.proc.pid)
            time.sleep(MEASURE_S)
            used = cpu_seconds(app.proc.pid) - before
        finally:
            app.stop()
    note(f"idle cpu: {used:.3f} s of CPU in {MEASURE_S:.0f} s in the tray with timers armed")
    figure("idle_cpu_seconds_per_min", used * 60 / MEASURE_S, 2)
