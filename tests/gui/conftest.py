"""Widget tests run offscreen (set in tests/conftest.py) with the app's own look."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from backcare_gui import resources
from backcare_gui.core.library import Library
from backcare_gui.ui import theme
from backcare_gui.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def styled_app(qapp: QApplication) -> Iterator[QApplication]:
    theme.setup(qapp)
    theme.follow_system_scheme(qapp)
    theme.apply(qapp, dark=False)
    yield qapp
    theme.apply(qapp, dark=False)


@pytest.fixture
def library(data_home: Path) -> Library:
    return resources.load_app_library(data_home / "routines")


@pytest.fixture
def window(qtbot: object, library: Library) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    win.install(library)
    return win
