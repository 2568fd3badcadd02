"""Start the app: logging, the safety net, the look, the library, the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from backcare_gui import __version__
from backcare_gui.paths import AppPaths
from backcare_gui.trace import trace
from backcare_gui.ui import theme
from backcare_gui.ui.errors import ErrorHandler, setup_logging
from backcare_gui.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("BackCare")
    app.setApplicationDisplayName("BackCare")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("backcare")
    theme.setup(app)
    return app


def run(paths: AppPaths, *, start: str | None = None, pain_before: int | None = None) -> int:
    app = create_application()
    handler = ErrorHandler()
    handler.install()
    window = MainWindow()
    window.show()
    QTimer.singleShot(0, lambda: trace("main-window-shown"))  # once the event loop has run
    kept: dict[str, object] = {}  # the assembly lives as long as the event loop

    def fill_in() -> None:
        theme.follow_system_scheme(app)
        handler.log_file = setup_logging(paths.log_file)
        log.info("BackCare %s starting, data folder %s", __version__, paths.data)
        try:
            paths.routines.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("cannot create %s: %s", paths.routines, exc)
        from backcare_gui.ui.assemble import Assembly

        assembly = kept["assembly"] = Assembly(window, paths)
        trace("library-ready")
        assembly.tell_about_storage()
        assembly.start(start, pain_before)

    QTimer.singleShot(0, fill_in)
    return app.exec()
