"""The spasm diary: the core's words and statistics, and every DiaryRecords method on a real
SQLite file (local dates far from UTC, one transaction per write, checks before any SQL, a
process killed right after logging keeps its episode), and the export's rows."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backcare_gui.core import diary, pain
from backcare_gui.core.diary import (
    DURATION_CHOICES,
    HELPED,
    TRIGGERS,
    duration_choice,
    ended_at,
    statistics,
)
from backcare_gui.store.db import Database, StoreError
from backcare_gui.store.diary import CSV_COLUMNS, KEEP, DiaryRecords, Episode, csv_rows
from tests.conftest import ROOT
from tests.helpers.records import Clock, local

# zone, clock and db: tests/unit/conftest.py (Pacific/Auckland, far from UTC)


@pytest.fixture
def diary_records(db: Database) -> DiaryRecords:
    return DiaryRecords(db)


def got(records: DiaryRecords, episode_id: int) -> Episode:
    episode = records.get(episode_id)
    assert episode is not None
    return episode


# --- the core: words and durations ----------------------------------------------------------

def test_the_issue_s_triggers_and_what_helped_in_plain_words() -> None:
    assert list(TRIGGERS.values()) == [
        "Poor posture", "Prolonged sitting", "Heavy lifting or a sudden movement", "Stress",
        "Dehydration", "Poor sleep", "New medication", "Other"]
    assert list(HELPED.values()) == ["Heat", "Rest", "Stretching", "A routine from the library",
                                     "Medication", "Nothing"]
    assert list(TRIGGERS)[-1] == diary.OTHER  # last: its words cannot shift a code in the CSV
    assert diary.ROUTINE in HELPED and diary.NOTHING in HELPED
    for code in (*TRIGGERS, *HELPED):
        assert code == code.lower() and ";" not in code and " " not in code


def test_duration_choices() -> None:
    assert [(c.code, c.minutes) for c in DURATION_CHOICES] == [
        ("minutes", 10), ("hour", 60), ("hours", 180), ("going", None)]
    assert duration_choice("hour").words == "About an hour"
    with pytest.raises(ValueError, match="unknown duration"):
        duration_choice("days")
    start = datetime(2026, 3, 10, 8, tzinfo=UTC)
    assert ended_at(start, duration_choice("hours").minutes) == start + timedelta(hours=3)
    assert ended_at(start, None) is None
    assert ended_at(start, 0) == start
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError):
            ended_at(start, bad)  # type: ignore[arg-type]
    assert diary.duration_minutes(start, start + timedelta(minutes=44, seconds=31)) == 45
    assert diary.duration_minutes(start, None) is None


# --- the core: statistics -------------------------------------------------------------------

@dataclass(frozen=True)
class Seen:
    started_at: datetime
    ended_at: datetime | None
    severity: int
    triggers: tuple[str, ...] = ()


def seen(day: date, minutes: int | None, severity: int, *triggers: str,
         hour: int = 9) -> Seen:
    start = local(day.year, day.month, day.day, hour)
    return Seen(start, ended_at(start, minutes), severity, triggers)


def test_statistics(zone: None) -> None:
    today = date(2026, 3, 11)  # a Wednesday; this week began on Monday 9 March
    episodes = [
        seen(date(2026, 1, 5), 30, 9, "stress"),  # 10 weeks ago: in the medians, not the weeks
        seen(date(2026, 2, 16), 10, 2, "poor-sleep", "stress"),
        seen(date(2026, 2, 22), None, 7, "stress", "other", hour=23),  # Sunday: the 16th's week
        seen(date(2026, 3, 9), 60, 5, "poor-sleep", hour=0),  # Monday, just after midnight
        seen(date(2026, 3, 11), 180, 4, "heavy-lifting", "poor-posture"),
    ]
    stats = statistics(episodes, today)
    assert [w.monday for w in stats.weeks] == [date(2026, 1, 19) + timedelta(weeks=n)
                                               for n in range(8)]
    assert [(w.iso_year, w.iso_week) for w in stats.weeks] == [(2026, n) for n in range(4, 12)]
    assert [w.episodes for w in stats.weeks] == [0, 0, 0, 0, 2, 0, 0, 2]
    assert stats.episodes == 5
    assert stats.median_minutes == 45.0  # of 30, 10, 60, 180: the one still going is left out
    assert stats.median_severity == 5.0
    # Ties go to the list's order: poor posture comes before heavy lifting, other last.
    assert stats.top_triggers == (("stress", 3), ("poor-sleep", 2), ("poor-posture", 1))


def test_statistics_of_nothing_and_across_a_year_end() -> None:
    stats = statistics([], date(2027, 1, 1))
    assert stats.episodes == 0 and stats.median_minutes is None
    assert stats.median_severity is None and stats.top_triggers == ()
    assert (stats.weeks[-1].monday, stats.weeks[-1].iso_year, stats.weeks[-1].iso_week) == (
        date(2026, 12, 28), 2026, 53)
    assert [w.episodes for w in stats.weeks] == [0] * 8
    one = statistics([seen(date(2026, 12, 31), None, 3)], date(2027, 1, 1))
    assert one.median_minutes is None and one.median_severity == 3.0
    assert one.weeks[-1].episodes == 1


def test_statistics_read_stored_episodes(diary_records: DiaryRecords, clock: Clock) -> None:
    diary_records.log(6, started_at=clock() - timedelta(hours=2),
                      ended_at=clock() - timedelta(hours=1), triggers=["stress"])
    diary_records.log(8, triggers=["stress", "other"], trigger_other="the bins")
    stats = statistics(diary_records.episodes(), clock().date())
    assert (stats.episodes, stats.median_minutes, stats.median_severity) == (2, 60.0, 7.0)
    assert stats.top_triggers == (("stress", 2), ("other", 1))


# --- logging --------------------------------------------------------------------------------

def test_log_with_the_defaults_starts_now_and_is_still_going(
        diary_records: DiaryRecords, clock: Clock) -> None:
    episode_id = diary_records.log(5)
    episode = diary_records.get(episode_id)
    assert episode == Episode(id=episode_id, started_at=clock(), ended_at=None, severity=5,
                              locations=(), triggers=(), trigger_other="", helped=(),
                              helped_routine=None, note="", red_flags={}, created_at=clock(),
                              updated_at=clock())
    assert episode.still_going and episode.duration_minutes is None
    assert diary_records.still_going() == [episode]


def test_log_everything(diary_records: DiaryRecords, clock: Clock) -> None:
    start = clock() - timedelta(hours=3)
    episode_id = diary_records.log(
        8, started_at=start, ended_at=start + timedelta(minutes=95),
        locations=["left-leg", "lower-back", "left-leg"],  # any order, repeats: stored once
        triggers=["other", "heavy-lifting"], trigger_other="  carried the shopping  ",
        helped=["routine", "heat"], helped_routine="spasm-relief", note="in the car park",
        red_flags={"leg-weakness": False, "below-knee": True})
    episode = diary_records.get(episode_id)
    assert episode is not None
    assert (episode.started_at, episode.severity) == (start, 8)
    assert episode.duration_minutes == 95 and not episode.still_going
    assert episode.locations == ("lower-back", "left-leg")  # the body areas' own order
    assert episode.triggers == ("heavy-lifting", "other")
    assert episode.trigger_other == "carried the shopping"
    assert episode.helped == ("heat", "routine") and episode.helped_routine == "spasm-relief"
    assert episode.note == "in the car park"
    assert dict(episode.red_flags) == {"leg-weakness": False, "below-knee": True}
    with pytest.raises(TypeError):
        episode.red_flags["fever"] = True  # type: ignore[index]
    assert diary_records.still_going() == []


def test_the_same_scale_and_areas_as_the_sessions(diary_records: DiaryRecords) -> None:
    for severity in pain.SCALE:
        diary_records.log(severity, locations=list(pain.LOCATIONS))
    assert [e.severity for e in diary_records.episodes()] == list(range(11))
    assert {e.locations for e in diary_records.episodes()} == {tuple(pain.LOCATIONS)}


def test_an_episode_may_end_after_now_but_not_start_after_it(
        diary_records: DiaryRecords, clock: Clock) -> None:
    # "Started just now, about an hour": the end is still to come, and that is fine.
    episode_id = diary_records.log(4, ended_at=ended_at(clock(), 60))
    assert got(diary_records, episode_id).duration_minutes == 60
    # The form shows whole minutes: a start up to a minute ahead is "now".
    diary_records.log(4, started_at=clock() + timedelta(seconds=59))
    with pytest.raises(ValueError, match="future"):
        diary_records.log(4, started_at=clock() + timedelta(minutes=2))


# --- ending, editing, deleting --------------------------------------------------------------

def test_end_with_one_click(diary_records: DiaryRecords, clock: Clock) -> None:
    going = diary_records.log(7)
    other = diary_records.log(3)
    clock.advance(minutes=40)
    assert diary_records.end(going)
    episode = diary_records.get(going)
    assert episode is not None
    assert episode.ended_at == clock() and episode.duration_minutes == 40
    assert episode.updated_at == clock() and episode.created_at == clock() - timedelta(minutes=40)
    assert [e.id for e in diary_records.still_going()] == [other]
    clock.advance(minutes=5)
    assert not diary_records.end(going)  # ended already: the first end stays
    assert diary_records.get(going) == episode
    assert not diary_records.end(999)


def test_end_at_a_given_time(diary_records: DiaryRecords, clock: Clock) -> None:
    going = diary_records.log(7, started_at=clock() - timedelta(hours=5))
    with pytest.raises(ValueError, match="before it started"):
        diary_records.end(going, clock() - timedelta(hours=6))
    assert got(diary_records, going).still_going
    assert diary_records.end(going, clock() - timedelta(hours=2))
    assert got(diary_records, going).duration_minutes == 180


def test_end_after_the_clock_was_set_back(diary_records: DiaryRecords, clock: Clock) -> None:
    going = diary_records.log(7)
    clock.advance(minutes=-30)
    assert diary_records.end(going)  # the one click must not fail
    assert got(diary_records, going).duration_minutes == 0


def test_edit_changes_only_the_fields_given(diary_records: DiaryRecords, clock: Clock) -> None:
    start = clock() - timedelta(hours=1)
    episode_id = diary_records.log(6, started_at=start, locations=["neck"], triggers=["stress"],
                                   helped=["rest"], note="first", red_flags={"fever": False})
    before = diary_records.get(episode_id)
    assert before is not None
    clock.advance(minutes=10)
    assert diary_records.edit(episode_id, severity=4, note="second",
                              ended_at=start + timedelta(minutes=20))
    after = diary_records.get(episode_id)
    assert after is not None
    assert (after.severity, after.note, after.duration_minutes) == (4, "second", 20)
    assert (after.locations, after.triggers, after.helped, dict(after.red_flags)) == (
        ("neck",), ("stress",), ("rest",), {"fever": False})
    assert after.created_at == before.created_at and after.updated_at == clock()
    assert diary_records.edit(episode_id, started_at=start - timedelta(minutes=10),
                              locations=[], triggers=["poor-sleep"], helped=["nothing"],
                              red_flags={}, note=KEEP)
    again = diary_records.get(episode_id)
    assert again is not None
    assert (again.duration_minutes, again.locations, again.triggers, again.helped,
            dict(again.red_flags), again.note) == (30, (), ("poor-sleep",), ("nothing",), {},
                                                    "second")
    assert diary_records.edit(episode_id, ended_at=None)  # still going after all
    assert [e.id for e in diary_records.still_going()] == [episode_id]
    assert diary_records.edit(episode_id)  # nothing to change: there, untouched
    assert not diary_records.edit(999, severity=3)


def test_edit_keeps_the_person_s_words_with_their_code(diary_records: DiaryRecords) -> None:
    episode_id = diary_records.log(6, triggers=["other"], trigger_other="the bins",
                                   helped=["routine"], helped_routine="spasm-relief")
    # Another trigger added: the words for 'other' stay.
    assert diary_records.edit(episode_id, triggers=["other", "stress"])
    episode = diary_records.get(episode_id)
    assert episode is not None and episode.trigger_other == "the bins"
    assert diary_records.edit(episode_id, trigger_other="the recycling")
    assert got(diary_records, episode_id).trigger_other == "the recycling"
    # 'other' and 'routine' taken away take their words along.
    assert diary_records.edit(episode_id, triggers=["stress"], helped=["heat"])
    episode = diary_records.get(episode_id)
    assert episode is not None
    assert (episode.trigger_other, episode.helped_routine) == ("", None)
    # Words without their code are refused, and change nothing.
    for fields in ({"trigger_other": "the bins"}, {"helped_routine": "desk-break"},
                   {"triggers": ["stress"], "trigger_other": "the bins"}):
        with pytest.raises(ValueError, match="add '"):
            diary_records.edit(episode_id, **fields)
    assert diary_records.get(episode_id) == episode


def test_edit_refuses_an_end_before_the_start(diary_records: DiaryRecords,
                                              clock: Clock) -> None:
    episode_id = diary_records.log(6, started_at=clock() - timedelta(hours=2),
                                   ended_at=clock() - timedelta(hours=1))
    episode = diary_records.get(episode_id)
    with pytest.raises(ValueError, match="before it started"):
        diary_records.edit(episode_id, started_at=clock() - timedelta(minutes=30), severity=1)
    with pytest.raises(ValueError, match="before it started"):
        diary_records.edit(episode_id, ended_at=clock() - timedelta(hours=3))
    with pytest.raises(ValueError, match="future"):
        diary_records.edit(episode_id, started_at=clock() + timedelta(hours=1))
    assert diary_records.get(episode_id) == episode


def test_delete(diary_records: DiaryRecords) -> None:
    kept = diary_records.log(3)
    gone = diary_records.log(9)
    assert diary_records.delete(gone)
    assert diary_records.get(gone) is None
    assert not diary_records.delete(gone)
    assert [e.id for e in diary_records.episodes()] == [kept]


def test_deleting_all_data_takes_the_diary_too(db: Database, clock: Clock) -> None:
    DiaryRecords(db).log(5)
    path = db.path
    db.delete_everything()
    fresh = Database.open(path, now=clock)
    assert DiaryRecords(fresh).episodes() == []
    fresh.close()


# --- reading by local day -------------------------------------------------------------------

def test_episodes_by_local_day_oldest_first(diary_records: DiaryRecords, clock: Clock) -> None:
    # 00:30 on 10 March in Auckland is 11:30 on 9 March in UTC: local days decide.
    late = diary_records.log(2, started_at=local(2026, 3, 10, 0, 30))
    early = diary_records.log(3, started_at=local(2026, 3, 9, 23, 59))
    first = diary_records.log(4, started_at=local(2026, 3, 8, 12))
    assert [e.id for e in diary_records.episodes()] == [first, early, late]
    assert [e.id for e in diary_records.episodes(date(2026, 3, 9), date(2026, 3, 9))] == [early]
    assert [e.id for e in diary_records.episodes(date(2026, 3, 10))] == [late]
    assert [e.id for e in diary_records.episodes(None, date(2026, 3, 9))] == [first, early]
    assert diary_records.episodes(date(2026, 3, 11)) == []
    assert [e.id for e in diary_records.still_going()] == [first, early, late]


# --- checks come before any SQL -------------------------------------------------------------

BAD_LOGS: list[tuple[str, dict[str, Any]]] = [
    ("severity", {"severity": 11}),
    ("severity", {"severity": -1}),
    ("severity", {"severity": True}),
    ("severity", {"severity": 5.0}),
    ("locations", {"locations": ["knee"]}),
    ("locations", {"locations": "neck"}),
    ("triggers", {"triggers": ["weather"]}),
    ("helped", {"helped": ["massage"]}),
    ("nothing", {"helped": ["nothing", "heat"]}),
    ("red", {"red_flags": {"headache": True}}),
    ("red", {"red_flags": {"fever": "yes"}}),
    ("zone", {"started_at": datetime(2026, 3, 10, 8)}),
    ("zone", {"ended_at": datetime(2026, 3, 10, 8)}),
    ("text", {"note": None}),
    ("trigger_other", {"trigger_other": "the bins"}),
    ("helped_routine", {"helped_routine": "spasm-relief"}),
    ("before it started", {"started_at": datetime(2026, 3, 9, tzinfo=UTC),
                           "ended_at": datetime(2026, 3, 8, tzinfo=UTC)}),
]


@pytest.mark.parametrize(("why", "fields"), BAD_LOGS, ids=[f"{w}-{n}" for n, (w, _) in
                                                            enumerate(BAD_LOGS)])
def test_bad_values_are_refused_before_any_sql(db: Database, why: str,
                                               fields: dict[str, Any]) -> None:
    records = DiaryRecords(db)
    episode_id = records.log(5)
    values: dict[str, Any] = {"severity": 5, **fields}
    severity = values.pop("severity")
    with pytest.raises(ValueError):
        records.log(severity, **values)
    with pytest.raises(ValueError):
        records.edit(episode_id, **fields)
    assert [e.id for e in records.episodes()] == [episode_id]
    assert got(records, episode_id).updated_at == got(records, episode_id).created_at
    # On a closed database any SQL would be a StoreError: a ValueError means none ran. (An
    # edit's words-without-their-code and end-before-start need the row: read inside its
    # transaction, before anything is written.)
    db.close()
    with pytest.raises(ValueError):
        records.log(severity, **values)
    if why not in ("trigger_other", "helped_routine", "before it started"):
        with pytest.raises(ValueError):
            records.edit(episode_id, **fields)
    with pytest.raises(ValueError):
        records.end(episode_id, datetime(2026, 3, 10, 8))  # no time zone
    with pytest.raises(StoreError):
        records.log(5)


def test_the_table_checks_are_a_last_line(db: Database) -> None:
    row = {"started_at": "2026-03-10T08:00:00.000000+00:00", "ended_at": None, "severity": 5,
           "created_at": "2026-03-10T08:00:00.000000+00:00",
           "updated_at": "2026-03-10T08:00:00.000000+00:00"}
    for bad in ({"severity": 11}, {"severity": None},
                {"ended_at": "2026-03-10T07:59:59.999999+00:00"}):
        values = {**row, **bad}
        with pytest.raises(StoreError), db.transaction() as conn:
            conn.execute(f"INSERT INTO diary_episodes ({', '.join(values)})"
                         f" VALUES ({', '.join('?' * len(values))})", tuple(values.values()))
    assert DiaryRecords(db).episodes() == []


# --- one transaction per write --------------------------------------------------------------

def test_one_transaction_per_write(db: Database, clock: Clock,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    records = DiaryRecords(db)
    original = db.transaction
    count = 0

    @contextlib.contextmanager
    def counted() -> Iterator[sqlite3.Connection]:
        nonlocal count
        count += 1
        with original() as conn:
            yield conn

    monkeypatch.setattr(db, "transaction", counted)
    writes: list[Callable[[], object]] = [
        lambda: records.log(5, triggers=["stress"]),
        lambda: records.end(1),
        lambda: records.edit(1, severity=3, note="x", triggers=["other"], trigger_other="y"),
        lambda: records.delete(1),
    ]
    for write in writes:
        before = count
        write()
        assert count == before + 1, write
    reads: list[Callable[[], object]] = [lambda: records.get(1), records.episodes,
                                         records.still_going]
    for read in reads:
        read()
    assert count == len(writes)  # reads write nothing


def test_a_failed_write_leaves_nothing_half_done(db: Database,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    records = DiaryRecords(db)
    episode_id = records.log(5, triggers=["other"], trigger_other="the bins")
    before = records.get(episode_id)
    # The edit is checked as a whole inside its transaction; the failure rolls all of it back.
    with pytest.raises(ValueError):
        records.edit(episode_id, severity=9, note="changed", helped_routine="desk-break")
    assert records.get(episode_id) == before


# A child process that logs an episode, says its id, and waits to be killed.
CHILD = """
import sys, time
from pathlib import Path
from backcare_gui.store.db import Database
from backcare_gui.store.diary import DiaryRecords
db = Database.open(Path(sys.argv[1]))
print(DiaryRecords(db).log(7, triggers=['stress'], note='kept through a crash'), flush=True)
time.sleep(300)
"""


def test_an_episode_survives_the_process_being_killed(tmp_path: Path) -> None:
    path = tmp_path / "data" / "backcare.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        episode_id = int(child.stdout.readline())
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    db = Database.open(path)
    episode = DiaryRecords(db).get(episode_id)
    db.close()
    assert episode is not None and episode.note == "kept through a crash"


# --- the export's rows ----------------------------------------------------------------------

def test_csv_rows(diary_records: DiaryRecords, clock: Clock) -> None:
    assert CSV_COLUMNS == ("id", "started_at", "ended_at", "duration_minutes", "severity",
                           "locations", "triggers", "helped", "note")
    ended = diary_records.log(
        7, started_at=local(2026, 3, 9, 17, 41, 12, 500), ended_at=local(2026, 3, 9, 18, 26),
        locations=["neck", "lower-back"], triggers=["other", "stress"],
        trigger_other="the bins; again", helped=["routine", "heat"],
        helped_routine="spasm-relief", note='stiff, "sharp"\nthen better')
    going = diary_records.log(3, helped=["nothing"], triggers=["other"])
    rows = csv_rows(diary_records.episodes())
    assert rows == [
        [str(ended), "2026-03-09T17:41:12+13:00", "2026-03-09T18:26:00+13:00", "45", "7",
         "lower-back;neck", "stress;other: the bins; again", "heat;routine: spasm-relief",
         'stiff, "sharp"\nthen better'],
        [str(going), "2026-03-10T08:30:00+13:00", "", "", "3", "", "other", "nothing", ""],
    ]
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    assert csv_rows([]) == []
