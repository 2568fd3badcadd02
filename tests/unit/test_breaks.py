"""The break scheduler on a fake clock: simulated workdays stepped to the nanosecond, checked to
the millisecond, with idle, suspends, clock changes and pauses."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare_gui.core.breaks import (
    MICRO_DEFAULTS,
    MOVEMENT_DEFAULTS,
    POLL_S,
    TRANSITIONS,
    BreakConfig,
    BreakDue,
    BreakEnded,
    BreakEvent,
    BreakHow,
    BreakKind,
    BreakScheduler,
    BreakState,
    BreakTaken,
    BreakWarning,
    PostponeRefused,
    RemindersPaused,
    RemindersResumed,
    SuspendSource,
)
from backcare_gui.core.clock import FakeClock
from backcare_gui.core.engine import NS, InvalidTransition
from backcare_gui.core.workhours import WorkingHours, wall_at

MICRO, MOVEMENT = BreakKind.MICRO, BreakKind.MOVEMENT
E = TypeVar("E")
MONDAY = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday, midnight UTC


def at(hh: int, mm: int, ss: float = 0, day: int = 0) -> float:
    """Wall seconds of a time on Monday (day 0) or a later day, UTC."""
    return (MONDAY + timedelta(days=day, hours=hh, minutes=mm, seconds=ss)).timestamp()


def utc(wall: float) -> datetime:
    return datetime.fromtimestamp(wall, UTC)


def hms(wall: float, with_day: bool = False) -> str:
    """A wall time to the millisecond, e.g. '09:29:30.000' (or 'Tue 09:29:30.000')."""
    ms = round(wall * 1000)
    text = utc(ms // 1000).strftime("%a %H:%M:%S" if with_day else "%H:%M:%S")
    return f"{text}.{ms % 1000:03d}"


class FakeIdle:
    """Idle since a moment on the clock (away), not idle (back), or unknown."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.since_ns: int | None = None
        self.unknown = False

    def away(self) -> None:
        self.since_ns = self.clock.monotonic_ns()

    def back(self) -> None:
        self.since_ns = None

    def idle_seconds(self) -> float | None:
        if self.unknown:
            return None
        if self.since_ns is None:
            return 0.0
        return (self.clock.monotonic_ns() - self.since_ns) / NS


class Rig:
    def __init__(self, start: float = 0.0, *, micro: BreakConfig = MICRO_DEFAULTS,
                 movement: BreakConfig = MOVEMENT_DEFAULTS, hours: WorkingHours | None = None,
                 idle: bool = False, suspend_source: SuspendSource = "boottime") -> None:
        self.clock = FakeClock(start or at(8, 0))
        self.idle = FakeIdle(self.clock)
        self.sched = BreakScheduler(self.clock, micro, movement, hours,
                                    idle=self.idle if idle else None,
                                    to_local=utc, suspend_source=suspend_source)
        self.events: list[BreakEvent] = []
        self.sched.subscribe(self.events.append)

    def to(self, wall: float, *, poll: bool = False,
           on_due: Callable[[BreakKind], None] | None = None) -> None:
        """Run to a wall time, ticking at every deadline (and every POLL_S when polling)."""
        target = self.clock.monotonic_ns() + round((wall - self.clock.wall()) * NS)
        next_poll = self.clock.monotonic_ns() + round(POLL_S * NS)
        while True:
            deadline = self.sched.next_deadline_ns()
            if poll:
                deadline = next_poll if deadline is None else min(deadline, next_poll)
            step = target if deadline is None else min(deadline, target)
            assert step >= self.clock.monotonic_ns()
            self.clock.advance((step - self.clock.monotonic_ns()) / NS)
            self.sched.tick()
            if poll and step == next_poll:
                next_poll = step + round(POLL_S * NS)
            if on_due is not None:
                for kind in BreakKind:
                    if self.sched.state(kind) is BreakState.DUE:
                        on_due(kind)
            if step == target:
                return

    def log(self, with_day: bool = False) -> list[tuple[str, str, str]]:
        out = []
        for e in self.events:
            if isinstance(e, BreakWarning | BreakDue | BreakTaken | BreakEnded):
                detail = type(e).__name__
                if isinstance(e, BreakDue) and e.absorbed:
                    detail += "+absorbed"
                if isinstance(e, BreakTaken):
                    detail = f"{e.how}" + ("+absorbed" if e.absorbed else "")
                out.append((hms(e.at_wall, with_day), e.kind.value, detail))
        return out

    def of(self, cls: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, cls)]

    def clear(self) -> None:
        self.events.clear()


