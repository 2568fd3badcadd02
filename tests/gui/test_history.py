"""The History page as a person uses it, over a real SQLite file: a table that reads only what
it shows, sorting and filtering by new queries, editing and deleting, the chart, heat sessions
and desk breaks, the empty and unavailable states, and the export buttons."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCharts import QScatterSeries
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from backcare_gui.store import export
from backcare_gui.store.db import Database, local_date
from backcare_gui.store.diary import DiaryRecords
from backcare_gui.store.records import HistoryFilter, SessionRecords, SessionRow
from backcare_gui.store.safety import SafetyRecords
from backcare_gui.store.timers import TimerRecords
from backcare_gui.ui import theme
from backcare_gui.ui.history import (
    CHANGE,
    DATE,
    PAGE_ROWS,
    PAIN,
    PERIODS,
    ROUTINE,
    STATUS,
    EditSessionDialog,
    HistoryPage,
)
from tests.conftest import ROOT
from tests.helpers.history_data import SHA, bulk_sessions, now_utc, open_db, record_sessions
from tests.helpers.prereq import require_commands
from tests.helpers.records import Clock

TITLES = {"morning-mobility": "Morning mobility", "desk-break": "Desk break"}
ALL_TIME = [p.days for p in PERIODS].index(None)


class CountingRecords(SessionRecords):
    """The real records; it only counts what the page asks for."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.pages: list[tuple[str, bool, int, int]] = []
        self.exports = 0

    def page(self, filter: HistoryFilter, order: str = "started_at", descending: bool = True,
             offset: int = 0, limit: int = 100) -> list[SessionRow]:
        self.pages.append((order, descending, offset, limit))
        return super().page(filter, order, descending, offset, limit)

    def export_rows(self, date_from: date | None = None,
                    date_to: date | None = None) -> list[SessionRow]:
        self.exports += 1
        return super().export_rows(date_from, date_to)


@pytest.fixture
def clock() -> Clock:
    return Clock(now_utc())


@pytest.fixture
def db(tmp_path: Path, clock: Clock) -> Iterator[Database]:
    database = open_db(tmp_path / "data", clock)
    yield database
    database.close()


@pytest.fixture
def records(db: Database) -> CountingRecords:
    return CountingRecords(db)


@pytest.fixture
def safety(db: Database) -> SafetyRecords:
    return SafetyRecords(db)


def make_page(qtbot: QtBot, records: SessionRecords | None, safety: SafetyRecords | None,
              period: int | None = None, timers: TimerRecords | None = None,
              diary: DiaryRecords | None = None) -> HistoryPage:
    page = HistoryPage(records, safety, TITLES, timers=timers, diary=diary)
    qtbot.addWidget(page)
    if period is not None:
        page.period.setCurrentIndex(period)
    page.resize(980, 760)
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()
    return page


def column(page: HistoryPage, col: int) -> list[str]:
    assert page.model is not None
    return [str(page.model.index(r, col).data()) for r in range(page.model.rowCount())]


def shown_ids(page: HistoryPage) -> list[int]:
    assert page.model is not None
    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    return [row.id for row in rows if row is not None]


def click_header(qtbot: QtBot, page: HistoryPage, section: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))
    page.table.viewport().repaint()  # the view asks for the rows it paints


def select_row(qtbot: QtBot, page: HistoryPage, row: int) -> None:
    rect = page.table.visualRect(page.table.model().index(row, DATE))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_row() is not None


# --- the table reads SQLite a page at a time ------------------------------------------------

def test_the_table_reads_only_the_pages_it_shows(qtbot: QtBot, db: Database,
                                                  records: CountingRecords) -> None:
    bulk_sessions(db, 5000)
    page = make_page(qtbot, records, None, period=ALL_TIME)
    assert page.model is not None
    assert page.model.rowCount() == 5000
    assert records.exports == 0
    # The first screen: one page of rows (at most two), never the 5,000.
    assert 1 <= len(records.pages) <= 2
    assert sum(limit for *_, limit in records.pages) <= 2 * PAGE_ROWS
    assert {offset for _o, _d, offset, _l in records.pages} == {0}
    first_screen = len(records.pages)

    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: any(offset >= 4900 for *_, offset, _l in records.pages))
    QApplication.processEvents()
    assert len(records.pages) <= first_screen + 2
    oldest = min(records.export_rows(), key=lambda r: (r.started_at, r.id))
    assert page.model.row_at(4999) == oldest


