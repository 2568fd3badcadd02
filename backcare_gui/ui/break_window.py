"""The break window: centred, calm, never full screen; what to do, a countdown, and the choice
to do the desk routine, postpone or skip. It does not steal the keyboard from someone typing:
it appears without taking focus and takes it at the next idle moment."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from backcare_gui.core.breaks import BreakKind, BreakState
from backcare_gui.core.wording import clock_text
from backcare_gui.ui.timers import TimerService

TITLES = {BreakKind.MICRO: "Time to stand up", BreakKind.MOVEMENT: "Time to move"}
WHAT_TO_DO = {
    BreakKind.MICRO: "Stand up, stretch tall and roll your shoulders. A minute is enough.",
    BreakKind.MOVEMENT: "Do the two-minute desk routine, then walk around until the time is "
                        "up: to the window, the kettle, up and down the stairs.",
}
FOCUS_AFTER_IDLE_S = 1.5


class BreakWindow(QDialog):
    routine_requested = Signal()  # run the desk-break routine in the player

    def __init__(self, service: TimerService, kind: BreakKind, absorbed: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.kind = kind
        self.setWindowTitle(TITLES[kind])
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setModal(False)
        self.resize(560, 360)
        title = QLabel(TITLES[kind])
        title.setProperty("role", "h1")
        self.what = QLabel(WHAT_TO_DO[kind] + (" (This break includes your stand-up break.)"
                                               if absorbed else ""))
        self.what.setWordWrap(True)
        self.countdown = QLabel(clock_text(round(service.breaks.config(kind).length * 1000)))
        self.countdown.setProperty("role", "h1")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown.setAccessibleName("Time left in the break")
        self.routine = QPushButton("Start the desk routine")
        self.routine.setProperty("primary", True)
        self.routine.setVisible(kind is BreakKind.MOVEMENT)
        self.start = QPushButton("Start the break")
        if kind is BreakKind.MICRO:
            self.start.setProperty("primary", True)
        minutes = round(service.breaks.config(kind).postpone_by / 60)
        self.postpone = QPushButton(f"Postpone {minutes} min")
        self.skip = QPushButton("Skip")
        self.message = QLabel()
        self.message.setProperty("role", "muted")
        self.message.setWordWrap(True)
        for button, tip in ((self.routine, "Run the desk-break routine, then walk"),
                            (self.start, "Start the countdown"),
                            (self.postpone, "Remind me a little later"),
                            (self.skip, "Skip this break")):
            button.setToolTip(tip)
        self.routine.clicked.connect(self._routine)
        self.start.clicked.connect(self._start)
        self.postpone.clicked.connect(self._postpone)
        self.skip.clicked.connect(self._skip)
        buttons = QHBoxLayout()
        for button in (self.skip, self.postpone):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.start)
        buttons.addWidget(self.routine)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addWidget(title)
        layout.addWidget(self.what)
        layout.addWidget(self.countdown, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        refusal = service.breaks.postpone_refusal(kind)
        self.postpone.setEnabled(refusal is None)
        if refusal:
            self.postpone.setToolTip(refusal)
        self._own_end_ns: int | None = None  # a break the scheduler does not time
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._update)
        self._focus = QTimer(self)
        self._focus.setInterval(500)
        self._focus.timeout.connect(self._take_focus_when_idle)
        service.changed.connect(self._update)

    def showEvent(self, event: object) -> None:  # noqa: N802
        super().showEvent(event)  # type: ignore[arg-type]
        self._focus.start()

    def _take_focus_when_idle(self) -> None:
        idle = self.service.idle.idle_seconds() if self.service.idle_known else None
        if idle is None or idle >= FOCUS_AFTER_IDLE_S:
            # unknown idleness: take focus once, after the first half second
            self._focus.stop()
            self.raise_()
            self.activateWindow()

    def reject(self) -> None:
        """Closing the window (or Esc) before choosing is a skip: it is recorded as one."""
        if self.start.isEnabled() and self.service.breaks.state(self.kind) in (
                BreakState.WARNED, BreakState.DUE, BreakState.POSTPONED):
            self.service.act("skip", self.kind)
        super().reject()

    def _start(self) -> None:
        offered = self.service.breaks.state(self.kind) in (BreakState.WARNED, BreakState.DUE,
                                                           BreakState.POSTPONED)
        if self.service.breaks.state(self.kind) is not BreakState.ON_BREAK:
            refused = self.service.act("take" if offered else "take_now", self.kind)
            if refused is not None:  # not the scheduler's break: time it here
                length = self.service.breaks.config(self.kind).length
                self._own_end_ns = self.service.clock.monotonic_ns() + round(length * 1e9)
        self.start.setEnabled(False)
        self.postpone.setEnabled(False)
        self.skip.setText("End the break")
        self._tick.start()
        self._update()

    def _routine(self) -> None:
        self._start()
        self.routine_requested.emit()

    def _postpone(self) -> None:
        refusal = self.service.act("postpone", self.kind)
        if refusal is not None:
            self.message.setText(refusal)
            return
        self.accept()

    def _skip(self) -> None:
        state = self.service.breaks.state(self.kind)
        if self._own_end_ns is None:
            self.service.act("end_break" if state is BreakState.ON_BREAK else "skip", self.kind)
        self.accept()

    def _update(self) -> None:
        left = self.service.breaks.break_left_s(self.kind)
        if self._own_end_ns is not None:
            left = max(0.0, (self._own_end_ns - self.service.clock.monotonic_ns()) / 1e9)
            if left > 0:
                self.countdown.setText(clock_text(round(left * 1000)))
                return
        if self.service.breaks.state(self.kind) is BreakState.ON_BREAK and left is not None:
            self.countdown.setText(clock_text(round(left * 1000)))
        elif self._tick.isActive():
            self._tick.stop()
            self.countdown.setText("Well done")
            self.skip.setText("Close")
            self.skip.clicked.disconnect()
            self.skip.clicked.connect(self.accept)
