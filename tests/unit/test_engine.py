"""The session engine on a fake clock: every boundary to the millisecond, however it is driven."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from backcare_gui.core.clock import FakeClock
from backcare_gui.core.engine import (
    MS,
    NS,
    TRANSITIONS,
    CueDue,
    Event,
    InvalidTransition,
    PhaseStarted,
    SessionEngine,
    SessionState,
    StateChanged,
)
from backcare_gui.core.timeline import PhaseKind, Timeline, build_timeline
from tests.helpers.routines import EXAMPLE, minimal, parse


def thirty_minutes() -> Timeline:
    """About 30 minutes of holds, steps, sides, sets and rests."""
    exercises = []
    for i in range(8):
        exercises.append(
            f"  - id: ex{i}\n    name: Exercise {i}\n    reps: 4\n    rest_between_reps: 3\n"
            f"    sides: [left, right]\n    sets: 2\n    rest_between_sets: 7.5\n"
            + ("    hold: 8.25\n" if i % 2 else
               "    steps: [{name: In, seconds: 4}, {name: Out, seconds: 5.5}]\n"))
    text = ("format: backcare-routine/1\nid: long\ntitle: Long\nprepare_seconds: 10\n"
            "rest_between_exercises: 20\nexercises:\n" + "".join(exercises))
    timeline = build_timeline(parse(text))
    assert 25 * 60_000 < timeline.total_ms < 35 * 60_000
    return timeline


class Recorder:
    def __init__(self, engine: SessionEngine) -> None:
        self.events: list[Event] = []
        engine.subscribe(self.events.append)

    def starts(self) -> list[tuple[int, int]]:
        """(phase index, start on the clock in ms) for every PhaseStarted."""
        return [(e.phase.index, e.at_ns // MS) for e in self.events if isinstance(e, PhaseStarted)]

    def cues(self) -> list[tuple[str, int]]:
        return [(e.cue.value, e.at_ns // MS) for e in self.events if isinstance(e, CueDue)]


def run_to_end(engine: SessionEngine, clock: FakeClock) -> None:
    """Tick exactly at each deadline, as the Qt adapter's precise timer does."""
    while (deadline := engine.next_deadline_ns()) is not None:
        clock.advance((deadline - clock.monotonic_ns()) / NS)
        engine.tick()


def test_thirty_minutes_every_boundary_to_the_millisecond() -> None:
    timeline = thirty_minutes()
    clock = FakeClock()
    clock.advance(5)
    engine = SessionEngine(timeline, clock)
    rec = Recorder(engine)
    engine.start()
    run_to_end(engine, clock)
    assert engine.state is SessionState.FINISHED
    assert rec.starts() == [(p.index, 5000 + p.start_ms) for p in timeline.phases]
    assert clock.monotonic_ns() // MS == 5000 + timeline.total_ms
    assert engine.active_ns() // MS == timeline.total_ms
    assert rec.cues()[-1] == ("done", 5000 + timeline.total_ms)


def test_late_ticks_neither_lose_nor_add_time() -> None:
    timeline = thirty_minutes()
    clock = FakeClock()
    engine = SessionEngine(timeline, clock)
    rec = Recorder(engine)
    engine.start()
    rng = random.Random(3)
    while engine.state is SessionState.RUNNING:
        clock.advance(rng.choice([0.001, 0.05, 0.3, 1.7, 4.2, 9.0]))  # including late ticks
        engine.tick()
    # every phase was closed at its own deadline, not at the tick that noticed it
    assert rec.starts() == [(p.index, p.start_ms) for p in timeline.phases]
    done = [e for e in rec.events if isinstance(e, StateChanged)][-1]
    assert done.new is SessionState.FINISHED and done.at_ns // MS == timeline.total_ms
    assert engine.active_ns() // MS == timeline.total_ms


def test_pause_keeps_the_remaining_time_and_resume_sets_a_new_deadline() -> None:
    timeline = build_timeline(parse(EXAMPLE))
    clock = FakeClock()
    engine = SessionEngine(timeline, clock)
    rec = Recorder(engine)
    engine.start()
    clock.advance(12.345)  # into the first hold (prepare is 10 s)
    engine.tick()
    engine.pause()
    assert engine.state is SessionState.PAUSED
    before = engine.phase_remaining_ns()
    assert before == (40_000 - 12_345) * MS
    clock.advance(600)  # a ten-minute pause
    engine.tick()
    assert engine.phase_remaining_ns() == before and engine.index == 1
    engine.resume()
    run_to_end(engine, clock)
    shift = 600_000
    expected = [(p.index, p.start_ms + (shift if p.index >= 2 else 0)) for p in timeline.phases]
    assert rec.starts() == expected
    assert engine.active_ns() // MS == timeline.total_ms
    assert clock.monotonic_ns() // MS == timeline.total_ms + shift


def test_skip_and_back_move_one_phase_from_now() -> None:
    timeline = build_timeline(parse(EXAMPLE))
    clock = FakeClock()
    engine = SessionEngine(timeline, clock)
    rec = Recorder(engine)
    engine.start()
    clock.advance(3)
    engine.skip()  # prepare cut short at 3 s
    assert engine.index == 1 and rec.starts()[-1] == (1, 3000)
    clock.advance(1)
    engine.back()
    assert engine.index == 0 and rec.starts()[-1] == (0, 4000)
    assert engine.phase_remaining_ns() == 10_000 * MS
    engine.back()  # the first phase restarts
    assert engine.index == 0
    run_to_end(engine, clock)
    assert clock.monotonic_ns() // MS == 4000 + timeline.total_ms


