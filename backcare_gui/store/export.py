"""What leaves BackCare: the CSV export, and the figures of the clinician report (period,
counts, adherence, mean pain, what hurt, red-flag answers, the spasm diary, heat and breaks)
shaped for any output.

No Qt here: the command line writes a CSV without starting Qt, and the same figures feed the
History page and the PDF. Times are stored in UTC; everything here speaks the person's local
time, and the CSV says its offset so a spreadsheet in another zone still reads it right.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from backcare_gui.core import diary as core_diary
from backcare_gui.core import pain
from backcare_gui.core.atomic import write_text_atomic
from backcare_gui.store.db import local_date
from backcare_gui.store.records import COUNTED, PainPoint, SessionRecords, SessionRow
from backcare_gui.store.safety import HurtEvent, RedFlagRecord, SafetyRecords
from backcare_gui.store.timers import TimerEvent, TimerRecords

if TYPE_CHECKING:  # store.diary imports this module (local_iso): only its types here
    from backcare_gui.store.diary import DiaryRecords, Episode

# The CSV's columns, in order: a public contract (scripts read them by name).
CSV_COLUMNS: Final = ("id", "started_at", "routine_id", "routine_title", "status",
                      "planned_seconds", "active_seconds", "pain_before", "pain_after",
                      "locations", "note")

# What each stored status means, said plainly.
STATUS_WORDS: Final[dict[str, str]] = {
    "completed": "Completed",
    "partial": "Stopped early",
    "abandoned": "Stopped before the first exercise",
    "interrupted": "Interrupted",
    "running": "In progress",
}

HURT_WORDS: Final[dict[str, str]] = {"skip": "Skipped the exercise", "stop": "Stopped the session"}

# Short names of the red-flag signs for a table (the full questions live in core/pain.py).
SIGN_NAMES: Final[dict[str, str]] = {
    "saddle-numbness": "Numbness between the legs (saddle area)",
    "bladder": "Bladder changes",
    "bowel": "Loss of bowel control",
    "sexual": "New sexual function problems",
    "leg-weakness": "Leg weakness, numbness or tingling",
    "below-knee": "Pain spreading below the knee",
    "fever": "Fever of 38 °C or more",
    "weight-loss": "Unexplained weight loss",
    "swelling": "Swelling or change in the back's shape",
    "night-pain": "Pain worse at night or constant",
    "injury": "Started after an accident, fall or blow",
    "chest-pain": "Chest pain",
    "cancer": "Has had cancer",
    "severe-persistent": "Severe pain not eased by rest or pain relief",
}

FOOTER: Final = "Made by BackCare. This report informs; it does not diagnose."
MISSING: Final = "–"  # a rating that was not given
ARROW: Final = "→"
AVERAGE_DAYS: Final = 7
# Above this many points the chart shows one point per day (the mean), per week, per month: beyond
# about one point per 6 px of a full-width chart, a line is neither readable nor quick to draw.
CHART_MAX_POINTS: Final = 150

_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec")
_DAY_PATTERN: Final = re.compile(r"\d{4}-\d{2}-\d{2}")

Progress = Callable[[int, int], None]  # (done, total); may raise to cancel


# --- words and numbers ----------------------------------------------------------------------

def local_iso(moment: datetime) -> str:
    """'2026-11-25T17:41:00+01:00': local wall time with its offset, whole seconds."""
    return moment.astimezone().isoformat(timespec="seconds")


def local_text(moment: datetime) -> str:
    """'Tue 25 Nov 2026 16:41' in local time. English names whatever the system locale, like
    every other word in BackCare."""
    at = moment.astimezone()
    return f"{_DAYS[at.weekday()]} {at.day} {_MONTHS[at.month - 1]} {at.year} {at:%H:%M}"


def local_short(moment: datetime) -> str:
    """'25 Nov 2026 16:41' in local time (for printed tables)."""
    at = moment.astimezone()
    return f"{day_text(at.date())} {at:%H:%M}"


def day_text(day: date, year: bool = True) -> str:
    """'25 Nov 2026', or '25 Nov'."""
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def minutes_text(seconds: float) -> str:
    """Active minutes for a table cell: '0.5', '4.2', '12'."""
    minutes = seconds / 60
    return f"{minutes:.0f}" if minutes >= 10 else f"{minutes:.1f}"


def pain_text(before: int | None, after: int | None) -> str:
    """'6 → 4'; a missing rating shows as a dash."""
    if before is None and after is None:
        return ""
    return (f"{MISSING if before is None else before} {ARROW} "
            f"{MISSING if after is None else after}")


def change_text(before: int | None, after: int | None) -> str:
    """'-2 · eased' when the drop is meaningful relief (core/pain.py decides), '+1', '0'."""
    if before is None or after is None:
        return ""
    difference = after - before
    text = f"{difference:+d}" if difference else "0"
    if pain.change(before, after) is pain.Change.RELIEF:
        text += " · eased"
    return text


def mean_text(value: float | None) -> str:
    return MISSING if value is None else f"{value:.1f}"


def signed_text(value: float | None) -> str:
    return MISSING if value is None else f"{value:+.1f}"


def streak_text(days: int) -> str:
    return "no days in a row yet" if days == 0 else f"{days} day{'s' if days != 1 else ''} in a row"


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date, strictly (the command line's --from and --to)."""
    if not _DAY_PATTERN.fullmatch(text):
        raise ValueError(f"a date is written YYYY-MM-DD, such as 2026-11-25, not {text!r}")
    return date.fromisoformat(text)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(round(value, 3))


