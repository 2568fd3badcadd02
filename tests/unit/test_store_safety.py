"""Safety records on a real SQLite file: red-flag answers, what hurt, once-only notices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backcare_gui.store import Database, SafetyRecords, SessionRecords, StoreError
from tests.helpers.records import SHA, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))


@pytest.fixture
def db(tmp_path: Path, clock: Clock) -> Iterator[Database]:
    database = Database.open(tmp_path / "backcare.sqlite3", now=clock)
    yield database
    database.close()


@pytest.fixture
def safety(db: Database) -> SafetyRecords:
    return SafetyRecords(db)


def session(db: Database) -> int:
    return SessionRecords(db).start("desk-break", "Desk break", SHA, 120.0, 3, [], "")


# --- red flags ------------------------------------------------------------------------------

def test_red_flag_answers_are_kept_every_time(safety: SafetyRecords, clock: Clock) -> None:
    assert safety.latest_red_flags() is None and safety.all_red_flag_records() == []
    first = safety.record_red_flags({"numbness": True, "fever": False}, "screen", False)
    clock.advance(days=1)
    second = safety.record_red_flags({"numbness": False, "fever": False}, "cli", False)
    latest = safety.latest_red_flags()
    assert latest is not None and latest.id == second
    assert (latest.source, latest.any_yes, latest.clinician_checked) == ("cli", False, False)
    assert latest.answered_at == clock()
    everything = safety.all_red_flag_records()
    assert [r.id for r in everything] == [first, second]
    assert dict(everything[0].answers) == {"numbness": True, "fever": False}
    assert everything[0].any_yes is True
    with pytest.raises(TypeError):
        everything[0].answers["fever"] = True  # type: ignore[index]


def test_red_flags_completed_needs_all_no_or_a_clinicians_check(safety: SafetyRecords) -> None:
    assert not safety.red_flags_completed()
    safety.record_red_flags({"numbness": True, "fever": False}, "screen", False)
    assert not safety.red_flags_completed()  # a yes, not yet checked
    safety.record_red_flags({"numbness": True}, "rating", True)
    assert safety.red_flags_completed()


def test_all_no_completes_the_screening(safety: SafetyRecords) -> None:
    safety.record_red_flags({"numbness": False, "fever": False}, "screen", False)
    assert safety.red_flags_completed()


def test_an_empty_screening_counts_as_all_no(safety: SafetyRecords) -> None:
    record_id = safety.record_red_flags({}, "cli", False)
    latest = safety.latest_red_flags()
    assert latest is not None and latest.id == record_id and not latest.any_yes


@pytest.mark.parametrize(("answers", "source"), [
    ({"numbness": "yes"}, "screen"), ({"numbness": 1}, "screen"), ({1: True}, "screen"),
    ({"numbness": False}, "email"),
])
def test_bad_red_flag_answers_are_refused(safety: SafetyRecords, answers: dict[object, object],
                                          source: str) -> None:
    with pytest.raises(ValueError):
        safety.record_red_flags(answers, source, False)  # type: ignore[arg-type]
    assert safety.all_red_flag_records() == []


# --- what hurt ------------------------------------------------------------------------------

def test_hurt_events_per_session_and_all(db: Database, safety: SafetyRecords,
                                         clock: Clock) -> None:
    first, second = session(db), session(db)
    a = safety.record_hurt(first, "cat-cow", "Cat-cow", "skip")
    clock.advance(minutes=1)
    b = safety.record_hurt(second, "bridge", "Bridge", "stop")
    clock.advance(minutes=1)
    c = safety.record_hurt(first, "knee-to-chest", "Knee to chest", "stop")
    assert [e.id for e in safety.hurt_events(first)] == [a, c]
    assert [e.id for e in safety.hurt_events()] == [a, b, c]
    event = safety.hurt_events(second)[0]
    assert (event.session_id, event.exercise_id, event.exercise_name, event.action) == \
        (second, "bridge", "Bridge", "stop")
    assert event.at == datetime(2026, 3, 10, 9, 1, tzinfo=UTC)
    assert safety.hurt_events(999) == []


def test_hurt_needs_a_real_session_and_a_known_action(db: Database,
                                                      safety: SafetyRecords) -> None:
    with pytest.raises(StoreError):
        safety.record_hurt(999, "cat-cow", "Cat-cow", "skip")
    with pytest.raises(ValueError):
        safety.record_hurt(session(db), "cat-cow", "Cat-cow", "pause")  # type: ignore[arg-type]
    assert safety.hurt_events() == []


def test_deleting_a_session_deletes_its_hurt_events(db: Database,
                                                    safety: SafetyRecords) -> None:
    sid = session(db)
    safety.record_hurt(sid, "cat-cow", "Cat-cow", "skip")
    SessionRecords(db).delete(sid)
    assert safety.hurt_events() == []


# --- once-only notices ----------------------------------------------------------------------

def test_a_notice_is_remembered_once_with_its_first_time(db: Database, safety: SafetyRecords,
                                                         clock: Clock) -> None:
    assert not safety.notice_shown("gp-two-weeks")
    safety.mark_notice("gp-two-weeks")
    clock.advance(days=3)
    safety.mark_notice("gp-two-weeks")
    assert safety.notice_shown("gp-two-weeks") and not safety.notice_shown("other")
    with db.reading() as conn:
        assert conn.execute("SELECT key, shown_at FROM notices").fetchall() == \
            [("gp-two-weeks", "2026-03-10T09:00:00.000000+00:00")]


def test_safety_records_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "backcare.sqlite3"
    db = Database.open(path)
    safety = SafetyRecords(db)
    safety.record_red_flags({"fever": False}, "screen", False)
    safety.mark_notice("sound-unavailable")
    sid = session(db)
    safety.record_hurt(sid, "a", "A", "skip")
    db.close()
    db = Database.open(path)
    safety = SafetyRecords(db)
    assert safety.red_flags_completed() and safety.notice_shown("sound-unavailable")
    assert len(safety.hurt_events(sid)) == 1
    db.close()