def test_skip_while_paused_stays_paused_at_the_new_phase() -> None:
    timeline = build_timeline(parse(EXAMPLE))
    clock = FakeClock()
    engine = SessionEngine(timeline, clock)
    engine.start()
    engine.pause()
    engine.skip()
    assert engine.state is SessionState.PAUSED and engine.index == 1
    assert engine.phase_remaining_ns() == timeline.phases[1].duration_ms * MS
    clock.advance(100)
    engine.resume()
    clock.advance(30)
    engine.tick()
    assert engine.index == 2


def test_skip_exercise_and_skip_past_the_end_finish() -> None:
    timeline = build_timeline(parse(EXAMPLE))
    clock = FakeClock()
    engine = SessionEngine(timeline, clock)
    engine.start()
    engine.skip_exercise()  # from prepare (first exercise) to the rest before the second
    assert engine.phase.exercise_index == 1 and engine.phase.kind is PhaseKind.EXERCISE_REST
    engine.skip_exercise()
    engine.skip_exercise()
    assert engine.state is SessionState.FINISHED


def test_cues_start_countdown_switch_rest_done() -> None:
    text = minimal(extra="prepare_seconds: 5\n").replace(
        "hold: 5\n", "hold: 8\n    reps: 2\n    rest_between_reps: 2\n    sides: [left, right]\n"
        "    switch_seconds: 4\n")
    timeline = build_timeline(parse(text))
    clock = FakeClock()
    engine = SessionEngine(timeline, clock)
    rec = Recorder(engine)
    engine.start()
    run_to_end(engine, clock)
    # prepare 5 s (< 6 s: no countdown), holds 8 s with 3-2-1 before their end
    assert rec.cues() == [
        ("start", 5000), ("countdown", 10000), ("countdown", 11000), ("countdown", 12000),
        ("rest", 13000),
        ("start", 15000), ("countdown", 20000), ("countdown", 21000), ("countdown", 22000),
        ("switch", 23000),
        ("start", 27000), ("countdown", 32000), ("countdown", 33000), ("countdown", 34000),
        ("rest", 35000),
        ("start", 37000), ("countdown", 42000), ("countdown", 43000), ("countdown", 44000),
        ("done", 45000)]


def test_short_steps_do_not_beep_every_step() -> None:
    timeline = build_timeline(parse(EXAMPLE))
    clock = FakeClock()
    engine = SessionEngine(timeline, clock)
    rec = Recorder(engine)
    engine.start()
    run_to_end(engine, clock)
    cat_cow = [p for p in timeline.phases if p.exercise.id == "cat-cow" and p.kind.is_work]
    cat_cow_times = {p.start_ms for p in cat_cow} | {p.end_ms - s * 1000 for p in cat_cow
                                                      for s in (1, 2, 3)}
    beeps = [c for c in rec.cues() if c[1] in cat_cow_times]
    assert [c[0] for c in beeps] == ["start"] * 8  # one per rep of Cow+Cat, no countdowns


def test_sides_without_switch_time_get_a_switch_cue() -> None:
    text = minimal(extra="prepare_seconds: 0\n").replace(
        "hold: 5\n", "hold: 5\n    sides: [left, right]\n    switch_seconds: 0\n")
    engine = SessionEngine(build_timeline(parse(text)), clock := FakeClock())
    rec = Recorder(engine)
    engine.start()
    run_to_end(engine, clock)
    assert [c[0] for c in rec.cues()] == ["start", "switch", "done"]


def test_countdown_follows_a_pause() -> None:
    text = minimal(extra="prepare_seconds: 0\n").replace("hold: 5", "hold: 10")
    engine = SessionEngine(build_timeline(parse(text)), clock := FakeClock())
    rec = Recorder(engine)
    engine.start()
    clock.advance(7.5)
    engine.tick()  # countdown "3" was due at 7 s
    engine.pause()
    clock.advance(60)
    engine.resume()
    run_to_end(engine, clock)
    assert rec.cues() == [("start", 0), ("countdown", 7000), ("countdown", 68000),
                          ("countdown", 69000), ("done", 70000)]


def test_states_follow_the_transition_table() -> None:
    engine = SessionEngine(build_timeline(parse(minimal())), FakeClock())
    with pytest.raises(InvalidTransition):
        engine.resume()
    engine.start()
    with pytest.raises(InvalidTransition):
        engine.start()
    engine.stop()
    assert engine.state is SessionState.STOPPED
    assert TRANSITIONS[SessionState.STOPPED] == frozenset()
    engine.skip()  # ignored once stopped
    assert engine.state is SessionState.STOPPED
    assert engine.next_deadline_ns() is None


def test_session_remaining_counts_down_the_whole_plan() -> None:
    timeline = build_timeline(parse(EXAMPLE))
    engine = SessionEngine(timeline, clock := FakeClock())
    assert engine.session_remaining_ns() == timeline.total_ms * MS
    engine.start()
    clock.advance(100.5)
    engine.tick()
    assert engine.session_remaining_ns() == (timeline.total_ms - 100_500) * MS


def test_prepare_override_changes_the_session_not_the_routine() -> None:
    routine = parse(EXAMPLE)
    session = build_timeline(replace(routine, prepare_seconds=3))
    assert session.total_ms == build_timeline(routine).total_ms - 7000


def test_start_from_an_exercise_resumes_with_its_get_ready_time() -> None:
    timeline = build_timeline(parse(EXAMPLE))
    engine = SessionEngine(timeline, clock := FakeClock())
    rec = Recorder(engine)
    engine.start(from_exercise=2)
    assert engine.phase.exercise.id == "knee-to-chest"
    assert engine.phase.kind is PhaseKind.EXERCISE_REST
    run_to_end(engine, clock)
    assert rec.starts()[0] == (engine.phases[engine.index].index - len(rec.starts()) + 1, 0)
    assert engine.active_ns() // MS == timeline.total_ms - timeline.exercise_end_ms(1)
