"""Desk-work break reminders: a short stand-up micro-break and a longer movement break.

Same habits as the session engine: every timer is a deadline on the injected monotonic clock
(never a count of ticks), `tick()` handles every deadline that has passed *at its own time*, each
break has an explicit state table, and listeners get events (the adapter shows windows, the store
writes records). Working hours come from the wall clock through an injected local-time function.

Natural breaks: when the person has been away from the keyboard (an injected idle provider) or
the machine was suspended for at least a break's length, that break counts as taken. A suspend is
seen by comparing the boot-time clock (which keeps counting through a suspend on Linux) with the
monotonic clock (which stops); where there is no boot-time clock, the wall clock stands in and
its jumps backwards are ignored (a forward clock change then looks like a suspend: a harmless
extra natural break).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal, Protocol

from backcare_gui.core.clock import Clock
from backcare_gui.core.engine import NS, InvalidTransition
from backcare_gui.core.workhours import ToLocal, WorkingHours, local_time, wall_at

POLL_S = 30.0  # how often the adapter ticks to poll idleness (and so notices a suspend)
ABSORB_BEFORE_S = 5 * 60.0  # see BreakScheduler: a micro-break due this soon before the
#                             movement break waits for it instead of interrupting twice
_MAX_STEPS = 10_000  # deadlines handled by one tick; more means a bug, not a busy morning


class BreakKind(StrEnum):
    MICRO = "micro"  # stand up for a minute
    MOVEMENT = "movement"  # routine, then stand and walk


class BreakHow(StrEnum):
    TAKEN = "taken"
    NATURAL = "natural"  # away (idle or suspended) for at least the break's length
    SKIPPED = "skipped"
    POSTPONED = "postponed"


class BreakState(StrEnum):
    OFF_HOURS = "off_hours"  # outside working hours (or not started)
    COUNTING = "counting"  # work time running toward the warning / due time
    WARNED = "warned"  # the warning was given; due soon
    DUE = "due"  # the break is offered; waiting for take / skip / postpone
    POSTPONED = "postponed"  # put off; due again later
    ON_BREAK = "on_break"
    ABSORBED = "absorbed"  # micro only: the movement break (due or running) covers it
    PAUSED = "paused"  # reminders paused by the person
    DISABLED = "disabled"  # switched off in the settings


S = BreakState
_REACHABLE_ANYWHERE = frozenset({S.PAUSED, S.OFF_HOURS})  # a pause or the end of the day
# Every allowed change of state; anything else is a bug and raises. A timer that restarts while
# counting (a natural break) stays COUNTING: that is not a change of state.
TRANSITIONS: dict[BreakState, frozenset[BreakState]] = {
    S.OFF_HOURS: frozenset({S.COUNTING, S.PAUSED}),
    S.COUNTING: frozenset({S.WARNED, S.DUE, S.ON_BREAK, S.ABSORBED}) | _REACHABLE_ANYWHERE,
    S.WARNED: frozenset({S.COUNTING, S.DUE, S.POSTPONED, S.ON_BREAK, S.ABSORBED})
    | _REACHABLE_ANYWHERE,
    S.DUE: frozenset({S.COUNTING, S.POSTPONED, S.ON_BREAK, S.ABSORBED}) | _REACHABLE_ANYWHERE,
    S.POSTPONED: frozenset({S.COUNTING, S.DUE, S.ON_BREAK, S.ABSORBED}) | _REACHABLE_ANYWHERE,
    S.ON_BREAK: frozenset({S.COUNTING, S.ABSORBED}) | _REACHABLE_ANYWHERE,
    S.ABSORBED: frozenset({S.COUNTING, S.ON_BREAK}) | _REACHABLE_ANYWHERE,
    S.PAUSED: frozenset({S.COUNTING, S.OFF_HOURS}),
    S.DISABLED: frozenset(),
}

_OFFERED = frozenset({S.WARNED, S.DUE, S.POSTPONED})  # may be taken or skipped
_WORKING = frozenset({S.COUNTING, S.WARNED, S.DUE, S.POSTPONED, S.ABSORBED})  # at the desk
_PENDING_MICRO = frozenset({S.WARNED, S.DUE, S.POSTPONED, S.ABSORBED})  # folds into movement
# May become a natural break. Not ABSORBED: the movement break's outcome decides for it (so a
# person walking away during a movement break is not also recorded as a micro-break).
_NATURAL = frozenset({S.COUNTING, S.WARNED, S.DUE, S.POSTPONED})


@dataclass(frozen=True, slots=True)
class BreakConfig:
    """One kind of break; durations in seconds. `every` is work time between breaks."""

    enabled: bool
    every: float
    length: float
    warn_before: float
    max_postpones: int
    postpone_by: float

    def __post_init__(self) -> None:
        if self.every <= 0 or self.length <= 0 or self.postpone_by <= 0:
            raise ValueError("break interval, length and postponement must be positive")
        if not 0 <= self.warn_before < self.every:
            raise ValueError("the warning must come after the previous break ends")
        if self.max_postpones < 0:
            raise ValueError("the number of postponements cannot be negative")


# Defaults from ../shared/content/clinical-facts.md, "Desk-work breaks":
# Mayo: stand about every 30 minutes -> a one-minute stand-up every 30 min (the 20-8-2 pattern
# also stands within each half hour). UK HSE: 5-10 min after 50-60 min of screen work -> 5 min
# every 60 min. Warnings before a break and a limited postponement (2 min mini, 5 min long) are
# Stretchly's; we allow two postponements instead of its one, so a call can be finished.
MICRO_DEFAULTS = BreakConfig(enabled=True, every=30 * 60, length=60, warn_before=30,
                             max_postpones=2, postpone_by=2 * 60)
MOVEMENT_DEFAULTS = BreakConfig(enabled=True, every=60 * 60, length=5 * 60, warn_before=60,
                                max_postpones=2, postpone_by=5 * 60)


# -- events (everything a record needs: kind, how, wall time, postponements) --

@dataclass(frozen=True, slots=True)
class BreakStateChanged:
    kind: BreakKind
    old: BreakState
    new: BreakState
    at_wall: float


@dataclass(frozen=True, slots=True)
class BreakWarning:
    kind: BreakKind
    due_in_s: float
    at_wall: float


@dataclass(frozen=True, slots=True)
class BreakDue:
    kind: BreakKind
    absorbed: bool  # movement only: the micro-break is folded into this one
    postpones: int  # how often it was put off already
    at_wall: float


@dataclass(frozen=True, slots=True)
class BreakTaken:
    kind: BreakKind
    how: BreakHow
    at_wall: float
    postpones: int  # for POSTPONED: including this one
    absorbed: bool = False  # movement only: it stood for the micro-break too
    by_person: bool = False  # started by the person (take_now), not offered


@dataclass(frozen=True, slots=True)
class BreakEnded:
    kind: BreakKind
    at_wall: float


@dataclass(frozen=True, slots=True)
class RemindersPaused:
    until_wall: float
    at_wall: float


@dataclass(frozen=True, slots=True)
class RemindersResumed:
    at_wall: float


BreakEvent = (BreakStateChanged | BreakWarning | BreakDue | BreakTaken | BreakEnded
              | RemindersPaused | RemindersResumed)
Listener = Callable[[BreakEvent], None]


class PostponeRefused(RuntimeError):  # noqa: N818 - reads better at the raise site
    """The break may not be put off (again); `reason` is in words for the person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IdleProvider(Protocol):
    def idle_seconds(self) -> float | None:
        """Seconds since the last keyboard or mouse input; None when it cannot be known."""
        ...


