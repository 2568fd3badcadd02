"""Heat therapy: a timed session with skin checks and an end alarm that repeats until answered.

Same clock habits as the session engine: deadlines on the injected monotonic clock, an explicit
state table, events to listeners, `next_deadline_ns()` for the adapter's one precise timer.
Facts from ../shared/content/clinical-facts.md ("Heat therapy"); the words are ours. The timer
warns, it never forbids: the person decides (except the hard caps on a session's length).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from backcare_gui.core.clock import Clock
from backcare_gui.core.engine import NS, InvalidTransition

PRESET_MINUTES = (10, 15, 20)  # NHS (MPFT) 10-15 min; Spine-health 15-20 min
MAX_MINUTES = 20.0  # University of Missouri: at most 15-20 min per area
AT_RISK_MAX_MINUTES = 10.0  # diabetes or neuropathy: limit to 10 min
MAX_PER_DAY = 3  # NHS (MPFT): up to 3 times a day
# Ours, not a clinical number: the sources give no gap, only "up to 3 times a day". An hour lets
# the skin cool and its colour settle before heat goes back on the same place (a skin check
# then means something), and keeps three sessions apart rather than one long stretch of heat.
SUGGESTED_GAP_S = 60 * 60.0
ALARM_EVERY_S = 30.0  # the end alarm sounds again this often until acknowledged

SAFETY_CHECKLIST: tuple[str, ...] = (
    "Put a towel or a layer of cloth between the heat and your skin.",
    "Keep it warm, not hot: never above the medium setting.",
    "Never sleep with heat on. Use this timer every time.",
    "Do not use heat on skin that is numb or tingling.",
    "Check your skin during the session. Stop if it is very red, blotchy or sore.",
    "After a new injury, use ice, not heat, for the first 2 to 3 days (48 to 72 hours).",
)
ASK_FIRST_INTRO = "Ask a doctor, nurse or physiotherapist before using heat if you have:"
ASK_FIRST: tuple[str, ...] = (
    "a heart condition",
    "peripheral vascular disease (poor blood flow to the legs or arms)",
    "a fever or an infection",
    "numb areas or nerve damage",
    "broken skin where the heat would go",
    "poor circulation",
    "a history of cancer",
    "had a bad reaction to heat before",
)


@dataclass(frozen=True, slots=True)
class HeatProfile:
    """The person's answers that limit heat."""

    reduced_sensation: bool = False
    diabetes: bool = False
    neuropathy: bool = False

    @property
    def at_risk(self) -> bool:
        """They may not feel a burn coming: shorter sessions, more skin checks."""
        return self.reduced_sensation or self.diabetes or self.neuropathy

    @property
    def max_minutes(self) -> float:
        return AT_RISK_MAX_MINUTES if self.at_risk else MAX_MINUTES


def allowed_presets(profile: HeatProfile) -> tuple[int, ...]:
    return tuple(m for m in PRESET_MINUTES if m <= profile.max_minutes)


def minutes_refusal(minutes: float, profile: HeatProfile) -> str | None:
    """Why a session of this length cannot be set, in words for the person; None if it can."""
    if not minutes > 0:
        return "Choose a length of at least a minute."
    if minutes > MAX_MINUTES:
        return f"Heat sessions are at most {MAX_MINUTES:g} minutes."
    if minutes > profile.max_minutes:
        return (f"With reduced feeling in the skin, diabetes or neuropathy, keep heat to "
                f"{profile.max_minutes:g} minutes at most.")
    return None


def start_warnings(history_today: Sequence[float], now_wall: float,
                   gap_s: float = SUGGESTED_GAP_S) -> list[str]:
    """Cautions before a session; never blocks. `history_today` holds the wall times at which
    today's earlier sessions ended (cancelled ones too: the heat was on the skin)."""
    warnings = []
    if len(history_today) >= MAX_PER_DAY:
        warnings.append(f"You have used heat {len(history_today)} times today. The usual advice "
                        f"is up to {MAX_PER_DAY} times a day.")
    if history_today:
        since = max(0.0, now_wall - max(history_today))
        if since < gap_s:
            minutes = max(1, round(since / 60))
            ago = "a minute" if minutes == 1 else f"{minutes} minutes"
            warnings.append(f"Your last heat session ended {ago} ago. Give your skin at least "
                            f"{gap_s / 60:.0f} minutes between sessions.")
    return warnings