def take_all(rig: Rig) -> Callable[[BreakKind], None]:
    return rig.sched.take


# -- a working day --

def test_default_workday_every_break_to_the_millisecond() -> None:
    rig = Rig()
    rig.to(at(12, 0), on_due=take_all(rig))
    assert rig.log() == [
        ("09:29:30.000", "micro", "BreakWarning"),
        ("09:30:00.000", "micro", "BreakDue"),
        ("09:30:00.000", "micro", "taken"),
        ("09:31:00.000", "micro", "BreakEnded"),
        ("09:59:00.000", "movement", "BreakWarning"),
        # the micro-break would be due at 10:01, during the movement break: absorbed
        ("10:00:00.000", "movement", "BreakDue+absorbed"),
        ("10:00:00.000", "movement", "taken+absorbed"),
        ("10:05:00.000", "movement", "BreakEnded"),
        ("10:34:30.000", "micro", "BreakWarning"),  # restarted after the movement break
        ("10:35:00.000", "micro", "BreakDue"),
        ("10:35:00.000", "micro", "taken"),
        ("10:36:00.000", "micro", "BreakEnded"),
        ("11:04:00.000", "movement", "BreakWarning"),
        ("11:05:00.000", "movement", "BreakDue+absorbed"),
        ("11:05:00.000", "movement", "taken+absorbed"),
        ("11:10:00.000", "movement", "BreakEnded"),
        ("11:39:30.000", "micro", "BreakWarning"),
        ("11:40:00.000", "micro", "BreakDue"),
        ("11:40:00.000", "micro", "taken"),
        ("11:41:00.000", "micro", "BreakEnded"),
    ]
    warnings = rig.of(BreakWarning)
    assert [w.due_in_s for w in warnings[:2]] == [30.0, 60.0]


def test_a_listener_may_act_from_inside_an_event() -> None:
    direct = Rig()
    direct.to(at(12, 0), on_due=take_all(direct))
    rig = Rig()

    def take_when_due(event: BreakEvent) -> None:
        if isinstance(event, BreakDue):
            rig.sched.take(event.kind)

    rig.sched.subscribe(take_when_due)
    rig.to(at(12, 0))
    assert rig.log() == direct.log()


def test_late_ticks_still_date_everything_to_its_own_time() -> None:
    rig = Rig(at(9, 0))  # started in working hours: the timers run from here
    while rig.clock.wall() < at(9, 31):
        rig.clock.advance(7.3)  # an adapter ticking late, at odd times
        rig.sched.tick()
    assert rig.log() == [("09:29:30.000", "micro", "BreakWarning"),
                         ("09:30:00.000", "micro", "BreakDue")]


def test_due_in_and_break_left() -> None:
    rig = Rig()
    rig.to(at(9, 10))
    assert rig.sched.due_in_s(MICRO) == pytest.approx(20 * 60)
    assert rig.sched.due_in_s(MOVEMENT) == pytest.approx(50 * 60)
    assert rig.sched.break_left_s(MICRO) is None
    rig.sched.take_now(MICRO)
    rig.to(at(9, 10, 45))
    assert rig.sched.break_left_s(MICRO) == pytest.approx(15)
    assert rig.sched.due_in_s(MICRO) is None


def test_end_break_early_restarts_from_then() -> None:
    rig = Rig()
    rig.to(at(9, 30), on_due=take_all(rig))
    rig.to(at(9, 30, 20))
    rig.sched.end_break(MICRO)
    assert rig.sched.state(MICRO) is BreakState.COUNTING
    assert rig.sched.due_in_s(MICRO) == pytest.approx(30 * 60)


# -- collisions --

