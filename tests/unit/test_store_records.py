"""Session records on a real SQLite file: every method, local dates in a zone far from UTC,
one transaction per action, and a history of 20,000 sessions that pages as fast as 20."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backcare_gui.store import (
    KEEP,
    ORDERS,
    Database,
    HistoryFilter,
    SafetyRecords,
    SessionRecords,
    SessionRow,
    StoreError,
)
from backcare_gui.store import process as owner
from tests.helpers.records import (
    SHA,
    Clock,
    bulk_insert_sessions,
    insert_session,
    local,
    local_zone,
)
from tests.unit.conftest import ZONE

# zone, clock and db: tests/unit/conftest.py (Pacific/Auckland, far from UTC)


@pytest.fixture
def records(db: Database) -> SessionRecords:
    return SessionRecords(db)


def begin(records: SessionRecords, title: str = "Desk break", note: str = "",
          pain: int | None = 4, resumed_from: int | None = None) -> int:
    return records.start("desk-break", title, SHA, 120.0, pain, ["lower-back"], note,
                         resumed_from=resumed_from)


def raw(db: Database, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with db.reading() as conn:
        return conn.execute(sql, params).fetchall()


# --- writing a session ----------------------------------------------------------------------

def test_start_writes_a_running_row_owned_by_this_process(
        db: Database, records: SessionRecords, clock: Clock) -> None:
    session = records.start("morning-mobility", "Morning mobility", SHA, 289.5, 5,
                            ["neck", "lower-back", "neck"], "woke up stiff")
    row = records.get(session)
    assert row is not None
    assert (row.routine_id, row.routine_title, row.routine_sha256) == \
        ("morning-mobility", "Morning mobility", SHA)
    assert (row.planned_seconds, row.pain_before, row.note) == (289.5, 5, "woke up stiff")
    assert row.locations == ("lower-back", "neck")  # known order, each once
    assert (row.owner_pid, row.owner_started) == owner.current_owner()
    assert row.status == "running" and row.ended_at is None and row.resumed_from is None
    assert (row.exercises_done, row.last_exercise_id, row.active_seconds) == (0, None, 0.0)
    assert row.started_at == clock() == row.updated_at
    assert row.started_at.tzinfo is not None
    stored = raw(db, "SELECT started_at, locations FROM sessions WHERE id = ?", (session,))
    assert stored == [("2026-03-09T19:30:00.000000+00:00", "lower-back;neck")]  # UTC text


@pytest.mark.parametrize("bad", [
    {"pain_before": 11}, {"pain_before": -1}, {"pain_before": True}, {"pain_before": 2.5},
    {"locations": ["lower-back", "elbow"]}, {"locations": "neck"},
])
def test_start_refuses_bad_values_and_writes_nothing(
        records: SessionRecords, bad: dict[str, object]) -> None:
    values: dict[str, object] = {"routine_id": "r", "routine_title": "R", "routine_sha256": SHA,
                                 "planned_seconds": 1.0, "pain_before": None,
                                 "locations": [], "note": ""}
    with pytest.raises(ValueError):
        records.start(**{**values, **bad})  # type: ignore[arg-type]
    assert records.count(HistoryFilter()) == 0


def test_a_failing_write_leaves_no_half_written_row(records: SessionRecords) -> None:
    with pytest.raises(StoreError):  # no session 999 to continue: the foreign key refuses
        begin(records, resumed_from=999)
    assert records.count(HistoryFilter()) == 0


def test_exercise_done_then_finish_then_the_rating(
        records: SessionRecords, clock: Clock) -> None:
    session = begin(records)
    clock.advance(seconds=40)
    assert records.exercise_done(session, 1, "cat-cow", 38.5)
    clock.advance(seconds=40)
    assert records.exercise_done(session, 2, "knee-to-chest", 77.0)
    row = records.get(session)
    assert row is not None
    assert (row.exercises_done, row.last_exercise_id, row.active_seconds) == \
        (2, "knee-to-chest", 77.0)
    assert row.updated_at == clock() and row.status == "running"
    clock.advance(seconds=10)
    assert records.finish(session, "partial", 80.0, None, None)
    clock.advance(seconds=30)
    assert records.set_after(session, 2, "easier")
    row = records.get(session)
    assert row is not None
    assert (row.status, row.active_seconds, row.pain_after, row.feeling) == \
        ("partial", 80.0, 2, "easier")
    assert row.ended_at == clock() - timedelta(seconds=30)
    assert row.updated_at == clock()
    assert not records.exercise_done(12345, 1, "x", 1.0)
    assert not records.finish(12345, "completed", 1.0, None, None)
    assert not records.set_after(12345, None, None)


def test_finish_takes_only_final_statuses(records: SessionRecords) -> None:
    session = begin(records)
    for status in ("running", "interrupted", "done"):
        with pytest.raises(ValueError):
            records.finish(session, status, 1.0, None, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        records.finish(session, "completed", 1.0, 3, "better")  # type: ignore[arg-type]
    row = records.get(session)
    assert row is not None and row.status == "running"


def test_edit_changes_only_the_fields_given(records: SessionRecords) -> None:
    session = begin(records, note="first")
    records.finish(session, "completed", 100.0, 3, "same")
    assert records.edit(session, note="second")
    row = records.get(session)
    assert row is not None
    assert (row.note, row.pain_before, row.pain_after, row.feeling, row.locations) == \
        ("second", 4, 3, "same", ("lower-back",))
    assert records.edit(session, pain_before=None, pain_after=0, feeling=None,
                        locations=["right-leg", "buttock-hip"])
    row = records.get(session)
    assert row is not None
    assert (row.note, row.pain_before, row.pain_after, row.feeling, row.locations) == \
        ("second", None, 0, None, ("buttock-hip", "right-leg"))
    assert records.edit(session)  # nothing given: nothing changes, the row exists
    assert records.edit(session, pain_before=KEEP, note=KEEP)
    assert records.get(session) == row
    assert not records.edit(4242, note="no such session")
    with pytest.raises(ValueError):
        records.edit(session, pain_after=12)


def test_delete_removes_the_session_and_what_hurt_during_it(
        db: Database, records: SessionRecords) -> None:
    first = begin(records)
    safety = SafetyRecords(db)
    safety.record_hurt(first, "cat-cow", "Cat-cow", "skip")
    db.mark_interrupted()
    resumed = begin(records, resumed_from=first)
    other = begin(records)
    safety.record_hurt(other, "bridge", "Bridge", "stop")
    assert records.delete(first)
    assert records.get(first) is None
    assert [e.session_id for e in safety.hurt_events()] == [other]
    continuation = records.get(resumed)
    assert continuation is not None and continuation.resumed_from is None
    assert not records.delete(first)


# --- resuming -------------------------------------------------------------------------------

def test_resumable_is_todays_newest_interrupted_not_yet_resumed(
        db: Database, records: SessionRecords, clock: Clock) -> None:
    def interrupted(at: datetime, status: str = "interrupted") -> int:
        return insert_session(db, started_at=at, status=status, ended_at=None)

    yesterday = interrupted(local(2026, 3, 9, 23, 59))
    assert records.resumable(date(2026, 3, 10)) is None
    early = interrupted(local(2026, 3, 10, 0, 0))  # 2026-03-09 11:00 UTC: still today, here
    later = interrupted(local(2026, 3, 10, 7, 0))
    interrupted(local(2026, 3, 10, 7, 30), "abandoned")
    found = records.resumable(date(2026, 3, 10))
    assert found is not None and found.id == later
    begin(records, resumed_from=later)
    found = records.resumable(date(2026, 3, 10))
    assert found is not None and found.id == early
    begin(records, resumed_from=early)
    assert records.resumable(date(2026, 3, 10)) is None
    found = records.resumable(date(2026, 3, 9))
    assert found is not None and found.id == yesterday


# --- history: filter, order, pages ----------------------------------------------------------

@pytest.fixture
def history(db: Database) -> dict[str, int]:
    """Five sessions over three local days."""
    return {
        "monday_first": insert_session(db, started_at=local(2026, 3, 9, 0, 0),
                                       routine_title="Morning mobility",
                                       note="Rücken steif", status="completed",
                                       pain_before=6, pain_after=4, active_seconds=300.0),
        "monday_late": insert_session(db, started_at=local(2026, 3, 9, 23, 59, 59, 999999),
                                      routine_title="evening stretch", note="100% better",
                                      status="partial", pain_before=None, pain_after=None,
                                      active_seconds=50.0),
        "tuesday": insert_session(db, started_at=local(2026, 3, 10, 7, 0),
                                  routine_title="Desk break", note="", status="abandoned",
                                  pain_before=3, pain_after=5, active_seconds=20.0),
        "tuesday_noon": insert_session(db, started_at=local(2026, 3, 10, 12, 0),
                                       routine_title="Core basics", note="felt STRONG",
                                       status="interrupted", pain_before=2, pain_after=None,
                                       active_seconds=100.0),
        "sunday": insert_session(db, started_at=local(2026, 3, 8, 18, 0),
                                 routine_title="Spasm relief", note="", status="completed",
                                 pain_before=8, pain_after=3, active_seconds=200.0),
    }


def ids(rows: list[SessionRow]) -> list[int]:
    return [row.id for row in rows]


@pytest.mark.parametrize(("history_filter", "expected"), [
    (HistoryFilter(), ["tuesday_noon", "tuesday", "monday_late", "monday_first", "sunday"]),
    (HistoryFilter(text="rücken"), ["monday_first"]),  # in the note, non-ASCII case folded
    (HistoryFilter(text="RÜCKEN STEIF"), ["monday_first"]),
    (HistoryFilter(text="EVENING"), ["monday_late"]),  # in the title
    (HistoryFilter(text="strong"), ["tuesday_noon"]),
    (HistoryFilter(text="%"), ["monday_late"]),  # a literal %, not a wildcard
    (HistoryFilter(text="_"), []),
    (HistoryFilter(text="   "), ["tuesday_noon", "tuesday", "monday_late", "monday_first",
                                 "sunday"]),
    (HistoryFilter(statuses=frozenset({"completed", "partial"})),
     ["monday_late", "monday_first", "sunday"]),
    (HistoryFilter(date_from=date(2026, 3, 9), date_to=date(2026, 3, 9)),
     ["monday_late", "monday_first"]),  # local midnight to 23:59:59.999999, both in
    (HistoryFilter(date_from=date(2026, 3, 10)), ["tuesday_noon", "tuesday"]),
    (HistoryFilter(date_to=date(2026, 3, 8)), ["sunday"]),
    (HistoryFilter(text="e", statuses=frozenset({"completed"}), date_from=date(2026, 3, 9)),
     ["monday_first"]),
])
def test_count_and_page_filter(records: SessionRecords, history: dict[str, int],
                               history_filter: HistoryFilter, expected: list[str]) -> None:
    assert records.count(history_filter) == len(expected)
    assert ids(records.page(history_filter, "started_at", True, 0, 50)) == \
        [history[name] for name in expected]


def test_unknown_statuses_are_refused(records: SessionRecords) -> None:
    with pytest.raises(ValueError):
        records.count(HistoryFilter(statuses=frozenset({"finished"})))


@pytest.mark.parametrize(("order", "descending", "expected"), [
    ("started_at", False, ["sunday", "monday_first", "monday_late", "tuesday", "tuesday_noon"]),
    ("routine_title", False,
     ["tuesday_noon", "tuesday", "monday_late", "monday_first", "sunday"]),  # any case
    ("active_seconds", True,
     ["monday_first", "sunday", "tuesday_noon", "monday_late", "tuesday"]),
    ("pain_before", True,  # NULL is the smallest
     ["sunday", "monday_first", "tuesday", "tuesday_noon", "monday_late"]),
    ("pain_change", False,  # after - before, NULL first; ties oldest first
     ["monday_late", "tuesday_noon", "sunday", "monday_first", "tuesday"]),
    ("status", False,
     ["tuesday", "sunday", "monday_first", "tuesday_noon", "monday_late"]),
    ("status", True,
     ["monday_late", "tuesday_noon", "monday_first", "sunday", "tuesday"]),
])
def test_page_orders(records: SessionRecords, history: dict[str, int], order: str,
                     descending: bool, expected: list[str]) -> None:
    assert ids(records.page(HistoryFilter(), order, descending, 0, 10)) == \
        [history[name] for name in expected]


def test_every_order_runs_both_ways(records: SessionRecords, history: dict[str, int]) -> None:
    for order in ORDERS:
        for descending in (True, False):
            rows = records.page(HistoryFilter(), order, descending, 0, 10)
            assert sorted(ids(rows)) == sorted(history.values())


@pytest.mark.parametrize("order", ["id; DROP TABLE sessions", "note", "started_at DESC", ""])
def test_an_unknown_order_is_refused(records: SessionRecords, order: str) -> None:
    with pytest.raises(ValueError):
        records.page(HistoryFilter(), order, True, 0, 10)
    assert records.count(HistoryFilter()) == 0  # and the table is still there


def test_pages_split_the_history(records: SessionRecords, history: dict[str, int]) -> None:
    everything = ids(records.page(HistoryFilter(), "started_at", True, 0, 100))
    pages = [ids(records.page(HistoryFilter(), "started_at", True, n, 2)) for n in (0, 2, 4, 6)]
    assert pages == [everything[0:2], everything[2:4], everything[4:], []]
    with pytest.raises(ValueError):
        records.page(HistoryFilter(), "started_at", True, -1, 2)


# --- the chart, adherence, export -----------------------------------------------------------

def test_pain_series_has_rated_sessions_oldest_first(
        records: SessionRecords, history: dict[str, int]) -> None:
    series = records.pain_series()
    assert [p.session_id for p in series] == \
        [history[n] for n in ("sunday", "monday_first", "tuesday", "tuesday_noon")]
    assert [(p.pain_before, p.pain_after) for p in series] == [(8, 3), (6, 4), (3, 5), (2, None)]
    assert series[0].started_at == local(2026, 3, 8, 18, 0)
    assert [p.session_id for p in records.pain_series(date(2026, 3, 9), date(2026, 3, 9))] == \
        [history["monday_first"]]


def test_export_rows_oldest_first_within_local_days(
        records: SessionRecords, history: dict[str, int]) -> None:
    assert ids(records.export_rows()) == [history[n] for n in (
        "sunday", "monday_first", "monday_late", "tuesday", "tuesday_noon")]
    assert ids(records.export_rows(date(2026, 3, 9), date(2026, 3, 10))) == [history[n] for n in (
        "monday_first", "monday_late", "tuesday", "tuesday_noon")]
    assert records.export_rows(date(2026, 4, 1), date(2026, 4, 30)) == []


def _done_on(db: Database, *days: tuple[date, int], status: str = "completed") -> None:
    for day, hour in days:
        insert_session(db, started_at=local(day.year, day.month, day.day, hour), status=status)


def test_adherence_counts_iso_weeks_by_local_date(db: Database, records: SessionRecords) -> None:
    today = date(2026, 3, 11)  # a Wednesday; this ISO week began on Monday 9 March
    _done_on(db, (date(2026, 3, 9), 0), (date(2026, 3, 9), 23), (date(2026, 3, 11), 6))
    _done_on(db, (date(2026, 3, 10), 9), status="partial")
    _done_on(db, (date(2026, 3, 10), 10), status="abandoned")  # not counted
    _done_on(db, (date(2026, 3, 10), 11), status="interrupted")  # not counted
    _done_on(db, (date(2026, 3, 8), 23))  # Sunday: the week before
    _done_on(db, (date(2026, 1, 19), 12))  # Monday of the oldest of the 8 weeks
    _done_on(db, (date(2026, 1, 18), 12))  # the day before it: too old
    result = records.adherence(today)
    assert [w.monday for w in result.weeks] == \
        [date(2026, 1, 19) + timedelta(weeks=n) for n in range(8)]
    assert [(w.iso_year, w.iso_week) for w in result.weeks] == [(2026, n) for n in range(4, 12)]
    assert [w.sessions for w in result.weeks] == [1, 0, 0, 0, 0, 0, 1, 4]
    assert result.streak == 4  # 8, 9, 10 (partial), 11 March


def test_streak_counts_from_yesterday_until_today_has_one(
        db: Database, records: SessionRecords) -> None:
    today = date(2026, 3, 11)
    assert records.adherence(today).streak == 0
    _done_on(db, (date(2026, 3, 8), 12), (date(2026, 3, 9), 12), (date(2026, 3, 10), 12))
    _done_on(db, (date(2026, 3, 6), 12))  # after a gap on the 7th
    assert records.adherence(today).streak == 3  # none today yet: up to yesterday
    _done_on(db, (date(2026, 3, 11), 7))
    assert records.adherence(today).streak == 4
    assert records.adherence(date(2026, 3, 13)).streak == 0  # the 12th was missed
    assert records.adherence(date(2026, 3, 7)).streak == 1  # only the 6th, yesterday then


def test_local_dates_follow_the_machine_zone(tmp_path: Path) -> None:
    """The same UTC instant is a different local day in another zone."""
    moment = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)  # 11 March 09:00 in Auckland
    db = Database.open(tmp_path / "backcare.sqlite3", now=Clock(moment))
    records = SessionRecords(db)
    session = begin(records)
    with local_zone(ZONE):
        assert ids(records.export_rows(date(2026, 3, 11), date(2026, 3, 11))) == [session]
    with local_zone("America/New_York"):
        assert ids(records.export_rows(date(2026, 3, 10), date(2026, 3, 10))) == [session]
        assert records.export_rows(date(2026, 3, 11), date(2026, 3, 11)) == []
    db.close()


# --- one transaction per action -------------------------------------------------------------

def _statements(db: Database, action: Callable[[], object]) -> list[str]:
    seen: list[str] = []
    with db.reading() as conn:
        conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        with db.reading() as conn:
            conn.set_trace_callback(None)
    return seen


def test_every_write_is_exactly_one_transaction(db: Database, records: SessionRecords) -> None:
    session = begin(records)
    safety = SafetyRecords(db)
    insert_session(db, status="running", owner_pid=0, ended_at=None)
    writes: dict[str, Callable[[], object]] = {
        "start": lambda: begin(records),
        "exercise_done": lambda: records.exercise_done(session, 1, "a", 1.0),
        "finish": lambda: records.finish(session, "completed", 2.0, 1, "same"),
        "set_after": lambda: records.set_after(session, 2, "easier"),
        "edit": lambda: records.edit(session, note="n", pain_before=1, locations=["neck"]),
        "record_red_flags": lambda: safety.record_red_flags({"a": False}, "screen", False),
        "record_hurt": lambda: safety.record_hurt(session, "a", "A", "skip"),
        "mark_notice": lambda: safety.mark_notice("k"),
        "mark_interrupted": db.mark_interrupted,
        "delete": lambda: records.delete(session),
    }
    for name, write in writes.items():
        seen = _statements(db, write)
        begins = [s for s in seen if s.startswith("BEGIN")]
        assert begins == ["BEGIN IMMEDIATE"] and seen.count("COMMIT") == 1, (name, seen)
        inside = seen[seen.index("BEGIN IMMEDIATE"):seen.index("COMMIT")]
        outside = [s for s in seen if s not in inside and s != "COMMIT"]
        assert not [s for s in outside if s.split()[0] in ("INSERT", "UPDATE", "DELETE")], name
        assert any(s.split()[0] in ("INSERT", "UPDATE", "DELETE") for s in inside), name


def test_each_write_is_on_disk_when_it_returns(tmp_path: Path, db: Database,
                                               records: SessionRecords) -> None:
    import sqlite3

    session = begin(records, note="visible")
    records.exercise_done(session, 3, "c", 30.0)
    other = sqlite3.connect(db.path)  # another process would see the same
    assert other.execute("SELECT note, exercises_done FROM sessions").fetchall() == \
        [("visible", 3)]
    other.close()


def test_the_store_can_be_used_from_a_worker_thread(records: SessionRecords) -> None:
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(begin(records)))
    worker.start()
    worker.join()
    assert records.get(result[0]) is not None


# --- 20,000 sessions ------------------------------------------------------------------------

def _plan(db: Database, action: Callable[[], object]) -> list[str]:
    """The query plans of the SELECTs `action` ran."""
    selects = [s for s in _statements(db, action) if s.startswith("SELECT")]
    plans = []
    for sql in selects:
        with db.reading() as conn:
            plans += [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    return plans


def test_a_history_of_20000_sessions_pages_by_the_index(
        db: Database, records: SessionRecords) -> None:
    began = time.perf_counter()
    bulk_insert_sessions(db, 20_000)
    assert time.perf_counter() - began < 10
    everything = HistoryFilter()
    last_year = HistoryFilter(date_from=date(2030, 1, 1), date_to=date(2030, 12, 31))
    for plan in (_plan(db, lambda: records.page(everything, "started_at", True, 0, 100)),
                 _plan(db, lambda: records.page(last_year, "started_at", True, 0, 100)),
                 _plan(db, lambda: records.page(everything, "started_at", False, 19_950, 100))):
        assert any("sessions_started_at" in step for step in plan), plan
        assert not any("TEMP B-TREE" in step for step in plan), plan  # no sort of all rows
    assert any("sessions_started_at" in step for step in
               _plan(db, lambda: records.count(last_year)))

    timings = []
    for _ in range(5):
        began = time.perf_counter()
        assert records.count(everything) == 20_000
        first = records.page(everything, "started_at", True, 0, 100)
        timings.append(time.perf_counter() - began)
    assert len(first) == 100 and first[0].started_at > first[-1].started_at
    assert min(timings) < 0.05, timings  # measured about 3 ms here
    last = records.page(everything, "started_at", True, 19_950, 100)
    assert len(last) == 50 and last[-1].started_at == datetime(2020, 1, 1, 8, tzinfo=UTC)
    assert records.count(last_year) == 1752  # every 5 hours through 2030 (local days)


def test_bulk_helper_writes_in_one_transaction(db: Database) -> None:
    seen = _statements(db, lambda: bulk_insert_sessions(db, 10))
    assert [s for s in seen if s.startswith(("BEGIN", "COMMIT"))] == ["BEGIN IMMEDIATE", "COMMIT"]
