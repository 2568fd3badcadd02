"""The second step of starting: everything behind the first frame, wired together once."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from backcare_gui import resources
from backcare_gui.core.clock import SystemClock
from backcare_gui.core.settings import Settings
from backcare_gui.paths import AppPaths
from backcare_gui.store.db import Database, StoreError
from backcare_gui.store.records import SessionRecords
from backcare_gui.store.safety import SafetyRecords
from backcare_gui.trace import trace
from backcare_gui.ui.main_window import MainWindow

if TYPE_CHECKING:
    from backcare_gui.core.routine import Routine
    from backcare_gui.store.diary import DiaryRecords
    from backcare_gui.store.timers import TimerRecords
    from backcare_gui.ui.data_page import DataPage
    from backcare_gui.ui.diary import DiaryPage, SpasmLogDialog
    from backcare_gui.ui.history import HistoryPage
    from backcare_gui.ui.routine_actions import RoutineActions
    from backcare_gui.ui.session_flow import SessionFlow
    from backcare_gui.ui.timer_shell import TimerShell

log = logging.getLogger(__name__)


class Assembly:
    """Owns the database for the app's lifetime and the objects built on it."""

    def __init__(self, window: MainWindow, paths: AppPaths) -> None:
        self.window = window
        self.paths = paths
        self.db: Database | None = None
        self.problem: str | None = None
        self.library = resources.load_app_library(paths.routines)
        self.settings = Settings.load(paths.settings_file)
        self.settings.subscribe(self._setting_changed)
        window.install(self.library, self.settings, SystemClock())
        window.close_policy = self._close_policy
        self.open_database()
        # built when first needed: most starts of the app never open them
        self._flow: SessionFlow | None = None
        self.data_page: DataPage | None = None
        window.start_handler = lambda routine: self.flow.begin(routine)
        self.clock = SystemClock()
        self._timers: TimerShell | None = None
        self.history: HistoryPage | None = None
        self.diary: DiaryPage | None = None
        self.spasm_dialog: SpasmLogDialog | None = None
        window.add_page("History", "history", self._build_history)
        window.add_page("Diary", "diary", self._build_diary)
        window.add_page("Timers", "timers", lambda: self.timers.build_page())
        window.add_page("Your data", "info", self._build_data_page)
        self._routine_actions: RoutineActions | None = None
        library_page = window.library
        library_page.new_requested.connect(lambda: self.routine_actions.new())
        library_page.import_requested.connect(lambda folder: self.routine_actions.ask_import(
            folder=folder))
        library_page.detail.edit_requested.connect(lambda r: self.routine_actions.edit(r))
        library_page.detail.export_requested.connect(lambda r: self.routine_actions.export(r))
        window.close_guard = lambda: self._routine_actions is None \
            or self._routine_actions.close_all()
        self.spasm_button = window.add_nav_action("Log a spasm", "diary", "Ctrl+L",
                                                  self.log_spasm)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.close)

    @property
    def timers(self) -> TimerShell:
        """Breaks, heat, reminders and the tray: built at start when any is in use, else on
        first use (the Timers section, a heat session)."""
        if self._timers is None:
            from backcare_gui.ui.timer_shell import TimerShell

            sessions, safety = self.records()
            self._timers = TimerShell(self.window, self.library, self.settings, self.clock,
                                      (sessions, safety, self.timer_records()),
                                      self.start_routine, log_spasm=self.log_spasm)
        return self._timers

    @property
    def routine_actions(self) -> RoutineActions:
        """The routine editor, import and export: built when first used."""
        if self._routine_actions is None:
            from backcare_gui.ui.routine_actions import RoutineActions

            self._routine_actions = RoutineActions(self.window, self.paths.routines,
                                                   lambda: self.library, self.reload_library,
                                                   self.try_routine)
        return self._routine_actions

    def reload_library(self, select: str | None = None) -> None:
        """Read the routines again (one was saved or imported) and show the new ones
        everywhere they are offered."""
        self.library = resources.load_app_library(self.paths.routines)
        self.window.library.set_library(self.library)
        if self._flow is not None:
            self._flow.library = self.library
        if self._timers is not None and self._timers.tray is not None:
            self._timers.tray.set_library(self.library)
        if self.diary is not None:  # "what helped: a routine" offers the new one too
            self.diary.routines = self._routine_titles()
        if select is not None:
            self.window.library.select(select)

    def try_routine(self, routine: Routine) -> None:
        """The editor's "Try it": the routine in the player, nothing recorded."""
        if self.window.in_session:
            self._inform("Try it", "A session is running in the BackCare window. Stop it "
                         "first, then try your routine.")
            return
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        self.flow.preview(routine)

    def _setting_changed(self, key: str, value: object) -> None:
        if key != "app.autostart":
            return
        from backcare_gui.desktop import DesktopIntegrationError, set_autostart

        try:
            set_autostart(bool(value), data_dir=self.paths.data if self.paths.custom else None)
        except (DesktopIntegrationError, OSError) as exc:
            self._inform("Start when you log in", f"BackCare could not change this: {exc}")

    def timers_wanted(self) -> bool:
        from PySide6.QtWidgets import QSystemTrayIcon

        return bool(self.settings.get("breaks.enabled") or self.settings.get("reminder.enabled")
                    or QSystemTrayIcon.isSystemTrayAvailable())

    def start_routine(self, routine_id: str, as_break: bool) -> None:
        routine = self.library.get(routine_id)
        if routine is None or self.window.in_session:
            return
        self.window.showNormal()
        self.window.raise_()
        self.window.library.select(routine_id)
        self.flow.begin(routine, quiet=as_break)

    def _close_policy(self) -> str:
        """What closing the window does: "hide" to the tray, "ask", or "quit"."""
        if self._timers is not None and self._timers.tray is not None:
            return "hide"
        active = self._timers is not None and (
            self.settings.get("breaks.enabled") or self.settings.get("reminder.enabled")
            or (self._timers.service.heat is not None
                and self._timers.service.heat.state.value in ("running", "paused",
                                                               "alarming")))
        return "ask" if active else "quit"

    @property
    def flow(self) -> SessionFlow:
        if self._flow is None:
            from backcare_gui.ui.session_flow import SessionFlow

            records, safety = self.records()
            self._flow = SessionFlow(self.window, self.library, records, safety)
            self._flow.recorded.connect(self._recorded)
        return self._flow

    def _recorded(self) -> None:
        if self.data_page is not None:
            self.data_page.refresh()
        if self.history is not None:
            self.history.refresh()

    def _build_history(self) -> HistoryPage:
        from backcare_gui.ui.history import HistoryPage

        records, safety = self.records()
        page = self.history = HistoryPage(records, safety,
                                          {r.id: r.title for r in self.library.routines},
                                          timers=self.timer_records(),
                                          diary=self.diary_records())
        page.start_requested.connect(lambda rid: self.start_routine(rid, False))
        return page

    def _build_diary(self) -> DiaryPage:
        from backcare_gui.ui.diary import DiaryPage

        page = self.diary = DiaryPage(self.diary_records(), self._routine_titles())
        page.changed.connect(self._episodes_changed)
        return page

    def log_spasm(self) -> None:
        """The log dialog from anywhere (the tray, a shortcut): the quickest way in, without
        opening the Diary section first."""
        from backcare_gui.ui.diary import SpasmLogDialog

        records = self.diary_records()
        if records is None:
            self._inform("Your diary", (self.problem or "Your records could not be opened.")
                         + " The spasm cannot be logged until this is fixed.")
            return
        dialog = SpasmLogDialog(records, self._routine_titles(), self.window)
        dialog.saved.connect(lambda _id: self._episodes_changed(refresh_diary=True))
        dialog.open()
        dialog.raise_()
        dialog.activateWindow()
        self.spasm_dialog = dialog

    def _episodes_changed(self, refresh_diary: bool = False) -> None:
        """An episode was logged, changed or deleted: the History chart marks them too (the
        Diary page refreshes itself after its own changes)."""
        if refresh_diary and self.diary is not None:
            self.diary.refresh()
        if self.history is not None:
            self.history.refresh_episodes()

    def diary_records(self) -> DiaryRecords | None:
        from backcare_gui.store.diary import DiaryRecords

        return DiaryRecords(self.db) if self.db is not None else None

    def _routine_titles(self) -> dict[str, str]:
        return {r.id: r.title for r in self.library.routines}

    def _build_data_page(self) -> DataPage:
        from backcare_gui.ui.data_page import DataPage

        page = self.data_page = DataPage(self.paths, self.reopen)
        page.set_database(self.db)
        page.changed.connect(self._records_replaced)
        page.safety_check_requested.connect(
            lambda: self.flow.check_red_flags(before_session=False))
        return page

    def timer_records(self) -> TimerRecords | None:
        from backcare_gui.store.timers import TimerRecords

        return TimerRecords(self.db) if self.db is not None else None

    def records(self) -> tuple[SessionRecords | None, SafetyRecords | None]:
        if self.db is None:
            return None, None
        return SessionRecords(self.db), SafetyRecords(self.db)

    def open_database(self) -> None:
        try:
            self.db = Database.open(self.paths.database)
        except StoreError as exc:
            log.warning("database: %s (%s)", exc.message, exc.detail)
            self.db, self.problem = None, exc.message
            return
        if self.db.backup_problem is not None:
            log.warning("backup: %s", self.db.backup_problem.detail)

    def reopen(self) -> Database | None:
        self.open_database()
        self._records_replaced()
        return self.db

    def _records_replaced(self) -> None:
        if self._flow is not None:
            self._flow.records, self._flow.safety = self.records()
        if self.history is not None:
            self.history.set_records(*self.records(), self.timer_records(),
                                     self.diary_records())
        if self.diary is not None:
            self.diary.set_records(self.diary_records())

    def tell_about_storage(self) -> None:
        """Once the window is up: a records file that could not be opened, or was damaged."""
        if self.problem is not None:
            self._inform("Your records", self.problem + " You can still do routines; they "
                         "will not be recorded until this is fixed.")
        elif self.db is not None and self.db.recovered_from is not None:
            self._inform("Your records", "Your records file was damaged, so BackCare put it "
                         f"aside as {self.db.recovered_from} and started a fresh one. You can "
                         "restore yesterday's backup from Your data.")

    def _inform(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self.window)
        box.open()
        self.notice = box

    def start(self, routine_id: str | None, pain_before: int | None,
              minimized: bool = False) -> None:
        if self.timers_wanted() or minimized:
            tray = self.timers.tray
            if tray is not None:
                app = QApplication.instance()
                if isinstance(app, QApplication):
                    app.setQuitOnLastWindowClosed(False)  # the tray keeps BackCare running
        if minimized and (self._timers is None or self._timers.tray is None):
            self.window.show()  # no tray to start in: a window it is
        if routine_id is not None:
            routine = self.library.get(routine_id)
            if routine is not None:
                self.window.library.select(routine_id)
                self.flow.begin(routine, pain_before)
                trace("session-requested")
                return
        records, _safety = self.records()
        try:
            resumable = records.resumable(date.today()) if records is not None else None
        except StoreError:
            resumable = None
        if resumable is not None:
            self.flow.offer_resume()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
