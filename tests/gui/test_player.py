"""The player as a person uses it: start, keys, the end, and no sound."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from backcare_gui.core.clock import FakeClock
from backcare_gui.core.engine import SessionState
from backcare_gui.core.library import Library
from backcare_gui.core.settings import Settings
from backcare_gui.core.timeline import build_timeline
from backcare_gui.ui.main_window import MainWindow
from backcare_gui.ui.settings_page import SettingsPage


def start(window: MainWindow, routine_id: str) -> None:
    assert window.library.select(routine_id)
    window.library.detail.start.click()


def advance(window: MainWindow, clock: FakeClock, seconds: float) -> None:
    clock.advance(seconds)
    assert window.player.driver is not None
    window.player.driver.poll()


def state(window: MainWindow) -> SessionState:
    assert window.player.driver is not None
    return window.player.driver.engine.state


def stop_question(window: MainWindow) -> QMessageBox:
    box = window.player.stop_box
    assert box.isVisible()
    return box


def test_start_opens_the_player_with_the_prepare_countdown(window: MainWindow) -> None:
    start(window, "morning-mobility")
    player = window.player
    assert window.pages.currentWidget() is player and not window.nav.isVisible()
    assert player.phase_label.text() == "Get ready"
    assert player.countdown.text() == "0:10"
    assert player.exercise.text() == "Cat-cow"
    assert player.time_left.text() == "6:02 left"  # 362 s, as the library says
    assert player.property("resting") is True


def test_phases_advance_with_the_clock(window: MainWindow, clock: FakeClock) -> None:
    start(window, "morning-mobility")
    player = window.player
    advance(window, clock, 10.2)
    assert player.phase_label.text() == "Cow"
    assert player.driver is not None
    cow = player.driver.engine.phase.duration_ms
    assert player.countdown.text() == f"0:{(cow - 200 + 999) // 1000:02d}"  # rounded up
    assert player.position.text().startswith("Rep 1 of")
    assert player.property("resting") is False
    assert player.next.text() == "Next: Cat"


def test_keyboard_controls(qtbot: QtBot, window: MainWindow, settings: Settings,
                           clock: FakeClock) -> None:
    start(window, "morning-mobility")
    player = window.player
    assert player.driver is not None
    engine = player.driver.engine
    qtbot.keyClick(player, " ")
    assert state(window) is SessionState.PAUSED and "Continue" in player.pause_button.text()
    qtbot.keyClick(player, " ")
    assert state(window) is SessionState.RUNNING
    qtbot.keyClick(player, Qt.Key.Key_Right)
    assert engine.index == 1 and player.phase_label.text() == "Cow"
    qtbot.keyClick(player, Qt.Key.Key_Left)
    assert engine.index == 0
    qtbot.keyClick(player, Qt.Key.Key_M)
    assert settings.get("sound.muted") is True and player.mute_button.text().startswith("Unmute")
    qtbot.keyClick(player, Qt.Key.Key_PageDown)
    assert engine.phase.exercise.id == "childs-pose"
    qtbot.keyClick(player, Qt.Key.Key_Escape)
    box = stop_question(window)
    assert state(window) is SessionState.PAUSED  # paused while the question is asked
    stop = next(b for b in box.findChildren(QPushButton) if b.text() == "Stop")
    stop.click()
    assert state(window) is SessionState.STOPPED
    assert player.done_title.text() == "Session stopped"


def test_keep_going_resumes(qtbot: QtBot, window: MainWindow) -> None:
    start(window, "desk-break")
    qtbot.keyClick(window.player, Qt.Key.Key_Escape)
    box = stop_question(window)
    next(b for b in box.findChildren(QPushButton) if b.text() == "Keep going").click()
    assert state(window) is SessionState.RUNNING


def test_a_whole_routine_runs_to_well_done(qtbot: QtBot, window: MainWindow,
                                            clock: FakeClock, library: Library) -> None:
    routine = library.get("desk-break")
    assert routine is not None
    total = build_timeline(routine).total_ms / 1000
    start(window, "desk-break")
    with qtbot.waitSignal(window.player.session_ended) as ended:
        for _ in range(int(total) + 2):
            advance(window, clock, 1)
    assert ended.args is not None
    assert ended.args[0] is routine and ended.args[1] is SessionState.FINISHED
    assert ended.args[2] == pytest.approx(total)
    assert window.player.done_title.text() == "Well done"
    window.player.done_button.click()
    assert window.pages.currentWidget() is window.library and window.nav.isVisible()


def test_every_control_has_a_name_and_its_key(window: MainWindow) -> None:
    player = window.player
    for button in (player.back_button, player.pause_button, player.skip_button,
                   player.mute_button, player.full_button, player.stop_button):
        assert button.accessibleName()
        assert button.toolTip().endswith(")") and "(" in button.toolTip()


def test_no_sound_falls_back_to_a_flash_and_one_notice(
        qtbot: QtBot, window: MainWindow, clock: FakeClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import fails
    player = window.player
    player.audio._loaded = False
    player.audio.available = True
    flashes: list[str] = []
    player.audio.flash.connect(flashes.append)
    start(window, "morning-mobility")
    assert player.notice.isVisible() and "Sound is not available" in player.notice.text()
    advance(window, clock, 10.0)  # Cow starts: a "start" cue
    assert flashes == ["start"]
    assert player.property("flash") is True
    qtbot.waitUntil(lambda: player.property("flash") is False)
    assert player.driver is not None
    advance(window, clock, player.driver.engine.phase.duration_ms / 1000)
    assert player.driver.engine.index == 2  # the session runs on


def test_countdown_beeps_can_be_turned_off(window: MainWindow, clock: FakeClock,
                                            settings: Settings) -> None:
    settings.set("sound.muted", True)  # muted cues flash: a visible record of each cue
    settings.set("sound.countdown_beeps", False)
    flashes: list[str] = []
    window.player.audio.flash.connect(flashes.append)
    start(window, "morning-mobility")  # prepare is 10 s: it has a countdown
    advance(window, clock, 10.0)
    assert flashes == ["start"]


def test_prepare_override_applies_to_the_session(window: MainWindow, settings: Settings) -> None:
    settings.set("session.prepare_seconds", 3)
    start(window, "morning-mobility")
    assert window.player.countdown.text() == "0:03"
    assert window.player.time_left.text() == "5:55 left"
    window.library.detail.show_routine(window.library.detail.routine)  # totals unchanged
    assert window.library.model.total_ms(window.library.detail.routine) == 362_000  # type: ignore[arg-type]


def test_settings_page_is_built_from_the_schema_and_saves(
        window: MainWindow, settings: Settings, data_home: Path) -> None:
    from backcare_gui.core.settings import SCHEMA

    page = window.open_section("Settings")
    assert isinstance(page, SettingsPage)
    assert set(page.editors) == {s.key for s in SCHEMA}
    from PySide6.QtWidgets import QCheckBox

    muted = page.editors["sound.muted"]
    assert isinstance(muted, QCheckBox)
    muted.click()
    assert settings.get("sound.muted") is True
    assert yaml.safe_load((data_home / "settings.yaml").read_text()) == {"sound.muted": True}


def test_control_labels_are_never_cut_off(window: MainWindow, library: Library) -> None:
    """Wide: each control shows its key too; narrow: just its name. Never a clipped label."""
    routine = library.get("morning-mobility")
    assert routine is not None
    window.start_session(routine)
    player = window.player
    controls = [player.back_button, player.pause_button, player.skip_button,
                player.hurt_button, player.mute_button, player.full_button, player.stop_button]
    for width, with_keys in ((1800, True), (1000, False)):
        window.resize(width, 760)
        QApplication.processEvents()
        for button in controls:
            text = button.text()
            assert ("(" in text) is with_keys, (width, text)
            needed = button.fontMetrics().horizontalAdvance(text) + button.iconSize().width()
            assert button.width() >= needed + 32, (width, text, button.width())
    player.toggle_pause()
    assert player.pause_button.text() == "Continue"  # still the narrow label after a change