def test_skipped_micro_falling_due_with_the_movement_break_is_absorbed() -> None:
    rig = Rig()
    rig.to(at(9, 30))
    rig.sched.skip(MICRO)  # next micro-break due at 10:00, exactly with the movement break
    rig.to(at(10, 0))
    assert rig.sched.state(MICRO) is BreakState.ABSORBED
    assert rig.sched.state(MOVEMENT) is BreakState.DUE
    rig.sched.take(MOVEMENT)
    rig.to(at(10, 40))
    assert rig.log() == [
        ("09:29:30.000", "micro", "BreakWarning"),
        ("09:30:00.000", "micro", "BreakDue"),
        ("09:30:00.000", "micro", "skipped"),
        ("09:59:00.000", "movement", "BreakWarning"),  # no micro warning: it was absorbed
        ("10:00:00.000", "movement", "BreakDue+absorbed"),
        ("10:00:00.000", "movement", "taken+absorbed"),
        ("10:05:00.000", "movement", "BreakEnded"),
        ("10:34:30.000", "micro", "BreakWarning"),  # micro timer restarted at 10:05
        ("10:35:00.000", "micro", "BreakDue"),
    ]


def test_micro_due_shortly_before_the_movement_break_waits_for_it() -> None:
    rig = Rig()
    rig.to(at(9, 25))
    rig.sched.take_now(MICRO)  # ends 09:26: next due 09:56, 4 min before the movement break
    rig.to(at(10, 1), on_due=take_all(rig))
    assert [e for e in rig.log() if e[2].startswith("Break")] == [
        ("09:26:00.000", "micro", "BreakEnded"),
        ("09:59:00.000", "movement", "BreakWarning"),
        ("10:00:00.000", "movement", "BreakDue+absorbed"),
    ]
    assert next(e for e in rig.of(BreakTaken) if e.kind is MICRO).by_person


def test_micro_due_well_before_the_movement_break_is_its_own_break() -> None:
    rig = Rig()
    rig.to(at(9, 19))
    rig.sched.take_now(MICRO)  # ends 09:20: next due 09:50, 10 min before the movement break
    rig.to(at(10, 6), on_due=take_all(rig))
    dues = [(t, k, d) for t, k, d in rig.log() if d.startswith("BreakDue")]
    assert dues == [("09:50:00.000", "micro", "BreakDue"),
                    ("10:00:00.000", "movement", "BreakDue")]
    # A taken movement break still covers standing up: the micro timer restarts after it.
    assert rig.sched.due_in_s(MICRO) == pytest.approx(29 * 60)


def test_movement_break_falling_due_during_a_micro_break_follows_it() -> None:
    rig = Rig()
    rig.to(at(9, 59, 30), on_due=take_all(rig))  # micro taken at 09:30, due again 10:01
    rig.sched.take_now(MICRO)  # standing until 10:00:30
    rig.to(at(10, 1))
    dues = rig.of(BreakDue)
    assert [(hms(e.at_wall), e.kind) for e in dues] == [("09:30:00.000", MICRO),
                                                        ("10:00:30.000", MOVEMENT)]


def test_a_pending_micro_break_is_taken_over_by_the_movement_break() -> None:
    rig = Rig(micro=replace(MICRO_DEFAULTS, every=50 * 60))
    rig.to(at(9, 50))
    assert rig.sched.state(MICRO) is BreakState.DUE  # 10 min before the movement break
    rig.to(at(10, 0))  # left unanswered
    assert rig.sched.state(MICRO) is BreakState.ABSORBED
    assert rig.sched.state(MOVEMENT) is BreakState.DUE
    assert rig.of(BreakDue)[-1].absorbed
    rig.sched.skip(MOVEMENT)
    taken = rig.of(BreakTaken)[-1]
    assert (taken.kind, taken.how, taken.absorbed) == (MOVEMENT, BreakHow.SKIPPED, True)
    assert rig.sched.state(MICRO) is BreakState.COUNTING


def test_micro_cannot_start_while_the_movement_break_is_on() -> None:
    rig = Rig()
    rig.to(at(10, 0))
    assert rig.sched.state(MOVEMENT) is BreakState.DUE
    with pytest.raises(InvalidTransition, match="movement break is on"):
        rig.sched.take_now(MICRO)


# -- postpone, skip --

