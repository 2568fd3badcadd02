"""Your data: restore a backup, and delete everything only after asking twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from backcare_gui.paths import AppPaths
from backcare_gui.store.db import Database
from backcare_gui.store.records import SessionRecords
from backcare_gui.ui.data_page import DataPage
from tests.helpers.records import SHA

Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def page(qtbot: QtBot, data_home: Path) -> DataPage:
    paths = AppPaths.resolve(data_home)
    state: dict[str, Database] = {}

    def reopen() -> Database:
        state["db"] = Database.open(paths.database)
        return state["db"]

    page = DataPage(paths, reopen)
    qtbot.addWidget(page)
    page.set_database(reopen())
    return page


def answers(monkeypatch: pytest.MonkeyPatch, *replies: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []
    queue = list(replies)

    def reply(_parent: object, title: str, *_rest: object) -> QMessageBox.StandardButton:
        asked.append(title)
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", reply)
    monkeypatch.setattr(QMessageBox, "warning", reply)
    monkeypatch.setattr(QMessageBox, "information", lambda *_a: Yes)
    return asked


def test_delete_everything_asks_twice_and_removes_it_all(
        page: DataPage, data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert page.db is not None
    SessionRecords(page.db).start("x", "X", SHA, 60, 4, (), "private note")
    (data_home / "settings.yaml").write_text("sound.volume: 10\n")
    (data_home / "logs").mkdir(exist_ok=True)
    (data_home / "logs" / "backcare.log").write_text("log")
    (data_home / "routines").mkdir(exist_ok=True)
    (data_home / "routines" / "mine.yaml").write_text("x")
    asked = answers(monkeypatch, Yes, No)  # second thoughts
    page.delete_everything()
    assert asked == ["Delete all your data?", "Are you sure?"]
    assert SessionRecords(page.db).export_rows() != []

    asked = answers(monkeypatch, Yes, Yes)
    page.delete_everything()
    assert len(asked) == 2
    assert not (data_home / "settings.yaml").exists()
    assert not (data_home / "logs").exists()
    assert (data_home / "routines" / "mine.yaml").exists()  # unless asked for
    for backup in (data_home / "backups").glob("*"):  # only the fresh, empty database's
        with sqlite3.connect(backup) as conn:
            assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone() == (0,)
    assert page.db is not None and SessionRecords(page.db).export_rows() == []  # fresh, empty


def test_restore_a_backup(page: DataPage, monkeypatch: pytest.MonkeyPatch) -> None:
    assert page.db is not None
    assert page.backups.count() == 1  # today's, made on opening
    SessionRecords(page.db).start("x", "X", SHA, 60, 4, (), "after the backup")
    answers(monkeypatch, Yes)
    page.restore()
    assert SessionRecords(page.db).export_rows() == []  # as it was when the backup was made
