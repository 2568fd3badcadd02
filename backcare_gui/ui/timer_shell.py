"""Breaks, heat and the daily reminder as a person meets them: the tray, notifications, the
break window, the heat alarm and the Timers section. Built on the TimerService adapter."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from backcare_gui.core.breaks import BreakDue, BreakKind, BreakWarning
from backcare_gui.core.clock import Clock
from backcare_gui.core.engine import CueKind
from backcare_gui.core.heat import HeatAlarm, HeatEnded, HeatEvent, HeatSkinCheck
from backcare_gui.core.library import Library
from backcare_gui.core.settings import Settings
from backcare_gui.idle import detect
from backcare_gui.store.db import StoreError
from backcare_gui.store.records import HistoryFilter, SessionRecords
from backcare_gui.store.safety import SafetyRecords
from backcare_gui.store.timers import TimerRecords
from backcare_gui.trace import trace
from backcare_gui.ui.main_window import MainWindow
from backcare_gui.ui.timers import TimerService
from backcare_gui.ui.tray import Tray

log = logging.getLogger(__name__)
HEAT_CHECKLIST = "heat-checklist"


class TimerShell(QObject):
    def __init__(self, window: MainWindow, library: Library, settings: Settings, clock: Clock,
                 records: tuple[SessionRecords | None, SafetyRecords | None,
                                TimerRecords | None],
                 start_routine: Callable[[str, bool], None], *,
                 log_spasm: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.sessions, self.safety, timer_records = records
        self.start_routine = start_routine  # (routine id, as a break?)
        self.service = TimerService(settings, clock, timer_records, detect(), self)
        self.service.session_done_today = self._session_done_today
        self.service.break_warning.connect(self._warning)
        self.service.break_due.connect(self._due)
        self.service.heat_event.connect(self._heat)
        self.service.reminder_due.connect(self._reminder)
        self.break_window: QWidget | None = None
        self.heat_box: QMessageBox | None = None
        self.tray: Tray | None = None
        if Tray.available():
            self.tray = Tray(library, self)
            self.tray.open_requested.connect(self.show_window)
            self.tray.quit_requested.connect(window.quit_app)
            self.tray.routine_requested.connect(lambda rid: self.start_routine(rid, False))
            self.tray.heat_requested.connect(self.show_timers)
            self.tray.break_requested.connect(self.take_break_now)
            self.tray.pause_requested.connect(self.service.pause_reminders)
            self.tray.resume_requested.connect(self.service.resume_reminders)
            if log_spasm is not None:  # the diary exists: logging is one menu item away
                self.tray.spasm_action.setVisible(True)
                self.tray.spasm_requested.connect(log_spasm)
            self.tray.show()
            self.service.changed.connect(
                lambda: self.tray.set_status(self.service.status_text()) if self.tray else None)
            self.tray.set_status(self.service.status_text())
            trace("tray-shown")

    # -- what the person sees --

    def take_break_now(self) -> None:
        """From the tray or the Timers section: the movement break's window, now."""
        from backcare_gui.ui.break_window import BreakWindow

        window = BreakWindow(self.service, BreakKind.MOVEMENT, False, None)
        window.routine_requested.connect(lambda: self.start_routine("desk-break", True))
        window.show()
        self.break_window = window

    def build_page(self) -> QWidget:
        from backcare_gui.ui.timers_page import TimersPage

        page = TimersPage(self.service, self._checklist_seen, self._mark_checklist)
        page.open_settings.connect(lambda: self.window.open_section("Settings"))
        page.break_now.connect(self.take_break_now)
        return page

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def show_timers(self) -> None:
        self.show_window()
        self.window.open_section("Timers")

    def notify(self, title: str, text: str) -> None:
        if self.tray is not None:
            self.tray.notify(title, text, self._in_app_notice)
        else:
            self._in_app_notice(title, text)

    def _in_app_notice(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self.window)
        box.setModal(False)
        box.open()
        self.notice_box = box

    def _warning(self, event: BreakWarning) -> None:
        name = "stand-up" if event.kind is BreakKind.MICRO else "movement"
        self.notify("A break is coming", f"Your {name} break starts in "
                    f"{max(1, round(event.due_in_s))} seconds.")

    def _due(self, event: BreakDue) -> None:
        from backcare_gui.ui.break_window import BreakWindow

        if self.window.in_session:  # mid-routine: the person is moving already
            self.service.act("take", event.kind)
            return
        window = BreakWindow(self.service, event.kind, event.absorbed, None)
        window.routine_requested.connect(lambda: self.start_routine("desk-break", True))
        window.show()
        self.break_window = window
        trace(f"break-window {event.kind.value}")

    def _heat(self, event: HeatEvent) -> None:
        if isinstance(event, HeatSkinCheck):
            self.notify("Check your skin", "Lift the heat and look at your skin. Red, blotchy "
                        "or too hot? Take it off now.")
        elif isinstance(event, HeatEnded | HeatAlarm):
            self._play(CueKind.DONE)
            self.notify("Time to take the heat off", "Your heat session is over. Take it off "
                        "and let your skin rest.")
            if self.heat_box is None or not self.heat_box.isVisible():
                box = QMessageBox(QMessageBox.Icon.Information, "Take the heat off",
                                  "Your heat session is over. Take the heat off now and let "
                                  "your skin rest.", parent=None)
                button = box.addButton("I have taken it off", QMessageBox.ButtonRole.AcceptRole)
                button.clicked.connect(lambda: self.service.heat_command("acknowledge"))
                box.setModal(False)
                box.show()
                self.heat_box = box
                trace("heat-alarm-shown")

    def _play(self, cue: CueKind) -> None:
        """The alarm sound, through the player's sounds (loaded once)."""
        try:
            self.window.player.audio.play_now(cue)
        except Exception:  # a missing sound must never stop the alarm window
            log.exception("alarm sound")

    def _reminder(self, routine_id: str) -> None:
        self.notify("Time for your routine", "A few minutes for your back? Open BackCare to "
                    "start your routine.")
        trace(f"reminder {routine_id}")

    # -- records --

    def _session_done_today(self) -> bool:
        if self.sessions is None:
            return False
        try:
            today = date.today()
            return self.sessions.count(HistoryFilter(date_from=today, date_to=today)) > 0
        except StoreError:
            return False

    def _checklist_seen(self) -> bool:
        try:
            return bool(self.safety and self.safety.notice_shown(HEAT_CHECKLIST))
        except StoreError:
            return False

    def _mark_checklist(self) -> None:
        if self.safety is not None:
            try:
                self.safety.mark_notice(HEAT_CHECKLIST)
            except StoreError as exc:
                log.warning("heat checklist: %s", exc)