def test_postpone_limit_for_the_micro_break() -> None:
    rig = Rig()
    rig.to(at(9, 30))
    rig.sched.postpone(MICRO)
    rig.to(at(9, 32))
    assert rig.sched.state(MICRO) is BreakState.DUE
    rig.sched.postpone(MICRO)
    rig.to(at(9, 34))
    assert rig.sched.postpone_refusal(MICRO) is not None
    with pytest.raises(PostponeRefused, match="put off twice") as refused:
        rig.sched.postpone(MICRO)  # the third
    assert refused.value.reason == rig.sched.postpone_refusal(MICRO)
    assert rig.sched.state(MICRO) is BreakState.DUE
    rig.sched.take(MICRO)
    assert rig.log() == [
        ("09:29:30.000", "micro", "BreakWarning"),
        ("09:30:00.000", "micro", "BreakDue"),
        ("09:30:00.000", "micro", "postponed"),
        ("09:32:00.000", "micro", "BreakDue"),
        ("09:32:00.000", "micro", "postponed"),
        ("09:34:00.000", "micro", "BreakDue"),
        ("09:34:00.000", "micro", "taken"),
    ]
    assert [(e.postpones) for e in rig.of(BreakTaken)] == [1, 2, 2]
    assert [e.postpones for e in rig.of(BreakDue)] == [0, 1, 2]
    rig.to(at(10, 6), on_due=take_all(rig))
    assert rig.sched.postpones(MICRO) == 0  # a new break starts with a clean slate


def test_postpone_limit_for_the_movement_break_and_postponing_a_warning() -> None:
    rig = Rig(micro=replace(MICRO_DEFAULTS, enabled=False))
    rig.to(at(9, 59))  # warned
    rig.sched.postpone(MOVEMENT)  # from the warning: 5 min after it was due
    rig.to(at(10, 5))
    rig.sched.postpone(MOVEMENT)
    rig.to(at(10, 10))
    with pytest.raises(PostponeRefused):
        rig.sched.postpone(MOVEMENT)
    assert [(hms(e.at_wall), e.postpones) for e in rig.of(BreakDue)] == [("10:05:00.000", 1),
                                                                        ("10:10:00.000", 2)]


def test_no_postponing_allowed_and_nothing_to_postpone() -> None:
    rig = Rig(micro=replace(MICRO_DEFAULTS, max_postpones=0))
    assert "no break to put off" in (rig.sched.postpone_refusal(MICRO) or "")
    rig.to(at(9, 30))
    with pytest.raises(PostponeRefused, match="cannot be put off"):
        rig.sched.postpone(MICRO)


def test_skip_restarts_the_timer_from_the_skip() -> None:
    rig = Rig(movement=replace(MOVEMENT_DEFAULTS, enabled=False))
    rig.to(at(9, 30, 10))
    rig.sched.skip(MICRO)
    rig.to(at(10, 1))
    assert rig.log() == [("09:29:30.000", "micro", "BreakWarning"),
                         ("09:30:00.000", "micro", "BreakDue"),
                         ("09:30:10.000", "micro", "skipped"),
                         ("09:59:40.000", "micro", "BreakWarning"),
                         ("10:00:10.000", "micro", "BreakDue")]
    assert rig.sched.state(MOVEMENT) is BreakState.DISABLED


def test_actions_in_the_wrong_state_raise() -> None:
    rig = Rig()
    rig.to(at(9, 10))
    for action in (rig.sched.take, rig.sched.skip, rig.sched.end_break):
        with pytest.raises(InvalidTransition):
            action(MICRO)
    rig.to(at(18, 0))
    with pytest.raises(InvalidTransition):
        rig.sched.take_now(MICRO)


def test_transition_table_is_complete() -> None:
    assert set(TRANSITIONS) == set(BreakState)
    assert TRANSITIONS[BreakState.DISABLED] == frozenset()
    for state, targets in TRANSITIONS.items():
        assert state not in targets


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        replace(MICRO_DEFAULTS, every=0)
    with pytest.raises(ValueError):
        replace(MICRO_DEFAULTS, warn_before=30 * 60)
    with pytest.raises(ValueError):
        replace(MICRO_DEFAULTS, max_postpones=-1)
    with pytest.raises(ValueError):
        WorkingHours(start_minute=17 * 60, end_minute=9 * 60)


