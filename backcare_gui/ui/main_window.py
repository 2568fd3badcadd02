"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.ui import images

if TYPE_CHECKING:
    from backcare_gui.core.library import Library
    from backcare_gui.ui.library import LibraryPage


class MainWindow(QMainWindow):
    """Shown in two steps: the frame at once, the pages a moment later (`install`), so the
    window appears as fast as a bare Qt window while the routines load."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("BackCare")
        self.setWindowIcon(images.app_icon())
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName("Sections")
        self.nav.setIconSize(QSize(24, 24))
        self.nav.setFixedWidth(200)
        self.pages = QStackedWidget()
        self.pages.addWidget(_centred(QLabel("Getting your routines ready…")))
        self.nav.currentRowChanged.connect(lambda row: self.pages.setCurrentIndex(row + 1))

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.resize(1180, 760)
        self.setMinimumSize(720, 520)

    def install(self, library: Library) -> None:
        """Build the pages (the second step of showing the window)."""
        from backcare_gui.ui.library import LibraryPage

        self.library: LibraryPage = LibraryPage(library)
        self.add_page("Library", "library", self.library)
        self.nav.setCurrentRow(0)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)

    def add_page(self, title: str, icon: str, page: QWidget) -> None:
        """Pages get Alt+1, Alt+2... in the order they are added."""
        number = self.pages.count() + 1
        item = QListWidgetItem(images.icon(icon), title)
        item.setToolTip(f"{title} (Alt+{number})")
        item.setSizeHint(QSize(180, 48))
        self.nav.addItem(item)
        self.pages.addWidget(page)
        QShortcut(QKeySequence(f"Alt+{number}"), self,
                  lambda row=number - 1: self.nav.setCurrentRow(row))

    def show_page(self, page: QWidget) -> None:
        self.nav.setCurrentRow(self.pages.indexOf(page) - 1)

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
