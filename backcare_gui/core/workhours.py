"""Working hours and days: when desk-break reminders may run.

Times are minutes after local midnight and days are `datetime.weekday()` numbers (Monday = 0), so
a setting reads the same whatever the time zone. Wall seconds become local time through an
injected function (default: the machine's zone), so tests can fix a zone and a DST change is
handled by the zone, not by us.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

ToLocal = Callable[[float], datetime]

MINUTES_PER_DAY = 24 * 60


def local_time(wall: float) -> datetime:
    """Wall seconds as an aware datetime in the machine's current zone."""
    return datetime.fromtimestamp(wall).astimezone()


def wall_at(day: date, minute: int, to_local: ToLocal, near: float) -> float:
    """Wall seconds of `minute` after local midnight on `day`.

    The zone is known only through `to_local`, so the offset is guessed from a nearby moment and
    corrected with the offset in force at the guess (twice is enough across a DST change).
    """
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    guess = near
    for _ in range(3):
        offset = to_local(guess).utcoffset() or timedelta()
        better = (naive - offset).replace(tzinfo=UTC).timestamp()
        if better == guess:
            break
        guess = better
    return guess


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """One working period a day, [start, end), on the given weekdays (no overnight shifts)."""

    start_minute: int = 9 * 60
    end_minute: int = 17 * 60 + 30
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday to Friday

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise ValueError("working hours must start before they end, within one day")
        if not self.weekdays <= frozenset(range(7)):
            raise ValueError("working days are numbered 0 (Monday) to 6 (Sunday)")

    def contains(self, local: datetime) -> bool:
        if local.weekday() not in self.weekdays:
            return False
        seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return self.start_minute * 60 <= seconds < self.end_minute * 60

    def next_start(self, wall: float, to_local: ToLocal) -> float | None:
        """The first start of working hours after `wall`; None when no day is a working day."""
        today = to_local(wall).date()
        for ahead in range(8):
            day = today + timedelta(days=ahead)
            if day.weekday() in self.weekdays:
                start = wall_at(day, self.start_minute, to_local, wall)
                if start > wall:
                    return start
        return None

    def next_morning(self, wall: float, to_local: ToLocal) -> float:
        """The start of working hours on the next working day after today (Friday -> Monday):
        what "pause until tomorrow morning" means. Tomorrow when no day is a working day."""
        today = to_local(wall).date()
        for ahead in range(1, 8):
            day = today + timedelta(days=ahead)
            if day.weekday() in self.weekdays:
                return wall_at(day, self.start_minute, to_local, wall)
        return wall_at(today + timedelta(days=1), self.start_minute, to_local, wall)