# -- pauses --

@pytest.mark.parametrize(("minutes", "resumed", "micro_due"),
                         [(30, "09:40:00.000", "10:10:00.000"),
                          (60, "10:10:00.000", "10:40:00.000")])
def test_pause_for_a_while_then_start_afresh(minutes: int, resumed: str, micro_due: str) -> None:
    rig = Rig()
    rig.to(at(9, 10))
    rig.sched.pause_for(minutes * 60)
    assert {rig.sched.state(k) for k in BreakKind} == {BreakState.PAUSED}
    assert rig.sched.next_deadline_ns() == rig.clock.monotonic_ns() + minutes * 60 * NS
    rig.to(at(10, 11) if minutes == 30 else at(10, 41))
    pauses = rig.of(RemindersPaused)
    assert [hms(e.until_wall) for e in pauses] == [hms(at(9, 10) + minutes * 60)]
    assert [hms(e.at_wall) for e in rig.of(RemindersResumed)] == [resumed]
    assert hms(rig.of(BreakDue)[0].at_wall) == micro_due


def test_pause_until_tomorrow_morning() -> None:
    rig = Rig(at(14, 0))  # Monday afternoon
    assert utc(rig.sched.next_morning()) == datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    rig.sched.pause_reminders(rig.sched.next_morning())
    rig.to(at(9, 31, day=1))
    assert [hms(e.at_wall, True) for e in rig.of(RemindersResumed)] == ["Tue 09:00:00.000"]
    assert [hms(e.at_wall, True) for e in rig.of(BreakDue)] == ["Tue 09:30:00.000"]


def test_tomorrow_morning_on_friday_is_monday() -> None:
    hours = WorkingHours()
    friday = at(15, 0, day=4)
    assert utc(hours.next_morning(friday, utc)) == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    nobody = WorkingHours(weekdays=frozenset())
    assert utc(nobody.next_morning(friday, utc)) == datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def test_tomorrow_morning_across_a_dst_change() -> None:
    zone = ZoneInfo("Europe/London")

    def london(wall: float) -> datetime:
        return datetime.fromtimestamp(wall, zone)

    saturday = datetime(2026, 3, 28, 12, 0, tzinfo=zone).timestamp()  # clocks go forward Sunday
    monday_9 = WorkingHours().next_morning(saturday, london)
    assert london(monday_9) == datetime(2026, 3, 30, 9, 0, tzinfo=zone)
    assert wall_at(london(saturday).date(), 9 * 60, london, saturday) == \
        datetime(2026, 3, 28, 9, 0, tzinfo=zone).timestamp()


def test_resume_early_and_resume_when_not_paused() -> None:
    rig = Rig()
    rig.to(at(9, 10))
    rig.sched.resume_reminders()  # not paused: nothing happens
    assert rig.of(RemindersResumed) == []
    rig.sched.pause_for(3600)
    rig.to(at(9, 20))
    rig.sched.resume_reminders()
    assert rig.sched.paused_until is None
    rig.to(at(9, 51))
    assert [hms(e.at_wall) for e in rig.of(BreakDue)] == ["09:50:00.000"]
    with pytest.raises(ValueError):
        rig.sched.pause_reminders(rig.clock.wall() - 1)


def test_pause_ends_outside_working_hours() -> None:
    rig = Rig(at(17, 0))
    rig.sched.pause_for(3600)
    rig.to(at(18, 1))
    assert {rig.sched.state(k) for k in BreakKind} == {BreakState.OFF_HOURS}


# -- working hours --

def test_nothing_due_outside_working_hours_over_a_week() -> None:
    rig = Rig(at(0, 0))  # Monday midnight to the next Monday
    rig.to(at(0, 0, day=7), on_due=take_all(rig))
    hours = WorkingHours()
    times = [utc(e.at_wall) for e in rig.events
             if isinstance(e, BreakWarning | BreakDue | BreakTaken)]
    assert times
    assert all(hours.contains(t) for t in times)
    days = sorted({t.weekday() for t in times})
    assert days == [0, 1, 2, 3, 4]
    per_day = [sum(1 for e in rig.of(BreakDue) if utc(e.at_wall).weekday() == d) for d in days]
    assert len(set(per_day)) == 1  # every working day starts afresh, so each is the same