SuspendSource = Literal["boottime", "wall"]


def default_suspend_source() -> SuspendSource:
    # Where CLOCK_BOOTTIME exists (Linux) SystemClock reads it; elsewhere its boot time is the
    # monotonic clock and cannot show a suspend.
    return "boottime" if hasattr(time, "CLOCK_BOOTTIME") else "wall"


@dataclass(slots=True)
class _Timer:
    kind: BreakKind
    config: BreakConfig
    state: BreakState
    start_ns: int = 0  # when the work timer last restarted
    due_ns: int = 0  # COUNTING/WARNED: due; POSTPONED: due again; ON_BREAK: the break's end
    postpones: int = 0
    counted_away: int | None = None  # the away stretch already counted as a natural break

    @property
    def length_ns(self) -> int:
        return round(self.config.length * NS)


class BreakScheduler:
    """Both break timers, their working hours, pauses and natural breaks.

    Collisions: one break is shown at a time. A micro-break that would fall due (or be warned
    of) while the movement break is due, or within `absorb_before_s` before it, waits for it
    (ABSORBED); the movement break then says `absorbed=True`, and the micro-break's timer
    restarts when the movement break ends. A movement break that is taken covers standing up,
    so the micro-break's timer always restarts after it. A movement break that falls due during
    a micro-break follows it.

    Driving it: call `tick()` at `next_deadline_ns()` (one precise single-shot timer). With an
    idle provider, the adapter ALSO ticks every POLL_S (~30 s) to poll idleness and to notice a
    suspend; that is the only periodic poll. Actions tick first, so they act on the present.
    Every event is emitted once its change is complete, so a listener may call an action.
    """

    def __init__(self, clock: Clock, micro: BreakConfig = MICRO_DEFAULTS,
                 movement: BreakConfig = MOVEMENT_DEFAULTS,
                 hours: WorkingHours | None = None, *, idle: IdleProvider | None = None,
                 to_local: ToLocal = local_time, absorb_before_s: float = ABSORB_BEFORE_S,
                 suspend_source: SuspendSource | None = None) -> None:
        if absorb_before_s < 0:
            raise ValueError("absorb_before_s cannot be negative")
        self.clock = clock
        self.hours = hours if hours is not None else WorkingHours()
        self.to_local = to_local
        self.absorb_before_ns = round(absorb_before_s * NS)
        self.suspend_source = suspend_source or default_suspend_source()
        self._idle = idle
        self._timers = {kind: _Timer(kind, config, S.OFF_HOURS if config.enabled else S.DISABLED)
                        for kind, config in ((BreakKind.MICRO, micro),
                                             (BreakKind.MOVEMENT, movement))}
        self._listeners: list[Listener] = []
        self._paused_until: float | None = None
        self._day: date | None = None  # the working day the timers run in; None when off
        self._away_from: int | None = None  # start of the current idle stretch (monotonic)
        self._now = clock.monotonic_ns()
        self._wall = clock.wall()
        self._last_boot = clock.boottime_ns()
        self._update_mode()  # nobody listens yet: this only sets the starting states

    # -- subscription --

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _emit(self, event: BreakEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # -- queries --

    def state(self, kind: BreakKind) -> BreakState:
        return self._timers[kind].state

    def config(self, kind: BreakKind) -> BreakConfig:
        return self._timers[kind].config

    def postpones(self, kind: BreakKind) -> int:
        return self._timers[kind].postpones

    @property
    def paused_until(self) -> float | None:
        return self._paused_until

    def due_in_s(self, kind: BreakKind) -> float | None:
        """Seconds until the break is due (negative: overdue); None when it is not counting."""
        timer = self._timers[kind]
        if timer.state not in (S.COUNTING, S.WARNED, S.POSTPONED):
            return None
        return (timer.due_ns - self.clock.monotonic_ns()) / NS

    def break_left_s(self, kind: BreakKind) -> float | None:
        """Seconds left of a break that is on; None otherwise."""
        timer = self._timers[kind]
        if timer.state is not S.ON_BREAK:
            return None
        return max(0.0, (timer.due_ns - self.clock.monotonic_ns()) / NS)

    def postpone_refusal(self, kind: BreakKind) -> str | None:
        """Why the break cannot be put off now, in words for the person; None if it can."""
        timer = self._timers[kind]
        if timer.state not in (S.WARNED, S.DUE):
            return "There is no break to put off right now."
        limit = timer.config.max_postpones
        if timer.postpones >= limit:
            if limit == 0:
                return "This break cannot be put off. Take it now, or skip it this time."
            times = "once" if limit == 1 else "twice" if limit == 2 else f"{limit} times"
            return (f"This break has already been put off {times}, the most allowed. "
                    "Take it now, or skip it this time.")
        return None

    def next_deadline_ns(self) -> int | None:
        """When the scheduler next needs a tick: a warning, a due time, the end of a break or of
        a pause, the end or the start of working hours. None when nothing will ever happen.

        Idle detection is not in here: with an idle provider, tick every POLL_S as well.
        """
        now = self.clock.monotonic_ns()
        wall = self.clock.wall()
        if self._paused_until is not None:
            return self._wall_deadline(self._paused_until, now, wall)
        if self._day is None:
            start = self.hours.next_start(wall, self.to_local)
            return None if start is None else self._wall_deadline(start, now, wall)
        end_wall = wall_at(self._day, self.hours.end_minute, self.to_local, wall)
        end = self._wall_deadline(end_wall, now, wall)
        deadlines = [d for t in self._timers.values() if (d := self._deadline(t)) is not None]
        return min([end, *deadlines])

    # -- ticking --

    def tick(self) -> None:
        """Bring everything up to the clock's present: pause end, working hours, a suspend,
        idleness, then every warning / due time / break end that has passed, at its own time."""
        now = self.clock.monotonic_ns()
        boot = self.clock.boottime_ns()
        wall = self.clock.wall()
        if self.suspend_source == "boottime":
            away_ns = (boot - self._last_boot) - (now - self._now)
        else:  # the wall clock stands in; a jump backwards is a clock change, not a suspend
            away_ns = round((wall - self._wall) * NS) - (now - self._now)
        away_ns = max(0, away_ns)
        previous_tick = self._now
        self._now, self._wall, self._last_boot = now, wall, boot
        if self._update_mode() or not self._active():
            return  # just started fresh, or off: nothing to count as a natural break
        self._poll_idle(previous_tick)
        if away_ns:
            self._count_suspend(away_ns)
        self._count_idle()
        self._run_deadlines()

    # -- actions --

    def take(self, kind: BreakKind) -> None:
        """The offered break is being taken; its timer restarts when the break ends."""
        self.tick()
        timer = self._timers[kind]
        if timer.state not in _OFFERED:
            raise InvalidTransition(f"no {kind} break is offered now ({timer.state})")
        self._begin_break(timer, by_person=False)

    def take_now(self, kind: BreakKind) -> None:
        """A break the person starts before it is offered."""
        self.tick()
        timer = self._timers[kind]
        if timer.state not in _WORKING:
            raise InvalidTransition(f"cannot start a {kind} break now ({timer.state})")
        self._begin_break(timer, by_person=True)

    def end_break(self, kind: BreakKind) -> None:
        """The person is back before the break's time is up; the timer restarts now."""
        self.tick()
        timer = self._timers[kind]
        if timer.state is not S.ON_BREAK:
            raise InvalidTransition(f"no {kind} break is on ({timer.state})")
        self._end_break(timer, self._now)

    def skip(self, kind: BreakKind) -> None:
        """Not this time; the timer restarts now (and the micro-break's, if it was absorbed)."""
        self.tick()
        timer = self._timers[kind]
        if timer.state not in _OFFERED:
            raise InvalidTransition(f"no {kind} break to skip now ({timer.state})")
        absorbed = self._micro_absorbed(timer)
        postpones = timer.postpones
        self._restart(timer, self._now)
        if absorbed:
            self._restart(self._timers[BreakKind.MICRO], self._now)
        self._emit(BreakTaken(kind, BreakHow.SKIPPED, self._wall, postpones, absorbed))

    def postpone(self, kind: BreakKind) -> None:
        """Put the break off by its `postpone_by`; raises PostponeRefused past the limit."""
        self.tick()
        timer = self._timers[kind]
        reason = self.postpone_refusal(kind)
        if reason is not None:
            raise PostponeRefused(reason)
        timer.postpones += 1
        # From the warning, the break moves later than it was due; from due, later than now.
        timer.due_ns = max(timer.due_ns, self._now) + round(timer.config.postpone_by * NS)
        self._set_state(timer, S.POSTPONED, self._now)
        self._emit(BreakTaken(kind, BreakHow.POSTPONED, self._wall, timer.postpones,
                              self._micro_absorbed(timer)))

    def pause_reminders(self, until_wall: float) -> None:
        """No reminders until then (30 min, 1 h, `next_morning()`); afresh afterwards: the pause
        often covers a meeting or a walk, so no break is owed the moment it ends."""
        self.tick()
        if until_wall <= self._wall:
            raise ValueError("a pause must end in the future")
        self._paused_until = until_wall
        self._day = None
        for timer in self._timers.values():
            if timer.state not in (S.PAUSED, S.DISABLED):
                self._set_state(timer, S.PAUSED, self._now)
        self._emit(RemindersPaused(until_wall, self._wall))

    def pause_for(self, seconds: float) -> None:
        self.pause_reminders(self.clock.wall() + seconds)

    def next_morning(self) -> float:
        """The wall time of "until tomorrow morning": the next working day's start."""
        return self.hours.next_morning(self.clock.wall(), self.to_local)

    def resume_reminders(self) -> None:
        """End a pause now (does nothing when not paused: the pause may have just ended)."""
        if self._paused_until is None:
            return
        self._paused_until = self.clock.wall()
        self.tick()

    # -- internals: modes --

    def _active(self) -> bool:
        return self._paused_until is None and self._day is not None

    def _update_mode(self) -> bool:
        """End a pause whose time has come, follow working hours; True if the timers were
        started afresh or stopped (then there is nothing else to do in this tick)."""
        if self._paused_until is not None:
            if self._wall < self._paused_until:
                return False
            self._paused_until = None
            self._emit(RemindersResumed(self._wall))
        local = self.to_local(self._wall)
        if self.hours.contains(local):
            if self._day == local.date():
                return False
            # A new working day (or the end of a pause): every timer starts afresh.
            self._day = local.date()
            self._away_from = None
            for timer in self._timers.values():
                if timer.state is not S.DISABLED:
                    timer.counted_away = None
                    self._restart(timer, self._now)
            return True
        changed = self._day is not None
        self._day = None
        for timer in self._timers.values():
            if timer.state not in (S.OFF_HOURS, S.DISABLED):
                self._set_state(timer, S.OFF_HOURS, self._now)
                changed = True
        return changed

    # -- internals: natural breaks --

    def _poll_idle(self, previous_tick: int) -> None:
        idle = self._idle.idle_seconds() if self._idle is not None else None
        if idle is None or idle < 0:
            self._away_from = None
            return
        since = self._now - round(idle * NS)
        # Away since before the previous tick: the same stretch goes on (keep its start, so it
        # is counted once); otherwise a new stretch began.
        if self._away_from is None or since > previous_tick:
            self._away_from = since

    def _count_suspend(self, away_ns: int) -> None:
        for timer in self._timers.values():
            if timer.state is S.ON_BREAK:  # asleep during a break: that was break time too
                timer.due_ns = max(self._now, timer.due_ns - away_ns)
            elif timer.state in _NATURAL and away_ns >= timer.length_ns:
                self._natural(timer)
                timer.counted_away = self._away_from  # the idle provider may see it too

    def _count_idle(self) -> None:
        if self._away_from is None:
            return
        for timer in self._timers.values():
            if timer.state not in _NATURAL:
                continue
            if timer.counted_away == self._away_from:
                if self._now - self._away_from >= timer.length_ns:
                    self._restart(timer, self._now)  # still away: no work time is passing
                continue
            if self._now - max(self._away_from, timer.start_ns) >= timer.length_ns:
                self._natural(timer)
                timer.counted_away = self._away_from

    def _natural(self, timer: _Timer) -> None:
        absorbed = self._micro_absorbed(timer)
        postpones = timer.postpones
        self._restart(timer, self._now)
        if absorbed:
            micro = self._timers[BreakKind.MICRO]
            self._restart(micro, self._now)
            micro.counted_away = self._away_from
        self._emit(BreakTaken(timer.kind, BreakHow.NATURAL, self._wall, postpones, absorbed))

    # -- internals: deadlines --

    def _deadline(self, timer: _Timer) -> int | None:
        if timer.state is S.COUNTING:
            warn = timer.config.warn_before
            return timer.due_ns - round(warn * NS) if warn > 0 else timer.due_ns
        if timer.state in (S.WARNED, S.POSTPONED, S.ON_BREAK):
            return timer.due_ns
        return None

    def _run_deadlines(self) -> None:
        for _ in range(_MAX_STEPS):
            earliest: tuple[int, _Timer] | None = None
            for timer in self._timers.values():  # micro first: it wins a tie (see _fall_due)
                at = self._deadline(timer)
                if at is not None and at <= self._now and (earliest is None or at < earliest[0]):
                    earliest = (at, timer)
            if earliest is None:
                return
            at, timer = earliest
            if timer.state is S.ON_BREAK:
                self._end_break(timer, at)
            elif timer.state is S.COUNTING and at < timer.due_ns:
                self._warn(timer, at)
            else:
                self._fall_due(timer, at)
        raise AssertionError("the break timers did not settle")

    def _warn(self, timer: _Timer, at: int) -> None:
        if timer.kind is BreakKind.MICRO and self._movement_covers(timer.due_ns):
            self._set_state(timer, S.ABSORBED, at)
            return
        self._set_state(timer, S.WARNED, at)
        self._emit(BreakWarning(timer.kind, (timer.due_ns - at) / NS, self._wall_of(at)))

    def _fall_due(self, timer: _Timer, at: int) -> None:
        if timer.kind is BreakKind.MICRO:
            if self._movement_covers(at):
                self._set_state(timer, S.ABSORBED, at)
                return
            self._set_state(timer, S.DUE, at)
            self._emit(BreakDue(timer.kind, False, timer.postpones, self._wall_of(at)))
            return
        micro = self._timers[BreakKind.MICRO]
        if micro.state is S.ON_BREAK and micro.due_ns > at:
            # The person is standing for the micro-break: the movement break follows it.
            timer.due_ns = micro.due_ns
            if timer.state is S.COUNTING:
                self._set_state(timer, S.WARNED, at)
                self._emit(BreakWarning(timer.kind, (timer.due_ns - at) / NS, self._wall_of(at)))
            return
        absorbed = micro.state in _PENDING_MICRO or (
            micro.state is S.COUNTING and micro.due_ns <= at + timer.length_ns)
        if absorbed and micro.state is not S.ABSORBED:
            self._set_state(micro, S.ABSORBED, at)
        self._set_state(timer, S.DUE, at)
        self._emit(BreakDue(timer.kind, absorbed, timer.postpones, self._wall_of(at)))

    def _movement_covers(self, micro_due: int) -> bool:
        """Would the movement break make a micro-break due at `micro_due` redundant?"""
        movement = self._timers[BreakKind.MOVEMENT]
        if movement.state in (S.DUE, S.ON_BREAK):
            return True
        if movement.state in (S.COUNTING, S.WARNED, S.POSTPONED):
            return movement.due_ns <= micro_due + self.absorb_before_ns
        return False

    def _micro_absorbed(self, timer: _Timer) -> bool:
        return timer.kind is BreakKind.MOVEMENT and \
            self._timers[BreakKind.MICRO].state is S.ABSORBED

    def _begin_break(self, timer: _Timer, by_person: bool) -> None:
        micro = self._timers[BreakKind.MICRO]
        movement = self._timers[BreakKind.MOVEMENT]
        absorbed = False
        if timer.kind is BreakKind.MICRO:
            if movement.state in (S.DUE, S.ON_BREAK):
                raise InvalidTransition("the movement break is on; it includes standing up")
        else:
            absorbed = micro.state in _PENDING_MICRO
            if micro.state in _NATURAL | {S.ON_BREAK}:
                # Moving covers standing up: the micro-break waits and restarts after this one.
                self._set_state(micro, S.ABSORBED, self._now)
        postpones = timer.postpones
        timer.due_ns = self._now + timer.length_ns
        self._set_state(timer, S.ON_BREAK, self._now)
        self._emit(BreakTaken(timer.kind, BreakHow.TAKEN, self._wall, postpones, absorbed,
                              by_person))

    def _end_break(self, timer: _Timer, at: int) -> None:
        self._restart(timer, at)
        micro = self._timers[BreakKind.MICRO]
        if timer.kind is BreakKind.MOVEMENT and micro.state is S.ABSORBED:
            self._restart(micro, at)
        self._emit(BreakEnded(timer.kind, self._wall_of(at)))

    def _restart(self, timer: _Timer, at: int) -> None:
        timer.start_ns = at
        timer.due_ns = at + round(timer.config.every * NS)
        timer.postpones = 0
        if timer.state is not S.COUNTING:
            self._set_state(timer, S.COUNTING, at)

    def _set_state(self, timer: _Timer, new: BreakState, at: int) -> None:
        if new not in TRANSITIONS[timer.state]:
            raise InvalidTransition(f"{timer.kind} break: cannot go from {timer.state} to {new}")
        old = timer.state
        timer.state = new
        self._emit(BreakStateChanged(timer.kind, old, new, self._wall_of(at)))

    # -- internals: time --

    def _wall_of(self, at_ns: int) -> float:
        """Wall time of a moment on the monotonic clock, from the current tick's readings."""
        return self._wall - (self._now - at_ns) / NS

    @staticmethod
    def _wall_deadline(target_wall: float, now: int, wall: float) -> int:
        if target_wall <= wall:
            return now
        return now + max(1, math.ceil((target_wall - wall) * NS))
