"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.trace import trace
from backcare_gui.ui import images

if TYPE_CHECKING:
    from backcare_gui.core.clock import Clock
    from backcare_gui.core.library import Library
    from backcare_gui.core.routine import Routine
    from backcare_gui.core.settings import Settings
    from backcare_gui.ui.library import LibraryPage
    from backcare_gui.ui.player import PlayerPage


class MainWindow(QMainWindow):
    """Shown in two steps: the frame at once, the pages a moment later (`install`), so the
    window appears as fast as a bare Qt window while the routines load. The player is built on
    first use: most starts of the app never need it, and it costs memory."""

    player_created = Signal(object)  # PlayerPage

    def __init__(self) -> None:
        super().__init__()
        self._player: PlayerPage | None = None
        # what Start does: straight into the player, unless the session flow takes over
        self.start_handler: Callable[[Routine], None] = self.start_session
        # what closing does: "quit", "hide" (to the tray) or "ask" (timers are running and
        # there is no tray to keep them in)
        self.close_policy: Callable[[], str] = lambda: "quit"
        # before quitting: may other windows (an editor with unsaved changes) close?
        self.close_guard: Callable[[], bool] = lambda: True
        self._told_about_tray = False
        self.setWindowTitle("BackCare")
        self.setWindowIcon(images.app_icon())
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName("Sections")
        self.nav.setIconSize(QSize(24, 24))
        self.nav.setFixedWidth(200)
        self.pages = QStackedWidget()
        self.pages.addWidget(_centred(QLabel("Getting your routines ready…")))
        # each section's page, or the function that builds it when first opened (most
        # sections are never opened in a day: building them all costs start-up memory)
        self._nav_pages: list[QWidget | Callable[[], QWidget]] = []
        self.nav.currentRowChanged.connect(lambda row: self.pages.setCurrentWidget(
            self.page_at(row)))

        # the left column: the sections, and below them one-click actions (Log a spasm)
        self.nav_column = QWidget()
        self.nav_column.setObjectName("navColumn")
        column = QVBoxLayout(self.nav_column)
        column.setContentsMargins(0, 0, 0, 12)
        column.addWidget(self.nav, 1)
        self.nav_actions = QVBoxLayout()
        self.nav_actions.setContentsMargins(12, 0, 12, 0)
        column.addLayout(self.nav_actions)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav_column)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.resize(1180, 760)
        self.setMinimumSize(720, 520)

    def install(self, library: Library, settings: Settings, clock: Clock) -> None:
        """Build the pages (the second step of showing the window)."""
        from backcare_gui.ui.library import LibraryPage

        self.library: LibraryPage = LibraryPage(library)
        self.library.detail.set_start_available(True)
        self.library.start_requested.connect(lambda routine: self.start_handler(routine))
        self.add_page("Library", "library", self.library)
        self.add_page("Settings", "settings", self._settings_page)
        self._settings, self._clock = settings, clock
        self.nav.setCurrentRow(0)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)

    def _settings_page(self) -> QWidget:
        from backcare_gui.ui.settings_page import SettingsPage

        self.settings_page = SettingsPage(self._settings)
        return self.settings_page

    def open_section(self, title: str) -> QWidget:
        """Show a section by its navigation title (building it if need be)."""
        row = next(i for i in range(self.nav.count()) if self.nav.item(i).text() == title)
        self.nav.setCurrentRow(row)
        page = self.page_at(row)
        self.pages.setCurrentWidget(page)
        return page

    @property
    def player(self) -> PlayerPage:
        if self._player is None:
            from backcare_gui.ui.player import PlayerPage

            self._player = PlayerPage(self._settings, self._clock)
            self._player.closed.connect(self.leave_session)
            self.pages.addWidget(self._player)
            self.player_created.emit(self._player)
        return self._player

    @property
    def has_player(self) -> bool:
        return self._player is not None

    @property
    def in_session(self) -> bool:
        return self._player is not None and self.pages.currentWidget() is self._player

    def add_nav_action(self, text: str, icon: str, key: str, action: Callable[[], None],
                       ) -> QPushButton:
        """A one-click action under the sections, with its key in the tooltip."""
        button = QPushButton(images.icon(icon), text)
        button.setToolTip(f"{text} ({key})")
        button.setAccessibleName(text)
        button.clicked.connect(action)
        self.nav_actions.addWidget(button)
        QShortcut(QKeySequence(key), self, action)
        return button

    def start_session(self, routine: Routine, from_exercise: int = 0) -> None:
        self.nav_column.hide()
        self.pages.setCurrentWidget(self.player)
        self.player.begin(routine, from_exercise)

    def leave_session(self) -> None:
        self.player.shutdown()
        self.nav_column.show()
        self.show_page(self.library)
        self.library.cards.setFocus()

    def add_page(self, title: str, icon: str, page: QWidget | Callable[[], QWidget]) -> None:
        """A section in the navigation, with Alt+1, Alt+2... in the order they are added.
        `page` may be a function that builds the page when it is first opened."""
        number = len(self._nav_pages) + 1
        item = QListWidgetItem(images.icon(icon), title)
        item.setToolTip(f"{title} (Alt+{number})")
        item.setSizeHint(QSize(180, 48))
        self.nav.addItem(item)
        if isinstance(page, QWidget):
            self.pages.addWidget(page)
        self._nav_pages.append(page)
        QShortcut(QKeySequence(f"Alt+{number}"), self,
                  lambda row=number - 1: self.nav.setCurrentRow(row))

    def page_at(self, row: int) -> QWidget:
        page = self._nav_pages[row]
        if not isinstance(page, QWidget):
            page = self._nav_pages[row] = page()
            self.pages.addWidget(page)
        return page

    def show_page(self, page: QWidget) -> None:
        row = next(i for i, p in enumerate(self._nav_pages) if p is page)
        self.nav.setCurrentRow(row)
        self.pages.setCurrentWidget(page)  # the row may already be current

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        policy = self.close_policy()
        if policy == "hide":
            event.ignore()
            self.hide()
            trace("window-hidden-to-tray")
            return
        if policy == "ask":
            answer = QMessageBox.question(
                self, "Keep BackCare running?",
                "Your break reminders and timers only work while BackCare runs. Keep it "
                "running in the background?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes)
            if answer == QMessageBox.StandardButton.Yes:
                event.ignore()
                self.showMinimized()
                return
        if not self.close_guard():
            event.ignore()  # an editor asks about its changes first
            return
        super().closeEvent(event)
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def quit_app(self) -> None:
        """Quit from anywhere (the tray's Quit): an editor with unsaved changes asks first."""
        if not self.close_guard():
            self.showNormal()
            self.raise_()
            return
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def _focus_search(self) -> None:
        self.show_page(self.library)
        self.library.search.setFocus()


def _centred(widget: QWidget) -> QWidget:
    # stretches rather than an alignment flag: the Qt namespace stays off the start-up path
    page = QWidget()
    row = QHBoxLayout()
    row.addStretch()
    row.addWidget(widget)
    row.addStretch()
    column = QVBoxLayout(page)
    column.addStretch()
    column.addLayout(row)
    column.addStretch()
    return page
