"""The Timers section: desk-break reminders and the heat-therapy timer."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core.heat import (
    ASK_FIRST,
    ASK_FIRST_INTRO,
    PRESET_MINUTES,
    SAFETY_CHECKLIST,
    HeatAlarm,
    HeatEnded,
    HeatEvent,
    HeatSkinCheck,
    allowed_presets,
    start_warnings,
)
from backcare_gui.core.wording import clock_text
from backcare_gui.idle import status_line
from backcare_gui.ui.timers import TimerService
from backcare_gui.ui.tray import add_action

PAUSES = (("For 30 minutes", 30 * 60.0), ("For 1 hour", 3600.0), ("Until tomorrow", None))


def checklist_text() -> str:
    items = "".join(f"<li>{item}</li>" for item in SAFETY_CHECKLIST)
    ask = "".join(f"<li>{item}</li>" for item in ASK_FIRST)
    return f"<p>Before you use heat:</p><ul>{items}</ul><p>{ASK_FIRST_INTRO}</p><ul>{ask}</ul>"


class TimersPage(QWidget):
    open_settings = Signal()
    break_now = Signal()

    def __init__(self, service: TimerService, checklist_seen: Callable[[], bool],
                 mark_checklist: Callable[[], None]) -> None:
        super().__init__()
        self.service = service
        self._checklist_seen = checklist_seen
        self._mark_checklist = mark_checklist
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(16)
        heading = QLabel("Timers")
        heading.setProperty("role", "h1")
        layout.addWidget(heading)

        breaks = QGroupBox("Desk breaks")
        breaks_layout = QVBoxLayout(breaks)
        self.break_status = QLabel()
        self.break_status.setWordWrap(True)
        self.idle_status = QLabel(status_line(service.idle))
        self.idle_status.setProperty("role", "muted")
        self.idle_status.setWordWrap(True)
        self.take_now = QPushButton("Take a break now")
        self.take_now.clicked.connect(self.break_now)
        self.pause = QPushButton("Pause reminders")
        menu = QMenu(self.pause)
        for text, seconds in PAUSES:
            add_action(menu, text, partial(service.pause_reminders, seconds))
        add_action(menu, "Resume reminders", service.resume_reminders)
        self.pause.setMenu(menu)
        self.settings_button = QPushButton("Break settings…")
        self.settings_button.clicked.connect(self.open_settings)
        row = QHBoxLayout()
        for button in (self.take_now, self.pause, self.settings_button):
            row.addWidget(button)
        row.addStretch()
        breaks_layout.addWidget(self.break_status)
        breaks_layout.addWidget(self.idle_status)
        breaks_layout.addLayout(row)
        layout.addWidget(breaks)

        heat = QGroupBox("Heat therapy")
        heat_layout = QVBoxLayout(heat)
        intro = QLabel("Warm, not hot, through a towel, for 10 to 20 minutes, up to 3 times a "
                       "day. BackCare reminds you to check your skin half way and tells you "
                       "when to take it off.")
        intro.setWordWrap(True)
        heat_layout.addWidget(intro)
        presets = QHBoxLayout()
        self.preset_buttons: dict[int, QPushButton] = {}
        for minutes in PRESET_MINUTES:
            button = QPushButton(f"{minutes} min")
            button.clicked.connect(lambda _c=False, m=minutes: self.start_heat(m))
            self.preset_buttons[minutes] = button
            presets.addWidget(button)
        self.custom = QSpinBox()
        self.custom.setSuffix(" min")
        self.custom.setAccessibleName("Heat minutes")
        custom_start = QPushButton("Start")
        custom_start.clicked.connect(lambda: self.start_heat(self.custom.value()))
        presets.addWidget(QLabel("or"))
        presets.addWidget(self.custom)
        presets.addWidget(custom_start)
        presets.addStretch()
        heat_layout.addLayout(presets)
        self.heat_left = QLabel()
        self.heat_left.setProperty("role", "h2")
        self.heat_note = QLabel()
        self.heat_note.setWordWrap(True)
        controls = QHBoxLayout()
        self.heat_pause = QPushButton("Pause")
        self.heat_pause.clicked.connect(self._pause_heat)
        self.heat_cancel = QPushButton("Stop heat")
        self.heat_cancel.clicked.connect(lambda: service.heat_command("cancel"))
        self.heat_ack = QPushButton("I have taken it off")
        self.heat_ack.setProperty("primary", True)
        self.heat_ack.clicked.connect(lambda: service.heat_command("acknowledge"))
        for button in (self.heat_pause, self.heat_cancel, self.heat_ack):
            controls.addWidget(button)
        controls.addStretch()
        heat_layout.addWidget(self.heat_left)
        heat_layout.addWidget(self.heat_note)
        heat_layout.addLayout(controls)
        layout.addWidget(heat)
        layout.addStretch()

        self._clock = QTimer(self)  # repaints the heat countdown only while this page shows
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.refresh)
        service.changed.connect(self.refresh)
        service.heat_event.connect(self._heat_event)
        self.refresh()

    def showEvent(self, event: object) -> None:  # noqa: N802
        super().showEvent(event)  # type: ignore[arg-type]
        self._clock.start()
        self.refresh()

    def hideEvent(self, event: object) -> None:  # noqa: N802
        super().hideEvent(event)  # type: ignore[arg-type]
        self._clock.stop()

    def start_heat(self, minutes: float) -> None:
        """Checklist the first time; warnings (too soon, more than 3 today) asked, not
        blocking."""
        if not self._checklist_seen():
            box = QMessageBox(QMessageBox.Icon.Information, "Using heat safely",
                              "Please read this once before your first heat session.", parent=self)
            box.setInformativeText(checklist_text())
            box.setTextFormat(Qt.TextFormat.RichText)
            box.exec()
            self._mark_checklist()
        profile = self.service.heat_profile()
        if minutes > profile.max_minutes:
            self.heat_note.setText(f"At most {profile.max_minutes:g} minutes for you.")
            return
        warnings = start_warnings(self.service.heat_history_today(), self.service.clock.wall())
        if warnings:
            answer = QMessageBox.question(self, "Heat again?", "\n\n".join(warnings)
                                          + "\n\nStart anyway?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.service.start_heat(minutes)

    def _pause_heat(self) -> None:
        heat = self.service.heat
        if heat is not None:
            self.service.heat_command("resume" if heat.state.value == "paused" else "pause")

    def _heat_event(self, event: HeatEvent) -> None:
        if isinstance(event, HeatSkinCheck):
            self.heat_note.setText("Check your skin: lift the heat and look. Red, blotchy or "
                                   "too hot? Stop now.")
        elif isinstance(event, HeatEnded | HeatAlarm):
            self.heat_note.setText("Time is up: take the heat off now.")

    def refresh(self) -> None:
        service = self.service
        self.break_status.setText(service.status_text().split("\n")[0]
                                  if service.breaks_enabled else
                                  "Break reminders are off. Turn them on in Break settings.")
        self.take_now.setEnabled(service.breaks_enabled)
        self.pause.setEnabled(service.breaks_enabled)
        profile = service.heat_profile()
        allowed = allowed_presets(profile)
        for minutes, button in self.preset_buttons.items():
            button.setEnabled(minutes in allowed)
        first = self.custom.maximum() == 99 and self.custom.minimum() == 0  # never set yet
        self.custom.setRange(1, int(profile.max_minutes))
        if first:
            self.custom.setValue(min(15, int(profile.max_minutes)))
        heat = service.heat
        state = heat.state.value if heat else "none"
        active = state in ("running", "paused", "alarming")
        for button in self.preset_buttons.values():
            button.setEnabled(button.isEnabled() and not active)
        self.heat_pause.setVisible(state in ("running", "paused"))
        self.heat_pause.setText("Continue" if state == "paused" else "Pause")
        self.heat_cancel.setVisible(state in ("running", "paused"))
        self.heat_ack.setVisible(state == "alarming")
        if heat is not None and state in ("running", "paused"):
            self.heat_left.setText(f"Heat: {clock_text(heat.remaining_ns() // 1_000_000)} left")
        elif state == "alarming":
            self.heat_left.setText("Heat: time is up")
        else:
            self.heat_left.setText("")
