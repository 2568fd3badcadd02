"""timer_drift_ms: how late the real player shows each phase boundary while the GUI is busy.

A 60-second session of phases a few seconds long runs in real time in the real PlayerPage
(offscreen), while the GUI thread is kept busy: 30 ms of work every 100 ms. For every boundary:
the time just after the player's widgets show (and paint) the new phase, minus the planned time
(session start plus the durations before it). Figures: the median, the largest, and the growth
(median over the last third of the boundaries minus the median over the first third: drift must
not accumulate).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import figure, note

BUSY_EVERY_MS = 100
BUSY_FOR_S = 0.030

# Durations are not multiples of the load's 100 ms period: with round durations every boundary
# would fall at the same point of the load's cycle (all at the start of a busy block, or all
# clear of it), and the figure would measure that alignment rather than the timer. These spread
# the boundaries over the cycle, as a person's real, unsynchronised load would.
ROUTINE = """\
format: backcare-routine/1
id: drift
title: Drift probe
prepare_seconds: 6.93
rest_between_exercises: 2.47
exercises:
  - id: steps
    name: Steps
    reps: 3
    steps: [{name: A, seconds: 2.23}, {name: B, seconds: 3.11}, {name: C, seconds: 1.67}]
    rest_between_reps: 1.51
  - id: holds
    name: Holds
    hold: 3.29
    reps: 3
    rest_between_reps: 1.23
    sides: [left, right]
    switch_seconds: 2.04
"""

def run() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from backcare_gui import resources
    from backcare_gui.core.clock import SystemClock
    from backcare_gui.core.routine import ImageResolver, parse_routine
    from backcare_gui.core.settings import Settings
    from backcare_gui.core.timeline import Phase, build_timeline
    from backcare_gui.ui import theme
    from backcare_gui.ui.player import PlayerPage

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    theme.setup(app)
    routine = parse_routine(ROUTINE, Path("/tmp/drift.yaml"), ImageResolver(resources.assets_dir()))
    total_s = build_timeline(routine).total_ms / 1000
    with tempfile.TemporaryDirectory() as home:
        settings = Settings.load(Path(home) / "settings.yaml")
        settings.set("sound.muted", True)  # timing, not sound, is measured here
        clock = SystemClock()
        player = PlayerPage(settings, clock)
        player.resize(1180, 760)
        player.show()
        shown: dict[int, int] = {}

        def on_shown(phase: Phase) -> None:
            player.repaint()  # "shown" means painted, not just told
            shown.setdefault(phase.index, clock.monotonic_ns())

        def busy() -> None:
            end = time.perf_counter() + BUSY_FOR_S
            while time.perf_counter() < end:
                pass

        load = QTimer()
        load.timeout.connect(busy)
        load.start(BUSY_EVERY_MS)
        player.phase_shown.connect(on_shown)
        player.begin(routine)
        assert player.driver is not None
        start_ns = player.driver.engine.started_ns
        assert start_ns is not None
        deadline = time.monotonic() + total_s + 5
        while len(shown) < len(player.driver.engine.phases) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.001)
        load.stop()
        phases = player.driver.engine.phases
        player.shutdown()
    drifts = [(shown[p.index] - (start_ns + p.start_ms * 1_000_000)) / 1e6
              for p in phases[1:] if p.index in shown]
    if len(drifts) < 6:
        note(f"timer drift: only {len(drifts)} boundaries seen")
        figure("timer_drift_ms", None)
        return
    third = len(drifts) // 3
    growth = statistics.median(drifts[-third:]) - statistics.median(drifts[:third])
    note(f"timer drift: {len(drifts)} boundaries in {total_s:.1f} s with the GUI busy "
         f"{BUSY_FOR_S * 1000:.0f} ms every {BUSY_EVERY_MS} ms")
    figure("timer_drift_ms", statistics.median(drifts), 1)
    figure("timer_drift_max_ms", max(drifts), 1)
    figure("timer_drift_growth_ms", growth, 1)
