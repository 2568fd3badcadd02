"""Render the README's screenshots offscreen: docs/library.png, docs/library-dark.png,
docs/player.png, docs/player-rest.png, docs/settings.png, docs/editor.png,
docs/editor-problem.png and docs/library-200.png (200 %).

Usage: .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from backcare_gui.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def shoot(scale: str) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QT_SCALE_FACTOR"] = scale
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from backcare_gui import resources
    from backcare_gui.core.clock import FakeClock
    from backcare_gui.core.settings import Settings
    from backcare_gui.ui import theme
    from backcare_gui.ui.main_window import MainWindow

    app = QApplication([])
    theme.setup(app)
    home = Path(tempfile.mkdtemp())
    settings = Settings.load(home / "settings.yaml")
    clock = FakeClock()
    window = MainWindow()
    window.resize(1180, 760)
    window.show()
    window.install(resources.load_app_library(None), settings, clock)
    window.library.select("morning-mobility")

    def grab(widget: QWidget, name: str) -> None:
        deadline = time.monotonic() + 0.4  # let a cue's flash fade first
        while time.monotonic() < deadline:
            app.processEvents()
        widget.grab().save(str(DOCS / name))
        print(f"wrote docs/{name}")

    if scale != "1":
        grab(window, f"library-{round(float(scale) * 100)}.png")
        return
    grab(window, "library.png")
    theme.apply(app, dark=True)
    grab(window, "library-dark.png")
    theme.apply(app, dark=False)
    window.open_section("Settings")
    grab(window, "settings.png")
    shoot_timers(grab, settings)
    shoot_editor(grab, window, home)
    window.show_page(window.library)
    routine = window.library.detail.routine
    assert routine is not None
    window.start_session(routine)
    driver = window.player.driver
    assert driver is not None
    clock.advance(10 + 30)  # prepare, then into child's pose... whichever: a work phase
    driver.poll()
    while not driver.engine.phase.kind.is_work:
        driver.skip()
    clock.advance(1.4)
    driver.poll()
    grab(window, "player.png")
    driver.skip_exercise()
    grab(window, "player-rest.png")
    theme.apply(app, dark=True)
    grab(window, "player-dark.png")


def shoot_editor(grab: Callable[[QWidget, str], None], window: QWidget, home: Path) -> None:
    """The editor on a customised Morning mobility: one hold made longer, then a problem."""
    from dataclasses import replace

    from backcare_gui import resources
    from backcare_gui.ui.routine_actions import RoutineActions

    library = resources.load_app_library(home / "routines")
    actions = RoutineActions(window, home / "routines", lambda: library, lambda _id: None,
                             lambda _r: None)
    routine = library.get("morning-mobility")
    assert routine is not None
    editor = actions.edit(routine)
    editor.resize(1280, 860)
    editor.exercise_list.setCurrentRow(1)
    editor.hold_box.setValue(8)
    grab(editor, "editor.png")
    exercise = editor.draft.exercises[1]
    editor.edit(editor.draft.with_exercise(1, replace(exercise, name="")), "Clear the name")
    grab(editor, "editor-problem.png")
    editor.stack.setClean()
    editor._never_saved = False  # a picture, not a person: nothing to ask about
    editor.close()


def shoot_timers(grab: Callable[[QWidget, str], None], settings: Settings) -> None:
    """The Timers section with a heat session running, and a break window."""
    from datetime import UTC, datetime

    from backcare_gui.core.breaks import BreakKind
    from backcare_gui.core.clock import FakeClock
    from backcare_gui.idle import UnknownIdle
    from backcare_gui.ui.break_window import BreakWindow
    from backcare_gui.ui.timers import TimerService
    from backcare_gui.ui.timers_page import TimersPage

    for key, value in (("breaks.enabled", True), ("breaks.work_start", "00:00"),
                       ("breaks.work_end", "23:59"),
                       ("breaks.work_days", "mon,tue,wed,thu,fri,sat,sun")):
        settings.set(key, value)
    clock = FakeClock(wall=datetime(2026, 3, 11, 10, 0, tzinfo=UTC).timestamp())
    service = TimerService(settings, clock, None, UnknownIdle())
    page = TimersPage(service, lambda: True, lambda: None)
    page.resize(980, 700)
    page.show()
    service.start_heat(15)
    clock.advance(4 * 60 + 20)
    service.poll()
    page.refresh()
    grab(page, "timers.png")
    page.hide()
    clock.advance(30 * 60)
    service.poll()
    window = BreakWindow(service, BreakKind.MOVEMENT, absorbed=True)
    window.show()
    grab(window, "break-window.png")
    window.hide()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        shoot(sys.argv[1])
    else:
        for factor in ("1", "2"):  # one process per scale: Qt reads it at start-up
            subprocess.run([sys.executable, __file__, factor], check=True)
