"""The heat timer on a fake clock: presets and caps, skin checks, the repeating end alarm,
pause, cancel, and the warnings before a session."""

from __future__ import annotations

import pytest

from backcare_gui.core.clock import FakeClock
from backcare_gui.core.engine import NS, InvalidTransition
from backcare_gui.core.heat import (
    ASK_FIRST,
    MAX_PER_DAY,
    PRESET_MINUTES,
    SAFETY_CHECKLIST,
    SUGGESTED_GAP_S,
    TRANSITIONS,
    HeatAcknowledged,
    HeatAlarm,
    HeatCancelled,
    HeatEnded,
    HeatEvent,
    HeatProfile,
    HeatSkinCheck,
    HeatStarted,
    HeatState,
    HeatTimer,
    allowed_presets,
    minutes_refusal,
)

START = 1_767_258_000.0  # FakeClock's default wall time
AT_RISK = [HeatProfile(reduced_sensation=True), HeatProfile(diabetes=True),
           HeatProfile(neuropathy=True)]


class Rig:
    def __init__(self, minutes: float, profile: HeatProfile | None = None) -> None:
        self.clock = FakeClock(START)
        self.timer = HeatTimer(self.clock, minutes, profile)
        self.events: list[HeatEvent] = []
        self.timer.subscribe(self.events.append)

    def to(self, seconds: float) -> None:
        """Run to `seconds` after the start, ticking at every deadline on the way."""
        target = round(seconds * NS)
        while (deadline := self.timer.next_deadline_ns()) is not None and deadline <= target:
            self.clock.advance((deadline - self.clock.monotonic_ns()) / NS)
            self.timer.tick()
        self.clock.advance((target - self.clock.monotonic_ns()) / NS)
        self.timer.tick()

    def log(self) -> list[tuple[str, float]]:
        """(event, seconds after the start, to the millisecond) for the timed events."""
        out = []
        for e in self.events:
            if isinstance(e, HeatStarted | HeatSkinCheck | HeatEnded | HeatAlarm
                          | HeatAcknowledged | HeatCancelled):
                name = type(e).__name__ + (f"{e.repeat_n}" if isinstance(e, HeatAlarm) else "")
                out.append((name, round(e.at_wall - START, 3)))
        return out


@pytest.mark.parametrize("minutes", PRESET_MINUTES)
def test_presets_run_to_the_millisecond(minutes: int) -> None:
    rig = Rig(minutes)
    rig.timer.start()
    rig.to(minutes * 60 + 61)
    end = minutes * 60.0
    assert rig.log() == [("HeatStarted", 0.0), ("HeatSkinCheck", end / 2), ("HeatEnded", end),
                         ("HeatAlarm1", end), ("HeatAlarm2", end + 30), ("HeatAlarm3", end + 60)]
    assert rig.timer.state is HeatState.ALARMING
    assert rig.timer.elapsed_ns() == minutes * 60 * NS


def test_alarm_repeats_until_acknowledged() -> None:
    rig = Rig(10)
    rig.timer.start()
    rig.to(10 * 60 + 5 * 60)  # five minutes of alarm: every 30 s
    alarms = [e for e in rig.events if isinstance(e, HeatAlarm)]
    assert [a.repeat_n for a in alarms] == list(range(1, 12))
    rig.timer.acknowledge()
    assert rig.timer.state is HeatState.DONE
    assert rig.timer.next_deadline_ns() is None
    rig.to(60 * 60)
    assert len([e for e in rig.events if isinstance(e, HeatAlarm)]) == 11
    ack = [e for e in rig.events if isinstance(e, HeatAcknowledged)]
    assert [(a.alarms, a.at_wall - START) for a in ack] == [(11, 900.0)]


def test_a_late_tick_sounds_the_alarm_once_not_a_burst() -> None:
    rig = Rig(10)
    rig.timer.start()
    rig.clock.advance(10 * 60 + 5 * 60 + 1)  # the machine was busy: one tick, 5 min late
    rig.timer.tick()
    alarms = [e for e in rig.events if isinstance(e, HeatAlarm)]
    assert [(a.repeat_n, a.at_wall - START) for a in alarms] == [(11, 900.0)]
    assert [e.at_wall - START for e in rig.events if isinstance(e, HeatEnded)] == [600.0]
    deadline = rig.timer.next_deadline_ns()
    assert deadline == (900 + 30) * NS  # the next repeat keeps the 30-second rhythm


def test_reduced_sensation_caps_at_ten_minutes() -> None:
    for profile in AT_RISK:
        assert profile.max_minutes == 10
        assert allowed_presets(profile) == (10,)
        with pytest.raises(ValueError, match="10 minutes"):
            HeatTimer(FakeClock(), 15, profile)
        HeatTimer(FakeClock(), 10, profile)
    assert allowed_presets(HeatProfile()) == (10, 15, 20)
    assert HeatProfile().max_minutes == 20


