"""Your data: where it lives, the safety check, restoring a backup, deleting everything."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backcare_gui.paths import AppPaths
from backcare_gui.store.db import Database, StoreError
from backcare_gui.store.safety import SafetyRecords

log = logging.getLogger(__name__)


class DataPage(QWidget):
    changed = Signal()  # records were restored or deleted: views refresh
    safety_check_requested = Signal()

    def __init__(self, paths: AppPaths, reopen: Callable[[], Database | None]) -> None:
        super().__init__()
        self.paths = paths
        self._reopen = reopen
        self.db: Database | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(16)
        heading = QLabel("Your data")
        heading.setProperty("role", "h1")
        layout.addWidget(heading)
        where = QLabel(f"Everything BackCare keeps stays on this computer, in "
                       f"<b>{paths.data}</b>. Nothing is ever sent anywhere.")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)

        safety = QGroupBox("Safety check")
        safety_layout = QVBoxLayout(safety)
        self.safety_text = QLabel()
        self.safety_text.setWordWrap(True)
        self.safety_button = QPushButton("Answer the safety questions")
        self.safety_button.clicked.connect(self.safety_check_requested)
        safety_layout.addWidget(self.safety_text)
        safety_layout.addWidget(self.safety_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(safety)

        backups = QGroupBox("Backups")
        backups_layout = QVBoxLayout(backups)
        explain = QLabel("BackCare makes a copy of your records once a day and keeps the last "
                         "seven. Restoring one replaces your records with that day's copy.")
        explain.setWordWrap(True)
        self.backups = QListWidget()
        self.backups.setAccessibleName("Backups")
        self.backups.setMaximumHeight(200)
        self.restore_button = QPushButton("Restore the chosen backup")
        self.restore_button.clicked.connect(self.restore)
        backups_layout.addWidget(explain)
        backups_layout.addWidget(self.backups)
        backups_layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(backups)

        delete = QGroupBox("Delete all my data")
        delete_layout = QVBoxLayout(delete)
        warning = QLabel("Removes every session record, rating, note, safety answer, backup, "
                         "setting and log from this computer.")
        warning.setWordWrap(True)
        self.also_routines = QCheckBox("Also delete my own routine files")
        self.delete_button = QPushButton("Delete all my data…")
        self.delete_button.setProperty("danger", True)
        self.delete_button.clicked.connect(self.delete_everything)
        delete_layout.addWidget(warning)
        delete_layout.addWidget(self.also_routines)
        row = QHBoxLayout()
        row.addWidget(self.delete_button)
        row.addStretch()
        delete_layout.addLayout(row)
        layout.addWidget(delete)
        layout.addStretch()

    def set_database(self, db: Database | None) -> None:
        self.db = db
        self.refresh()

    def refresh(self) -> None:
        self.backups.clear()
        enabled = self.db is not None
        for widget in (self.restore_button, self.backups, self.safety_button):
            widget.setEnabled(enabled)
        if self.db is None:
            self.safety_text.setText("Your records cannot be opened right now.")
            return
        try:
            latest = SafetyRecords(self.db).latest_red_flags()
            for path in self.db.list_backups():
                item = QListWidgetItem(path.stem.removeprefix("backcare-"))
                item.setData(Qt.ItemDataRole.UserRole, str(path))
                self.backups.addItem(item)
        except StoreError as exc:
            self.safety_text.setText(exc.message)
            return
        if latest is None:
            self.safety_text.setText("You have not answered the safety questions yet. They "
                                     "come up before your first session.")
        else:
            when = latest.answered_at.astimezone().strftime("%d %B %Y")
            outcome = ("some signs applied; a clinician had checked them" if latest.any_yes
                       and latest.clinician_checked else "some signs applied" if latest.any_yes
                       else "none of the signs applied")
            self.safety_text.setText(f"Last answered on {when}: {outcome}. Answer again "
                                     "whenever something changes.")
        if self.backups.count():
            self.backups.setCurrentRow(0)

    def restore(self) -> None:
        item = self.backups.currentItem()
        if self.db is None or item is None:
            return
        backup = Path(str(item.data(Qt.ItemDataRole.UserRole)))
        day = item.text()  # the list is rebuilt below
        answer = QMessageBox.question(
            self, "Restore a backup?",
            f"Replace your records with the copy from {day}? Sessions recorded after "
            "that day will be gone.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.db.restore(backup)
        except StoreError as exc:
            QMessageBox.information(self, "Restore a backup", exc.message)
            return
        self.changed.emit()
        self.refresh()
        QMessageBox.information(self, "Restore a backup",
                                f"Your records are back as they were on {day}.")

    def delete_everything(self) -> None:
        first = QMessageBox.question(
            self, "Delete all your data?",
            "This deletes all your BackCare records, ratings, notes, safety answers, backups, "
            "settings and logs from this computer."
            + (" Your own routine files go too." if self.also_routines.isChecked() else ""))
        if first != QMessageBox.StandardButton.Yes:
            return
        second = QMessageBox.warning(
            self, "Are you sure?", "This cannot be undone. Delete everything now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if second != QMessageBox.StandardButton.Yes:
            return
        self.wipe()
        QMessageBox.information(self, "Deleted", "All your BackCare data has been deleted.")

    def wipe(self) -> None:
        """Delete everything (after both questions); a fresh empty database takes its place."""
        if self.db is not None:
            try:
                self.db.delete_everything()
            except StoreError as exc:
                log.warning("delete everything: %s", exc)
        targets = [self.paths.settings_file, self.paths.logs]
        if self.also_routines.isChecked():
            targets.append(self.paths.routines)
        for target in targets:
            if target.is_dir():
                _close_log_files(target)
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
        if self.also_routines.isChecked():
            self.paths.routines.mkdir(parents=True, exist_ok=True)
        self.set_database(self._reopen())
        self.changed.emit()


def _close_log_files(folder: Path) -> None:
    """The log handler holds its file open; let go of it before the folder is removed."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        name = getattr(handler, "path", None) or getattr(handler, "baseFilename", "")
        if name and Path(name).parent == folder:
            root.removeHandler(handler)
            handler.close()
