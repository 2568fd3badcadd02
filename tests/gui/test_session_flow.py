"""A session from Start to the record, with a real database: rate, screen, run, rate, advise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from backcare_gui.core.clock import FakeClock
from backcare_gui.core.library import Library
from backcare_gui.core.pain import RED_FLAG_IDS, Change
from backcare_gui.store.db import Database
from backcare_gui.store.records import SessionRecords
from backcare_gui.store.safety import SafetyRecords
from backcare_gui.ui.main_window import MainWindow
from backcare_gui.ui.rating import RatingDialog
from backcare_gui.ui.red_flags import RedFlagsDialog
from backcare_gui.ui.session_flow import SessionFlow


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "backcare.sqlite3")
    yield database
    database.close()


@pytest.fixture
def flow(window: MainWindow, library: Library, db: Database) -> SessionFlow:
    flow = SessionFlow(window, library, SessionRecords(db), SafetyRecords(db))
    window.start_handler = flow.begin  # as the app wires it
    return flow


def rate(flow: SessionFlow, value: int, feeling: int | None = None) -> None:
    dialog = flow.dialog
    assert isinstance(dialog, RatingDialog) and dialog.isVisible()
    dialog.scale.set_value(value)
    if feeling is not None and dialog.feeling is not None:
        dialog.feeling.group.buttons()[feeling].click()
    dialog.save.click()


def screen(flow: SessionFlow, yes: set[str] = frozenset()) -> RedFlagsDialog:  # type: ignore[assignment]
    dialog = flow.dialog
    assert isinstance(dialog, RedFlagsDialog) and dialog.isVisible()
    for flag_id in RED_FLAG_IDS:
        dialog.groups[flag_id].button(1 if flag_id in yes else 0).click()
    dialog.next.click()
    return dialog


def run_phases(window: MainWindow, clock: FakeClock, seconds: float) -> None:
    driver = window.player.driver
    assert driver is not None
    end = clock.monotonic_ns() + seconds * 1e9
    while clock.monotonic_ns() < end and driver.engine.state.value == "running":
        clock.advance(0.5)
        driver.poll()


def start(window: MainWindow, routine_id: str) -> None:
    assert window.library.select(routine_id)
    window.library.detail.start.click()


def only_row(db: Database) -> int:
    rows = SessionRecords(db).export_rows()
    assert len(rows) == 1
    return rows[0].id


def test_first_session_rates_screens_records_and_advises(
        window: MainWindow, flow: SessionFlow, db: Database, clock: FakeClock) -> None:
    start(window, "morning-mobility")
    assert not window.in_session
    rate(flow, 5)
    dialog = screen(flow)  # a new data folder: the safety check comes first
    dialog.go.click()
    assert window.in_session
    records = SessionRecords(db)
    row = records.get(only_row(db))
    assert row is not None
    assert (row.status, row.pain_before, row.routine_id) == ("running", 5, "morning-mobility")
    assert SafetyRecords(db).red_flags_completed()

    first_end = window.player.driver.engine.timeline.exercise_end_ms(0) / 1000
    run_phases(window, clock, first_end + 1)
    row = records.get(row.id)
    assert row is not None and row.exercises_done == 1 and row.last_exercise_id == "cat-cow"
    assert row.active_seconds == pytest.approx(first_end, abs=0.6)

    window.player.driver.stop()
    row = records.get(row.id)
    assert row is not None and row.status == "partial"
    rate(flow, 3, feeling=0)
    row = records.get(row.id)
    assert row is not None and (row.pain_after, row.feeling) == (3, "easier")
    box = flow.dialog
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Your pain eased"


def test_stopping_before_the_first_exercise_ends_is_abandoned(
        window: MainWindow, flow: SessionFlow, db: Database) -> None:
    SafetyRecords(db).record_red_flags(dict.fromkeys(RED_FLAG_IDS, False), "cli", False)
    start(window, "desk-break")
    rate(flow, 2)  # screening done before and rating < 8: straight to the session
    assert window.in_session
    window.player.driver.stop()  # type: ignore[union-attr]
    row = SessionRecords(db).get(only_row(db))
    assert row is not None and row.status == "abandoned"


def test_a_rating_of_8_brings_the_safety_check_back(
        window: MainWindow, flow: SessionFlow, db: Database) -> None:
    SafetyRecords(db).record_red_flags(dict.fromkeys(RED_FLAG_IDS, False), "cli", False)
    start(window, "spasm-relief")
    rate(flow, 8)
    dialog = screen(flow, yes={"fever"})
    assert not dialog.go.isEnabled()  # a sign applies: no session without a clinician's word
    dialog.not_now.click()
    assert not window.in_session
    assert SessionRecords(db).export_rows() == []
    latest = SafetyRecords(db).latest_red_flags()
    assert latest is not None and latest.any_yes and not latest.clinician_checked


def test_a_rise_in_pain_gets_calm_advice(window: MainWindow, flow: SessionFlow, db: Database,
                                         clock: FakeClock) -> None:
    SafetyRecords(db).record_red_flags(dict.fromkeys(RED_FLAG_IDS, False), "cli", False)
    feedback: list[object] = []
    flow.feedback_shown.connect(feedback.append)
    start(window, "desk-break")
    rate(flow, 3)
    run_phases(window, clock, 200)
    rate(flow, 6, feeling=2)
    assert [getattr(f, "change", None) for f in feedback] == [Change.RISE]
    row = SessionRecords(db).get(only_row(db))
    assert row is not None and row.status == "completed" and row.pain_after == 6
    assert row.exercises_done == 4


def test_this_hurts_records_the_exercise(qtbot: QtBot, window: MainWindow, flow: SessionFlow,
                                         db: Database, clock: FakeClock) -> None:
    SafetyRecords(db).record_red_flags(dict.fromkeys(RED_FLAG_IDS, False), "cli", False)
    start(window, "core-basics")
    rate(flow, 4)
    run_phases(window, clock, 12)
    player = window.player
    qtbot.keyClick(player, Qt.Key.Key_H)
    assert player.driver is not None and player.driver.engine.state.value == "paused"
    box = player.hurt_box
    hurt_exercise = player.driver.engine.phase.exercise
    next(b for b in box.findChildren(QPushButton) if b.text() == "Skip this exercise").click()
    assert player.driver.engine.phase.exercise_index == 1
    assert player.driver.engine.state.value == "running"
    events = SafetyRecords(db).hurt_events()
    assert [(e.exercise_id, e.action) for e in events] == [(hurt_exercise.id, "skip")]


def test_pain_before_from_the_command_line_skips_the_rating(
        window: MainWindow, flow: SessionFlow, library: Library, db: Database) -> None:
    SafetyRecords(db).record_red_flags(dict.fromkeys(RED_FLAG_IDS, False), "cli", False)
    routine = library.get("desk-break")
    assert routine is not None
    flow.begin(routine, pain_before=4)
    assert window.in_session
    row = SessionRecords(db).get(only_row(db))
    assert row is not None and row.pain_before == 4


def test_interrupted_session_of_today_is_offered_and_resumed(
        window: MainWindow, flow: SessionFlow, db: Database, library: Library) -> None:
    records = SessionRecords(db)
    routine = library.get("morning-mobility")
    assert routine is not None
    old = records.start(routine.id, routine.title, routine.sha256(), 362, 6, ("neck",), "x")
    records.exercise_done(old, 2, "childs-pose", 80)
    with db.transaction() as conn:  # as a killed process would leave it
        conn.execute("UPDATE sessions SET status = 'interrupted' WHERE id = ?", (old,))
    flow.offer_resume(date.today())
    box = flow.dialog
    assert isinstance(box, QMessageBox) and "continue from Knee to chest" in box.text()
    next(b for b in box.findChildren(QPushButton) if b.text() == "Continue").click()
    assert window.in_session
    assert window.player.driver is not None
    assert window.player.driver.engine.phase.exercise.id == "knee-to-chest"
    newest = records.export_rows()[-1]
    assert newest.resumed_from == old and newest.pain_before == 6
    assert records.resumable(date.today()) is None  # offered once


def test_trying_a_routine_from_the_editor_records_nothing_and_asks_nothing(
        window: MainWindow, flow: SessionFlow, db: Database, clock: FakeClock,
        library: Library) -> None:
    routine = library.get("desk-break")
    assert routine is not None
    flow.preview(routine)
    assert window.in_session and flow.dialog is None  # no rating, no safety questions
    run_phases(window, clock, 3600)
    window.player.done_button.click()
    assert not window.in_session
    assert SessionRecords(db).export_rows() == []
    assert flow.dialog is None  # no "how is your back now?" after a try-out
    start(window, "desk-break")  # a real session afterwards is recorded as ever
    rate(flow, 3)
    assert isinstance(flow.dialog, RedFlagsDialog)