def test_the_default_period_is_the_last_twelve_months(qtbot: QtBot, db: Database,
                                                      records: CountingRecords) -> None:
    bulk_sessions(db, 2000)  # more than five years
    page = make_page(qtbot, records, None)
    assert page.period.currentText() == "Last 12 months"
    first = date.today() - timedelta(days=364)
    assert page.model is not None
    assert page.model.rowCount() == records.count(HistoryFilter(date_from=first))
    assert all(local_date(r.started_at) >= first for r in
               (page.model.row_at(n) for n in range(page.model.rowCount())) if r is not None)


# --- sorting: a new query in the clicked column's order -------------------------------------

def expected_order(rows: list[SessionRow], key: Any, descending: bool) -> list[int]:
    ordered = sorted(rows, key=lambda r: (key(r), r.started_at, r.id), reverse=descending)
    return [r.id for r in ordered]


def test_clicking_a_header_queries_again_in_that_order(qtbot: QtBot, db: Database,
                                                       clock: Clock,
                                                       records: CountingRecords) -> None:
    record_sessions(db, clock, 40, seed=3)
    rows = records.export_rows()
    page = make_page(qtbot, records, None)
    assert shown_ids(page) == expected_order(rows, lambda r: 0, descending=True)

    click_header(qtbot, page, ROUTINE)
    assert page.model is not None
    descending = page.model.descending
    assert records.pages[-1][:2] == ("routine_title", descending)
    assert shown_ids(page) == expected_order(rows, lambda r: r.routine_title.casefold(),
                                             descending)
    click_header(qtbot, page, ROUTINE)  # and the other way round
    assert page.model.descending is not descending
    assert records.pages[-1][:2] == ("routine_title", not descending)
    assert shown_ids(page) == expected_order(rows, lambda r: r.routine_title.casefold(),
                                             not descending)

    def change(row: SessionRow) -> tuple[bool, int]:  # SQL puts NULL first when ascending
        if row.pain_before is None or row.pain_after is None:
            return (False, 0)
        return (True, row.pain_after - row.pain_before)

    click_header(qtbot, page, CHANGE)
    assert records.pages[-1][0] == "pain_change"
    assert shown_ids(page) == expected_order(rows, change, page.model.descending)


# --- filtering -------------------------------------------------------------------------------

def test_search_status_and_period_filters(qtbot: QtBot, db: Database, clock: Clock,
                                          records: CountingRecords) -> None:
    record_sessions(db, clock, 60, seed=4)
    page = make_page(qtbot, records, None)
    assert page.model is not None
    qtbot.keyClicks(page.search, "core")
    qtbot.waitUntil(lambda: page.model is not None and page.model.rowCount() == 12)
    assert set(column(page, ROUTINE)) == {"Core basics"}

    page.search.setText("SHARP")  # in the notes, any case
    page.apply_filters()
    noted = [r for r in records.export_rows() if "sharp" in r.note]
    assert sorted(shown_ids(page)) == sorted(r.id for r in noted)

    page.search.clear()
    page.status_filter.setCurrentIndex(page.status_filter.findData("partial"))
    assert set(column(page, STATUS)) == {"Stopped early"}
    assert page.model.rowCount() == records.count(HistoryFilter(statuses=frozenset({"partial"})))

    page.status_filter.setCurrentIndex(0)
    page.period.setCurrentIndex([p.label for p in PERIODS].index("Last 30 days"))
    first = date.today() - timedelta(days=29)
    assert page.model.rowCount() == len([r for r in records.export_rows()
                                         if local_date(r.started_at) >= first])

    page.search.setText("zebra crossing")
    page.apply_filters()
    assert page.table_stack.currentWidget() is page.no_match
    assert "No session matches" in page.no_match.text()


