"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from backcare_gui.core.library import Library
from backcare_gui.ui import images
from backcare_gui.ui.library import LibraryPage


class MainWindow(QMainWindow):
    def __init__(self, library: Library) -> None:
        super().__init__()
        self.setWindowTitle("BackCare")
        self.setWindowIcon(images.app_icon())
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setAccessibleName("Sections")
        self.nav.setIconSize(QSize(24, 24))
        self.pages = QStackedWidget()
        self.library = LibraryPage(library)
        self.add_page("Library", "library", self.library)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.resize(1180, 760)
        self.setMinimumSize(720, 520)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)

    def add_page(self, title: str, icon: str, page: QWidget) -> None:
        """Pages get Alt+1, Alt+2... in the order they are added."""
        number = self.pages.count() + 1
        item = QListWidgetItem(images.icon(icon), title)
        item.setToolTip(f"{title} (Alt+{number})")
        item.setSizeHint(QSize(180, 48))
        self.nav.addItem(item)
        self.pages.addWidget(page)
        self.nav.setFixedWidth(max(self.nav.sizeHintForColumn(0) + 32, 180))
        QShortcut(QKeySequence(f"Alt+{number}"), self,
                  lambda row=number - 1: self.nav.setCurrentRow(row))

    def show_page(self, page: QWidget) -> None:
        self.nav.setCurrentRow(self.pages.indexOf(page))

    def _focus_search(self) -> None:
        self.show_page(self.library)
        self.library.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