class HeatState(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    ALARMING = "alarming"  # time is up; the alarm repeats until acknowledged
    DONE = "done"
    CANCELLED = "cancelled"


H = HeatState
# Every allowed change of state; anything else is a bug and raises.
TRANSITIONS: dict[HeatState, frozenset[HeatState]] = {
    H.READY: frozenset({H.RUNNING, H.CANCELLED}),
    H.RUNNING: frozenset({H.PAUSED, H.ALARMING, H.CANCELLED}),
    H.PAUSED: frozenset({H.RUNNING, H.CANCELLED}),
    H.ALARMING: frozenset({H.DONE}),
    H.DONE: frozenset(),
    H.CANCELLED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class HeatStateChanged:
    old: HeatState
    new: HeatState
    at_wall: float


@dataclass(frozen=True, slots=True)
class HeatStarted:
    minutes: float
    at_wall: float


@dataclass(frozen=True, slots=True)
class HeatSkinCheck:
    number: int  # 1-based
    of: int
    remaining_s: float
    at_wall: float


@dataclass(frozen=True, slots=True)
class HeatEnded:
    minutes: float
    at_wall: float


@dataclass(frozen=True, slots=True)
class HeatAlarm:
    repeat_n: int  # 1 at the end, then 2, 3, ...
    at_wall: float


@dataclass(frozen=True, slots=True)
class HeatAcknowledged:
    alarms: int
    at_wall: float


@dataclass(frozen=True, slots=True)
class HeatCancelled:
    ran_s: float  # heat time before the cancel (pauses excluded)
    at_wall: float


HeatEvent = (HeatStateChanged | HeatStarted | HeatSkinCheck | HeatEnded | HeatAlarm
             | HeatAcknowledged | HeatCancelled)
Listener = Callable[[HeatEvent], None]


def skin_check_fractions(profile: HeatProfile) -> tuple[float, ...]:
    """Half way for everyone; quarters when at risk ("check skin every few minutes": every
    2.5 min of a 10-minute session)."""
    return (0.25, 0.5, 0.75) if profile.at_risk else (0.5,)


class HeatTimer:
    """One heat session: start, pause / resume, cancel; at the end an alarm every
    `alarm_every_s` until `acknowledge()`. Tick at `next_deadline_ns()`."""

    def __init__(self, clock: Clock, minutes: float, profile: HeatProfile | None = None, *,
                 alarm_every_s: float = ALARM_EVERY_S) -> None:
        self.profile = profile if profile is not None else HeatProfile()
        reason = minutes_refusal(minutes, self.profile)
        if reason is not None:
            raise ValueError(reason)
        if alarm_every_s <= 0:
            raise ValueError("the alarm must repeat after a positive time")
        self.clock = clock
        self.minutes = minutes
        self.duration_ns = round(minutes * 60 * NS)
        self.alarm_every_ns = round(alarm_every_s * NS)
        self.state = H.READY
        # Skin checks still to come, as heat time elapsed (ns) when each is due.
        fractions = skin_check_fractions(self.profile)
        self._checks = [round(self.duration_ns * f) for f in fractions]
        self._checks_total = len(fractions)
        self._end_ns = 0  # while running: when the heat time is up; while alarming: when it was
        self._remaining_ns = self.duration_ns  # while ready or paused
        self._alarms = 0
        self._listeners: list[Listener] = []

    # -- subscription --

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _emit(self, event: HeatEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # -- queries --

    def remaining_ns(self) -> int:
        if self.state is H.RUNNING:
            return max(0, self._end_ns - self.clock.monotonic_ns())
        if self.state in (H.READY, H.PAUSED):
            return self._remaining_ns
        return 0

    def elapsed_ns(self) -> int:
        """Heat time so far (pauses excluded)."""
        if self.state in (H.ALARMING, H.DONE):
            return self.duration_ns
        if self.state is H.RUNNING:
            return self.duration_ns - self.remaining_ns()
        return self.duration_ns - self._remaining_ns  # ready, paused, cancelled

    @property
    def alarms(self) -> int:
        return self._alarms

    def check_start(self, history_today: Sequence[float]) -> list[str]:
        """Warnings before starting (too soon after the last session, more than 3 a day);
        never blocks."""
        return start_warnings(history_today, self.clock.wall())

    def next_deadline_ns(self) -> int | None:
        if self.state is H.RUNNING:
            if self._checks:
                return self._end_ns - self.duration_ns + self._checks[0]
            return self._end_ns
        if self.state is H.ALARMING:
            return self._end_ns + self._alarms * self.alarm_every_ns
        return None

    # -- commands --

    def start(self) -> None:
        now = self.clock.monotonic_ns()
        self._set_state(H.RUNNING, now)
        self._end_ns = now + self._remaining_ns
        self._emit(HeatStarted(self.minutes, self._wall_of(now, now)))

    def pause(self) -> None:
        self.tick()
        if self.state is not H.RUNNING:
            raise InvalidTransition(f"cannot pause heat that is {self.state}")
        now = self.clock.monotonic_ns()
        self._remaining_ns = max(0, self._end_ns - now)
        self._set_state(H.PAUSED, now)

    def resume(self) -> None:
        if self.state is not H.PAUSED:
            raise InvalidTransition(f"cannot resume heat that is {self.state}")
        now = self.clock.monotonic_ns()
        self._end_ns = now + self._remaining_ns
        self._set_state(H.RUNNING, now)

    def cancel(self) -> None:
        """Stop early. Once time is up there is nothing to cancel: that acknowledges the alarm."""
        self.tick()
        if self.state is H.ALARMING:
            self.acknowledge()
            return
        now = self.clock.monotonic_ns()
        if self.state is H.RUNNING:
            self._remaining_ns = max(0, self._end_ns - now)
        self._set_state(H.CANCELLED, now)
        self._emit(HeatCancelled((self.duration_ns - self._remaining_ns) / NS,
                                 self._wall_of(now, now)))

    def acknowledge(self) -> None:
        """The person has heard the end alarm (and taken the heat off)."""
        self.tick()
        if self.state is not H.ALARMING:
            raise InvalidTransition(f"no alarm to acknowledge: heat is {self.state}")
        now = self.clock.monotonic_ns()
        self._set_state(H.DONE, now)
        self._emit(HeatAcknowledged(self._alarms, self._wall_of(now, now)))

    def tick(self) -> None:
        """Emit skin checks and the end at their own times. A late tick sounds the alarm once
        (with the latest repeat number), not a burst for every repeat it missed."""
        now = self.clock.monotonic_ns()
        while self.state is H.RUNNING:
            due = self.next_deadline_ns()
            assert due is not None
            if due > now:
                return
            if self._checks:
                self._checks.pop(0)
                number = self._checks_total - len(self._checks)
                self._emit(HeatSkinCheck(number, self._checks_total, (self._end_ns - due) / NS,
                                         self._wall_of(due, now)))
                continue
            self._set_state(H.ALARMING, due)
            self._emit(HeatEnded(self.minutes, self._wall_of(due, now)))
        if self.state is H.ALARMING:
            due = self._end_ns + self._alarms * self.alarm_every_ns
            if due <= now:
                self._alarms = (now - self._end_ns) // self.alarm_every_ns + 1
                latest = self._end_ns + (self._alarms - 1) * self.alarm_every_ns
                self._emit(HeatAlarm(self._alarms, self._wall_of(latest, now)))

    # -- internals --

    def _set_state(self, new: HeatState, at_ns: int) -> None:
        if new not in TRANSITIONS[self.state]:
            raise InvalidTransition(f"heat: cannot go from {self.state} to {new}")
        old = self.state
        self.state = new
        self._emit(HeatStateChanged(old, new, self._wall_of(at_ns, self.clock.monotonic_ns())))

    def _wall_of(self, at_ns: int, now: int) -> float:
        return self.clock.wall() - (now - at_ns) / NS
