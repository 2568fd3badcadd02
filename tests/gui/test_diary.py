"""The spasm diary as a person uses it, over a real SQLite file: a digit and Enter is a whole
entry, the quick lengths, "It has stopped", the optional details, the red-flag advice, and the
Diary section's list, calendar, figures, editing and deleting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot

from backcare_gui.core import diary, pain
from backcare_gui.paths import AppPaths
from backcare_gui.store.db import Database
from backcare_gui.store.diary import DiaryRecords
from backcare_gui.ui import theme
from backcare_gui.ui.assemble import Assembly
from backcare_gui.ui.diary import EMPTY, UNAVAILABLE, DiaryPage, SpasmLogDialog
from backcare_gui.ui.main_window import MainWindow

ROUTINES = {"spasm-relief": "Spasm relief", "desk-break": "Desk break"}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "data" / "backcare.sqlite3")
    yield database
    database.close()


@pytest.fixture
def records(db: Database) -> DiaryRecords:
    return DiaryRecords(db)


def open_dialog(qtbot: QtBot, records: DiaryRecords) -> SpasmLogDialog:
    dialog = SpasmLogDialog(records, ROUTINES)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def test_a_digit_and_enter_log_an_episode_that_is_still_going(
        qtbot: QtBot, records: DiaryRecords) -> None:
    dialog = open_dialog(qtbot, records)
    assert dialog.focusWidget() is dialog.scale  # the first thing asked has the keyboard
    qtbot.keyClick(dialog.scale, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.started  # then when it started, then how long
    qtbot.keyClick(dialog.started, Qt.Key.Key_Backtab)
    assert dialog.focusWidget() is dialog.scale
    qtbot.keyClick(dialog.scale, Qt.Key.Key_Return)  # nothing chosen yet: Enter saves nothing
    assert records.episodes() == [] and dialog.isVisible()
    before = datetime.now().astimezone() - timedelta(minutes=1)
    qtbot.keyClick(dialog.scale, "7")
    qtbot.keyClick(dialog.scale, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    (episode,) = records.episodes()
    assert episode.severity == 7 and episode.still_going
    assert before <= episode.started_at <= datetime.now().astimezone()
    assert episode.locations == episode.triggers == episode.helped == ()
    assert not any(episode.red_flags.values())


@pytest.mark.parametrize("choice", [c for c in diary.DURATION_CHOICES if c.minutes is not None])
def test_the_quick_lengths_set_when_it_ended(qtbot: QtBot, records: DiaryRecords,
                                             choice: diary.DurationChoice) -> None:
    dialog = open_dialog(qtbot, records)
    dialog.scale.set_value(4)
    dialog.duration.buttons[choice.code].click()
    dialog.save.click()
    (episode,) = records.episodes()
    assert episode.ended_at == episode.started_at + timedelta(minutes=choice.minutes or 0)


def test_exact_minutes_replace_a_quick_choice(qtbot: QtBot, records: DiaryRecords) -> None:
    dialog = open_dialog(qtbot, records)
    dialog.scale.set_value(5)
    dialog.duration.buttons["hours"].click()
    dialog.duration.exact.setValue(25)
    assert not any(b.isChecked() for b in dialog.duration.group.buttons())
    dialog.save.click()
    (episode,) = records.episodes()
    assert episode.duration_minutes == 25


def test_still_going_then_it_has_stopped_ends_it_in_one_click(
        qtbot: QtBot, records: DiaryRecords) -> None:
    page = DiaryPage(records, ROUTINES)
    qtbot.addWidget(page)
    page.log_button.click()
    dialog = page.dialog
    assert isinstance(dialog, SpasmLogDialog)
    dialog.scale.set_value(8)
    dialog.duration.buttons["going"].click()
    dialog.save.click()
    (episode,) = records.still_going()
    assert "still going" in page.list.item(0).data(Qt.ItemDataRole.AccessibleTextRole)
    row = page.list.itemWidget(page.list.item(0))
    stopped = next(b for b in row.findChildren(QPushButton) if b.text() == "It has stopped")
    stopped.click()
    assert records.still_going() == []
    ended = records.get(episode.id)
    assert ended is not None and ended.ended_at is not None
    row = page.list.itemWidget(page.list.item(0))  # the list shows it ended, without the button
    assert not [b for b in row.findChildren(QPushButton) if b.text() == "It has stopped"]


def test_triggers_their_own_words_and_what_helped_are_saved(
        qtbot: QtBot, records: DiaryRecords) -> None:
    dialog = open_dialog(qtbot, records)
    dialog.scale.set_value(6)
    assert not dialog.other.isEnabled() and not dialog.routine.isEnabled()
    dialog.locations.chip("lower-back").click()
    dialog.triggers.chip("stress").click()
    dialog.triggers.chip(diary.OTHER).click()
    assert dialog.other.isEnabled()
    dialog.other.setText("  carrying the shopping ")
    dialog.helped.chip("heat").click()
    dialog.helped.chip(diary.NOTHING).click()  # "nothing" and "heat" cannot go together
    assert dialog.helped.selected() == (diary.NOTHING,)
    dialog.helped.chip("heat").click()
    dialog.helped.chip(diary.ROUTINE).click()
    assert dialog.helped.selected() == ("heat", diary.ROUTINE)
    assert dialog.routine.isEnabled()
    dialog.routine.setCurrentIndex(dialog.routine.findData("spasm-relief"))
    dialog.note.setText("on the sofa")
    dialog.save.click()
    (episode,) = records.episodes()
    assert episode.locations == ("lower-back",)
    assert episode.triggers == ("stress", diary.OTHER)
    assert episode.trigger_other == "carrying the shopping"
    assert episode.helped == ("heat", diary.ROUTINE)
    assert episode.helped_routine == "spasm-relief"
    assert episode.note == "on the sofa"


def test_a_ticked_emergency_sign_shows_the_emergency_advice_after_saving(
        qtbot: QtBot, records: DiaryRecords) -> None:
    dialog = open_dialog(qtbot, records)
    dialog.scale.set_value(9)
    dialog.flags["bladder"].setChecked(True)
    dialog.flags["fever"].setChecked(True)
    dialog.save.click()
    (episode,) = records.episodes()  # saved first: the advice never costs the entry
    assert episode.red_flags["bladder"] and not episode.red_flags["cancer"]
    assert dialog.isVisible() and dialog.pages.currentIndex() == 1
    text = dialog.advice.text()
    assert pain.EMERGENCY_ADVICE in text and "<b>" in text
    assert theme.current().danger in text
    dialog.finish.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_an_urgent_sign_gets_the_calm_advice(qtbot: QtBot, records: DiaryRecords) -> None:
    dialog = open_dialog(qtbot, records)
    dialog.scale.set_value(5)
    dialog.flags["fever"].setChecked(True)
    dialog.save.click()
    assert pain.URGENT_ADVICE in dialog.advice.text()
    assert theme.current().danger not in dialog.advice.text()


def test_escape_cancels_without_saving(qtbot: QtBot, records: DiaryRecords) -> None:
    dialog = open_dialog(qtbot, records)
    qtbot.keyClick(dialog.scale, "3")
    qtbot.keyClick(dialog.scale, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and records.episodes() == []


def test_the_page_lists_marks_the_calendar_and_shows_the_figures(
        qtbot: QtBot, records: DiaryRecords) -> None:
    now = datetime.now().astimezone().replace(second=0, microsecond=0)
    older = now - timedelta(days=8)
    records.log(6, started_at=older, ended_at=older + timedelta(minutes=30),
                triggers=["stress", "poor-sleep"])
    records.log(8, started_at=now - timedelta(hours=1), ended_at=now - timedelta(minutes=30),
                triggers=["stress"])
    records.log(4, started_at=now)  # still going: not in the median length
    page = DiaryPage(records, ROUTINES)
    qtbot.addWidget(page)
    rows = [page.list.item(i).data(Qt.ItemDataRole.AccessibleTextRole)
            for i in range(page.list.count())]
    assert len(rows) == 3
    assert "severity 4" in rows[0] and "still going" in rows[0]  # newest first
    assert "severity 6" in rows[2] and "30 minutes" in rows[2] and "Stress, Poor sleep" in rows[2]
    for moment in (now, older):
        day = QDate(moment.year, moment.month, moment.day)
        assert page.calendar.dateTextFormat(day).fontWeight() == QFont.Weight.Bold
    quiet = now - timedelta(days=3)
    quiet_day = QDate(quiet.year, quiet.month, quiet.day)
    assert page.calendar.dateTextFormat(quiet_day).fontWeight() != QFont.Weight.Bold
    stats = page.stats.text()
    assert "Typical length: 30 minutes" in stats
    assert "Typical severity: 6 out of 10" in stats
    assert "Most frequent triggers: Stress (2), Poor sleep (1)" in stats
    figures = diary.statistics(records.episodes(), now.date())
    this_week, last_week = figures.weeks[-1].episodes, figures.weeks[-2].episodes
    assert f"This week: {this_week} episode" in stats
    assert f"Last week: {last_week} episode" in stats


def test_double_click_changes_an_episode(qtbot: QtBot, records: DiaryRecords) -> None:
    episode_id = records.log(5, triggers=["stress"], note="first")
    page = DiaryPage(records, ROUTINES)
    qtbot.addWidget(page)
    page.show()
    item = page.list.item(0)
    centre = page.list.visualItemRect(item).center()
    # A double-click is a click, then the second press (as Qt's own test events go).
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(centre))
    qtbot.mouseDClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(centre))
    dialog = page.dialog
    assert isinstance(dialog, SpasmLogDialog) and dialog.episode is not None
    assert len(page.findChildren(SpasmLogDialog)) == 1
    assert dialog.scale.value == 5 and dialog.triggers.selected() == ("stress",)
    assert dialog.note.text() == "first"
    dialog.scale.set_value(3)
    dialog.duration.buttons["hour"].click()
    dialog.save.click()
    edited = records.get(episode_id)
    assert edited is not None and edited.severity == 3 and edited.duration_minutes == 60
    assert len(records.episodes()) == 1
    assert "severity 3" in page.list.item(0).data(Qt.ItemDataRole.AccessibleTextRole)


def test_delete_asks_once(qtbot: QtBot, records: DiaryRecords) -> None:
    records.log(5)
    page = DiaryPage(records, ROUTINES)
    qtbot.addWidget(page)
    page.delete_button.click()
    assert page.confirm is not None and page.confirm.isVisible()
    assert len(records.episodes()) == 1  # nothing gone before the answer
    page.confirm_delete.click()
    assert records.episodes() == []
    assert page.message.text() == EMPTY


def test_empty_and_unavailable(qtbot: QtBot, records: DiaryRecords) -> None:
    page = DiaryPage(records, ROUTINES)
    qtbot.addWidget(page)
    assert page.message.text() == EMPTY and page.log_button.isEnabled()
    page.set_records(None)
    assert page.message.text() == UNAVAILABLE and not page.log_button.isEnabled()
    page.log_spasm()
    assert page.dialog is None


def test_the_assembled_app_has_the_diary_and_logs_from_anywhere(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backcare_gui.ui.tray import Tray

    monkeypatch.setattr(Tray, "available", staticmethod(lambda: True))  # offscreen has none
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assembly = Assembly(window, AppPaths.resolve(tmp_path / "home"))
    try:
        titles = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert "Diary" in titles
        page = window.open_section("Diary")
        assert isinstance(page, DiaryPage) and page is assembly.diary
        assert page.message.text() == EMPTY
        assembly.log_spasm()
        dialog = assembly.spasm_dialog
        assert isinstance(dialog, SpasmLogDialog) and dialog.isVisible()
        dialog.scale.set_value(6)
        dialog.save.click()
        assert page.list.count() == 1  # the open page follows
        tray = assembly.timers.tray
        assert tray is not None and tray.spasm_action.isVisible()
        tray.spasm_action.trigger()
        again = assembly.spasm_dialog
        assert again is not None and again is not dialog and again.isVisible()
    finally:
        assembly.close()
