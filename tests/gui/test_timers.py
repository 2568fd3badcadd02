"""Breaks and heat in the app, on a fake clock: the break window, postpone limits, records, the
heat alarm that repeats until acknowledged, and the tray menu."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from backcare_gui.core.breaks import BreakKind, BreakState
from backcare_gui.core.clock import FakeClock
from backcare_gui.core.heat import HeatAlarm
from backcare_gui.core.settings import Settings
from backcare_gui.idle import UnknownIdle
from backcare_gui.store.db import Database
from backcare_gui.store.timers import TimerRecords
from backcare_gui.ui.break_window import BreakWindow
from backcare_gui.ui.timers import TimerService
from backcare_gui.ui.timers_page import TimersPage
from backcare_gui.ui.tray import Tray

# a Wednesday; the scheduler reads local time, so working hours cover the whole week below
WEDNESDAY = datetime(2026, 3, 11, 10, 0, tzinfo=UTC).timestamp()


@pytest.fixture
def settings(data_home: Path) -> Settings:
    settings = Settings.load(data_home / "settings.yaml")
    for key, value in (("breaks.enabled", True), ("breaks.micro_every", 30),
                       ("breaks.movement_every", 60), ("breaks.work_start", "00:00"),
                       ("breaks.work_end", "23:59"),
                       ("breaks.work_days", "mon,tue,wed,thu,fri,sat,sun")):
        settings.set(key, value)
    return settings


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "backcare.sqlite3")
    yield database
    database.close()


@pytest.fixture
def service(qtbot: QtBot, settings: Settings, db: Database) -> TimerService:
    clock = FakeClock(wall=WEDNESDAY)
    return TimerService(settings, clock, TimerRecords(db), UnknownIdle())


def advance(service: TimerService, seconds: float) -> None:
    clock = service.clock
    assert isinstance(clock, FakeClock)
    step = 5.0
    while seconds > 0:
        clock.advance(min(step, seconds))
        seconds -= step
        service.poll()


def test_a_stand_up_break_comes_due_after_30_minutes(service: TimerService) -> None:
    due: list[object] = []
    service.break_due.connect(due.append)
    advance(service, 29 * 60)
    assert due == []
    advance(service, 61)
    assert [getattr(d, "kind", None) for d in due] == [BreakKind.MICRO]
    assert "stand-up" in service.status_text() or "movement" in service.status_text()


def test_break_window_postpone_until_refused_then_skip_is_recorded(
        qtbot: QtBot, service: TimerService, db: Database) -> None:
    advance(service, 30 * 60 + 1)
    window = BreakWindow(service, BreakKind.MICRO, absorbed=False)
    qtbot.addWidget(window)
    window.show()
    window.postpone.click()
    assert service.breaks.state(BreakKind.MICRO) is BreakState.POSTPONED
    advance(service, 2 * 60 + 1)
    window = BreakWindow(service, BreakKind.MICRO, absorbed=False)
    qtbot.addWidget(window)
    window.postpone.click()
    advance(service, 2 * 60 + 1)
    window = BreakWindow(service, BreakKind.MICRO, absorbed=False)
    qtbot.addWidget(window)
    assert not window.postpone.isEnabled() and window.postpone.toolTip()  # limit reached
    window.skip.click()
    outcomes = [(e.kind, e.outcome) for e in TimerRecords(db).events()]
    assert outcomes == [("micro_break", "postponed"), ("micro_break", "postponed"),
                        ("micro_break", "skipped")]


def test_taking_a_break_counts_down_and_is_recorded(qtbot: QtBot, service: TimerService,
                                                    db: Database) -> None:
    advance(service, 30 * 60 + 1)
    window = BreakWindow(service, BreakKind.MICRO, absorbed=False)
    qtbot.addWidget(window)
    window.start.click()
    assert service.breaks.state(BreakKind.MICRO) is BreakState.ON_BREAK
    advance(service, 61)
    window._update()
    assert window.countdown.text() == "Well done"
    assert [(e.kind, e.outcome) for e in TimerRecords(db).events()] == [
        ("micro_break", "taken")]


def test_the_movement_window_offers_the_desk_routine(qtbot: QtBot,
                                                     service: TimerService) -> None:
    window = BreakWindow(service, BreakKind.MOVEMENT, absorbed=True)
    qtbot.addWidget(window)
    window.show()
    assert window.routine.isVisible() and "includes your stand-up break" in window.what.text()
    with qtbot.waitSignal(window.routine_requested):
        window.routine.click()


def test_heat_skin_check_and_an_alarm_until_acknowledged(
        qtbot: QtBot, service: TimerService, db: Database) -> None:
    page = TimersPage(service, lambda: True, lambda: None)
    qtbot.addWidget(page)
    page.start_heat(10)
    assert service.heat is not None and service.heat.state.value == "running"
    page.refresh()
    assert page.heat_left.text() == "Heat: 10:00 left"
    alarms: list[HeatAlarm] = []
    service.heat_event.connect(lambda e: alarms.append(e) if isinstance(e, HeatAlarm) else None)
    advance(service, 5 * 60)
    assert "Check your skin" in page.heat_note.text()
    advance(service, 5 * 60 + 95)
    assert len(alarms) >= 3  # repeats every 30 s until acknowledged
    assert page.heat_ack.isVisible() or not page.isVisible()
    page.heat_ack.click()
    assert service.heat.state.value == "done"
    count = len(alarms)
    advance(service, 120)
    assert len(alarms) == count
    assert [(e.kind, e.outcome) for e in TimerRecords(db).events()] == [("heat", "completed")]


def test_heat_is_capped_at_10_minutes_with_reduced_sensation(
        qtbot: QtBot, service: TimerService, settings: Settings) -> None:
    settings.set("heat.reduced_sensation", True)
    page = TimersPage(service, lambda: True, lambda: None)
    qtbot.addWidget(page)
    assert not page.preset_buttons[15].isEnabled() and not page.preset_buttons[20].isEnabled()
    assert page.custom.maximum() == 10
    page.start_heat(15)
    assert service.heat is None and "At most 10 minutes" in page.heat_note.text()


def test_heat_checklist_first_time_and_a_third_session_warns(
        qtbot: QtBot, service: TimerService, db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []

    def read_once(box: QMessageBox) -> int:
        shown.append(box.windowTitle())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", read_once)
    marked: list[bool] = []
    page = TimersPage(service, lambda: bool(marked), lambda: marked.append(True))
    qtbot.addWidget(page)
    page.start_heat(10)
    assert shown == ["Using heat safely"] and marked == [True]
    page.start_heat(10)  # cancel the first, start another: too soon
    service.heat_command("cancel")
    asked: list[str] = []

    def answer_no(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer_no)
    TimerRecords(db).record("heat", "completed", 600)
    page.start_heat(10)
    assert len(asked) == 1 and "at least 60 minutes between sessions" in asked[0]
    assert service.heat is None or service.heat.state.value != "running"  # answered no


def test_tray_menu_emits_what_was_chosen(qtbot: QtBot, library: object) -> None:
    from backcare_gui.core.library import Library

    assert isinstance(library, Library)
    tray = Tray(library)
    chosen: list[object] = []
    tray.routine_requested.connect(chosen.append)
    tray.pause_requested.connect(chosen.append)
    tray.quit_requested.connect(lambda: chosen.append("quit"))
    titles = [a.text() for a in tray.menu.actions()]
    assert titles[:4] == ["Start a routine", "Heat timer…", "Take a break now", "Pause reminders"]
    assert titles[-2:] == ["Open BackCare", "Quit"]
    routines = tray.menu.actions()[0].menu()
    assert isinstance(routines, QMenu)
    routines.actions()[0].trigger()
    pause = tray.menu.actions()[3].menu()
    assert isinstance(pause, QMenu)
    pause.actions()[1].trigger()
    tray.menu.actions()[-1].trigger()
    assert chosen == [library.routines[0].id, 3600.0, "quit"]
    tray.set_status("Next stand-up break in 5 min")
    assert tray.icon.toolTip() == "BackCare\nNext stand-up break in 5 min"


def test_a_break_taken_while_reminders_are_off_is_timed_by_its_window(
        qtbot: QtBot, service: TimerService, settings: Settings) -> None:
    settings.set("breaks.enabled", False)
    window = BreakWindow(service, BreakKind.MOVEMENT, absorbed=False)
    qtbot.addWidget(window)
    window.start.click()
    assert window.countdown.text() == "5:00"
    advance(service, 120)
    window._update()
    assert window.countdown.text() == "3:00"
    advance(service, 181)
    window._update()
    assert window.countdown.text() == "Well done"


def test_daily_reminder_comes_at_its_time_unless_a_session_was_done(
        qtbot: QtBot, settings: Settings, db: Database) -> None:
    start = datetime(2026, 3, 11, 7, 55).astimezone()  # local time, whatever the zone
    settings.set("reminder.enabled", True)
    settings.set("reminder.time", "08:00")
    settings.set("breaks.enabled", False)
    service = TimerService(settings, FakeClock(wall=start.timestamp()), TimerRecords(db),
                           UnknownIdle())
    reminders: list[str] = []
    service.reminder_due.connect(reminders.append)
    advance(service, 4 * 60)
    assert reminders == []
    advance(service, 90)
    assert reminders == ["morning-mobility"]
    advance(service, 3600)
    assert reminders == ["morning-mobility"]  # once a day

    done = TimerService(settings, FakeClock(wall=start.timestamp()), TimerRecords(db),
                        UnknownIdle())
    done.session_done_today = lambda: True
    quiet: list[str] = []
    done.reminder_due.connect(quiet.append)
    advance(done, 6 * 60)
    assert quiet == []  # a session was already recorded today


def test_a_reminder_long_missed_is_not_shown_late_and_does_not_spin(
        qtbot: QtBot, settings: Settings, db: Database) -> None:
    late = datetime(2026, 3, 11, 11, 0).astimezone()  # three hours after 08:00
    settings.set("reminder.enabled", True)
    settings.set("breaks.enabled", False)
    service = TimerService(settings, FakeClock(wall=late.timestamp()), TimerRecords(db),
                           UnknownIdle())
    reminders: list[str] = []
    service.reminder_due.connect(reminders.append)
    service.poll()
    assert reminders == []
    # the next deadline is tomorrow's reminder, not "now" again
    assert service._deadline.remainingTime() > 3600 * 1000
