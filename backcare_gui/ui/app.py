"""Start the app: logging, the safety net, the look, the library, the main window."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from backcare_gui import __version__
from backcare_gui.paths import AppPaths
from backcare_gui.trace import trace
from backcare_gui.ui import theme
from backcare_gui.ui.errors import ErrorHandler, setup_logging
from backcare_gui.ui.main_window import MainWindow

if TYPE_CHECKING:
    from backcare_gui.ui.assemble import Assembly
    from backcare_gui.ui.single_instance import SingleInstance

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


def run(paths: AppPaths, *, start: str | None = None, pain_before: int | None = None,
        minimized: bool = False) -> int:
    app = create_application()
    instance = _claim_instance(paths, {"start": start, "pain_before": pain_before})
    if isinstance(instance, int):
        return instance
    handler = ErrorHandler()
    handler.install()
    window = MainWindow()
    if not minimized:  # shown once we know there is no tray to start in
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
        if instance is not None:
            instance.listen()
            instance.request.connect(lambda message: _second_launch(window, assembly, message))
        assembly.tell_about_storage()
        assembly.start(start, pain_before, minimized)

    QTimer.singleShot(0, fill_in)
    return app.exec()


def _claim_instance(paths: AppPaths, request: dict[str, object]) -> SingleInstance | int | None:
    """This process's claim on the data folder; an exit code when another BackCare has it
    (the request was handed over); None when the folder cannot hold a lock."""
    from backcare_gui.ui.single_instance import SingleInstance

    try:
        paths.data.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    instance = SingleInstance(paths.data)
    if instance.claim():
        return instance
    if instance.send(request):
        print("BackCare is already running with this data folder: its window has been brought "
              "to the front.", file=sys.stderr)
        trace("handed-over")
        return 0
    print("BackCare seems to be running with this data folder but does not answer. Close it, "
          "or wait a moment and try again.", file=sys.stderr)
    return 1


def _second_launch(window: MainWindow, assembly: Assembly, message: dict[str, object]) -> None:
    """Another launch asked for us: come to the front, and start its routine if it named one."""
    window.showNormal()
    window.raise_()
    window.activateWindow()
    start, pain_before = message.get("start"), message.get("pain_before")
    trace(f"instance-request {start}")
    if isinstance(start, str) and not window.in_session:
        assembly.start(start, pain_before if isinstance(pain_before, int) else None)