# --- editing and deleting -------------------------------------------------------------------

def test_enter_opens_the_editor_and_saving_changes_the_record(qtbot: QtBot, db: Database,
                                                              clock: Clock,
                                                              records: CountingRecords) -> None:
    record_sessions(db, clock, 10, seed=5)
    page = make_page(qtbot, records, None)
    assert not page.edit_button.isEnabled()
    select_row(qtbot, page, 0)
    assert page.edit_button.isEnabled()
    session = page.selected_row()
    assert session is not None
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, EditSessionDialog)
    assert dialog.isVisible()
    dialog.before.setFocus()
    qtbot.keyClick(dialog.before, Qt.Key.Key_7)
    dialog.after.setFocus()
    qtbot.keyClick(dialog.after, Qt.Key.Key_3)
    dialog.note.setText("better after the walk")
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)

    saved = records.get(session.id)
    assert saved is not None
    assert (saved.pain_before, saved.pain_after, saved.note) == (7, 3, "better after the walk")
    assert saved.routine_title == session.routine_title  # the rest is kept
    row = shown_ids(page).index(session.id)
    assert page.model is not None
    assert page.model.index(row, PAIN).data() == "7 → 3"
    assert page.model.index(row, CHANGE).data() == "-4 · eased"
    assert "Saved your changes" in page.status.text()


def test_cancel_and_double_click(qtbot: QtBot, db: Database, clock: Clock,
                                 records: CountingRecords) -> None:
    record_sessions(db, clock, 5, seed=6)
    page = make_page(qtbot, records, None)
    before = records.export_rows()
    rect = page.table.visualRect(page.table.model().index(2, ROUTINE))
    # A double-click is a click, then the second press.
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = page.dialog
    assert isinstance(dialog, EditSessionDialog)
    dialog.before.set_value(0)
    dialog.reject()
    assert records.export_rows() == before
    assert dialog.changes() == {"pain_before": 0}


def test_delete_asks_once_then_deletes(qtbot: QtBot, db: Database, clock: Clock,
                                       records: CountingRecords) -> None:
    record_sessions(db, clock, 6, seed=7)
    page = make_page(qtbot, records, None)
    assert page.model is not None
    select_row(qtbot, page, 1)
    session = page.selected_row()
    assert session is not None

    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    box = page.dialog
    assert isinstance(box, QMessageBox)
    assert session.routine_title in box.text()
    keep = next(b for b in box.buttons() if b.text() == "Keep it")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert records.get(session.id) is not None
    assert page.model.rowCount() == 6

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.dialog
    assert isinstance(box, QMessageBox)
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert records.get(session.id) is None
    assert page.model.rowCount() == 5
    assert session.id not in shown_ids(page)
    assert "Deleted" in page.status.text()


# --- chart and adherence --------------------------------------------------------------------

def test_the_chart_has_a_point_per_rating(qtbot: QtBot, db: Database, clock: Clock,
                                          records: CountingRecords) -> None:
    record_sessions(db, clock, 30, seed=8)
    rows = records.export_rows()
    page = make_page(qtbot, records, None)
    after = sum(1 for r in rows if r.pain_after is not None)
    assert after < 30  # sessions stopped before the first exercise have no after-rating
    assert page.chart_point_counts() == (30, after, 30)
    assert page.chart.before.pointsVisible()

    # A new session, then refresh() (as the main window does after recording one).
    clock.set(now_utc())
    sid = records.start("desk-break", "Desk break", SHA, 120.0, 5, ["neck"], "")
    records.finish(sid, "completed", 118.0, 2, "easier")
    page.refresh()
    assert page.chart_point_counts() == (31, after + 1, 31)
    assert page.model is not None
    assert page.model.rowCount() == 31
    assert page.model.index(0, PAIN).data() == "5 → 2"


