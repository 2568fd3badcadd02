"""The app put together on a real data folder: what a person is told when records are damaged
or cannot be opened, and that routines still run either way."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from backcare_gui.paths import AppPaths
from backcare_gui.ui.assemble import Assembly
from backcare_gui.ui.main_window import MainWindow
from backcare_gui.ui.red_flags import RedFlagsDialog


def assemble(qtbot: QtBot, home: Path) -> tuple[MainWindow, Assembly]:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assembly = Assembly(window, AppPaths.resolve(home))
    assembly.tell_about_storage()
    return window, assembly


def test_a_damaged_records_file_is_set_aside_and_the_person_told_where(
        qtbot: QtBot, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "backcare.sqlite3").write_bytes(b"this is not a database at all" * 100)
    _window, assembly = assemble(qtbot, home)
    try:
        assert assembly.db is not None and assembly.db.recovered_from is not None
        kept = assembly.db.recovered_from
        assert kept.read_bytes().startswith(b"this is not a database")
        box = assembly.notice
        assert isinstance(box, QMessageBox) and str(kept) in box.text()
        assert "restore" in box.text()
    finally:
        assembly.close()


def test_records_that_cannot_be_opened_still_leave_routines_working(
        qtbot: QtBot, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "backcare.sqlite3").mkdir(parents=True)  # something that is not a file is in the way
    window, assembly = assemble(qtbot, home)
    assert assembly.db is None and assembly.flow.records is None
    box = assembly.notice
    assert isinstance(box, QMessageBox) and "will not be recorded" in box.text()
    routine = assembly.library.get("desk-break")
    assert routine is not None
    assembly.flow.begin(routine, pain_before=3)
    # no records: no saved safety answers either, so the check is asked; answered, it goes on
    dialog = assembly.flow.dialog
    assert isinstance(dialog, RedFlagsDialog)
    for group in dialog.groups.values():
        group.button(0).click()
    dialog.next.click()
    dialog.go.click()
    assert window.in_session
    assembly.close()


def test_a_movement_break_runs_the_desk_routine_quietly_and_records_it(
        qtbot: QtBot, tmp_path: Path) -> None:
    from backcare_gui.core.breaks import BreakDue, BreakKind
    from backcare_gui.core.pain import RED_FLAG_IDS
    from backcare_gui.store.records import SessionRecords
    from backcare_gui.store.safety import SafetyRecords
    from backcare_gui.ui.break_window import BreakWindow

    home = tmp_path / "home"
    window, assembly = assemble(qtbot, home)
    try:
        assert assembly.db is not None
        SafetyRecords(assembly.db).record_red_flags(dict.fromkeys(RED_FLAG_IDS, False), "cli",
                                                    False)
        shell = assembly.timers
        shell._due(BreakDue(BreakKind.MOVEMENT, absorbed=False, postpones=0, at_wall=0.0))
        break_window = shell.break_window
        assert isinstance(break_window, BreakWindow) and break_window.routine.isVisible()
        break_window.routine.click()
        assert window.in_session  # no rating questions on a break: straight into the routine
        assert window.player.driver is not None
        assert window.player.driver.engine.timeline.routine.id == "desk-break"
        (row,) = SessionRecords(assembly.db).export_rows()
        assert row.routine_id == "desk-break" and row.pain_before is None
    finally:
        assembly.close()


def test_the_heat_alarm_shows_a_window_until_acknowledged(qtbot: QtBot, tmp_path: Path) -> None:
    from backcare_gui.core.clock import FakeClock

    _window, assembly = assemble(qtbot, tmp_path / "home")
    try:
        shell = assembly.timers
        clock = shell.service.clock = FakeClock()
        heat = shell.service.start_heat(10)
        clock.advance(600)
        shell.service.poll()  # time is up: the end alarm
        box = shell.heat_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert box.windowTitle() == "Take the heat off"
        clock.advance(30)
        shell.service.poll()  # the alarm repeats...
        assert heat.alarms >= 2 and shell.heat_box is box  # ...in the same window
        ok = next(b for b in box.buttons() if b.text() == "I have taken it off")
        ok.click()
        assert heat.state.value == "done"
    finally:
        assembly.close()


def test_log_a_spasm_is_one_click_from_the_main_window(qtbot: QtBot, tmp_path: Path) -> None:
    from backcare_gui.ui.diary import SpasmLogDialog

    window, assembly = assemble(qtbot, tmp_path / "home")
    try:
        QApplication.processEvents()  # new children are shown on the next turn
        assert assembly.spasm_button.isVisible()
        assert "Ctrl+L" in assembly.spasm_button.toolTip()
        assembly.spasm_button.click()
        dialogs = [w for w in window.findChildren(SpasmLogDialog) if w.isVisible()]
        assert len(dialogs) == 1
    finally:
        assembly.close()


def test_the_history_chart_follows_the_spasm_diary(qtbot: QtBot, tmp_path: Path) -> None:
    """Logged from anywhere, ended or deleted on the Diary page: the History chart's markers
    follow at once, without reopening the section."""
    from backcare_gui.store.diary import DiaryRecords
    from backcare_gui.store.records import SessionRecords
    from backcare_gui.ui.diary import DiaryPage, SpasmLogDialog
    from backcare_gui.ui.history import HistoryPage

    window, assembly = assemble(qtbot, tmp_path / "home")
    try:
        assert assembly.db is not None
        sessions = SessionRecords(assembly.db)
        session = sessions.start("desk-break", "Desk break", "0" * 64, 120.0, 5, [], "")
        sessions.finish(session, "completed", 118.0, 3, None)
        titles = [window.nav.item(row).text() for row in range(window.nav.count())]
        history = window.page_at(titles.index("History"))
        assert isinstance(history, HistoryPage) and history is assembly.history
        assert history.chart.episode_points() == []

        assembly.log_spasm()  # Ctrl+L, the button, the tray
        dialog = assembly.spasm_dialog
        assert isinstance(dialog, SpasmLogDialog)
        qtbot.keyClick(dialog.scale, "6")
        qtbot.keyClick(dialog.scale, Qt.Key.Key_Return)
        ((_at, severity),) = history.chart.episode_points()
        assert severity == 6.0

        diary_page = window.page_at(titles.index("Diary"))
        assert isinstance(diary_page, DiaryPage)
        (episode,) = DiaryRecords(assembly.db).episodes()
        diary_page.stop(episode.id)  # "It has stopped": still on the chart, at its start
        assert history.chart.episode_points() == [(episode.started_at, 6.0)]
        diary_page.delete_selected()
        diary_page.confirm_delete.click()
        assert DiaryRecords(assembly.db).episodes() == []
        assert history.chart.episode_points() == []
    finally:
        assembly.close()


def test_a_routine_made_in_the_editor_is_in_the_library_and_tries_without_a_record(
        qtbot: QtBot, tmp_path: Path) -> None:
    from backcare_gui.store.records import SessionRecords

    window, assembly = assemble(qtbot, tmp_path / "home")
    try:
        window.open_section("Diary")
        window.library.new_button.click()  # as the app wires it
        actions = assembly.routine_actions
        (editor,) = actions.editors.values()
        editor.title_edit.setText("Lunch stretch")
        editor.title_edit.textEdited.emit("Lunch stretch")
        assert editor.save()
        assert assembly.library.get("lunch-stretch") is not None
        assert assembly.diary is not None and "lunch-stretch" in assembly.diary.routines
        detail = window.library.detail
        assert detail.routine is not None and detail.routine.id == "lunch-stretch"
        assert detail.edit.text() == "Edit"  # the person's own: edited in place
        detail.edit.click()
        assert list(actions.editors.values()) == [editor]  # the open editor, not a second
        editor.try_button.click()
        assert window.in_session
        assert window.player.driver is not None
        assert window.player.driver.engine.timeline.routine.id == "lunch-stretch"
        assert assembly.db is not None
        assert SessionRecords(assembly.db).export_rows() == []
        window.library.select("morning-mobility")
        assert window.library.detail.edit.text() == "Customise"
    finally:
        assembly.close()
