"""A routine as a flat list of timed phases: the one implementation of the timeline rules.

Rules (docs/routine-format.md): prepare; then for each exercise, for each set, for each side (or
once), the reps (a hold, or the steps in order) with rest_between_reps between two reps;
switch_seconds between the sides of one set; rest_between_sets between two sets;
rest_between_exercises between two exercises. Nothing after the last of anything; phases of 0 s
are not emitted. Durations are whole milliseconds so sums are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backcare_gui.core.routine import Exercise, Image, Routine, Seconds, Side


class PhaseKind(StrEnum):
    PREPARE = "prepare"
    HOLD = "hold"
    STEP = "step"
    REST = "rest"  # between two reps
    SWITCH = "switch"  # change side within a set
    SET_REST = "set_rest"
    EXERCISE_REST = "exercise_rest"

    @property
    def is_work(self) -> bool:
        return self in (PhaseKind.HOLD, PhaseKind.STEP)


def to_ms(seconds: Seconds) -> int:
    return round(seconds * 1000)


@dataclass(frozen=True, slots=True)
class Phase:
    index: int
    kind: PhaseKind
    start_ms: int  # from the start of the session
    duration_ms: int
    # The exercise this phase prepares for or belongs to: prepare and the rest between two
    # exercises belong to the exercise that comes next, so an exercise is complete exactly when
    # a phase of a later exercise begins.
    exercise_index: int
    exercise: Exercise
    set_number: int = 1
    rep_number: int = 1
    side: Side | None = None
    step_index: int | None = None
    image: Image | None = None
    cue: str | None = None

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms

    @property
    def name(self) -> str:
        """What the person is doing: the step's name within an exercise with steps."""
        if self.kind is PhaseKind.STEP and self.step_index is not None:
            return self.exercise.steps[self.step_index].name
        return self.exercise.name


@dataclass(frozen=True, slots=True)
class Timeline:
    routine: Routine
    phases: tuple[Phase, ...]

    @property
    def total_ms(self) -> int:
        return self.phases[-1].end_ms if self.phases else 0

    def exercise_end_ms(self, exercise_index: int) -> int:
        """When the last phase of an exercise ends."""
        return max(p.end_ms for p in self.phases if p.exercise_index == exercise_index)


class _Builder:
    def __init__(self) -> None:
        self.phases: list[Phase] = []
        self.clock_ms = 0

    def add(self, kind: PhaseKind, seconds: Seconds, index: int, exercise: Exercise,
            **details: object) -> None:
        duration = to_ms(seconds)
        if duration <= 0:
            return
        self.phases.append(Phase(len(self.phases), kind, self.clock_ms, duration, index,
                                 exercise, **details))  # type: ignore[arg-type]
        self.clock_ms += duration


def build_timeline(routine: Routine) -> Timeline:
    b = _Builder()
    first = routine.exercises[0]
    b.add(PhaseKind.PREPARE, routine.prepare_seconds, 0, first, image=first.image)
    for i, ex in enumerate(routine.exercises):
        if i:
            b.add(PhaseKind.EXERCISE_REST, routine.rest_between_exercises, i, ex, image=ex.image)
        sides: tuple[Side | None, ...] = ex.sides or (None,)
        for set_number in range(1, ex.sets + 1):
            if set_number > 1:
                b.add(PhaseKind.SET_REST, ex.rest_between_sets, i, ex, set_number=set_number,
                      side=sides[0], image=ex.image)
            for side_index, side in enumerate(sides):
                if side_index:
                    b.add(PhaseKind.SWITCH, ex.switch_seconds, i, ex, set_number=set_number,
                          side=side, image=ex.image)
                for rep in range(1, ex.reps + 1):
                    detail = {"set_number": set_number, "rep_number": rep, "side": side}
                    if rep > 1:
                        b.add(PhaseKind.REST, ex.rest_between_reps, i, ex, image=ex.image,
                              **detail)
                    if ex.hold is not None:
                        b.add(PhaseKind.HOLD, ex.hold, i, ex, image=ex.image,
                              cue=ex.cues[0] if ex.cues else None, **detail)
                    for s, step in enumerate(ex.steps):
                        b.add(PhaseKind.STEP, step.seconds, i, ex, step_index=s,
                              image=step.image or ex.image, cue=step.cue, **detail)
    return Timeline(routine, tuple(b.phases))


def total_ms(routine: Routine) -> int:
    return build_timeline(routine).total_ms


def format_seconds(ms: int) -> str:
    """Seconds as a plain number: 289, or 289.5 when not whole."""
    whole, rest = divmod(ms, 1000)
    return str(whole) if not rest else f"{whole}.{rest:03d}".rstrip("0")