# --- CSV ------------------------------------------------------------------------------------

def csv_row(row: SessionRow) -> list[str]:
    return [str(row.id), local_iso(row.started_at), row.routine_id, row.routine_title,
            row.status, _number(row.planned_seconds), _number(row.active_seconds),
            "" if row.pain_before is None else str(row.pain_before),
            "" if row.pain_after is None else str(row.pain_after),
            ";".join(row.locations), row.note]


def write_table(header: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO,
                progress: Progress | None = None) -> int:
    """A header and one line per row (RFC 4180 quoting, CRLF line ends). `out` must not
    translate newlines (a file opened with newline=''). Returns the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    total = len(rows)
    for n, row in enumerate(rows, 1):
        writer.writerow(row)
        if progress is not None and (n % 500 == 0 or n == total):
            progress(n, total)
    return total


def save_table(header: Sequence[str], rows: Sequence[Sequence[str]], target: Path | str,
               progress: Progress | None = None) -> int:
    """Write a CSV to a file (whole or not at all), or to stdout for '-', as UTF-8."""
    buffer = io.StringIO(newline="")
    write_table(header, rows, buffer, progress)
    text = buffer.getvalue()
    if str(target) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    else:
        write_text_atomic(Path(target), text)
    return len(rows)


def write_csv(rows: Sequence[SessionRow], out: TextIO, progress: Progress | None = None) -> int:
    """The sessions' CSV: the header and one line per session."""
    return write_table(CSV_COLUMNS, [csv_row(r) for r in rows], out, progress)


def csv_text(rows: Sequence[SessionRow], progress: Progress | None = None) -> str:
    buffer = io.StringIO(newline="")
    write_csv(rows, buffer, progress)
    return buffer.getvalue()


def save_csv(rows: Sequence[SessionRow], target: Path | str,
             progress: Progress | None = None) -> int:
    """The sessions' CSV to a file, or to stdout for '-'."""
    return save_table(CSV_COLUMNS, [csv_row(r) for r in rows], target, progress)


def session_rows(records: SessionRecords | None, date_from: date | None = None,
                 date_to: date | None = None) -> list[SessionRow]:
    """Every session in the local days given, oldest first (none without records)."""
    return [] if records is None else records.export_rows(date_from, date_to)


# --- the chart ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ChartData:
    before: tuple[tuple[datetime, float], ...]
    after: tuple[tuple[datetime, float], ...]
    average: tuple[tuple[datetime, float], ...]  # pain before, mean of the 7 days up to each
    grouped: str  # "" (one point per session), or "day", "week", "month": one mean point each
    # Spasm episodes as markers: (start, severity) on the same axes, oldest first. One still
    # going stands at its start. Never grouped: they are few, and each one matters.
    episodes: tuple[tuple[datetime, float], ...] = ()

    @property
    def empty(self) -> bool:
        """No pain ratings (there may still be spasm episodes to show)."""
        return not (self.before or self.after)


