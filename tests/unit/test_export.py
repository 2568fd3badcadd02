"""The CSV export and the report's figures (no Qt): exact columns, quoting, local time with its
offset, date limits, the chart's lines, means, adherence, what hurt, the red-flag answers, heat
sessions and desk breaks, and the spasm diary."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare_gui.store import export
from backcare_gui.store.db import Database
from backcare_gui.store.diary import DiaryRecords
from backcare_gui.store.records import HistoryFilter, PainPoint, SessionRecords, SessionRow
from backcare_gui.store.safety import SafetyRecords
from backcare_gui.store.timers import Outcome, TimerEvent, TimerKind, TimerRecords
from tests.conftest import ROOT
from tests.helpers.history_data import record_sessions
from tests.helpers.records import SHA, Clock, local, local_zone

# Central European time, written out so no time zone database is needed: +01:00 in November.
CET = "CET-1CEST,M3.5.0,M10.5.0/3"
HEADER = ("id,started_at,routine_id,routine_title,status,planned_seconds,active_seconds,"
          "pain_before,pain_after,locations,note")


@pytest.fixture
def zone() -> Iterator[None]:
    with local_zone(CET):
        yield


@pytest.fixture
def clock(zone: None) -> Clock:
    return Clock(datetime(2026, 11, 25, 16, 41, tzinfo=UTC))


@pytest.fixture
def records(db: Database) -> SessionRecords:
    return SessionRecords(db)


def add(records: SessionRecords, clock: Clock, at: datetime, *, title: str = "Desk break",
        before: int | None = 6, after: int | None = 4, note: str = "",
        locations: tuple[str, ...] = ("lower-back",), status: str = "completed") -> int:
    clock.set(at)
    sid = records.start("desk-break", title, SHA, 120.0, before, locations, note)
    clock.advance(minutes=2)
    if status != "running":
        records.finish(sid, status, 118.5, after, "easier")  # type: ignore[arg-type]
    return sid


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- words ----------------------------------------------------------------------------------

def test_local_times_read_like_a_person_says_them(zone: None) -> None:
    moment = datetime(2026, 11, 25, 16, 41, 30, tzinfo=UTC)
    assert export.local_iso(moment) == "2026-11-25T17:41:30+01:00"
    assert export.local_text(moment) == "Wed 25 Nov 2026 17:41"
    assert export.local_text(datetime(2026, 7, 5, 6, 7, tzinfo=UTC)) == "Sun 5 Jul 2026 08:07"
    assert export.local_iso(datetime(2026, 7, 5, 6, 7, tzinfo=UTC)) == "2026-07-05T08:07:00+02:00"
    assert export.day_text(date(2026, 3, 1)) == "1 Mar 2026"


@pytest.mark.parametrize(("before", "after", "pain", "change"), [
    (6, 4, "6 → 4", "-2 · eased"),  # a drop of 2 points
    (3, 2, "3 → 2", "-1 · eased"),  # 33 %: meaningful although only one point
    (8, 7, "8 → 7", "-1"),  # 12 %: not
    (4, 5, "4 → 5", "+1"),
    (5, 5, "5 → 5", "0"),
    (5, None, "5 → –", ""),
    (None, 3, "– → 3", ""),
    (None, None, "", ""),
])
def test_pain_and_change_cells(before: int | None, after: int | None, pain: str,
                               change: str) -> None:
    assert export.pain_text(before, after) == pain
    assert export.change_text(before, after) == change


def test_minutes_status_and_streak_words() -> None:
    assert export.minutes_text(30) == "0.5"
    assert export.minutes_text(290) == "4.8"
    assert export.minutes_text(1500) == "25"
    assert export.STATUS_WORDS["partial"] == "Stopped early"
    assert export.STATUS_WORDS["abandoned"] == "Stopped before the first exercise"
    assert export.STATUS_WORDS["running"] == "In progress"
    assert export.streak_text(3) == "3 days in a row"
    assert export.streak_text(1) == "1 day in a row"


@pytest.mark.parametrize("text", ["2026-2-1", "20261125", "2026-11-25T10:00", "yesterday", ""])
def test_dates_on_the_command_line_are_strict(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        export.parse_day(text)
    assert export.parse_day("2026-02-01") == date(2026, 2, 1)


# --- CSV ------------------------------------------------------------------------------------

def test_csv_has_the_exact_header_and_one_row_per_session(records: SessionRecords,
                                                          clock: Clock) -> None:
    first = add(records, clock, datetime(2026, 11, 25, 16, 41, tzinfo=UTC), note="fine",
                locations=("lower-back", "neck"))
    second = add(records, clock, datetime(2026, 11, 26, 7, 5, tzinfo=UTC), title="Core basics",
                 before=None, after=None, locations=(), status="partial")
    text = export.csv_text(records.export_rows())
    assert text.split("\r\n")[0] == HEADER
    assert parsed(text) == [
        HEADER.split(","),
        [str(first), "2026-11-25T17:41:00+01:00", "desk-break", "Desk break", "completed",
         "120", "118.5", "6", "4", "lower-back;neck", "fine"],
        [str(second), "2026-11-26T08:05:00+01:00", "desk-break", "Core basics", "partial",
         "120", "118.5", "", "", "", ""],
    ]


def test_no_sessions_is_a_valid_csv_with_just_the_header() -> None:
    assert export.csv_text([]) == HEADER + "\r\n"
    assert export.session_rows(None) == []


def test_commas_quotes_and_newlines_in_notes_are_quoted(records: SessionRecords,
                                                         clock: Clock) -> None:
    note = 'stiff, "sharp" at first\nthen better'
    add(records, clock, datetime(2026, 11, 25, 16, 41, tzinfo=UTC), note=note,
        title="Stretch, gently")
    text = export.csv_text(records.export_rows())
    assert '"stiff, ""sharp"" at first\nthen better"' in text
    assert '"Stretch, gently"' in text
    assert parsed(text)[1][-1] == note
    assert parsed(text)[1][3] == "Stretch, gently"


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_note_and_title_come_back_exactly(note: str, title: str) -> None:
    row = SessionRow(1, datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "r", title, SHA, 60.0, 1,
                     (), note, None, None, "completed", None, 30.0, 1, None, 2, None,
                     datetime(2026, 1, 2, 3, 4, tzinfo=UTC), None)
    back = parsed(export.csv_text([row]))
    assert len(back) == 2
    assert back[1][3] == title
    assert back[1][-1] == note


def test_from_and_to_are_local_days_both_inclusive(records: SessionRecords,
                                                    clock: Clock) -> None:
    # 23:30 UTC on the 24th is already the 25th in Central Europe.
    ids = [add(records, clock, moment) for moment in (
        local(2026, 11, 24, 23, 59), datetime(2026, 11, 24, 23, 30, tzinfo=UTC),
        local(2026, 11, 26, 0, 0), local(2026, 11, 26, 23, 59), local(2026, 11, 27, 0, 0))]
    rows = export.session_rows(records, date(2026, 11, 25), date(2026, 11, 26))
    assert [r.id for r in rows] == ids[1:4]
    assert [r.id for r in export.session_rows(records, date(2026, 11, 26))] == ids[2:]
    assert [r.id for r in export.session_rows(records, None, date(2026, 11, 24))] == ids[:1]


def test_save_csv_writes_utf8_whole_and_dash_means_stdout(
        records: SessionRecords, clock: Clock, tmp_path: Path,
        capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    add(records, clock, datetime(2026, 11, 25, 16, 41, tzinfo=UTC), note="Rücken: besser ✓")
    target = tmp_path / "exports" / "out.csv"
    target.parent.mkdir()
    assert export.save_csv(records.export_rows(), target) == 1
    data = target.read_bytes()
    assert data.startswith(HEADER.encode() + b"\r\n")
    assert "Rücken: besser ✓".encode() in data
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]  # no temporary file left
    export.save_csv(records.export_rows(), "-")
    assert capfdbinary.readouterr().out == data


def test_progress_is_reported_while_writing(records: SessionRecords, clock: Clock) -> None:
    for n in range(3):
        add(records, clock, datetime(2026, 11, 20 + n, 9, tzinfo=UTC))
    steps: list[tuple[int, int]] = []
    export.csv_text(records.export_rows(), lambda done, total: steps.append((done, total)))
    assert steps[-1] == (3, 3)


# --- the chart ------------------------------------------------------------------------------

def _point(n: int, at: datetime, before: int | None, after: int | None) -> PainPoint:
    return PainPoint(n, at, before, after)


def test_chart_lines_have_one_point_per_rating() -> None:
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    points = [_point(n, start + timedelta(days=n), 5, None if n == 2 else 3) for n in range(5)]
    data = export.chart_data(points)
    assert (len(data.before), len(data.after), len(data.average)) == (5, 4, 5)
    assert data.grouped == ""
    assert not data.empty
    assert export.chart_data([]).empty


def test_the_average_covers_the_seven_days_up_to_each_point() -> None:
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    values = [(start + timedelta(days=n), float(v)) for n, v in enumerate([2, 4, 6, 8, 10, 0, 0,
                                                                         7, 7])]
    average = export.moving_average(values, [t for t, _ in values])
    # On the 8th day the first one has left the window.
    assert [v for _, v in average] == pytest.approx([2, 3, 4, 5, 6, 5, 30 / 7, 5, 38 / 7])


def test_many_points_become_daily_weekly_then_monthly_means(zone: None) -> None:
    monday = local(2026, 1, 5)
    moments = [monday + timedelta(days=day, hours=hour) for day in range(140)
               for hour in (8, 12, 16)]
    points = [_point(n, at, n % 11, 2) for n, at in enumerate(moments)]
    daily = export.chart_data(points, max_points=200)
    assert daily.grouped == "day"
    assert len(daily.before) == 140
    assert daily.before[0][1] == pytest.approx((0 + 1 + 2) / 3)
    weekly = export.chart_data(points, max_points=100)
    assert weekly.grouped == "week"
    assert len(weekly.before) == 20
    assert len(weekly.average) == 20
    monthly = export.chart_data(points, max_points=10)
    assert monthly.grouped == "month"
    assert len(monthly.before) == 5  # 5 Jan to 24 May


# --- the report's figures -------------------------------------------------------------------

def test_report_figures(records: SessionRecords, clock: Clock, db: Database) -> None:
    safety = SafetyRecords(db)
    a = add(records, clock, local(2026, 11, 20, 9), before=6, after=4)  # -2, eased
    add(records, clock, local(2026, 11, 21, 9), before=8, after=7, title="Core basics")  # -1
    add(records, clock, local(2026, 11, 22, 9), before=5, after=None, status="abandoned")
    c = add(records, clock, local(2026, 11, 23, 9), before=2, after=3, status="partial")
    add(records, clock, local(2026, 11, 24, 9), before=None, after=None, status="partial")
    add(records, clock, local(2026, 10, 1, 9), before=9, after=1)  # before the period
    clock.set(local(2026, 11, 20, 9, 3))
    safety.record_hurt(a, "knee-to-chest", "Knee to chest", "skip")
    clock.set(local(2026, 11, 23, 9, 3))
    safety.record_hurt(c, "bird-dog", "Bird-dog", "stop")
    clock.set(local(2026, 11, 21, 8))
    safety.record_red_flags({"fever": False, "below-knee": True, "saddle-numbness": True},
                            "screen", True)
    clock.set(local(2026, 9, 1, 8))
    safety.record_red_flags({"fever": False}, "screen", False)  # before the period

    report = export.build_report(records, safety, date(2026, 11, 20), None,
                                 today=date(2026, 11, 25))
    assert (report.first_day, report.last_day) == (date(2026, 11, 20), date(2026, 11, 25))
    assert report.period_text == "20 Nov 2026 to 25 Nov 2026"
    assert len(report.sessions) == 5
    assert report.counted == 4  # completed or stopped early
    assert report.status_text == ("2 completed, 2 stopped early, "
                                  "1 stopped before the first exercise")
    assert report.rated == 3
    assert report.mean_before == pytest.approx((6 + 8 + 2) / 3)
    assert report.mean_after == pytest.approx((4 + 7 + 3) / 3)
    assert report.mean_change == pytest.approx(-2 / 3)
    assert report.relief == 1
    assert report.per_week == pytest.approx(4 * 7 / 7)  # 6 days count as a week
    assert report.streak == 2  # 23 and 24 Nov (none yet on the 25th; the 22nd was abandoned)
    assert [(h.routine_title, h.exercise_name, h.action_text) for h in report.hurt] == [
        ("Desk break", "Knee to chest", "Skipped the exercise"),
        ("Desk break", "Bird-dog", "Stopped the session")]
    assert len(report.red_flags) == 1
    flags = report.red_flags[0]
    assert (flags.any_yes, flags.clinician_checked) == (True, True)
    # In the order of the questions, by their short names.
    assert flags.signs == ("Numbness between the legs (saddle area)",
                           "Pain spreading below the knee")
    assert len(report.chart.before) == 4
    assert len(report.chart.after) == 3


def test_report_of_nothing(records: SessionRecords) -> None:
    report = export.build_report(records, None, today=date(2026, 11, 25))
    assert report.sessions == ()
    assert report.first_day is None
    assert report.per_week is None
    assert report.mean_before is None
    assert report.period_text == "up to 25 Nov 2026"
    assert export.mean_text(report.mean_change) == "–"


def test_per_week_counts_from_the_first_session_of_the_period(records: SessionRecords,
                                                              clock: Clock) -> None:
    for day in range(14, 28):  # two weeks, one session a day
        add(records, clock, local(2026, 10, day, 9))
    report = export.build_report(records, None, date(2026, 1, 1), date(2026, 10, 27))
    assert report.per_week_from == date(2026, 10, 14)
    assert report.per_week == pytest.approx(7.0)


def test_the_report_streak_is_the_history_page_streak(db: Database, clock: Clock) -> None:
    records = SessionRecords(db)
    record_sessions(db, clock, 40, end=datetime(2026, 11, 25, 8, tzinfo=UTC), seed=7)
    for today in (date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)):
        report = export.build_report(records, None, today=today)
        assert report.streak == records.adherence(today).streak


def test_export_module_loads_no_qt(tmp_path: Path) -> None:
    code = ("import sys, backcare_gui.store.export, backcare_gui.cli_history\n"
            "print([m for m in sys.modules if m.startswith('PySide6')])")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT)}).stdout
    assert out.strip() == "[]"


def test_filter_and_export_agree(records: SessionRecords, clock: Clock) -> None:
    for n in range(5):
        add(records, clock, local(2026, 11, 20 + n, 9))
    window = HistoryFilter(date_from=date(2026, 11, 21), date_to=date(2026, 11, 23))
    assert records.count(window) == len(export.session_rows(records, date(2026, 11, 21),
                                                            date(2026, 11, 23))) == 3


# --- heat and breaks ------------------------------------------------------------------------

def _event(kind: TimerKind, outcome: Outcome, seconds: float = 0.0) -> TimerEvent:
    return TimerEvent(1, datetime(2026, 11, 25, 9, tzinfo=UTC), kind, outcome, seconds, "")


@pytest.mark.parametrize(("kind", "outcome", "seconds", "line", "minutes"), [
    ("micro_break", "taken", 60, "Stand-up break · taken", "1.0"),
    ("micro_break", "natural", 60, "Natural break (away from the desk)", "1.0"),
    ("micro_break", "postponed", 0, "Stand-up break · postponed", ""),
    ("movement_break", "skipped", 0, "Movement break · skipped", ""),
    ("movement_break", "natural", 300, "Natural movement break (away from the desk)", "5.0"),
    ("heat", "completed", 900, "Heat 15 min · completed", "15"),
    ("heat", "cancelled", 370, "Heat 6 min · stopped early", "6.2"),
    ("heat", "cancelled", 12, "Heat under 1 min · stopped early", "0.2"),
])
def test_each_timer_event_in_plain_words(kind: TimerKind, outcome: Outcome, seconds: float,
                                         line: str, minutes: str) -> None:
    event = _event(kind, outcome, seconds)
    assert export.timer_line(event) == line
    assert export.timer_minutes(event) == minutes


def test_timer_summary_counts_natural_breaks_as_taken() -> None:
    events = [_event("heat", "completed", 900), _event("heat", "cancelled", 330),
              _event("micro_break", "taken", 60), _event("micro_break", "natural", 60),
              _event("movement_break", "natural", 300), _event("movement_break", "skipped"),
              _event("micro_break", "postponed"), _event("micro_break", "postponed")]
    summary = export.timer_summary(events)
    assert (summary.heat_sessions, summary.heat_stopped, summary.heat_seconds) == (2, 1, 1230)
    assert (summary.breaks_taken, summary.breaks_natural, summary.breaks_skipped,
            summary.breaks_postponed) == (3, 2, 1, 2)
    assert summary.heat_text == "2 sessions, 20 min (1 stopped early)"
    assert summary.heat_brief == "2 sessions, 20 min"
    assert summary.breaks_text == "3 taken (2 natural), 1 skipped, 2 postponed"
    assert export.TimerSummary().empty
    assert (export.TimerSummary().heat_text, export.TimerSummary().breaks_text) == ("none",
                                                                                    "none")
    only_heat = export.timer_summary([_event("heat", "completed", 600)])
    assert (only_heat.heat_text, only_heat.breaks_text) == ("1 session, 10 min", "none")


def test_report_heat_and_breaks_of_the_period(records: SessionRecords, db: Database,
                                              clock: Clock) -> None:
    timers = TimerRecords(db)
    add(records, clock, local(2026, 11, 21, 9))
    before = timers.record("heat", "completed", 900, "15 min", at=local(2026, 11, 19, 23, 59))
    # 23:30 UTC on the 19th is already the 20th in Central Europe: inside the period.
    first = timers.record("micro_break", "taken", 60,
                          at=datetime(2026, 11, 19, 23, 30, tzinfo=UTC))
    ids = [first,
           timers.record("heat", "completed", 900, "15 min", at=local(2026, 11, 20, 8)),
           timers.record("micro_break", "natural", 60, at=local(2026, 11, 20, 10)),
           timers.record("movement_break", "postponed", at=local(2026, 11, 22, 11)),
           timers.record("movement_break", "skipped", at=local(2026, 11, 22, 11, 10)),
           timers.record("heat", "cancelled", 370, "stopped early",
                         at=local(2026, 11, 24, 19))]
    after = timers.record("micro_break", "skipped", at=local(2026, 11, 25, 0, 0))

    report = export.build_report(records, None, date(2026, 11, 20), date(2026, 11, 24),
                                 today=date(2026, 11, 25), timers=timers)
    summary = report.timers
    assert [e.id for e in summary.events] == ids
    assert before not in ids and after not in ids
    assert (summary.heat_sessions, summary.heat_stopped) == (2, 1)
    assert summary.heat_seconds == pytest.approx(1270)
    assert summary.heat_text == "2 sessions, 21 min (1 stopped early)"
    assert summary.breaks_text == "2 taken (1 natural), 1 skipped, 1 postponed"
    # The sessions' figures are what they were without the timers.
    plain = export.build_report(records, None, date(2026, 11, 20), date(2026, 11, 24),
                                today=date(2026, 11, 25))
    assert plain.timers.empty
    assert len(plain.sessions) == len(report.sessions) == 1


def test_an_open_period_starts_at_the_first_timer_event(records: SessionRecords, db: Database,
                                                        clock: Clock) -> None:
    timers = TimerRecords(db)
    timers.record("heat", "completed", 900, at=local(2026, 11, 2, 18))
    add(records, clock, local(2026, 11, 10, 9))
    report = export.build_report(records, None, today=date(2026, 11, 25), timers=timers)
    assert report.period_text == "2 Nov 2026 to 25 Nov 2026"
    assert report.timers.heat_sessions == 1
    assert report.per_week_from == date(2026, 11, 10)  # exercise is counted from the first one
    no_sessions = export.build_report(None, None, today=date(2026, 11, 25), timers=timers)
    assert no_sessions.period_text == "2 Nov 2026 to 25 Nov 2026"
    assert export.build_report(None, None, today=date(2026, 11, 25)).timers.empty


# --- the spasm diary ------------------------------------------------------------------------

def test_report_carries_the_spasm_diary_of_the_period(records: SessionRecords, db: Database,
                                                      clock: Clock) -> None:
    diary = DiaryRecords(db)
    add(records, clock, local(2026, 11, 21, 9))
    clock.set(local(2026, 11, 25, 17, 0))
    diary.log(8, started_at=local(2026, 11, 19, 22), ended_at=local(2026, 11, 19, 23))
    first = diary.log(6, started_at=local(2026, 11, 20, 7), ended_at=local(2026, 11, 20, 8),
                      triggers=["stress", "poor-sleep"])
    second = diary.log(4, started_at=local(2026, 11, 22, 18),
                       ended_at=local(2026, 11, 22, 18, 20), triggers=["stress"])
    going = diary.log(9, started_at=local(2026, 11, 24, 20), triggers=["heavy-lifting"])

    report = export.build_report(records, None, date(2026, 11, 20), date(2026, 11, 24),
                                 today=date(2026, 11, 25), diary=diary)
    summary = report.diary
    assert [e.id for e in summary.episodes] == [first, second, going]  # not the 19th's
    assert summary.still_going == 1
    assert summary.per_week_from == date(2026, 11, 20)
    assert summary.per_week == pytest.approx(3.0)  # 5 days count as a week
    assert summary.median_minutes == pytest.approx(40)  # of the two that ended
    assert summary.median_severity == pytest.approx(6)
    assert summary.top_triggers == (("stress", 2), ("heavy-lifting", 1), ("poor-sleep", 1))
    assert dict(summary.facts) == {
        "Episodes": "3 (1 still going)",
        "Episodes per week": "3.0 on average from 20 Nov 2026",
        "Median length": "40 minutes (of the 2 that have ended)",
        "Median severity (0-10)": "6",
        "Most frequent triggers": ("Stress (2), Heavy lifting or a sudden movement (1), "
                                   "Poor sleep (1)"),
    }
    # On the chart, each at its start and severity, the one still going too.
    assert report.chart.episodes == ((local(2026, 11, 20, 7), 6.0),
                                     (local(2026, 11, 22, 18), 4.0),
                                     (local(2026, 11, 24, 20), 9.0))
    # Without the diary: no section, no markers; the sessions' figures are the same.
    plain = export.build_report(records, None, date(2026, 11, 20), date(2026, 11, 24),
                                today=date(2026, 11, 25))
    assert plain.diary.empty and plain.chart.episodes == ()
    assert plain.sessions == report.sessions


def test_an_open_period_starts_at_the_first_spasm_episode(records: SessionRecords,
                                                          db: Database, clock: Clock) -> None:
    diary = DiaryRecords(db)
    diary.log(5, started_at=local(2026, 11, 3, 12), ended_at=local(2026, 11, 3, 12, 10))
    add(records, clock, local(2026, 11, 10, 9))
    report = export.build_report(records, None, today=date(2026, 11, 25), diary=diary)
    assert report.period_text == "3 Nov 2026 to 25 Nov 2026"
    assert report.per_week_from == date(2026, 11, 10)
    assert report.diary.per_week == pytest.approx(7 / 23)
    only_diary = export.build_report(None, None, today=date(2026, 11, 25), diary=diary)
    assert len(only_diary.diary.episodes) == 1 and only_diary.sessions == ()


def test_each_episode_in_plain_words(db: Database) -> None:
    diary = DiaryRecords(db)
    start = local(2026, 3, 9, 7, 15)
    ended = diary.get(diary.log(
        7, started_at=start, ended_at=start + timedelta(minutes=95),
        locations=["left-leg", "lower-back"], triggers=["stress", "other"],
        trigger_other="moving the sofa", helped=["routine", "heat"],
        helped_routine="spasm-relief", red_flags={"fever": True, "below-knee": True,
                                                  "bladder": False}))
    going = diary.get(diary.log(3, started_at=start, helped=["nothing"]))
    assert ended is not None and going is not None
    assert export.episode_length(ended) == "1 h 35 min"
    assert export.episode_length(going) == "still going"
    assert export.episode_where(ended) == "Lower back, Left leg"
    assert export.episode_triggers(ended) == "Stress, Other: moving the sofa"
    assert export.episode_helped(ended) == "Heat, Routine: spasm-relief"
    assert export.episode_helped(going) == "Nothing"
    # In the order the questions are asked, by their short names.
    assert export.episode_signs(ended) == ("Pain spreading below the knee; "
                                           "Fever of 38 °C or more")
    assert export.episode_signs(going) == ""
    assert (export.episode_where(going), export.episode_triggers(going)) == ("", "")


def test_chart_markers_are_every_episode_oldest_first_never_grouped(zone: None) -> None:
    @dataclass
    class Spasm:
        started_at: datetime
        severity: int
        ended_at: datetime | None = None
        triggers: tuple[str, ...] = ()

    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    points = [PainPoint(n, start + timedelta(hours=6 * n), 5, 3) for n in range(400)]
    spasms = [Spasm(start + timedelta(days=d), d % 11) for d in (40, 3, 3, 90)]
    data = export.chart_data(points, max_points=150, episodes=spasms)
    assert data.grouped == "day"
    assert data.episodes == ((start + timedelta(days=3), 3.0), (start + timedelta(days=3), 3.0),
                             (start + timedelta(days=40), 7.0),
                             (start + timedelta(days=90), 2.0))
    only = export.chart_data([], episodes=spasms[:1])
    assert only.empty and len(only.episodes) == 1  # no ratings, still something to show
