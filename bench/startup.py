"""startup_ratio and idle_rss_ratio: the app against a bare PySide6 window, same run."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time

from bench.common import ROOT, figure, launch, note, rss_kib, stop, wait_for_trace

RUNS = 5
IDLE_SECONDS = 1.5


def _measure(args: list[str], env: dict[str, str], ready_event: str,
             ) -> tuple[float, float, int]:
    """Seconds to the window shown, seconds to its content ready, idle RSS in KiB."""
    proc, started = launch(args, {"QT_QPA_PLATFORM": "offscreen", "BACKCARE_TRACE": "1", **env})
    try:
        shown = wait_for_trace(proc, "main-window-shown")
        ready = wait_for_trace(proc, ready_event) if ready_event else shown
        time.sleep(IDLE_SECONDS)
        return shown - started, ready - started, rss_kib(proc.pid)
    finally:
        stop(proc)


def run() -> None:
    bare: list[tuple[float, float, int]] = []
    app: list[tuple[float, float, int]] = []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(RUNS):  # interleaved, so machine noise hits both alike
            bare.append(_measure([sys.executable, str(ROOT / "bench" / "bare_window.py")], {},
                                 ""))
            app.append(_measure([sys.executable, "-m", "backcare_gui"],
                                {"BACKCARE_HOME": home}, "library-ready"))

    def med(rows: list[tuple[float, float, int]], column: int) -> float:
        return statistics.median(row[column] for row in rows)

    note(f"startup: app window shown {med(app, 0) * 1000:.0f} ms, library filled in "
         f"{med(app, 1) * 1000:.0f} ms; bare window {med(bare, 0) * 1000:.0f} ms "
         f"(medians of {RUNS})")
    note(f"idle RSS: app {med(app, 2) / 1024:.1f} MiB, bare window {med(bare, 2) / 1024:.1f} MiB")
    figure("startup_ratio", med(app, 0) / med(bare, 0))
    # the window is shown first and filled in on the next event-loop turn: this is the
    # time until the routines are on screen, over the same bare window
    figure("startup_ready_ratio", med(app, 1) / med(bare, 0))
    figure("idle_rss_ratio", med(app, 2) / med(bare, 2))