def chart_data(points: Sequence[PainPoint], max_points: int = CHART_MAX_POINTS,
               episodes: Iterable[core_diary.EpisodeLike] = ()) -> ChartData:
    """The chart's lines from `pain_series`: pain before and after over time, and the 7-day
    moving average of pain before (how the back has been day to day, before any exercise);
    `episodes` (the spasm diary's, of the same days) become markers at their severity."""
    raw_before = [(p.started_at, float(p.pain_before)) for p in points
                  if p.pain_before is not None]
    raw_after = [(p.started_at, float(p.pain_after)) for p in points if p.pain_after is not None]
    before, after, grouped = raw_before, raw_after, ""
    for unit in ("day", "week", "month"):
        if max(len(before), len(after)) <= max_points:
            break
        before, after, grouped = _grouped(raw_before, unit), _grouped(raw_after, unit), unit
    markers = sorted((e.started_at, float(e.severity)) for e in episodes)
    return ChartData(tuple(before), tuple(after),
                     tuple(moving_average(raw_before, [t for t, _ in before])), grouped,
                     tuple(markers))


def moving_average(values: Sequence[tuple[datetime, float]], at: Iterable[datetime],
                   days: int = AVERAGE_DAYS) -> list[tuple[datetime, float]]:
    """For each moment in `at` (oldest first), the mean of `values` (oldest first) in the
    `days` days up to and including it."""
    window = timedelta(days=days)
    result: list[tuple[datetime, float]] = []
    start = end = 0
    total = 0.0
    for moment in at:
        while end < len(values) and values[end][0] <= moment:
            total += values[end][1]
            end += 1
        while start < end and values[start][0] <= moment - window:
            total -= values[start][1]
            start += 1
        if end > start:
            result.append((moment, total / (end - start)))
    return result


def _grouped(values: Sequence[tuple[datetime, float]],
             unit: str) -> list[tuple[datetime, float]]:
    """The mean per local day, ISO week or month, placed at the period's last session."""
    groups: dict[object, list[tuple[datetime, float]]] = {}
    for moment, value in values:
        day = local_date(moment)
        key: object = (day if unit == "day" else day.isocalendar()[:2] if unit == "week"
                       else (day.year, day.month))
        groups.setdefault(key, []).append((moment, value))
    return [(group[-1][0], sum(v for _, v in group) / len(group)) for group in groups.values()]


# --- heat and breaks ------------------------------------------------------------------------

# What each timer record is and how it ended, said plainly (the store keeps short codes).
TIMER_KIND_WORDS: Final[dict[str, str]] = {
    "micro_break": "Stand-up break",
    "movement_break": "Movement break",
    "heat": "Heat",
}
TIMER_OUTCOME_WORDS: Final[dict[str, str]] = {
    "taken": "taken",
    "natural": "natural (away from the desk)",
    "skipped": "skipped",
    "postponed": "postponed",
    "completed": "completed",
    "cancelled": "stopped early",
}
NATURAL_MEANING: Final = ("A natural break: away from the desk (the computer idle) for at least "
                          "the break's length, so no reminder was needed.")


@dataclass(frozen=True, slots=True)
class TimerSummary:
    """Heat sessions and desk breaks of a period: the counts, and every event, oldest first."""

    events: tuple[TimerEvent, ...] = ()
    heat_sessions: int = 0
    heat_stopped: int = 0  # of those, stopped before the timer ran out
    heat_seconds: float = 0.0  # how long the heat was on, in all
    breaks_taken: int = 0  # a natural break counts as taken: the person did get up
    breaks_natural: int = 0
    breaks_skipped: int = 0
    breaks_postponed: int = 0  # each time a break was put off

    @property
    def empty(self) -> bool:
        return not self.events

    @property
    def heat_brief(self) -> str:
        """'3 sessions, 45 min', or 'none'."""
        if not self.heat_sessions:
            return "none"
        return (f"{self.heat_sessions} session{'s' if self.heat_sessions != 1 else ''}, "
                f"{whole_minutes_text(self.heat_seconds)}")

    @property
    def heat_text(self) -> str:
        """'3 sessions, 45 min (1 stopped early)', or 'none'."""
        stopped = f" ({self.heat_stopped} stopped early)" if self.heat_stopped else ""
        return self.heat_brief + stopped

    @property
    def breaks_text(self) -> str:
        """'12 taken (4 natural), 2 skipped, 1 postponed', or 'none'."""
        if not (self.breaks_taken or self.breaks_skipped or self.breaks_postponed):
            return "none"
        taken = f"{self.breaks_taken} taken"
        if self.breaks_natural:
            taken += f" ({self.breaks_natural} natural)"
        return f"{taken}, {self.breaks_skipped} skipped, {self.breaks_postponed} postponed"