@pytest.mark.parametrize("when", [at(8, 59), at(17, 31), at(17, 30), at(11, 0, day=5)])
def test_off_outside_working_hours(when: float) -> None:
    rig = Rig(when - 60)
    rig.to(when)
    assert {rig.sched.state(k) for k in BreakKind} == {BreakState.OFF_HOURS}


def test_fresh_start_at_nine_after_an_unanswered_break() -> None:
    rig = Rig(at(16, 59))
    assert rig.sched.state(MICRO) is BreakState.COUNTING
    rig.to(at(17, 29))
    assert rig.sched.state(MICRO) is BreakState.DUE  # left on screen at 17:29
    rig.to(at(17, 30))
    assert rig.sched.state(MICRO) is BreakState.OFF_HOURS  # gone at the end of the day
    # Off: the only deadline is the start of the next working day, to the nanosecond.
    assert rig.sched.next_deadline_ns() == rig.clock.monotonic_ns() + 15 * 3600 * NS + 30 * 60 * NS
    rig.clear()
    rig.to(at(10, 1, day=1), on_due=take_all(rig))
    assert [(hms(e.at_wall, True), e.kind.value) for e in rig.of(BreakDue)] == [
        ("Tue 09:30:00.000", "micro"), ("Tue 10:00:00.000", "movement")]


def test_friday_evening_to_monday_morning() -> None:
    rig = Rig(at(17, 40, day=4))
    deadline = rig.sched.next_deadline_ns()
    assert deadline is not None
    assert utc(rig.clock.wall() + (deadline - rig.clock.monotonic_ns()) / NS) == \
        datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


def test_custom_hours_and_days() -> None:
    weekend = WorkingHours(start_minute=10 * 60, end_minute=14 * 60, weekdays=frozenset({5, 6}))
    rig = Rig(at(9, 0), hours=weekend)
    rig.to(at(0, 0, day=7), on_due=take_all(rig))
    dues = [utc(e.at_wall) for e in rig.of(BreakDue)]
    assert {d.weekday() for d in dues} == {5, 6}
    assert all(10 <= d.hour < 14 for d in dues)
    assert hms(rig.of(BreakDue)[0].at_wall, True) == "Sat 10:30:00.000"


def test_no_working_days_means_no_deadline() -> None:
    rig = Rig(hours=WorkingHours(weekdays=frozenset()))
    assert rig.sched.next_deadline_ns() is None


def test_overnight_suspend_starts_the_day_afresh_without_natural_breaks() -> None:
    rig = Rig(at(16, 0))
    rig.clock.suspend(18 * 3600)  # Monday 16:00 to Tuesday 10:00, no tick in between
    rig.sched.tick()
    assert rig.of(BreakTaken) == []
    rig.to(at(10, 31, day=1))
    assert [hms(e.at_wall, True) for e in rig.of(BreakDue)] == ["Tue 10:30:00.000"]


# -- natural breaks: idle --

def test_idle_for_the_break_length_is_a_natural_break() -> None:
    rig = Rig(idle=True)
    rig.to(at(9, 10), poll=True)
    rig.idle.away()
    rig.to(at(9, 11), poll=True)
    rig.idle.back()
    naturals = rig.of(BreakTaken)
    assert [(hms(e.at_wall), e.kind, e.how) for e in naturals] == [
        ("09:11:00.000", MICRO, BreakHow.NATURAL)]
    rig.to(at(9, 41, 1), poll=True)
    assert [(hms(e.at_wall), e.kind) for e in rig.of(BreakDue)] == [("09:41:00.000", MICRO)]


def test_idle_shorter_than_the_break_is_not_a_break() -> None:
    rig = Rig(idle=True)
    rig.to(at(9, 10), poll=True)
    rig.idle.away()
    rig.to(at(9, 10, 59), poll=True)
    rig.idle.back()
    rig.to(at(9, 30), poll=True)
    assert rig.of(BreakTaken) == []
    assert [hms(e.at_wall) for e in rig.of(BreakDue)] == ["09:30:00.000"]


