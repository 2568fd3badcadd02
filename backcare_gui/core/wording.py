"""Plain words for times and doses, shared by the window, the player and the command line."""

from __future__ import annotations

from backcare_gui.core.routine import Exercise, Seconds
from backcare_gui.core.timeline import format_seconds, to_ms


def seconds_text(seconds: Seconds) -> str:
    return f"{format_seconds(to_ms(seconds))} s"


def duration_text(ms: int) -> str:
    """A total time the way a person says it: "45 s", "8 min", "8 min 30 s", "1 h 5 min"."""
    total = round(ms / 1000)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    return f"{seconds} s"


def clock_text(ms: int) -> str:
    """A countdown: "0:45", "12:40", "1:02:03"; rounds up so 0:00 shows only at the end."""
    total = -(-ms // 1000)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def dose_text(exercise: Exercise) -> str:
    """ "3 × 30 s hold, each side", "8 × Cow 4 s, Cat 4 s", "2 sets of 6 × 5 s hold, each side"."""
    if exercise.hold is not None:
        rep = f"{seconds_text(exercise.hold)} hold"
    else:
        rep = ", ".join(f"{s.name} {seconds_text(s.seconds)}" for s in exercise.steps)
    text = f"{exercise.reps} × {rep}" if exercise.reps > 1 else rep
    if exercise.sets > 1:
        text = f"{exercise.sets} sets of {text}"
    if len(exercise.sides) == 2:
        text += ", each side"
    elif exercise.sides:
        text += f", {exercise.sides[0]} side"
    return text