def timer_summary(events: Sequence[TimerEvent]) -> TimerSummary:
    """The counts of `events` (oldest first, as TimerRecords.events gives them)."""
    heat = [e for e in events if e.kind == "heat"]
    breaks = [e for e in events if e.kind != "heat"]
    outcomes = Counter(e.outcome for e in breaks)
    return TimerSummary(
        events=tuple(events), heat_sessions=len(heat),
        heat_stopped=sum(1 for e in heat if e.outcome == "cancelled"),
        heat_seconds=sum(e.seconds for e in heat),
        breaks_taken=outcomes["taken"] + outcomes["natural"], breaks_natural=outcomes["natural"],
        breaks_skipped=outcomes["skipped"], breaks_postponed=outcomes["postponed"])


def timer_summary_of(timers: TimerRecords | None, date_from: date | None = None,
                     date_to: date | None = None) -> TimerSummary:
    """Heat and breaks in the local days given (both inclusive); nothing without records."""
    return TimerSummary() if timers is None else timer_summary(timers.events(date_from, date_to))


def whole_minutes_text(seconds: float) -> str:
    """'15 min'; a few seconds read 'under 1 min' rather than a puzzling '0 min'."""
    if 0 < seconds < 30:
        return "under 1 min"
    return f"{round(seconds / 60)} min"


def timer_what(event: TimerEvent) -> str:
    """'Stand-up break', 'Movement break', 'Heat'."""
    return TIMER_KIND_WORDS.get(event.kind, event.kind)


def timer_outcome(event: TimerEvent) -> str:
    """'taken', 'natural (away from the desk)', 'stopped early'..."""
    return TIMER_OUTCOME_WORDS.get(event.outcome, event.outcome)


def timer_line(event: TimerEvent) -> str:
    """One event as the History page lists it: 'Stand-up break · taken', 'Heat 15 min ·
    completed', 'Natural break (away from the desk)'."""
    if event.outcome == "natural":
        kind = "break" if event.kind == "micro_break" else "movement break"
        return f"Natural {kind} (away from the desk)"
    what = (f"Heat {whole_minutes_text(event.seconds)}" if event.kind == "heat"
            else timer_what(event))
    return f"{what} · {timer_outcome(event)}"


def timer_minutes(event: TimerEvent) -> str:
    """Minutes for a table cell; empty for a break skipped or put off (it took no time)."""
    return minutes_text(event.seconds) if event.seconds > 0 else ""


# --- the spasm diary ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DiarySummary:
    """The spasm episodes of a period, oldest first, and their figures (core.diary's
    statistics, so the Diary page and the report agree)."""

    episodes: tuple[Episode, ...] = ()
    per_week: float | None = None
    per_week_from: date | None = None  # the first episode's day, or the period's first day
    median_minutes: float | None = None  # of the episodes that have ended
    median_severity: float | None = None
    top_triggers: tuple[tuple[str, int], ...] = ()  # (code, episodes), most frequent first

    @property
    def empty(self) -> bool:
        return not self.episodes

    @property
    def still_going(self) -> int:
        return sum(1 for e in self.episodes if e.ended_at is None)

    @property
    def facts(self) -> list[tuple[str, str]]:
        """The summary as (what, figure) lines: episodes, per week, median length and
        severity, the most frequent triggers."""
        count = len(self.episodes)
        going = f" ({self.still_going} still going)" if self.still_going else ""
        per_week = MISSING
        if self.per_week is not None and self.per_week_from is not None:
            per_week = f"{self.per_week:.1f} on average from {day_text(self.per_week_from)}"
        ended = count - self.still_going
        length = MISSING
        if self.median_minutes is not None:
            length = core_diary.duration_words(round(self.median_minutes))
            if self.still_going:  # the median leaves those out: say so
                length += (" (the one that has ended)" if ended == 1
                           else f" (of the {ended} that have ended)")
        severity = MISSING if self.median_severity is None else f"{self.median_severity:g}"
        triggers = ", ".join(f"{core_diary.TRIGGERS.get(code, code)} ({n})"
                             for code, n in self.top_triggers) or "none noted"
        return [("Episodes", f"{count}{going}"), ("Episodes per week", per_week),
                ("Median length", length), ("Median severity (0-10)", severity),
                ("Most frequent triggers", triggers)]


