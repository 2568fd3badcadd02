"""Time, injected: the app reads the real clocks, tests drive a FakeClock.

Everything that times anything (sessions, breaks, heat) takes a Clock, so tests run a 30-minute
session in milliseconds and the app's timing never depends on counting timer ticks.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def monotonic_ns(self) -> int:
        """Never jumps, never goes back; stops counting while the machine sleeps (Linux)."""
        ...

    def boottime_ns(self) -> int:
        """Like monotonic, but keeps counting through a suspend (where the platform allows)."""
        ...

    def wall(self) -> float:
        """Wall-clock seconds since the epoch, for records and working hours."""
        ...


class SystemClock:
    def __init__(self) -> None:
        self._boottime = getattr(time, "CLOCK_BOOTTIME", None)

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()

    def boottime_ns(self) -> int:
        if self._boottime is not None:
            return time.clock_gettime_ns(self._boottime)
        return time.monotonic_ns()

    def wall(self) -> float:
        return time.time()


class FakeClock:
    """A clock that moves only when told; `suspend` models a machine asleep."""

    def __init__(self, wall: float = 1_767_258_000.0) -> None:  # 2026-01-01 09:00 UTC
        self._mono = 0
        self._boot = 0
        self._wall = wall

    def monotonic_ns(self) -> int:
        return self._mono

    def boottime_ns(self) -> int:
        return self._boot

    def wall(self) -> float:
        return self._wall

    def advance(self, seconds: float) -> None:
        ns = round(seconds * 1e9)
        self._mono += ns
        self._boot += ns
        self._wall += seconds

    def suspend(self, seconds: float) -> None:
        self._boot += round(seconds * 1e9)
        self._wall += seconds

    def set_wall(self, wall: float) -> None:
        self._wall = wall
