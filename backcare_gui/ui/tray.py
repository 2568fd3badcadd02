"""The tray icon: the timers' state in its tooltip, and a menu to start a routine, use heat,
take or pause breaks, open or quit."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from backcare_gui.core.library import Library
from backcare_gui.ui import images

PAUSE_CHOICES = (("For 30 minutes", 30 * 60.0), ("For 1 hour", 3600.0),
                 ("Until tomorrow", None))


class Tray(QObject):
    """Signals say what the person chose; the app decides what that means."""

    open_requested = Signal()
    quit_requested = Signal()
    routine_requested = Signal(str)
    heat_requested = Signal()
    break_requested = Signal()
    pause_requested = Signal(object)  # seconds, or None for "until tomorrow"
    resume_requested = Signal()
    spasm_requested = Signal()

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(images.icon("tray"), self)
        self.icon.setToolTip("BackCare")
        self.menu = QMenu()
        self.routines_menu = self.menu.addMenu("Start a routine")
        self.set_library(library)
        add_action(self.menu, "Heat timer…", self.heat_requested.emit)
        add_action(self.menu, "Take a break now", self.break_requested.emit)
        pause = self.menu.addMenu("Pause reminders")
        for text, seconds in PAUSE_CHOICES:
            add_action(pause, text, partial(self.pause_requested.emit, seconds))
        add_action(pause, "Resume reminders", self.resume_requested.emit)
        self.spasm_action = add_action(self.menu, "Log a spasm…", self.spasm_requested.emit)
        self.spasm_action.setVisible(False)  # shown once the diary exists
        self.menu.addSeparator()
        add_action(self.menu, "Open BackCare", self.open_requested.emit)
        add_action(self.menu, "Quit", self.quit_requested.emit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)

    def set_library(self, library: Library) -> None:
        """The routines to start from the menu (again when the person saves or imports one)."""
        self.routines_menu.clear()
        for routine in library.routines:
            add_action(self.routines_menu, routine.title,
                       partial(self.routine_requested.emit, routine.id))

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def set_status(self, text: str) -> None:
        self.icon.setToolTip(f"BackCare\n{text}" if text and text != "BackCare" else "BackCare")

    def notify(self, title: str, text: str, fallback: Callable[[str, str], None]) -> None:
        """A desktop notification where the tray supports it, the app's own otherwise."""
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 15_000)
        else:
            fallback(title, text)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()


def add_action(menu: QMenu, text: str, action: Callable[[], object]) -> QAction:
    item = menu.addAction(text)
    item.triggered.connect(lambda _checked=False: action())
    return item