def diary_summary(episodes: Sequence[Episode], first: date | None, last: date) -> DiarySummary:
    """The figures of `episodes` (oldest first), the local days first..last. Per week counts
    from the first episode of the period, as sessions do: a diary begun three weeks ago is not
    averaged over a year it did not yet exist."""
    if not episodes:
        return DiarySummary()
    figures = core_diary.statistics(episodes, last)
    start = local_date(episodes[0].started_at)
    per_week_from = max(first, start) if first is not None else start
    days = max((last - per_week_from).days + 1, 7)  # less than a week counts as a week
    return DiarySummary(episodes=tuple(episodes), per_week=len(episodes) * 7 / days,
                        per_week_from=per_week_from, median_minutes=figures.median_minutes,
                        median_severity=figures.median_severity,
                        top_triggers=figures.top_triggers)


def episode_length(episode: Episode) -> str:
    """'45 minutes', '1 h 30 min', or 'still going'."""
    return core_diary.duration_words(episode.duration_minutes)


def episode_where(episode: Episode) -> str:
    return ", ".join(pain.LOCATIONS.get(code, code) for code in episode.locations)


def episode_triggers(episode: Episode) -> str:
    """'Stress, Other: the bins': the person's own words for 'other'."""
    return ", ".join(f"Other: {episode.trigger_other}"
                     if code == core_diary.OTHER and episode.trigger_other
                     else core_diary.TRIGGERS.get(code, code) for code in episode.triggers)


def episode_helped(episode: Episode) -> str:
    """'Heat, Routine: spasm-relief': which routine, when it is known."""
    return ", ".join(f"Routine: {episode.helped_routine}"
                     if code == core_diary.ROUTINE and episode.helped_routine
                     else core_diary.HELPED.get(code, code) for code in episode.helped)


def episode_signs(episode: Episode) -> str:
    """The warning signs ticked on the form, by their short names ('' when none)."""
    return "; ".join(sign_names(f for f, on in episode.red_flags.items() if on))


# --- the report's figures -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HurtLine:
    at: datetime
    routine_title: str
    exercise_name: str
    action: str  # skip | stop

    @property
    def action_text(self) -> str:
        return HURT_WORDS.get(self.action, self.action)


@dataclass(frozen=True, slots=True)
class RedFlagLine:
    at: datetime
    any_yes: bool
    clinician_checked: bool
    signs: tuple[str, ...]  # the signs answered yes, as short names

    @property
    def signs_text(self) -> str:
        return "; ".join(self.signs) if self.signs else "None"


@dataclass(frozen=True, slots=True)
class Report:
    first_day: date | None  # the period covered (None: no sessions and no dates asked)
    last_day: date
    made_on: date
    sessions: tuple[SessionRow, ...]  # oldest first
    statuses: dict[str, int]  # status -> sessions
    counted: int  # completed or stopped early: what counts as having exercised
    per_week: float | None
    per_week_from: date | None  # the first day of the per-week average
    streak: int  # days in a row with a session, up to the period's last day
    rated: int  # sessions rated before and after
    mean_before: float | None  # over the sessions rated before and after
    mean_after: float | None
    mean_change: float | None
    relief: int  # sessions with meaningful relief
    chart: ChartData
    hurt: tuple[HurtLine, ...]
    red_flags: tuple[RedFlagLine, ...]
    timers: TimerSummary = field(default_factory=TimerSummary)  # heat sessions, desk breaks
    diary: DiarySummary = field(default_factory=DiarySummary)  # spasm episodes

    @property
    def period_text(self) -> str:
        if self.first_day is None:
            return f"up to {day_text(self.last_day)}"
        return f"{day_text(self.first_day)} to {day_text(self.last_day)}"

    @property
    def status_text(self) -> str:
        parts = [f"{count} {STATUS_WORDS.get(status, status).lower()}"
                 for status, count in sorted(self.statuses.items(),
                                             key=lambda item: _status_order(item[0]))]
        return ", ".join(parts)