def test_adherence_strip_says_days_in_a_row_and_sessions_per_week(
        qtbot: QtBot, db: Database, clock: Clock, records: CountingRecords) -> None:
    for days_ago in (0, 1, 2, 4):  # three days in a row, up to today
        clock.set(now_utc() - timedelta(days=days_ago))
        sid = records.start("desk-break", "Desk break", SHA, 120.0, 5, [], "")
        records.finish(sid, "completed", 118.0, 4, None)
    page = make_page(qtbot, records, None)
    adherence = records.adherence(date.today())
    assert adherence.streak == 3
    assert page.adherence.streak.text() == "3 days in a row"
    assert f"This week: {adherence.weeks[-1].sessions} session" in page.adherence.weekly.text()
    assert [n for _, n in page.adherence.bars.weeks] == [w.sessions for w in adherence.weeks]


# --- heat and breaks ------------------------------------------------------------------------

@pytest.fixture
def timers(db: Database) -> TimerRecords:
    return TimerRecords(db)


def hours_ago(hours: float) -> datetime:
    return now_utc() - timedelta(hours=hours)


def record_timer_day(timers: TimerRecords) -> None:
    """A working day of heat and breaks, the last of them an hour ago."""
    timers.record("micro_break", "taken", 60, at=hours_ago(7))
    timers.record("micro_break", "postponed", at=hours_ago(6))
    timers.record("heat", "cancelled", 370, "stopped early", at=hours_ago(5))
    timers.record("movement_break", "skipped", at=hours_ago(4))
    timers.record("micro_break", "taken", 60, "postponed 1 times", at=hours_ago(3))
    timers.record("micro_break", "natural", 60, at=hours_ago(2))
    timers.record("heat", "completed", 900, "15 min", at=hours_ago(1))


def set_period(page: HistoryPage, days: int | None) -> None:
    page.period.setCurrentIndex([p.days for p in PERIODS].index(days))


def test_heat_and_breaks_show_their_counts_and_the_latest(
        qtbot: QtBot, db: Database, clock: Clock, records: CountingRecords,
        timers: TimerRecords) -> None:
    record_sessions(db, clock, 5, seed=15)
    record_timer_day(timers)
    page = make_page(qtbot, records, None, timers=timers)
    view = page.timer_view
    assert view.isVisible() and view.box.isVisible()
    assert view.parent() is page.content  # beside the chart, the table keeps its rows
    texts = view.texts()
    assert texts[:4] == ["Heat and breaks", "Heat: 2 sessions, 21 min",
                         "Breaks taken: 3 (1 natural)", "Skipped: 1 · postponed: 1"]
    # The most recent first, in plain words, with their local time.
    assert [t.split(": ", 1)[1] for t in texts[4:]] == [
        "Heat 15 min · completed", "Natural break (away from the desk)",
        "Stand-up break · taken"]
    newest = timers.events()[-1].at.astimezone()
    day = export.day_text(newest.date(), year=newest.year != date.today().year)
    assert texts[4].startswith(f"{day} {newest:%H:%M}: ")
    assert "1 stopped early" in view.heat.toolTip()

    # A new event, then refresh() (as after any change): it is read again.
    timers.record("movement_break", "skipped", at=hours_ago(0.5))
    page.refresh()
    assert view.texts()[3] == "Skipped: 2 · postponed: 1"
    assert view.recent_texts()[0].endswith(": Movement break · skipped")


def test_the_period_menu_chooses_the_heat_and_breaks_too(
        qtbot: QtBot, db: Database, clock: Clock, records: CountingRecords,
        timers: TimerRecords) -> None:
    record_sessions(db, clock, 5, seed=16)
    timers.record("heat", "completed", 600, at=hours_ago(24 * 10))
    timers.record("micro_break", "skipped", at=hours_ago(24 * 200))
    timers.record("movement_break", "taken", 300, at=hours_ago(24 * 500))
    page = make_page(qtbot, records, None, timers=timers)
    view = page.timer_view
    assert view.texts()[1:4] == ["Heat: 1 session, 10 min", "Breaks taken: 0",
                                 "Skipped: 1 · postponed: 0"]  # the last 12 months
    set_period(page, 30)
    assert view.texts()[1:4] == ["Heat: 1 session, 10 min", "Breaks taken: 0",
                                 "Skipped: 0 · postponed: 0"]
    assert len(view.recent_texts()) == 1
    set_period(page, None)
    assert view.texts()[2:4] == ["Breaks taken: 1", "Skipped: 1 · postponed: 0"]
    assert [t.split(": ", 1)[1] for t in view.recent_texts()] == [
        "Heat 10 min · completed", "Stand-up break · skipped", "Movement break · taken"]
    oldest = timers.events()[0].at.astimezone().date()
    assert view.recent_texts()[2].startswith(export.day_text(oldest) + " ")


