"""The Qt adapter of the break scheduler, the heat timer and the daily reminder.

One single-shot precise timer is armed for the earliest deadline of the three; with an idle
provider a second, very coarse timer ticks the breaks every 30 s (the scheduler's only poll).
Nothing else runs while BackCare idles in the tray, so it costs no CPU. Every break and heat
outcome is recorded.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from backcare_gui.core.breaks import (
    MICRO_DEFAULTS,
    MOVEMENT_DEFAULTS,
    POLL_S,
    BreakDue,
    BreakEvent,
    BreakKind,
    BreakScheduler,
    BreakTaken,
    BreakWarning,
)
from backcare_gui.core.clock import Clock
from backcare_gui.core.engine import InvalidTransition
from backcare_gui.core.heat import (
    HeatAlarm,
    HeatCancelled,
    HeatEnded,
    HeatEvent,
    HeatProfile,
    HeatSkinCheck,
    HeatTimer,
)
from backcare_gui.core.settings import WEEKDAYS, Settings, SettingValue
from backcare_gui.core.workhours import WorkingHours
from backcare_gui.idle import IdleProvider, UnknownIdle
from backcare_gui.store.db import StoreError
from backcare_gui.store.timers import TimerRecords
from backcare_gui.trace import trace

log = logging.getLogger(__name__)

REMINDER_GRACE_S = 3600  # a reminder missed by more than this (machine off) is not shown late
RECORD_KIND = {BreakKind.MICRO: "micro_break", BreakKind.MOVEMENT: "movement_break"}


def _minutes(text: SettingValue) -> int:
    hours, minutes = str(text).split(":")
    return int(hours) * 60 + int(minutes)


def working_hours(settings: Settings) -> WorkingHours:
    days = str(settings.get("breaks.work_days")).split(",")
    return WorkingHours(_minutes(settings.get("breaks.work_start")),
                        _minutes(settings.get("breaks.work_end")),
                        frozenset(WEEKDAYS.index(day) for day in days))


def scheduler_from(settings: Settings, clock: Clock, idle: IdleProvider | None,
                   ) -> BreakScheduler:
    enabled = bool(settings.get("breaks.enabled"))
    micro_every = int(settings.get("breaks.micro_every") or 30) * 60
    movement_every = int(settings.get("breaks.movement_every") or 60) * 60
    micro = replace(MICRO_DEFAULTS, enabled=enabled, every=micro_every,
                    length=int(settings.get("breaks.micro_length") or 60),
                    warn_before=min(MICRO_DEFAULTS.warn_before, micro_every / 2))
    movement = replace(MOVEMENT_DEFAULTS, enabled=enabled, every=movement_every,
                       length=int(settings.get("breaks.movement_length") or 5) * 60,
                       warn_before=min(MOVEMENT_DEFAULTS.warn_before, movement_every / 2))
    try:
        hours = working_hours(settings)
    except ValueError:  # an end before the start: say nothing is due rather than crash
        log.warning("working hours do not make sense; using the defaults")
        hours = WorkingHours()
    return BreakScheduler(clock, micro, movement, hours, idle=idle)


class TimerService(QObject):
    break_warning = Signal(object)  # BreakWarning
    break_due = Signal(object)  # BreakDue
    break_event = Signal(object)  # any BreakEvent
    heat_event = Signal(object)  # any HeatEvent
    reminder_due = Signal(str)  # the routine id to suggest
    changed = Signal()  # something the tray tooltip or the timers page shows

    def __init__(self, settings: Settings, clock: Clock, records: TimerRecords | None,
                 idle: IdleProvider | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.clock = clock
        self.records = records
        self.idle: IdleProvider = idle if idle is not None else UnknownIdle()
        self.heat: HeatTimer | None = None
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setTimerType(Qt.TimerType.PreciseTimer)
        self._deadline.timeout.connect(self.poll)
        self._idle_poll = QTimer(self)
        self._idle_poll.setTimerType(Qt.TimerType.VeryCoarseTimer)
        self._idle_poll.setInterval(round(POLL_S * 1000))
        self._idle_poll.timeout.connect(self.poll)
        self._reminded_on: str | None = None
        # asked once: a D-Bus provider may take a few hundred ms to answer
        self.idle_known = self.idle.idle_seconds() is not None
        # tells whether a session was recorded today (the reminder is not repeated then)
        self.session_done_today: Callable[[], bool] | None = None
        self.breaks = self._new_scheduler()
        settings.subscribe(self._setting_changed)
        self._arm()

    # -- breaks --

    def _new_scheduler(self) -> BreakScheduler:
        scheduler = scheduler_from(self.settings, self.clock,
                                   self.idle if self.idle_known else None)
        scheduler.subscribe(self._on_break)
        return scheduler

    def _setting_changed(self, key: str, _value: SettingValue) -> None:
        if key.startswith("breaks."):
            self.breaks = self._new_scheduler()
        if key.startswith(("breaks.", "reminder.")):
            self._arm()
            self.changed.emit()

    def _on_break(self, event: BreakEvent) -> None:
        if isinstance(event, BreakWarning):
            self.break_warning.emit(event)
        elif isinstance(event, BreakDue):
            trace(f"break-due {event.kind.value}")
            self.break_due.emit(event)
        elif isinstance(event, BreakTaken):
            self._record(RECORD_KIND[event.kind], event.how.value,
                         self.breaks.config(event.kind).length if event.how.value in (
                             "taken", "natural") else 0,
                         f"postponed {event.postpones} times" if event.postpones else "")
        self.break_event.emit(event)
        self.changed.emit()

    @property
    def breaks_enabled(self) -> bool:
        return bool(self.settings.get("breaks.enabled"))

    def act(self, action: str, kind: BreakKind) -> str | None:
        """take / take_now / skip / postpone / end_break; a refusal in words, or None."""
        if action == "postpone":
            refusal = self.breaks.postpone_refusal(kind)
            if refusal is not None:
                return refusal
        try:
            getattr(self.breaks, action)(kind)
        except InvalidTransition:
            # e.g. a break the person takes while reminders are off or outside working hours:
            # fine to take, nothing for the scheduler to count
            return "Break reminders are not running now."
        self._arm()
        self.changed.emit()
        return None

    def pause_reminders(self, seconds: float | None) -> None:
        """For `seconds`, or (None) until the next working morning."""
        if seconds is None:
            self.breaks.pause_reminders(self.breaks.next_morning())
        else:
            self.breaks.pause_for(seconds)
        self._arm()
        self.changed.emit()

    def resume_reminders(self) -> None:
        self.breaks.resume_reminders()
        self._arm()
        self.changed.emit()

    # -- heat --

    def heat_profile(self) -> HeatProfile:
        reduced = bool(self.settings.get("heat.reduced_sensation"))
        return HeatProfile(reduced_sensation=reduced)

    def heat_history_today(self) -> list[float]:
        if self.records is None:
            return []
        try:
            today = datetime.now().astimezone().date()
            return [e.at.timestamp() for e in self.records.heat_today(today)]
        except StoreError:
            return []

    def start_heat(self, minutes: float) -> HeatTimer:
        timer = HeatTimer(self.clock, minutes, self.heat_profile())
        timer.subscribe(self._on_heat)
        self.heat = timer
        timer.start()
        self._arm()
        self.changed.emit()
        return timer

    def heat_command(self, action: str) -> None:
        """pause / resume / cancel / acknowledge on the running heat timer."""
        if self.heat is not None:
            try:
                getattr(self.heat, action)()
            except InvalidTransition:  # a button that outlived its moment: nothing to do
                log.info("heat %s ignored in state %s", action, self.heat.state)
            self._arm()
            self.changed.emit()

    def _on_heat(self, event: HeatEvent) -> None:
        if isinstance(event, HeatEnded):
            self._record("heat", "completed", event.minutes * 60, f"{event.minutes:g} min")
        elif isinstance(event, HeatCancelled):
            self._record("heat", "cancelled", event.ran_s, "stopped early")
        if isinstance(event, HeatAlarm | HeatSkinCheck | HeatEnded):
            trace(f"heat-{type(event).__name__}")
        self.heat_event.emit(event)
        self.changed.emit()

    # -- the daily reminder --

    def _reminder_days(self) -> set[int]:
        return {WEEKDAYS.index(d) for d in str(self.settings.get("reminder.days")).split(",")}

    def _reminder_at(self, day: date) -> float:
        minute = _minutes(self.settings.get("reminder.time"))
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60) \
            .astimezone().timestamp()

    def _reminder_wall(self) -> float | None:
        """When the next daily reminder is due (wall seconds), or None when it is off."""
        if not self.settings.get("reminder.enabled"):
            return None
        today = datetime.fromtimestamp(self.clock.wall()).astimezone().date()
        days = self._reminder_days()
        for offset in range(8):
            day = today + timedelta(days=offset)
            if day.weekday() in days and self._reminded_on != day.isoformat():
                at = self._reminder_at(day)
                if at >= self.clock.wall() or offset == 0:
                    return at
        return None

    def _check_reminder(self) -> None:
        if not self.settings.get("reminder.enabled"):
            return
        now = self.clock.wall()
        today = datetime.fromtimestamp(now).astimezone().date()
        if today.weekday() not in self._reminder_days() \
                or self._reminded_on == today.isoformat():
            return
        at = self._reminder_at(today)
        if now < at:
            return
        self._reminded_on = today.isoformat()  # once a day, shown or not
        if now >= at + REMINDER_GRACE_S:
            return  # long gone (the computer was off or asleep): not hours late
        done = self.session_done_today() if self.session_done_today else False
        if not done:  # not repeated when a session was already recorded that day
            self.reminder_due.emit(str(self.settings.get("reminder.routine")))

    # -- plumbing --

    def poll(self) -> None:
        self.breaks.tick()
        if self.heat is not None:
            self.heat.tick()
        self._check_reminder()
        self._arm()

    def _arm(self) -> None:
        now = self.clock.monotonic_ns()
        deadlines = [d for d in (self.breaks.next_deadline_ns(),
                                 self.heat.next_deadline_ns() if self.heat else None)
                     if d is not None]
        reminder = self._reminder_wall()
        if reminder is not None:
            deadlines.append(now + max(0, round((reminder - self.clock.wall()) * 1e9)))
        if deadlines:
            wait_ms = math.ceil((min(deadlines) - now) / 1_000_000)
            # QTimer counts in int milliseconds; far deadlines are re-armed when reached
            self._deadline.start(max(0, min(wait_ms, 2**31 - 1)))
        else:
            self._deadline.stop()
        wants_poll = self.breaks_enabled and self.idle_known
        if wants_poll and not self._idle_poll.isActive():
            self._idle_poll.start()
        elif not wants_poll:
            self._idle_poll.stop()

    def _record(self, kind: str, outcome: str, seconds: float, detail: str) -> None:
        if self.records is None:
            return
        trace(f"timer-record {kind} {outcome}")
        try:
            self.records.record(kind, outcome, seconds, detail)  # type: ignore[arg-type]
        except (StoreError, ValueError) as exc:
            log.warning("timer record: %s", exc)

    def status_text(self) -> str:
        """One or two short lines for the tray tooltip and the timers page."""
        parts = []
        if self.breaks_enabled:
            paused = self.breaks.paused_until
            if paused is not None:
                until = datetime.fromtimestamp(paused).astimezone().strftime("%H:%M")
                parts.append(f"Break reminders paused until {until}")
            else:
                dues = [(k, self.breaks.due_in_s(k)) for k in BreakKind]
                soon = [(k, s) for k, s in dues if s is not None]
                if soon:
                    kind, seconds = min(soon, key=lambda pair: pair[1])
                    name = "stand-up" if kind is BreakKind.MICRO else "movement"
                    parts.append(f"Next {name} break in {max(1, round(seconds / 60))} min")
                else:
                    parts.append("No breaks due outside your working hours")
        if self.heat is not None and self.heat.state.value in ("running", "paused", "alarming"):
            left = self.heat.remaining_ns() / 1e9
            state = {"running": f"{math.ceil(left / 60)} min left", "paused": "paused",
                     "alarming": "time is up"}[self.heat.state.value]
            parts.append(f"Heat: {state}")
        return "\n".join(parts) or "BackCare"