def test_unknown_idleness_never_counts() -> None:
    rig = Rig(idle=True)
    rig.idle.unknown = True
    rig.idle.away()
    rig.to(at(10, 0), poll=True)
    assert rig.of(BreakTaken) == []
    assert [hms(e.at_wall) for e in rig.of(BreakDue)] == ["09:30:00.000", "10:00:00.000"]


def test_a_long_absence_counts_once_per_break_and_nothing_falls_due_meanwhile() -> None:
    rig = Rig(idle=True)
    rig.to(at(9, 10), poll=True)
    rig.idle.away()
    rig.to(at(11, 0), poll=True)  # lunch, an hour and fifty minutes
    naturals = [(hms(e.at_wall), e.kind) for e in rig.of(BreakTaken)]
    assert naturals == [("09:11:00.000", MICRO), ("09:15:00.000", MOVEMENT)]
    assert rig.of(BreakDue) == []
    rig.idle.back()
    rig.to(at(11, 31), poll=True)
    # The timers restarted at the last poll before coming back.
    assert [(hms(e.at_wall), e.kind) for e in rig.of(BreakDue)] == [("11:30:00.000", MICRO)]


def test_walking_away_from_a_due_break_takes_it() -> None:
    rig = Rig(idle=True)
    rig.to(at(9, 30), poll=True)
    assert rig.sched.state(MICRO) is BreakState.DUE
    rig.idle.away()
    rig.to(at(9, 31), poll=True)
    assert rig.sched.state(MICRO) is BreakState.COUNTING
    taken = rig.of(BreakTaken)
    assert [(hms(e.at_wall), e.how) for e in taken] == [("09:31:00.000", BreakHow.NATURAL)]


def test_a_break_just_taken_is_not_counted_again_as_natural() -> None:
    rig = Rig(idle=True)
    rig.to(at(9, 30), poll=True)
    rig.sched.take(MICRO)
    rig.idle.away()  # stands up for the break
    rig.to(at(9, 31, 30), poll=True)  # the break ended at 09:31, still away 30 s later
    assert [e.how for e in rig.of(BreakTaken)] == [BreakHow.TAKEN]


# -- natural breaks: suspend --

@pytest.mark.parametrize(("seconds", "natural"), [(30, []), (120, [MICRO]),
                                                  (600, [MICRO, MOVEMENT])])
def test_suspend_counts_as_a_break_when_long_enough(seconds: int,
                                                    natural: list[BreakKind]) -> None:
    rig = Rig()
    rig.to(at(9, 10))
    rig.clock.suspend(seconds)
    rig.sched.tick()
    assert [(e.kind, e.how) for e in rig.of(BreakTaken)] == \
        [(k, BreakHow.NATURAL) for k in natural]
    rig.to(at(10, 30))
    first_due = hms(rig.of(BreakDue)[0].at_wall)
    # A short suspend freezes the work timers; a long one restarts them when the machine wakes.
    assert first_due == {30: "09:30:30.000", 120: "09:42:00.000", 600: "09:50:00.000"}[seconds]


def test_suspend_during_a_break_counts_as_break_time() -> None:
    rig = Rig()
    rig.to(at(9, 30), on_due=take_all(rig))
    rig.clock.suspend(300)
    rig.sched.tick()
    assert rig.sched.state(MICRO) is BreakState.COUNTING
    assert [hms(e.at_wall) for e in rig.of(BreakEnded)] == ["09:35:00.000"]


def test_wall_clock_going_back_is_not_a_suspend() -> None:
    sources: tuple[SuspendSource, ...] = ("boottime", "wall")
    for source in sources:
        rig = Rig(suspend_source=source)
        rig.to(at(9, 25))
        rig.clock.set_wall(at(9, 15))  # the clock is set back ten minutes
        rig.sched.tick()
        rig.to(at(9, 21))
        assert rig.of(BreakTaken) == []
        # Due 5 minutes of monotonic time later, whatever the wall clock says.
        assert [hms(e.at_wall) for e in rig.of(BreakDue)] == ["09:20:00.000"]