def test_a_period_without_heat_or_breaks_leaves_the_room_to_the_chart(
        qtbot: QtBot, db: Database, clock: Clock, records: CountingRecords,
        timers: TimerRecords) -> None:
    record_sessions(db, clock, 5, seed=16)
    timers.record("heat", "completed", 600, at=hours_ago(24 * 10))
    later = date.today() + timedelta(days=40)  # the heat session is 50 days back by then
    page = HistoryPage(records, None, TITLES, timers=timers, today=lambda: later)
    qtbot.addWidget(page)
    set_period(page, 30)
    page.show()
    qtbot.waitExposed(page)
    assert page.stack.currentWidget() is page.content
    assert page.timer_summary()[0].empty
    assert not page.timer_view.isVisible()  # not even a hint beside the chart
    set_period(page, 91)
    assert page.timer_view.isVisible()


def test_without_heat_or_breaks_there_is_no_box(qtbot: QtBot, db: Database, clock: Clock,
                                                records: CountingRecords,
                                                timers: TimerRecords) -> None:
    record_sessions(db, clock, 5, seed=17)
    for page in (make_page(qtbot, records, None, timers=timers),
                 make_page(qtbot, records, None)):
        assert page.stack.currentWidget() is page.content
        assert not page.timer_view.isVisible()
        assert page.timer_view.texts() == []


def test_heat_and_breaks_show_before_any_session(qtbot: QtBot, records: CountingRecords,
                                                 timers: TimerRecords) -> None:
    timers.record("heat", "completed", 900, at=hours_ago(24 * 60))
    page = make_page(qtbot, records, None, timers=timers)
    assert page.stack.currentWidget() is page.empty
    view = page.timer_view
    assert view.isVisible() and view.texts()[1] == "Heat: 1 session, 15 min"
    assert page.period.isEnabled()  # the period chooses them; nothing to export yet
    assert not page.csv_button.isEnabled() and not page.pdf_button.isEnabled()
    set_period(page, 30)  # older than the period: one line says where they are
    assert not view.box.isVisible()
    assert view.texts() == ["No heat sessions or breaks in the last 30 days: choose All time "
                            "above to see older ones."]
    set_period(page, None)
    assert view.box.isVisible()


def test_set_records_keeps_the_timers_in_step(qtbot: QtBot, db: Database, clock: Clock,
                                              records: CountingRecords, timers: TimerRecords,
                                              tmp_path: Path) -> None:
    record_sessions(db, clock, 5, seed=18)
    page = make_page(qtbot, records, None)
    assert not page.timer_view.isVisible()
    other = open_db(tmp_path / "restored", Clock(now_utc()))
    try:
        record_sessions(other, Clock(now_utc()), 3, seed=19)
        restored = TimerRecords(other)
        restored.record("micro_break", "taken", 60, at=hours_ago(2))
        page.set_records(SessionRecords(other), SafetyRecords(other), restored)
        assert page.timers is restored
        assert page.timer_view.isVisible()
        assert page.timer_view.texts()[2] == "Breaks taken: 1"
        page.set_records(SessionRecords(other), SafetyRecords(other))
        assert page.timers is None and not page.timer_view.isVisible()
    finally:
        other.close()


