"""The player: what a person on a mat, a few metres away, sees and hears during a session."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QPainter, QPaintEvent, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.core.clock import Clock
from backcare_gui.core.engine import CueDue, PhaseStarted, SessionState, StateChanged
from backcare_gui.core.routine import Routine
from backcare_gui.core.settings import Settings
from backcare_gui.core.timeline import Phase, PhaseKind, build_timeline
from backcare_gui.core.wording import clock_text, duration_text
from backcare_gui.trace import trace
from backcare_gui.ui import images
from backcare_gui.ui.audio import CuePlayer
from backcare_gui.ui.awake import KeepAwake
from backcare_gui.ui.images import PictureCache
from backcare_gui.ui.session_driver import SessionDriver
from backcare_gui.ui.voice import VoiceGuide

PHASE_WORDS = {
    PhaseKind.PREPARE: "Get ready",
    PhaseKind.HOLD: "Hold",
    PhaseKind.STEP: "Move",
    PhaseKind.REST: "Rest",
    PhaseKind.SWITCH: "Switch sides",
    PhaseKind.SET_REST: "Rest before the next set",
    PhaseKind.EXERCISE_REST: "Rest · next up",
}


def phase_title(phase: Phase) -> str:
    """The big word above the countdown."""
    if phase.kind is PhaseKind.STEP:
        return phase.name
    if phase.kind is PhaseKind.HOLD and phase.side is not None:
        return f"Hold · {phase.side.value} side"
    return PHASE_WORDS[phase.kind]


def position_text(phase: Phase) -> str:
    """ "Set 1 of 2 · Rep 3 of 8 · Left side" — only the parts that mean something here."""
    exercise = phase.exercise
    parts = []
    if exercise.sets > 1:
        parts.append(f"Set {phase.set_number} of {exercise.sets}")
    if exercise.reps > 1 and phase.kind in (PhaseKind.HOLD, PhaseKind.STEP, PhaseKind.REST):
        parts.append(f"Rep {phase.rep_number} of {exercise.reps}")
    if phase.side is not None:
        parts.append(f"{phase.side.value.capitalize()} side")
    return " · ".join(parts)


def cue_text(phase: Phase) -> str:
    if phase.kind is PhaseKind.STEP and phase.cue:
        return phase.cue
    if phase.kind in (PhaseKind.PREPARE, PhaseKind.EXERCISE_REST):
        return phase.exercise.cues[0] if phase.exercise.cues else "Get into position."
    if phase.kind is PhaseKind.SWITCH:
        return f"Change to your {phase.side.value} side." if phase.side else ""
    if phase.kind.is_work:
        return " ".join(phase.exercise.cues)
    return "Breathe easy and relax."


class Picture(QWidget):
    """The step's picture, as large as fits, kept sharp at any size."""

    def __init__(self, pictures: PictureCache) -> None:
        super().__init__()
        self._pictures = pictures
        self._phase: Phase | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)

    def show_phase(self, phase: Phase) -> None:
        self._phase = phase
        self.setAccessibleDescription(f"Picture: {phase.name}")
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        if self._phase is None or self._phase.image is None:
            return
        side = min(self.width(), self.height())
        pixmap = self._pictures.get(self._phase.image.path, QSize(side, side),
                                    self.devicePixelRatioF())
        painter = QPainter(self)
        painter.drawPixmap((self.width() - side) // 2, (self.height() - side) // 2, pixmap)
        painter.end()


class PlayerPage(QFrame):
    """Runs one routine. `finished` carries (routine, state, active seconds) when it ends."""

    closed = Signal()  # the person leaves the player
    session_ended = Signal(object, object, float)  # Routine, SessionState, active seconds
    phase_shown = Signal(object)  # Phase, once every widget shows it (timing probes use it)
    # exercises done so far (the resume point), the last one done, active seconds
    exercise_completed = Signal(int, str, float)
    hurt = Signal(str, str, str)  # exercise id, exercise name, "skip" or "stop"

    def __init__(self, settings: Settings, clock: Clock) -> None:
        super().__init__()
        self.setObjectName("player")
        self.settings = settings
        self.clock = clock
        self.driver: SessionDriver | None = None
        self.routine: Routine | None = None
        self._exercise_index = 0
        self.pictures = PictureCache()
        self.audio = CuePlayer(settings, clock, self)
        self.audio.flash.connect(self._flash)
        self.audio.unavailable.connect(self._show_sound_notice)
        self.voice = VoiceGuide()
        self.awake = KeepAwake(self)
        self._build()

    # -- layout --

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setProperty("role", "muted")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.setAccessibleName("Session progress")
        self.time_left = QLabel()
        self.time_left.setProperty("role", "muted")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setProperty("role", "muted")
        self.notice.hide()
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.progress, 1)
        header.addWidget(self.time_left)

        self.picture = Picture(self.pictures)
        self.phase_label = QLabel()
        self.phase_label.setProperty("role", "h2")
        self.countdown = QLabel("0:00")
        self.countdown.setObjectName("countdown")
        self.countdown.setAccessibleName("Time left in this step")
        font = QFont(self.countdown.font())
        font.setBold(True)
        font.setFeature(QFont.Tag("tnum"), 1)  # tabular digits: the countdown does not jitter
        self.countdown.setFont(font)
        self.exercise = QLabel()
        self.exercise.setProperty("role", "h1")
        self.exercise.setWordWrap(True)
        self.cue = QLabel()
        self.cue.setWordWrap(True)
        self.cue.setObjectName("cue")
        self.position = QLabel()
        self.position.setProperty("role", "muted")
        self.next = QLabel()
        self.next.setProperty("role", "muted")
        self.next.setWordWrap(True)
        info = QVBoxLayout()
        info.addStretch()
        for widget in (self.phase_label, self.countdown, self.exercise, self.cue, self.position,
                       self.next):
            info.addWidget(widget)
        info.addStretch()
        body = QHBoxLayout()
        body.addWidget(self.picture, 3)
        body.addSpacing(24)
        body.addLayout(info, 2)

        self.back_button = self._control("Back", "skip-back", "Left", "Go back one step")
        self.pause_button = self._control("Pause", "pause", "Space", "Pause or continue")
        self.pause_button.setProperty("primary", True)
        self.skip_button = self._control("Skip", "skip-next", "Right", "Skip this step")
        self.mute_button = self._control("Mute", "volume", "M", "Sound on or off")
        self.full_button = self._control("Full screen", "fullscreen", "F11",
                                         "Full screen on or off")
        self.hurt_button = self._control("This hurts", "hurt", "H",
                                         "Pause, then skip this exercise or stop")
        self.stop_button = self._control("Stop", "stop", "Esc", "Stop the session")
        self.stop_button.setProperty("danger", True)
        controls = QHBoxLayout()
        controls.addWidget(self.back_button)
        controls.addWidget(self.pause_button)
        controls.addWidget(self.skip_button)
        controls.addStretch()
        controls.addWidget(self.hurt_button)
        controls.addWidget(self.mute_button)
        controls.addWidget(self.full_button)
        controls.addWidget(self.stop_button)
        self.back_button.clicked.connect(self.back)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.skip_button.clicked.connect(self.skip)
        self.mute_button.clicked.connect(self.toggle_mute)
        self.full_button.clicked.connect(self.toggle_full_screen)
        self.stop_button.clicked.connect(self.ask_stop)
        self.hurt_button.clicked.connect(self.this_hurts)

        running = QWidget()
        layout = QVBoxLayout(running)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.notice)
        layout.addLayout(body, 1)
        layout.addLayout(controls)

        self.done_title = QLabel()
        self.done_title.setProperty("role", "h1")
        self.done_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_text = QLabel()
        self.done_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_text.setWordWrap(True)
        self.done_button = QPushButton("Back to the library")
        self.done_button.setProperty("primary", True)
        self.done_button.clicked.connect(self.closed)
        done = QWidget()
        done_layout = QVBoxLayout(done)
        done_layout.addStretch()
        done_layout.addWidget(self.done_title)
        done_layout.addWidget(self.done_text)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.done_button)
        row.addStretch()
        done_layout.addLayout(row)
        done_layout.addStretch()

        self.stack = QStackedWidget()
        self.stack.addWidget(running)
        self.stack.addWidget(done)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        for key, action in ((Qt.Key.Key_Space, self.toggle_pause), (Qt.Key.Key_Right, self.skip),
                            (Qt.Key.Key_Left, self.back), (Qt.Key.Key_Escape, self.ask_stop),
                            (Qt.Key.Key_M, self.toggle_mute),
                            (Qt.Key.Key_F11, self.toggle_full_screen),
                            (Qt.Key.Key_H, self.this_hurts),
                            (Qt.Key.Key_PageDown, self.skip_exercise)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(250)
        self._flash_timer.timeout.connect(lambda: self._set_flag("flash", False))

    def _control(self, text: str, icon: str, key: str, what: str) -> QPushButton:
        button = QPushButton(images.icon(icon), text)
        button.setProperty("compact", False)
        _relabel(button, text, key)
        button.setIconSize(QSize(24, 24))
        button.setToolTip(f"{what} ({key})")
        button.setAccessibleName(text)
        button.setAccessibleDescription(f"{what}. Key: {key}")
        # every control has its key; buttons do not take focus, so Space always means pause
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumHeight(48)
        return button

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_controls(event.size().width())
        font = self.countdown.font()
        font.setPixelSize(max(48, self.height() // 3))  # readable from three metres
        self.countdown.setFont(font)

    def _fit_controls(self, width: int) -> None:
        """Each control shows its key ("Pause  (Space)") where the row has room, else just its
        name (the key stays in the tooltip); a label is never cut off."""
        buttons = [self.back_button, self.pause_button, self.skip_button, self.hurt_button,
                   self.mute_button, self.full_button, self.stop_button]
        room = width - 48 - 12 * len(buttons)  # the page's margins, the gaps between buttons
        for compact in (False, True):
            needed = [_control_width(b, b.property("labels")[compact]) for b in buttons]
            if sum(needed) <= room or compact:
                break
        for button, minimum in zip(buttons, needed, strict=True):
            button.setProperty("compact", compact)
            button.setText(button.property("labels")[compact])
            button.setMinimumWidth(minimum)

    # -- the session --

    def begin(self, routine: Routine, from_exercise: int = 0) -> None:
        """Start a routine now: the prepare countdown runs at once. `from_exercise` resumes an
        interrupted session at that exercise."""
        prepare = self.settings.get("session.prepare_seconds")
        session = replace(routine, prepare_seconds=prepare) if isinstance(prepare, int) \
            else routine
        self.routine = routine
        if self.driver is not None:
            self.driver.deleteLater()
        self.driver = SessionDriver(build_timeline(session), self.clock, self)
        self.driver.phase_started.connect(self._on_phase)
        self.driver.cue_due.connect(self._on_cue)
        self.driver.state_changed.connect(self._on_state)
        self.driver.repaint.connect(self._update_clock)
        self.title.setText(routine.title)
        self._exercise_index = from_exercise
        self.progress.setRange(0, max(1, self.driver.engine.timeline.total_ms // 1000))
        self.stack.setCurrentIndex(0)
        self._update_mute_button()
        self.setFocus()
        self.audio.session_started()
        if self.settings.get("voice.enabled"):
            self.voice.start()
        self.driver.start(from_exercise)
        trace(f"session-started {routine.id} {from_exercise}")

    def toggle_pause(self) -> None:
        if self.driver is not None and self.stack.currentIndex() == 0:
            self.driver.toggle_pause()

    def skip(self) -> None:
        if self.driver is not None:
            self.driver.skip()

    def back(self) -> None:
        if self.driver is not None:
            self.driver.back()

    def skip_exercise(self) -> None:
        if self.driver is not None:
            self.driver.skip_exercise()

    def toggle_mute(self) -> None:
        self.settings.set("sound.muted", not self.settings.get("sound.muted"))
        self._update_mute_button()

    def toggle_full_screen(self) -> None:
        window = self.window()
        window.showNormal() if window.isFullScreen() else window.showFullScreen()

    def ask_stop(self) -> None:
        if self.driver is None or self.stack.currentIndex() != 0:
            self.closed.emit()
            return
        was_running = self.driver.running
        if was_running:
            self.driver.toggle_pause()
        box = QMessageBox(QMessageBox.Icon.Question, "Stop the session?",
                          "Do you want to stop this session? What you have done so far counts.",
                          parent=self)
        stop = box.addButton("Stop", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep going", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stop)

        def answered() -> None:
            if self.driver is None:
                return
            if box.clickedButton() is stop:
                self.driver.stop()
            elif was_running and self.driver.engine.state is SessionState.PAUSED:
                self.driver.toggle_pause()

        box.finished.connect(answered)
        box.open()
        self.stop_box = box

    @property
    def exercises_done(self) -> int:
        """Exercises finished so far in this session (where a resume would start)."""
        return self._exercise_index

    def this_hurts(self) -> None:
        """Pause, then let the person skip this exercise or stop; either way it is recorded."""
        if self.driver is None or self.stack.currentIndex() != 0:
            return
        if self.driver.running:
            self.driver.toggle_pause()
        exercise = self.driver.engine.phase.exercise
        box = QMessageBox(QMessageBox.Icon.Question, "This hurts",
                          f"Sorry it hurts. Stop {exercise.name} now: do you want to skip to "
                          "the next exercise, or stop the session?", parent=self)
        box.setInformativeText("Pain that spreads down your leg, new numbness or weakness, or "
                               "changes in bladder or bowel control need a doctor: stop and "
                               "get help.")
        skip = box.addButton("Skip this exercise", QMessageBox.ButtonRole.AcceptRole)
        stop = box.addButton("Stop the session", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("It has eased, keep going", QMessageBox.ButtonRole.RejectRole)

        def answered() -> None:
            if self.driver is None:
                return
            clicked = box.clickedButton()
            if clicked is skip:
                self.hurt.emit(exercise.id, exercise.name, "skip")
                self.driver.skip_exercise()
                if self.driver.engine.state is SessionState.PAUSED:
                    self.driver.toggle_pause()
            elif clicked is stop:
                self.hurt.emit(exercise.id, exercise.name, "stop")
                self.driver.stop()
            elif self.driver.engine.state is SessionState.PAUSED:
                self.driver.toggle_pause()

        box.finished.connect(answered)
        box.open()
        self.hurt_box = box

    # -- engine events --

    def _on_phase(self, event: PhaseStarted) -> None:
        phase = event.phase
        if phase.exercise_index > self._exercise_index and self.driver is not None:
            done = self.driver.engine.timeline.routine.exercises[phase.exercise_index - 1].id
            self._exercise_index = phase.exercise_index
            self.exercise_completed.emit(phase.exercise_index, done,
                                         self.driver.engine.active_ns() / 1e9)
        self.picture.show_phase(phase)
        self.phase_label.setText(phase_title(phase))
        self.exercise.setText(phase.exercise.name)
        self.cue.setText(cue_text(phase))
        self.position.setText(position_text(phase))
        self.next.setText(self._next_text(phase))
        self._set_flag("resting", not phase.kind.is_work)
        self._update_clock()
        if self.settings.get("voice.enabled"):
            self._speak(phase)
        self.phase_shown.emit(phase)
        trace(f"phase-shown {phase.index} {phase.kind.value}")

    def _next_text(self, phase: Phase) -> str:
        assert self.driver is not None
        phases = self.driver.engine.phases
        if phase.kind in (PhaseKind.PREPARE, PhaseKind.EXERCISE_REST):
            return ""  # the coming exercise is the big name already
        following = next((p for p in phases[phase.index + 1:] if p.kind.is_work), None)
        if following is None:
            return "Next: you are done"
        if following.exercise_index != phase.exercise_index or not phase.kind.is_work:
            return f"Next: {following.exercise.name}"
        return f"Next: {following.name}" if following.kind is PhaseKind.STEP else ""

    def _speak(self, phase: Phase) -> None:
        if phase.kind in (PhaseKind.PREPARE, PhaseKind.EXERCISE_REST):
            first = phase.exercise.cues[0] if phase.exercise.cues else ""
            self.voice.say(f"{phase.exercise.name}. {first}")
        elif phase.kind is PhaseKind.SWITCH:
            self.voice.say("Switch sides")
        elif phase.kind in (PhaseKind.REST, PhaseKind.SET_REST):
            self.voice.say("Rest")

    def _on_cue(self, event: CueDue) -> None:
        self.audio.play(event)

    def _on_state(self, event: StateChanged) -> None:
        running = event.new is SessionState.RUNNING
        _relabel(self.pause_button, "Pause" if running else "Continue", "Space")
        self.pause_button.setIcon(images.icon("pause" if running else "play"))
        if running:
            self.awake.hold()
        else:
            self.awake.release()
        if event.new in (SessionState.FINISHED, SessionState.STOPPED):
            self._ended(event.new)
        self._update_clock()

    def _ended(self, state: SessionState) -> None:
        assert self.driver is not None and self.routine is not None
        active = self.driver.engine.active_ns() / 1e9
        if state is SessionState.FINISHED:
            self.done_title.setText("Well done")
            self.done_text.setText(f"You finished {self.routine.title} "
                                   f"({duration_text(round(active * 1000))}).")
        else:
            self.done_title.setText("Session stopped")
            self.done_text.setText(f"You did {duration_text(round(active * 1000))} of "
                                   f"{self.routine.title}. Every bit counts.")
        self.audio.session_ended()
        self.stack.setCurrentIndex(1)
        self.done_button.setFocus()
        trace(f"session-{state.value}")
        if self.window().isFullScreen():
            self.window().showNormal()
        self.session_ended.emit(self.routine, state, active)

    def _update_clock(self) -> None:
        if self.driver is None:
            return
        engine = self.driver.engine
        self.countdown.setText(clock_text(engine.phase_remaining_ns() // 1_000_000))
        left = engine.session_remaining_ns() // 1_000_000
        self.time_left.setText(f"{clock_text(left)} left")
        self.progress.setValue(self.progress.maximum() - left // 1000)

    # -- looks --

    def _flash(self, _cue: str) -> None:
        self._set_flag("flash", True)
        self._flash_timer.start()

    def _show_sound_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def _update_mute_button(self) -> None:
        muted = bool(self.settings.get("sound.muted"))
        _relabel(self.mute_button, "Unmute" if muted else "Mute", "M")
        self.mute_button.setIcon(images.icon("volume-off" if muted else "volume"))

    def _set_flag(self, name: str, value: bool) -> None:
        if self.property(name) == value:
            return
        self.setProperty(name, value)
        self.style().unpolish(self)
        self.style().polish(self)
        self.update()

    def shutdown(self) -> None:
        self.awake.release()
        self.audio.session_ended()
        if self.driver is not None:
            self.driver.stop()


def _relabel(button: QPushButton, text: str, key: str) -> None:
    labels = (f"{text}  ({key})", text)  # with its key, and for a narrow window
    button.setProperty("labels", labels)
    button.setText(labels[bool(button.property("compact"))])


def _control_width(button: QPushButton, text: str) -> int:
    # the style sheet's padding (16 px a side, 28 on the primary button) is not in Qt's size
    # hint for a button with an icon, so the width is worked out here
    padding = 56 if button.property("primary") else 32
    return button.fontMetrics().horizontalAdvance(text) + button.iconSize().width() + 8 + padding