def build_report(records: SessionRecords | None, safety: SafetyRecords | None,
                 date_from: date | None = None, date_to: date | None = None,
                 today: date | None = None,
                 rows: Sequence[SessionRow] | None = None,
                 timers: TimerRecords | None = None,
                 diary: DiaryRecords | None = None) -> Report:
    """Everything the clinician report shows, for the local days date_from..date_to (both
    inclusive; open ends mean from the first session, up to today). Heat sessions and desk
    breaks come from `timers`, spasm episodes from `diary` (none without them)."""
    today = today or date.today()
    if rows is None:
        rows = session_rows(records, date_from, date_to)
    heat_and_breaks = timer_summary_of(timers, date_from, date_to)
    episodes = [] if diary is None else diary.episodes(date_from, date_to)
    # An open period runs from the first thing recorded (session, timer event, spasm episode)
    # to the last.
    recorded = _recorded_days(rows, heat_and_breaks.events, episodes)
    first = date_from or (recorded[0] if recorded else None)
    last = date_to or today
    if date_to is None and recorded:  # something dated after today (a clock put back) counts
        last = max(last, recorded[-1])
    counted_days = {local_date(r.started_at) for r in rows if r.status in COUNTED}
    counted = sum(1 for r in rows if r.status in COUNTED)
    # Sessions per week from the first session of the period on: a person who began three
    # weeks ago is not averaged over a year they had not started yet.
    per_week_from = max(first, local_date(rows[0].started_at)) if first and rows else first
    per_week = None
    if per_week_from is not None:
        days = max((last - per_week_from).days + 1, 7)  # less than a week counts as a week
        per_week = counted * 7 / days
    pairs = [(r.pain_before, r.pain_after) for r in rows
             if r.pain_before is not None and r.pain_after is not None]
    mean_before = mean_after = mean_change = None
    if pairs:
        mean_before = sum(b for b, _ in pairs) / len(pairs)
        mean_after = sum(a for _, a in pairs) / len(pairs)
        mean_change = mean_after - mean_before
    relief = sum(1 for b, a in pairs if pain.change(b, a) is pain.Change.RELIEF)
    points = [PainPoint(r.id, r.started_at, r.pain_before, r.pain_after) for r in rows
              if r.pain_before is not None or r.pain_after is not None]
    hurt: list[HurtLine] = []
    flags: list[RedFlagLine] = []
    if safety is not None:
        hurt = hurt_lines(safety.hurt_events(), rows)
        flags = [red_flag_line(record) for record in safety.all_red_flag_records()
                 if _within(local_date(record.answered_at), date_from, date_to)]
    return Report(
        first_day=first, last_day=last, made_on=today, sessions=tuple(rows),
        statuses=dict(Counter(r.status for r in rows)), counted=counted, per_week=per_week,
        per_week_from=per_week_from,
        streak=streak_up_to(counted_days, last), rated=len(pairs), mean_before=mean_before,
        mean_after=mean_after, mean_change=mean_change, relief=relief,
        chart=chart_data(points, episodes=episodes), hurt=tuple(hurt), red_flags=tuple(flags),
        timers=heat_and_breaks, diary=diary_summary(episodes, first, last))


def _recorded_days(rows: Sequence[SessionRow], events: Sequence[TimerEvent],
                   episodes: Sequence[Episode] = ()) -> list[date]:
    """The local days of the first and last session, timer event and spasm episode (each
    oldest first), in order."""
    moments = [r.started_at for r in rows[:1]] + [r.started_at for r in rows[-1:]]
    moments += [e.at for e in events[:1]] + [e.at for e in events[-1:]]
    moments += [e.started_at for e in episodes[:1]] + [e.started_at for e in episodes[-1:]]
    return sorted(local_date(moment) for moment in moments)


def streak_up_to(days: set[date], last: date) -> int:
    """Consecutive days with a session up to `last`, or up to the day before while `last` has
    none yet (the same rule as the History page's streak)."""
    day = last if last in days else last - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def hurt_lines(events: Iterable[HurtEvent], rows: Iterable[SessionRow]) -> list[HurtLine]:
    """The 'this hurts' events of these sessions, with their routine's title."""
    titles = {row.id: row.routine_title for row in rows}
    return [HurtLine(e.at, titles[e.session_id], e.exercise_name, e.action) for e in events
            if e.session_id in titles]


def red_flag_line(record: RedFlagRecord) -> RedFlagLine:
    yes = [flag for flag, answer in record.answers.items() if answer]
    return RedFlagLine(record.answered_at, record.any_yes, record.clinician_checked,
                       sign_names(yes))


def sign_names(flags: Iterable[str]) -> tuple[str, ...]:
    """Red-flag ids as short names, in the order the questions are asked."""
    known = [flag.id for flag in pain.RED_FLAGS]
    ordered = sorted(flags, key=lambda f: (known.index(f) if f in known else len(known), f))
    return tuple(SIGN_NAMES.get(flag, flag) for flag in ordered)


def _within(day: date, first: date | None, last: date | None) -> bool:
    return (first is None or day >= first) and (last is None or day <= last)


def _status_order(status: str) -> int:
    order = list(STATUS_WORDS)
    return order.index(status) if status in order else len(order)