def test_the_report_from_the_page_has_heat_and_breaks(
        qtbot: QtBot, db: Database, clock: Clock, records: CountingRecords,
        timers: TimerRecords, tmp_path: Path) -> None:
    require_commands("pdftotext")
    record_sessions(db, clock, 6, seed=20)
    record_timer_day(timers)
    timers.record("heat", "completed", 1200, at=hours_ago(24 * 40))  # before the period
    page = make_page(qtbot, records, None, timers=timers)
    set_period(page, 30)
    target = tmp_path / "report.pdf"
    assert page.export_pdf_to(target)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], check=True,
                          capture_output=True, text=True, timeout=120).stdout
    assert "Heat and breaks" in text
    assert "2 sessions, 21 min (1 stopped early)" in text  # not the older 20 minutes
    assert "3 taken (1 natural), 1 skipped, 1 postponed" in text
    assert "Stand-up break" in text and "Natural (away from the desk)" in text
    assert "Movement break" in text and "Postponed" in text


# --- empty, unavailable, failing ------------------------------------------------------------

def test_empty_history_says_what_to_do(qtbot: QtBot, records: CountingRecords) -> None:
    page = make_page(qtbot, records, None)
    assert page.stack.currentWidget() is page.empty
    assert page.empty_title.text() == "No sessions yet: start with Morning mobility"
    assert page.content is None  # no chart built for nothing
    assert not page.csv_button.isEnabled() and not page.pdf_button.isEnabled()
    assert page.empty_start is not None
    with qtbot.waitSignal(page.start_requested) as signal:
        qtbot.mouseClick(page.empty_start, Qt.MouseButton.LeftButton)
    assert signal.args == ["morning-mobility"]

    sid = records.start("desk-break", "Desk break", SHA, 120.0, 5, [], "")
    records.finish(sid, "completed", 118.0, 4, None)
    page.refresh()
    assert page.content is not None and page.stack.currentWidget() is page.content
    assert page.csv_button.isEnabled() and page.pdf_button.isEnabled()
    assert page.model is not None and page.model.rowCount() == 1


def test_without_records_the_page_says_so_calmly(qtbot: QtBot) -> None:
    page = make_page(qtbot, None, None)
    assert page.stack.currentWidget() is page.unavailable
    texts = " ".join(w.text() for w in page.unavailable.findChildren(type(page.status)))
    assert "could not open your records" in texts
    assert not page.csv_button.isEnabled() and not page.pdf_button.isEnabled()
    page.refresh()  # nothing to read, nothing breaks


def test_a_store_error_is_shown_as_a_message(qtbot: QtBot, db: Database, clock: Clock,
                                             records: CountingRecords) -> None:
    record_sessions(db, clock, 3, seed=9)
    page = make_page(qtbot, records, None)
    db.close()
    page.refresh()
    box = page.dialog
    assert isinstance(box, QMessageBox)
    assert "Nothing you saved before has been lost" in box.text()


