"""The session engine: runs a timeline against an injected monotonic clock.

Never counts ticks. Each phase has a deadline on the clock; `tick()` closes every phase whose
deadline has passed *at its deadline* (a late tick neither loses nor adds time), pause keeps the
remaining time, resume sets a new deadline. The engine says when it next needs a tick
(`next_deadline_ns`), so a timer can be armed for exactly that moment. Adapters (Qt widgets,
sound, the session record) subscribe to its events; the engine knows nothing about them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from backcare_gui.core.clock import Clock
from backcare_gui.core.timeline import Phase, PhaseKind, Timeline

NS = 1_000_000_000
MS = 1_000_000
COUNTDOWN_SECONDS = (3, 2, 1)
COUNTDOWN_MIN_PHASE_MS = 6_000  # no countdown on short phases: no nonstop beeping on steps


class SessionState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


# Every allowed change of state; anything else is a bug and raises.
TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    SessionState.IDLE: frozenset({SessionState.RUNNING, SessionState.STOPPED}),
    SessionState.RUNNING: frozenset({SessionState.PAUSED, SessionState.FINISHED,
                                     SessionState.STOPPED}),
    SessionState.PAUSED: frozenset({SessionState.RUNNING, SessionState.FINISHED,
                                    SessionState.STOPPED}),
    SessionState.FINISHED: frozenset(),
    SessionState.STOPPED: frozenset(),
}


class CueKind(StrEnum):
    """The sounds of a session; each has assets/sounds/<value>.wav."""

    START = "start"  # work begins
    COUNTDOWN = "countdown"  # each of the last 3 seconds before work ends (or begins)
    SWITCH = "switch"  # change sides
    REST = "rest"
    DONE = "done"


class InvalidTransition(RuntimeError):  # noqa: N818 - reads better at the raise site
    pass


@dataclass(frozen=True, slots=True)
class StateChanged:
    old: SessionState
    new: SessionState
    at_ns: int


@dataclass(frozen=True, slots=True)
class PhaseStarted:
    phase: Phase
    at_ns: int  # when it started on the clock (the previous deadline, not the tick's time)


@dataclass(frozen=True, slots=True)
class CueDue:
    cue: CueKind
    phase: Phase
    at_ns: int  # when it was due
    seconds_left: int = 0  # for countdown cues: 3, 2, 1


Event = StateChanged | PhaseStarted | CueDue
Listener = Callable[[Event], None]


def start_cue(previous: Phase | None, phase: Phase) -> CueKind | None:
    """The sound that marks the beginning of a phase, if any."""
    if phase.kind is PhaseKind.SWITCH:
        return CueKind.SWITCH
    if phase.kind in (PhaseKind.REST, PhaseKind.SET_REST, PhaseKind.EXERCISE_REST):
        return CueKind.REST
    if not phase.kind.is_work:
        return None
    if previous is not None and previous.kind.is_work and previous.side != phase.side \
            and previous.exercise_index == phase.exercise_index:
        return CueKind.SWITCH  # sides change with no switch time between them
    if phase.kind is PhaseKind.STEP and phase.step_index:
        return None  # later steps of a rep: shown, not beeped every few seconds
    return CueKind.START


def has_countdown(phase: Phase) -> bool:
    return (phase.kind.is_work or phase.kind is PhaseKind.PREPARE) \
        and phase.duration_ms >= COUNTDOWN_MIN_PHASE_MS


class SessionEngine:
    def __init__(self, timeline: Timeline, clock: Clock) -> None:
        if not timeline.phases:
            raise ValueError("a session needs at least one phase")
        self.timeline = timeline
        self.clock = clock
        self.state = SessionState.IDLE
        self.index = 0
        self._deadline_ns = 0  # while running: when the current phase ends
        self._remaining_ns = timeline.phases[0].duration_ms * MS  # while paused or idle
        self._countdowns_left: list[int] = []  # countdown seconds not yet cued in this phase
        self._listeners: list[Listener] = []
        self._active_ns = 0  # time spent running (not paused)
        self._running_since_ns = 0
        self.started_ns: int | None = None  # when start() was called, on the clock

    # -- subscription --

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    # -- queries --

    @property
    def phase(self) -> Phase:
        return self.timeline.phases[self.index]

    @property
    def phases(self) -> tuple[Phase, ...]:
        return self.timeline.phases

    def phase_remaining_ns(self) -> int:
        if self.state is SessionState.RUNNING:
            return max(0, self._deadline_ns - self.clock.monotonic_ns())
        if self.state is SessionState.FINISHED:
            return 0
        return self._remaining_ns

    def session_remaining_ns(self) -> int:
        if self.state is SessionState.FINISHED:
            return 0
        later = self.timeline.total_ms - self.phase.end_ms
        return self.phase_remaining_ns() + later * MS

    def active_ns(self) -> int:
        """Time spent running so far (pauses excluded)."""
        if self.state is SessionState.RUNNING:
            return self._active_ns + self.clock.monotonic_ns() - self._running_since_ns
        return self._active_ns

    def next_deadline_ns(self) -> int | None:
        """When the engine next needs a tick: a phase end or a cue; None unless running."""
        if self.state is not SessionState.RUNNING:
            return None
        if self._countdowns_left:
            return self._deadline_ns - self._countdowns_left[0] * NS
        return self._deadline_ns

    # -- commands --

    def _set_state(self, new: SessionState, at_ns: int) -> None:
        if new not in TRANSITIONS[self.state]:
            raise InvalidTransition(f"cannot go from {self.state} to {new}")
        old = self.state
        if old is SessionState.RUNNING:
            self._active_ns += at_ns - self._running_since_ns
        if new is SessionState.RUNNING:
            self._running_since_ns = at_ns
        self.state = new
        self._emit(StateChanged(old, new, at_ns))

    def start(self, from_exercise: int = 0) -> None:
        """Begin, or resume an interrupted session at an exercise (with its get-ready time)."""
        now = self.clock.monotonic_ns()
        self._set_state(SessionState.RUNNING, now)
        self.started_ns = now
        self.index = next((p.index for p in self.phases if p.exercise_index >= from_exercise),
                          0)
        self._enter(self.index, now, previous=None)

    def pause(self) -> None:
        now = self.clock.monotonic_ns()
        self.tick()
        if self.state is SessionState.RUNNING:
            self._remaining_ns = max(0, self._deadline_ns - now)
            self._set_state(SessionState.PAUSED, now)

    def resume(self) -> None:
        if self.state is not SessionState.PAUSED:
            raise InvalidTransition(f"cannot resume a session that is {self.state}")
        now = self.clock.monotonic_ns()
        self._set_state(SessionState.RUNNING, now)
        self._deadline_ns = now + self._remaining_ns

    def toggle_pause(self) -> None:
        if self.state is SessionState.RUNNING:
            self.pause()
        elif self.state is SessionState.PAUSED:
            self.resume()
        elif self.state is SessionState.IDLE:
            self.start()

    def stop(self) -> None:
        self._set_state(SessionState.STOPPED, self.clock.monotonic_ns())

    def skip(self) -> None:
        """Go to the next phase now (finishing the session after the last one)."""
        self._jump(self.index + 1)

    def back(self) -> None:
        """Go to the previous phase, from its beginning (the first phase restarts)."""
        self._jump(max(0, self.index - 1))

    def skip_exercise(self) -> None:
        """Go to the first phase of the next exercise (or finish after the last one)."""
        current = self.phase.exercise_index
        target = next((p.index for p in self.phases if p.exercise_index > current),
                      len(self.phases))
        self._jump(target)

    def tick(self) -> None:
        """Close every phase, and emit every cue, whose time has come, at their own times."""
        if self.state is not SessionState.RUNNING:
            return
        now = self.clock.monotonic_ns()
        while self.state is SessionState.RUNNING:
            due = self.next_deadline_ns()
            assert due is not None
            if due > now:
                return
            if self._countdowns_left and due < self._deadline_ns:
                seconds = self._countdowns_left.pop(0)
                self._emit(CueDue(CueKind.COUNTDOWN, self.phase, due, seconds))
                continue
            self._advance(self._deadline_ns)

    # -- internals --

    def _jump(self, target: int) -> None:
        if self.state not in (SessionState.RUNNING, SessionState.PAUSED, SessionState.IDLE):
            return
        now = self.clock.monotonic_ns()
        if self.state is SessionState.RUNNING:
            self.tick()
            if self.state is not SessionState.RUNNING:
                return
        if target >= len(self.phases):
            self._finish(now)
            return
        previous = self.phase
        if self.state is SessionState.RUNNING:
            self._enter(target, now, previous)
        else:  # paused or not started: move there, still waiting
            self.index = target
            self._remaining_ns = self.phase.duration_ms * MS
            self._countdowns_left = []
            self._emit(PhaseStarted(self.phase, now))

    def _advance(self, at_ns: int) -> None:
        """The current phase ended at `at_ns`: start the next one then, or finish."""
        if self.index + 1 >= len(self.phases):
            self._finish(at_ns)
            return
        self._enter(self.index + 1, at_ns, self.phase)

    def _enter(self, index: int, at_ns: int, previous: Phase | None) -> None:
        self.index = index
        phase = self.phase
        self._deadline_ns = at_ns + phase.duration_ms * MS
        self._countdowns_left = [s for s in COUNTDOWN_SECONDS if has_countdown(phase)]
        self._emit(PhaseStarted(phase, at_ns))
        cue = start_cue(previous, phase)
        if cue is not None:
            self._emit(CueDue(cue, phase, at_ns))

    def _finish(self, at_ns: int) -> None:
        self.index = len(self.phases) - 1
        self._countdowns_left = []
        self._emit(CueDue(CueKind.DONE, self.phase, at_ns))  # heard as the end is shown
        self._set_state(SessionState.FINISHED, at_ns)
