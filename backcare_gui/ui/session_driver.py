"""The Qt adapter of the session engine: timers in, signals out.

One single-shot precise timer is armed for the engine's next deadline, so a phase boundary is
shown as soon as the event loop is free rather than on the next poll; a second, slower timer only
repaints the countdown when its shown second changes. The engine decides everything.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from backcare_gui.core.clock import Clock
from backcare_gui.core.engine import (
    NS,
    CueDue,
    Event,
    PhaseStarted,
    SessionEngine,
    SessionState,
    StateChanged,
)
from backcare_gui.core.timeline import Timeline


class SessionDriver(QObject):
    phase_started = Signal(object)  # PhaseStarted
    cue_due = Signal(object)  # CueDue
    state_changed = Signal(object)  # StateChanged
    repaint = Signal()  # the countdown's shown second changed

    def __init__(self, timeline: Timeline, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = SessionEngine(timeline, clock)
        self.clock = clock
        self.engine.subscribe(self._forward)
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setTimerType(Qt.TimerType.PreciseTimer)
        self._deadline.timeout.connect(self.poll)
        self._second = QTimer(self)
        self._second.setSingleShot(True)
        self._second.setTimerType(Qt.TimerType.CoarseTimer)
        self._second.timeout.connect(self._on_second)

    def _forward(self, event: Event) -> None:
        if isinstance(event, PhaseStarted):
            self.phase_started.emit(event)
        elif isinstance(event, CueDue):
            self.cue_due.emit(event)
        elif isinstance(event, StateChanged):
            self.state_changed.emit(event)

    # commands: each one lets the engine act, then re-arms the timers

    def start(self, from_exercise: int = 0) -> None:
        self.engine.start(from_exercise)
        self._arm()

    def toggle_pause(self) -> None:
        self.engine.toggle_pause()
        self._arm()

    def skip(self) -> None:
        self.engine.skip()
        self._arm()

    def back(self) -> None:
        self.engine.back()
        self._arm()

    def skip_exercise(self) -> None:
        self.engine.skip_exercise()
        self._arm()

    def stop(self) -> None:
        if self.engine.state in (SessionState.RUNNING, SessionState.PAUSED, SessionState.IDLE):
            self.engine.stop()
        self._arm()

    @property
    def running(self) -> bool:
        return self.engine.state is SessionState.RUNNING

    def poll(self) -> None:
        """Let the engine catch up with the clock now (the deadline timer calls this)."""
        self.engine.tick()
        self._arm()

    def _on_second(self) -> None:
        self.repaint.emit()
        self._arm_second()

    def _arm(self) -> None:
        deadline = self.engine.next_deadline_ns()
        if deadline is None:
            self._deadline.stop()
            self._second.stop()
            self.repaint.emit()
            return
        wait_ms = math.ceil((deadline - self.clock.monotonic_ns()) / 1_000_000)
        self._deadline.start(max(0, wait_ms))
        self._arm_second()

    def _arm_second(self) -> None:
        if not self.running:
            self._second.stop()
            return
        # the countdown shows whole seconds rounded up: it changes when the remainder
        # crosses a whole second
        remainder = self.engine.phase_remaining_ns() % NS
        self._second.start(max(1, math.ceil(remainder / 1_000_000) + 1))
