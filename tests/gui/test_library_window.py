"""The library window as a person uses it: cards, search, filters, detail, keyboard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from backcare_gui import resources
from backcare_gui.core.clock import FakeClock
from backcare_gui.core.library import Library
from backcare_gui.core.routine import Level, Routine
from backcare_gui.core.settings import Settings
from backcare_gui.ui import theme
from backcare_gui.ui.library import ROUTINE_ROLE
from backcare_gui.ui.main_window import MainWindow
from tests.helpers.routines import minimal, write


def shown_ids(window: MainWindow) -> list[str]:
    model = window.library.filter
    ids = []
    for row in range(model.rowCount()):
        routine = model.index(row, 0).data(ROUTINE_ROLE)
        assert isinstance(routine, Routine)
        ids.append(routine.id)
    return ids


def label_texts(window: MainWindow) -> str:
    QApplication.processEvents()  # new rows are shown on the next event loop turn
    return "\n".join(w.text() for w in window.library.detail.findChildren(QLabel)
                     if w.isVisibleTo(window))


def test_every_routine_has_a_card(window: MainWindow, library: Library) -> None:
    assert shown_ids(window) == [r.id for r in library.routines]
    assert window.library.detail.routine is library.routines[0]


def test_search_matches_titles_tags_and_exercises(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.library.search, "bird")
    assert shown_ids(window) == ["core-basics"]
    window.library.search.clear()
    qtbot.keyClicks(window.library.search, "DESK")
    assert shown_ids(window) == ["desk-break"]
    window.library.search.setText("zebra crossing")
    assert shown_ids(window) == []
    assert window.library.empty.isVisible()
    assert window.library.detail.routine is None


def test_level_and_tag_filters(window: MainWindow, library: Library) -> None:
    page = window.library
    page.level.setCurrentIndex(page.level.findData(Level.MODERATE.value))
    assert shown_ids(window) == [r.id for r in library.routines if r.level is Level.MODERATE]
    page.level.setCurrentIndex(0)
    page.tag.setCurrentIndex(page.tag.findData("core"))
    assert shown_ids(window) == [r.id for r in library.routines if "core" in r.tags]
    assert shown_ids(window)


def test_detail_panel_shows_summary_cautions_exercises_doses_and_time(
        window: MainWindow) -> None:
    assert window.library.select("morning-mobility")
    text = label_texts(window)
    assert "Morning mobility" in text
    assert "6 min 2 s" in text  # 362 s, from the same timeline code as `routines list`
    assert "Take care" in text
    assert "Cat-cow" in text and "Pelvic tilt" in text
    assert "Bird-dog" not in text  # nothing left over from the routine shown before
    assert "each side" in text and "× Cow" in text
    assert "Source:" in text


def test_keyboard_moves_through_the_cards(qtbot: QtBot, window: MainWindow,
                                          library: Library) -> None:
    cards = window.library.cards
    cards.setFocus()
    qtbot.keyClick(cards, Qt.Key.Key_Right)
    assert window.library.detail.routine is library.routines[1]
    qtbot.keyClick(cards, Qt.Key.Key_End)
    assert window.library.detail.routine is library.routines[-1]


def test_ctrl_f_goes_to_the_search_box(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.library.cards.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.library.search


def test_bad_user_files_get_a_notice_and_the_rest_still_load(
        qtbot: QtBot, data_home: Path, settings: Settings) -> None:
    write(data_home / "routines", "broken.yaml", "format: backcare-routine/1\nid: x\n")
    write(data_home / "routines", "fine.yaml", minimal("fine-one"))
    library = resources.load_app_library(data_home / "routines")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.install(library, settings, FakeClock())
    notice = window.library.notice
    assert notice.isVisible()
    assert notice.text.text().startswith("1 of your routine files could not be loaded")
    assert "fine-one" in shown_ids(window)
    notice.details.click()
    box = notice.box
    assert box.isVisible()
    assert "broken.yaml:1:1: error: missing required key 'title'" in box.detailedText()
    box.close()


def test_follows_the_system_dark_scheme(qtbot: QtBot, window: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.palette().color(QPalette.ColorRole.Window).name() == theme.LIGHT.window
    # what the desktop does when the person switches to dark (offscreen has no desktop)
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert app.palette().color(QPalette.ColorRole.Window).name() == theme.DARK.window
    assert theme.current() is theme.DARK
    assert window.palette().color(QPalette.ColorRole.WindowText).name() == theme.DARK.text


def test_start_button_is_big_labelled_and_enabled(window: MainWindow) -> None:
    start = window.library.detail.start
    assert start.accessibleName() and start.isEnabled()
    assert start.height() >= 40
    assert "Enter" in start.toolTip()