def test_custom_lengths() -> None:
    assert minutes_refusal(12.5, HeatProfile()) is None
    assert minutes_refusal(20, HeatProfile()) is None
    for bad in (20.5, 21, 60):
        assert "at most 20 minutes" in (minutes_refusal(bad, HeatProfile()) or "")
        with pytest.raises(ValueError):
            HeatTimer(FakeClock(), bad)
    for bad in (0, -5, float("nan")):
        with pytest.raises(ValueError):
            HeatTimer(FakeClock(), bad)
    rig = Rig(12.5)
    rig.timer.start()
    rig.to(13 * 60)
    assert ("HeatEnded", 750.0) in rig.log()


def test_skin_checks_every_few_minutes_when_at_risk() -> None:
    rig = Rig(10, HeatProfile(diabetes=True))
    rig.timer.start()
    rig.to(10 * 60)
    checks = [e for e in rig.events if isinstance(e, HeatSkinCheck)]
    assert [(c.number, c.of, c.at_wall - START, c.remaining_s) for c in checks] == [
        (1, 3, 150.0, 450.0), (2, 3, 300.0, 300.0), (3, 3, 450.0, 150.0)]


def test_pause_keeps_the_remaining_time() -> None:
    rig = Rig(20)
    rig.timer.start()
    rig.to(4 * 60)
    rig.timer.pause()
    assert rig.timer.remaining_ns() == 16 * 60 * NS
    assert rig.timer.next_deadline_ns() is None
    rig.to(64 * 60)  # an hour's pause
    assert rig.timer.remaining_ns() == 16 * 60 * NS
    rig.timer.resume()
    rig.to(64 * 60 + 16 * 60)
    assert rig.log() == [("HeatStarted", 0.0), ("HeatSkinCheck", 60 * 60 + 10 * 60),
                         ("HeatEnded", 80 * 60.0), ("HeatAlarm1", 80 * 60.0)]
    assert rig.timer.elapsed_ns() == 20 * 60 * NS


def test_cancel_reports_the_heat_time() -> None:
    rig = Rig(15)
    rig.timer.start()
    rig.to(3 * 60)
    rig.timer.pause()
    rig.to(10 * 60)
    rig.timer.cancel()
    assert rig.timer.state is HeatState.CANCELLED
    cancelled = [e for e in rig.events if isinstance(e, HeatCancelled)]
    assert [(c.ran_s, c.at_wall - START) for c in cancelled] == [(180.0, 600.0)]
    assert rig.timer.next_deadline_ns() is None
    with pytest.raises(InvalidTransition):
        rig.timer.start()


def test_cancel_after_the_end_acknowledges() -> None:
    rig = Rig(10)
    rig.timer.start()
    rig.to(10 * 60 + 1)
    rig.timer.cancel()
    assert rig.timer.state is HeatState.DONE
    assert not [e for e in rig.events if isinstance(e, HeatCancelled)]


def test_invalid_transitions_raise() -> None:
    rig = Rig(10)
    with pytest.raises(InvalidTransition):
        rig.timer.resume()
    with pytest.raises(InvalidTransition):
        rig.timer.pause()
    with pytest.raises(InvalidTransition):
        rig.timer.acknowledge()
    rig.timer.start()
    with pytest.raises(InvalidTransition):
        rig.timer.acknowledge()
    with pytest.raises(InvalidTransition):
        rig.timer.start()
    assert set(TRANSITIONS) == set(HeatState)
    assert TRANSITIONS[HeatState.DONE] == TRANSITIONS[HeatState.CANCELLED] == frozenset()


def test_start_warnings_too_soon_and_too_many() -> None:
    rig = Rig(15)
    now = START
    assert rig.timer.check_start([]) == []
    too_soon = rig.timer.check_start([now - 20 * 60])
    assert len(too_soon) == 1
    assert "20 minutes ago" in too_soon[0]
    assert f"{SUGGESTED_GAP_S / 60:.0f} minutes" in too_soon[0]
    assert rig.timer.check_start([now - 61 * 60]) == []
    three = [now - 7 * 3600, now - 5 * 3600, now - 3 * 3600]
    many = rig.timer.check_start(three)
    assert len(many) == 1
    assert f"up to {MAX_PER_DAY} times a day" in many[0]
    both = rig.timer.check_start([*three, now - 10 * 60])
    assert len(both) == 2
    rig.timer.start()  # warnings never block


def test_start_warning_wording_for_a_moment_ago() -> None:
    rig = Rig(10)
    assert "ended a minute ago" in rig.timer.check_start([START - 10])[0]
    assert "ended a minute ago" in rig.timer.check_start([START + 5])[0]  # clock set back


def test_safety_checklist_in_plain_words() -> None:
    text = " ".join(SAFETY_CHECKLIST).lower()
    for needle in ("towel", "medium", "sleep", "numb", "tingling", "ice", "48 to 72"):
        assert needle in text
    asks = " ".join(ASK_FIRST).lower()
    for needle in ("heart", "peripheral vascular", "fever", "infection", "nerve damage",
                   "broken skin", "circulation", "cancer", "reaction to heat"):
        assert needle in asks
    assert len(ASK_FIRST) == 8