def test_wall_clock_forward_only_looks_like_a_suspend_without_boottime() -> None:
    cases: tuple[tuple[SuspendSource, int], ...] = (("boottime", 0), ("wall", 1))
    for source, naturals in cases:
        rig = Rig(suspend_source=source)
        rig.to(at(9, 10))
        rig.clock.set_wall(at(9, 12))  # two minutes forward
        rig.sched.tick()
        assert len(rig.of(BreakTaken)) == naturals


# -- the long property test --

ACTION = st.one_of(
    st.tuples(st.just("advance"), st.integers(1, 3 * 3600 * 1000)),
    st.tuples(st.just("advance"), st.integers(1, 10 * 60 * 1000)),
    st.tuples(st.just("deadline"), st.just(0)),
    st.tuples(st.just("respond"), st.integers(0, 2)),  # to whichever break is offered
    st.tuples(st.sampled_from(["take", "take_now", "skip", "postpone", "end_break"]),
              st.sampled_from([0, 1])),
    st.tuples(st.just("pause"), st.integers(60, 30 * 3600)),
    st.tuples(st.just("resume"), st.just(0)),
    st.tuples(st.just("idle"), st.integers(-1, 900)),
    st.tuples(st.just("suspend"), st.integers(1, 20 * 3600)),
    st.tuples(st.just("wall_back"), st.integers(1, 3 * 3600)),
)


class RandomIdle:
    def __init__(self) -> None:
        self.value: float | None = None

    def idle_seconds(self) -> float | None:
        return self.value


@settings(max_examples=250)
@given(start=st.integers(0, 7 * 24 * 3600), actions=st.lists(ACTION, max_size=80),
       source=st.sampled_from(["boottime", "wall"]), warn_micro=st.sampled_from([0, 30]),
       micro_every=st.sampled_from([30 * 60, 50 * 60, 61 * 60]))
def test_random_days_keep_the_invariants(start: int, actions: list[tuple[str, int]],
                                         source: SuspendSource, warn_micro: int,
                                         micro_every: int) -> None:
    clock = FakeClock(at(0, 0) + start)
    idle = RandomIdle()
    hours = WorkingHours()
    micro = replace(MICRO_DEFAULTS, warn_before=warn_micro, every=micro_every)
    sched = BreakScheduler(clock, micro, idle=idle, to_local=utc, suspend_source=source)
    kinds = list(BreakKind)

    def on_event(event: BreakEvent) -> None:
        if isinstance(event, BreakDue):  # emitted only in working hours, never while paused
            assert hours.contains(utc(clock.wall()))
            assert sched.paused_until is None

    sched.subscribe(on_event)
    for name, value in actions:
        if name == "advance":
            clock.advance(value / 1000)
        elif name == "deadline":
            deadline = sched.next_deadline_ns()
            if deadline is not None:
                clock.advance((deadline - clock.monotonic_ns()) / NS)
        elif name == "pause":
            sched.pause_for(value)
        elif name == "resume":
            sched.resume_reminders()
        elif name == "idle":
            idle.value = None if value < 0 else float(value)
        elif name == "suspend":
            clock.suspend(value)
        elif name == "wall_back":
            clock.set_wall(clock.wall() - value)
        elif name == "respond":
            for kind in kinds:
                if sched.state(kind) in (BreakState.WARNED, BreakState.DUE):
                    answer = (sched.take, sched.skip, sched.postpone)[value]
                    with contextlib.suppress(PostponeRefused):
                        answer(kind)
        else:
            with contextlib.suppress(InvalidTransition, PostponeRefused):
                getattr(sched, name)(kinds[value])
        sched.tick()
        states = [sched.state(k) for k in BreakKind]
        assert states.count(BreakState.DUE) <= 1
        assert sum(s in (BreakState.DUE, BreakState.ON_BREAK) for s in states) <= 1
        working = hours.contains(utc(clock.wall())) and sched.paused_until is None
        for state in states:
            if state in (BreakState.DUE, BreakState.WARNED, BreakState.COUNTING,
                         BreakState.ON_BREAK, BreakState.POSTPONED, BreakState.ABSORBED):
                assert working
        if sched.paused_until is None and hours.contains(utc(clock.wall())):
            assert BreakState.OFF_HOURS not in states
        deadline = sched.next_deadline_ns()
        assert deadline is None or deadline > clock.monotonic_ns()
