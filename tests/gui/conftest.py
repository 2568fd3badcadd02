"""Widget tests run offscreen (set in tests/conftest.py) with the app's own look."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from backcare_gui import resources
from backcare_gui.core.clock import FakeClock
from backcare_gui.core.library import Library
from backcare_gui.core.settings import Settings
from backcare_gui.ui import theme
from backcare_gui.ui.main_window import MainWindow


@pytest.fixture(scope="session")
def themed_app(qapp: QApplication) -> QApplication:
    theme.setup(qapp)
    theme.follow_system_scheme(qapp)
    return qapp


@pytest.fixture(autouse=True)
def styled_app(themed_app: QApplication) -> Iterator[QApplication]:
    if theme.current() is not theme.LIGHT:
        theme.apply(themed_app, dark=False)
    yield themed_app
    for widget in themed_app.topLevelWidgets():  # no dialog outlives its test
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.close()


@pytest.fixture
def library(data_home: Path) -> Library:
    return resources.load_app_library(data_home / "routines")


@pytest.fixture
def settings(data_home: Path) -> Settings:
    return Settings.load(data_home / "settings.yaml")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def window(qtbot: object, library: Library, settings: Settings, clock: FakeClock) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    win.install(library, settings, clock)
    return win
