"""The safety net: an unexpected error is logged and shown as a calm message, never a traceback.

The app keeps running after the message (Qt's event loop survives an exception in a slot once the
hook has handled it), so a person loses at most the action that failed.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("backcare")


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _LogFile(logging.Handler):
    """A rotating log file, opened at the first record worth keeping. The log holds problems
    (warnings and worse); an app that idles in the tray all day should not carry
    logging.handlers (~2 MiB with the socket and pickle modules it imports) for a log that
    usually stays empty."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.WARNING)
        self.path = path
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            import logging.handlers

            self._file = logging.handlers.RotatingFileHandler(
                self.path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
            self._file.setFormatter(logging.Formatter(LOG_FORMAT))
        self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def setup_logging(log_file: Path) -> Path | None:
    """The log in the user's log folder; None when that folder cannot be written."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("a", encoding="utf-8"):
            pass  # writable? say so now, not when the first problem needs writing
    except OSError as exc:
        print(f"BackCare: cannot write the log file {log_file}: {exc.strerror}",
              file=sys.stderr)
        return None
    root.addHandler(_LogFile(log_file))
    return log_file


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING}.get(kind, logging.ERROR)
    logging.getLogger("qt").log(level, "%s", message)


class ErrorHandler:
    """Installed as sys.excepthook while the app runs."""

    def __init__(self, log_file: Path | None = None) -> None:
        self.log_file = log_file
        self.box: QMessageBox | None = None

    def install(self) -> None:
        sys.excepthook = self.handle
        qInstallMessageHandler(_qt_message)

    def handle(self, kind: type[BaseException], error: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("unexpected error", exc_info=(kind, error, tb))
        if QApplication.instance() is None or (self.box is not None and self.box.isVisible()):
            return  # one message at a time; the rest are in the log
        self.show_message("".join(traceback.format_exception(kind, error, tb)))

    def show_message(self, details: str) -> None:
        where = (f"The details were saved in {self.log_file}." if self.log_file
                 else "The details could not be saved to a log file.")
        box = QMessageBox(QMessageBox.Icon.Information, "Something went wrong",
                          "BackCare ran into a problem it did not expect.")
        box.setInformativeText(
            "Your records are safe. You can keep using BackCare; if this happens again, "
            f"closing and reopening the app usually helps. {where}")
        box.setDetailedText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.open()  # not exec(): no nested event loop inside whatever just failed
        self.box = box
