"""An unexpected error: logged in full, shown calmly, and the app carries on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from backcare_gui.ui.errors import ErrorHandler, setup_logging


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_is_logged_and_shown_calmly(qtbot: QtBot, tmp_path: Path) -> None:
    log_file = setup_logging(tmp_path / "logs" / "backcare.log")
    handler = ErrorHandler(log_file)
    previous = sys.excepthook
    handler.install()
    try:
        def broken() -> None:
            raise ValueError("a bug of ours")

        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: handler.box is not None and handler.box.isVisible())
        box = handler.box
        assert isinstance(box, QMessageBox)
        assert box.windowTitle() == "Something went wrong"
        assert "Traceback" not in box.text() + box.informativeText()
        assert str(log_file) in box.informativeText()
        assert "ValueError: a bug of ours" in box.detailedText()  # one click away
        # a second error while the message is up is logged, not stacked as another dialog
        QTimer.singleShot(0, broken)
        qtbot.wait(50)
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QMessageBox) and w.isVisible()]
        assert dialogs == [box]
        # still usable: the event loop runs on
        ran: list[bool] = []
        QTimer.singleShot(0, lambda: ran.append(True))
        qtbot.waitUntil(lambda: ran == [True])
        box.close()
    finally:
        sys.excepthook = previous
    assert log_file is not None
    assert log_file.read_text().count("ValueError: a bug of ours") == 2


def test_unwritable_log_folder_is_not_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert setup_logging(blocker / "logs" / "x.log") is None