def test_charts_are_imported_only_when_a_chart_is_made(tmp_path: Path) -> None:
    code = ("import sys\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "from backcare_gui.ui.history import HistoryPage\n"
            "HistoryPage(None, None, {})\n"
            "print('PySide6.QtCharts' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT),
                                                     "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip() == "False"


# --- exports from the page ------------------------------------------------------------------

def test_the_csv_button_asks_for_a_file_then_writes_the_export(
        qtbot: QtBot, db: Database, clock: Clock, records: CountingRecords,
        tmp_path: Path) -> None:
    record_sessions(db, clock, 12, seed=10)
    page = make_page(qtbot, records, None)
    qtbot.mouseClick(page.csv_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, QFileDialog)
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    target = tmp_path / "mine.csv"
    dialog.fileSelected.emit(str(target))
    text = target.read_bytes().decode("utf-8")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    assert lines[0] == list(export.CSV_COLUMNS)
    assert len(lines) == 13
    assert text == export.csv_text(records.export_rows())
    assert page.status.text() == f"Saved 12 sessions to {target}."
    assert page.progress is not None and page.progress.steps[-1] == 100


def test_the_pdf_button_writes_the_report(qtbot: QtBot, db: Database, clock: Clock,
                                          records: CountingRecords, safety: SafetyRecords,
                                          tmp_path: Path) -> None:
    record_sessions(db, clock, 20, seed=11, hurt_every=5)
    page = make_page(qtbot, records, safety)
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    assert isinstance(page.dialog, QFileDialog)
    page.dialog.close()
    target = tmp_path / "report.pdf"
    assert page.export_pdf_to(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert page.progress is not None and page.progress.steps[-1] == 100
    assert page.status.text().startswith("Saved your report (")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_export_that_cannot_be_written_says_so(qtbot: QtBot, db: Database, clock: Clock,
                                                  records: CountingRecords,
                                                  tmp_path: Path) -> None:
    record_sessions(db, clock, 2, seed=12)
    page = make_page(qtbot, records, None)
    (tmp_path / "a file").write_text("not a folder")
    assert not page.export_csv_to(tmp_path / "a file" / "x.csv")
    box = page.dialog
    assert isinstance(box, QMessageBox)
    assert "could not save" in box.text()
    assert "records are unchanged" in box.text()


def test_keyboard_reaches_everything(qtbot: QtBot, db: Database, clock: Clock,
                                     records: CountingRecords) -> None:
    record_sessions(db, clock, 3, seed=13)
    page = make_page(qtbot, records, None)
    tips = {b.text(): b.toolTip() for b in page.findChildren(QPushButton)}
    assert "(Enter)" in tips["Change…"]
    assert "(Delete)" in tips["Delete…"]


def test_the_chart_follows_a_switch_to_dark(qtbot: QtBot, db: Database, clock: Clock,
                                            records: CountingRecords,
                                            styled_app: QApplication) -> None:
    record_sessions(db, clock, 4, seed=14)
    page = make_page(qtbot, records, None)
    assert page.chart.chart.backgroundBrush().color().name() == theme.LIGHT.base
    theme.apply(styled_app, dark=True)
    try:
        QApplication.processEvents()
        assert page.chart.chart.backgroundBrush().color().name() == theme.DARK.base
        assert page.chart.after.pen().color().name() == theme.DARK.accent
    finally:
        theme.apply(styled_app, dark=False)


# --- the spasm diary ------------------------------------------------------------------------

@pytest.fixture
def diary(db: Database) -> DiaryRecords:
    return DiaryRecords(db)


def log_episodes(diary: DiaryRecords) -> dict[str, int]:
    """One 10 days ago (ended), one 100 days ago, one 400 days ago, one still going now."""
    ids = {}
    for name, days, severity in (("recent", 10, 7), ("months", 100, 5), ("old", 400, 9)):
        start = hours_ago(24 * days)
        ids[name] = diary.log(severity, started_at=start, ended_at=start + timedelta(hours=1),
                              triggers=["prolonged-sitting"])
    ids["going"] = diary.log(4, started_at=hours_ago(1), triggers=["stress", "other"],
                             trigger_other="a long drive", helped=["heat"])
    return ids


def markers(page: HistoryPage, diary: DiaryRecords, *names: int) -> list[tuple[datetime, float]]:
    """What the chart should mark for these episodes: their start, their severity."""
    episodes = [diary.get(episode_id) for episode_id in names]
    return sorted((e.started_at, float(e.severity)) for e in episodes if e is not None)


def test_the_chart_marks_spasm_episodes_of_the_period(
        qtbot: QtBot, db: Database, clock: Clock, records: CountingRecords,
        diary: DiaryRecords) -> None:
    record_sessions(db, clock, 20, seed=22)
    ids = log_episodes(diary)
    page = make_page(qtbot, records, None, diary=diary)
    series = page.chart.episodes
    assert series.name() == "Spasm episodes"
    assert series.markerShape() == QScatterSeries.MarkerShape.MarkerShapeTriangle
    assert series.color().name() == theme.LIGHT.warning  # not a line's colour
    legend = [m.label() for m in page.chart.chart.legend().markers()]
    assert legend[-1] == "Spasm episodes"
    # The last 12 months: not the one 400 days ago; the one still going stands at its start.
    assert page.chart.episode_points() == markers(page, diary, ids["months"], ids["recent"],
                                                  ids["going"])
    assert page.chart.point_counts()[0] == 20  # the ratings are unchanged
    # The same time axis as the ratings: every marker inside its range.
    low, high = page.chart.x_axis.min().toMSecsSinceEpoch(), page.chart.x_axis.max()
    assert all(low <= m.timestamp() * 1000 <= high.toMSecsSinceEpoch()
               for m, _ in page.chart.episode_points())
    set_period(page, 30)
    assert page.chart.episode_points() == markers(page, diary, ids["recent"], ids["going"])
    set_period(page, None)
    assert len(page.chart.episode_points()) == 4
    tip = page.chart.episode_tip(page.chart.episodes.points()[0])
    assert tip.startswith("Spasm episode, ") and tip.endswith("severity 9 out of 10")

    # Logged, changed, deleted: refresh_episodes() (as the app calls it) redraws the markers.
    set_period(page, 30)
    new = diary.log(10, started_at=hours_ago(30))
    page.refresh_episodes()
    assert page.chart.episode_points() == markers(page, diary, ids["recent"], new, ids["going"])
    diary.edit(ids["recent"], severity=2)
    diary.delete(new)
    page.refresh_episodes()
    assert page.chart.episode_points() == markers(page, diary, ids["recent"], ids["going"])
    assert page.chart.episode_points()[0][1] == 2.0


def test_without_the_diary_the_chart_has_no_markers(qtbot: QtBot, db: Database, clock: Clock,
                                                    records: CountingRecords,
                                                    diary: DiaryRecords) -> None:
    record_sessions(db, clock, 5, seed=23)
    log_episodes(diary)
    page = make_page(qtbot, records, None)

    def in_legend() -> bool:
        (marker,) = page.chart.chart.legend().markers(page.chart.episodes)
        return marker.isVisible()

    assert page.chart.episode_points() == [] and not in_legend()  # no diary, no clutter
    page.set_records(records, None, None, diary)  # as after a restore: the diary comes along
    assert len(page.chart.episode_points()) == 3 and in_legend()
    page.set_records(records, None)
    assert page.chart.episode_points() == [] and not in_legend()


def test_the_spasm_markers_follow_a_switch_to_dark(qtbot: QtBot, db: Database, clock: Clock,
                                                   records: CountingRecords,
                                                   diary: DiaryRecords,
                                                   styled_app: QApplication) -> None:
    record_sessions(db, clock, 4, seed=24)
    log_episodes(diary)
    page = make_page(qtbot, records, None, diary=diary)
    theme.apply(styled_app, dark=True)
    try:
        QApplication.processEvents()
        assert page.chart.episodes.color().name() == theme.DARK.warning
        assert page.chart.episodes.borderColor().name() == theme.DARK.base
    finally:
        theme.apply(styled_app, dark=False)


def test_the_report_from_the_page_has_the_spasm_diary(
        qtbot: QtBot, db: Database, clock: Clock, records: CountingRecords,
        diary: DiaryRecords, tmp_path: Path) -> None:
    require_commands("pdftotext")
    record_sessions(db, clock, 6, seed=25)
    log_episodes(diary)
    page = make_page(qtbot, records, None, diary=diary)
    set_period(page, 30)
    target = tmp_path / "report.pdf"
    assert page.export_pdf_to(target)
    # In reading order (no -layout): a cell's wrapped lines stay together.
    text = " ".join(subprocess.run(["pdftotext", str(target), "-"], check=True,
                                   capture_output=True, text=True, timeout=120).stdout.split())
    assert "Spasm diary" in text
    assert "Episodes 2 (1 still going)" in text  # the period's: not 100 or 400 days ago
    assert "Most frequent triggers Prolonged sitting (1), Stress (1), Other (1)" in text
    assert "still going 4 Stress, Other: a long drive" in text  # length, severity, triggers


def test_a_diary_without_sessions_can_still_be_taken_to_the_doctor(
        qtbot: QtBot, records: CountingRecords, diary: DiaryRecords, tmp_path: Path) -> None:
    page = make_page(qtbot, records, None, diary=diary)
    assert not page.pdf_button.isEnabled()  # nothing at all yet
    log_episodes(diary)
    page.refresh()
    assert page.stack.currentWidget() is page.empty  # still "No sessions yet"
    assert page.pdf_button.isEnabled() and not page.csv_button.isEnabled()
    target = tmp_path / "report.pdf"
    assert page.export_pdf_to(target) and target.stat().st_size > 0
