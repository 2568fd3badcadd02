"""The spasm diary's words and figures: possible triggers, what helped, the quick duration
choices, and the simple statistics (episodes per week, median duration and severity, the most
frequent triggers).

No Qt and no store here: the statistics take anything shaped like an episode, so the diary
page, the command line and the tests share one calculation.
"""

from __future__ import annotations

import statistics as _stats
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Protocol

# Codes are a stored contract (joined by ';' in the database and the CSV): never rename one.
# The order is the order they are stored, exported and shown in.
TRIGGERS: Final[dict[str, str]] = {
    "poor-posture": "Poor posture",
    "prolonged-sitting": "Prolonged sitting",
    "heavy-lifting": "Heavy lifting or a sudden movement",
    "stress": "Stress",
    "dehydration": "Dehydration",
    "poor-sleep": "Poor sleep",
    "new-medication": "New medication",
    "other": "Other",  # with the person's own words beside it
}
OTHER: Final = "other"

HELPED: Final[dict[str, str]] = {
    "heat": "Heat",
    "rest": "Rest",
    "stretching": "Stretching",
    "routine": "A routine from the library",  # which one is kept beside it, when known
    "medication": "Medication",
    "nothing": "Nothing",  # on its own: it cannot go with anything that did help
}
ROUTINE: Final = "routine"
NOTHING: Final = "nothing"

WEEKS_SHOWN: Final = 8  # like the sessions' adherence chart
TOP_TRIGGERS: Final = 3


@dataclass(frozen=True, slots=True)
class DurationChoice:
    code: str
    words: str
    minutes: int | None  # None: still going (ended later with one click)


# The form's quick choices; an exact duration in minutes can be given instead. The minutes are
# typical values for a rough answer, not measurements: "minutes" is about ten, "hours" three.
DURATION_CHOICES: Final[tuple[DurationChoice, ...]] = (
    DurationChoice("minutes", "A few minutes", 10),
    DurationChoice("hour", "About an hour", 60),
    DurationChoice("hours", "Hours", 180),
    DurationChoice("going", "Still going", None),
)


def duration_choice(code: str) -> DurationChoice:
    for choice in DURATION_CHOICES:
        if choice.code == code:
            return choice
    raise ValueError(f"unknown duration {code!r}; one of: "
                     f"{', '.join(c.code for c in DURATION_CHOICES)}")


def ended_at(started_at: datetime, minutes: int | None) -> datetime | None:
    """When an episode that lasted `minutes` ended; None (still going) for None."""
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        raise ValueError(f"a duration is a whole number of minutes, 0 or more: {minutes!r}")
    return started_at + timedelta(minutes=minutes)


def duration_minutes(started_at: datetime, ended: datetime | None) -> int | None:
    """Whole minutes from start to end (rounded), or None while still going. The same figure
    in the CSV and the statistics."""
    if ended is None:
        return None
    return round((ended - started_at).total_seconds() / 60)


def duration_words(minutes: int | None) -> str:
    """'45 minutes', '1 h 30 min', 'still going': the same words on the Diary page and in
    the clinician report."""
    if minutes is None:
        return "still going"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


class EpisodeLike(Protocol):
    """What the statistics read of an episode (store.diary.Episode has it)."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime | None: ...
    @property
    def severity(self) -> int: ...
    @property
    def triggers(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class WeekEpisodes:
    monday: date  # local
    iso_year: int
    iso_week: int
    episodes: int


@dataclass(frozen=True, slots=True)
class DiaryStats:
    weeks: tuple[WeekEpisodes, ...]  # the last 8 ISO weeks, oldest first, this week last
    episodes: int  # all the episodes given
    median_minutes: float | None  # of the ended ones; None when none has ended
    median_severity: float | None  # None when there are no episodes
    top_triggers: tuple[tuple[str, int], ...]  # up to 3 (code, episodes), most frequent first


def statistics(episodes: Iterable[EpisodeLike], today: date) -> DiaryStats:
    """The figures of the diary page. `today` is the local date; the weekly counts cover the
    last 8 ISO weeks up to it, the medians and triggers every episode given (the caller picks
    the period)."""
    given = list(episodes)
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(WEEKS_SHOWN - 1, -1, -1)]
    per_week: Counter[date] = Counter()
    for episode in given:
        day = episode.started_at.astimezone().date()  # the person's own week, not UTC's
        per_week[day - timedelta(days=day.weekday())] += 1
    weeks = tuple(WeekEpisodes(monday, *monday.isocalendar()[:2], per_week[monday])
                  for monday in mondays)
    durations = [m for e in given
                 if (m := duration_minutes(e.started_at, e.ended_at)) is not None]
    return DiaryStats(weeks=weeks, episodes=len(given),
                      median_minutes=_median(durations),
                      median_severity=_median([e.severity for e in given]),
                      top_triggers=_top_triggers(given))


def _median(values: Sequence[int]) -> float | None:
    return float(_stats.median(values)) if values else None


def _top_triggers(episodes: Sequence[EpisodeLike]) -> tuple[tuple[str, int], ...]:
    counts = Counter(code for e in episodes for code in set(e.triggers))
    order = list(TRIGGERS)
    # Ties go to the list's own order, so the same records always give the same answer.
    ranked = sorted(counts.items(),
                    key=lambda item: (-item[1], order.index(item[0]) if item[0] in order
                                      else len(order), item[0]))
    return tuple(ranked[:TOP_TRIGGERS])
