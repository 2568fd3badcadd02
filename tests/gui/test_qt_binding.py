"""Guards against a broken Qt binding: PySide6 6.12.0 on Python 3.11 drops a reference to None
on every call of a method that returns nothing, so a long session ends in a fatal
"deallocating None" abort. The app must never run on such a build."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_void_calls_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
        label.repaint()
    # small ups and downs happen; a leak of one per call is the bug
    assert sys.getrefcount(None) - before > -100
