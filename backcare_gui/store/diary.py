"""The spasm diary as records: one row per episode, logged, ended, edited, deleted, one
transaction each, so a crash keeps every action that returned.

Everything the person chose is checked (codes, the 0-10 scale, a start not in the future, an
end not before the start) before anything is written: each field before any SQL, and how an
edit's fields go with the rest of the episode inside its transaction. The table's CHECKs are
the last line only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Final

from backcare_gui.core import diary, pain
from backcare_gui.store.db import Database, day_clauses, from_text, to_text, where
from backcare_gui.store.export import local_iso
from backcare_gui.store.records import KEEP, _Keep  # one 'leave it as it is' for the store

# The form's clock shows whole minutes, so a start saved as "now" may be up to a minute ahead.
FUTURE_SLACK: Final = timedelta(minutes=1)

__all__ = ["CSV_COLUMNS", "KEEP", "DiaryRecords", "Episode", "csv_rows"]

_COLUMNS: Final = ("id, started_at, ended_at, severity, locations, triggers, trigger_other, "
                   "helped, helped_routine, note, red_flags, created_at, updated_at")


@dataclass(frozen=True, slots=True)
class Episode:
    id: int
    started_at: datetime
    ended_at: datetime | None  # None: still going
    severity: int  # 0-10, the sessions' scale
    locations: tuple[str, ...]  # core.pain.LOCATIONS codes, in that order
    triggers: tuple[str, ...]  # core.diary.TRIGGERS codes, in that order
    trigger_other: str  # the person's words for 'other' ('' without it)
    helped: tuple[str, ...]  # core.diary.HELPED codes, in that order
    helped_routine: str | None  # the routine id, when 'routine' helped and it is known
    note: str
    red_flags: Mapping[str, bool]  # red-flag id -> ticked on the form; read-only
    created_at: datetime
    updated_at: datetime

    @property
    def still_going(self) -> bool:
        return self.ended_at is None

    @property
    def duration_minutes(self) -> int | None:
        return diary.duration_minutes(self.started_at, self.ended_at)


class DiaryRecords:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- writes: one transaction each -------------------------------------------------------

    def log(self, severity: int, *, started_at: datetime | None = None,
            ended_at: datetime | None = None, locations: Sequence[str] = (),
            triggers: Sequence[str] = (), trigger_other: str = "",
            helped: Sequence[str] = (), helped_routine: str | None = None, note: str = "",
            red_flags: Mapping[str, bool] | None = None) -> int:
        """A new episode, started now unless said; ended_at None means still going. Returns
        its id."""
        now = self._db.now()
        episode = Episode(
            id=0, started_at=_start(now if started_at is None else started_at, now),
            ended_at=_end(ended_at), severity=_severity(severity),
            locations=_codes(locations, pain.LOCATIONS, "locations"),
            triggers=_codes(triggers, diary.TRIGGERS, "triggers"),
            trigger_other=_text(trigger_other, "trigger_other").strip(),
            helped=_helped(helped), helped_routine=_routine(helped_routine),
            note=_text(note, "note"), red_flags=_red_flags(red_flags or {}),
            created_at=now, updated_at=now)
        values = {**_columns(episode), "created_at": to_text(now)}
        with self._db.transaction() as conn:
            cursor = conn.execute(
                f"INSERT INTO diary_episodes ({', '.join(values)})"
                f" VALUES ({', '.join('?' * len(values))})", tuple(values.values()))
            episode_id = cursor.lastrowid
        assert episode_id is not None
        return episode_id

    def end(self, episode_id: int, ended_at: datetime | None = None) -> bool:
        """End an episode that is still going: now (the one click), or at `ended_at`. False if
        there is no such episode or it had ended already (an end is never overwritten here:
        edit() changes one)."""
        given = _end(ended_at)
        with self._db.transaction() as conn:
            row = conn.execute("SELECT started_at, ended_at FROM diary_episodes WHERE id = ?",
                               (episode_id,)).fetchone()
            if row is None or row[1] is not None:
                return False
            started = from_text(row[0])
            now = self._db.now()
            # A clock set back since the start must not make the one click fail.
            end = max(now, started) if given is None else given
            if end < started:
                raise ValueError(f"an episode cannot end ({end.isoformat()}) before it "
                                 f"started ({started.isoformat()})")
            conn.execute("UPDATE diary_episodes SET ended_at = ?, updated_at = ? WHERE id = ?",
                         (to_text(end), to_text(now), episode_id))
        return True

    def edit(self, episode_id: int, *, started_at: datetime | _Keep = KEEP,
             ended_at: datetime | _Keep | None = KEEP, severity: int | _Keep = KEEP,
             locations: Sequence[str] | _Keep = KEEP, triggers: Sequence[str] | _Keep = KEEP,
             trigger_other: str | _Keep = KEEP, helped: Sequence[str] | _Keep = KEEP,
             helped_routine: str | _Keep | None = KEEP, note: str | _Keep = KEEP,
             red_flags: Mapping[str, bool] | _Keep = KEEP) -> bool:
        """Change only the fields given (ended_at=None: still going again). False if there is
        no such episode."""
        now = self._db.now()
        # Each field on its own before any SQL; how they go together once the row is read.
        fields: dict[str, Any] = {}
        if not isinstance(started_at, _Keep):
            fields["started_at"] = _start(started_at, now)
        if not isinstance(ended_at, _Keep):
            fields["ended_at"] = _end(ended_at)
        if not isinstance(severity, _Keep):
            fields["severity"] = _severity(severity)
        if not isinstance(locations, _Keep):
            fields["locations"] = _codes(locations, pain.LOCATIONS, "locations")
        if not isinstance(triggers, _Keep):
            fields["triggers"] = _codes(triggers, diary.TRIGGERS, "triggers")
            if diary.OTHER not in fields["triggers"] and isinstance(trigger_other, _Keep):
                fields["trigger_other"] = ""  # 'other' taken away takes its words along
        if not isinstance(trigger_other, _Keep):
            fields["trigger_other"] = _text(trigger_other, "trigger_other").strip()
        if not isinstance(helped, _Keep):
            fields["helped"] = _helped(helped)
            if diary.ROUTINE not in fields["helped"] and isinstance(helped_routine, _Keep):
                fields["helped_routine"] = None  # likewise the routine that helped
        if not isinstance(helped_routine, _Keep):
            fields["helped_routine"] = _routine(helped_routine)
        if not isinstance(note, _Keep):
            fields["note"] = _text(note, "note")
        if not isinstance(red_flags, _Keep):
            fields["red_flags"] = _red_flags(red_flags)
        with self._db.transaction() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM diary_episodes WHERE id = ?",
                               (episode_id,)).fetchone()
            if row is None:
                return False
            if not fields:
                return True
            values = _columns(replace(_episode(row), **fields, updated_at=now))
            # Column names are the fixed ones of _columns, never from outside.
            assignments = ", ".join(f"{column} = ?" for column in values)
            conn.execute(f"UPDATE diary_episodes SET {assignments} WHERE id = ?",
                         (*values.values(), episode_id))
        return True

    def delete(self, episode_id: int) -> bool:
        """False if there was no such episode."""
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM diary_episodes WHERE id = ?",
                                (episode_id,)).rowcount > 0

    # --- reads ------------------------------------------------------------------------------

    def get(self, episode_id: int) -> Episode | None:
        with self._db.reading() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM diary_episodes WHERE id = ?",
                               (episode_id,)).fetchone()
        return None if row is None else _episode(row)

    def episodes(self, date_from: date | None = None,
                 date_to: date | None = None) -> list[Episode]:
        """Oldest first, by start; dates are local and inclusive."""
        clauses, args = day_clauses("started_at", date_from, date_to)
        return self._select(f"SELECT {_COLUMNS} FROM diary_episodes{where(clauses)}"
                            " ORDER BY started_at, id", args)

    def still_going(self) -> list[Episode]:
        """Episodes not ended yet, oldest first."""
        return self._select(f"SELECT {_COLUMNS} FROM diary_episodes WHERE ended_at IS NULL"
                            " ORDER BY started_at, id", [])

    def _select(self, sql: str, args: Sequence[object]) -> list[Episode]:
        with self._db.reading() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [_episode(row) for row in rows]


# --- the CSV of `backcare diary export` ------------------------------------------------------

# A public contract, in this order: scripts read the columns by name.
CSV_COLUMNS: Final = ("id", "started_at", "ended_at", "duration_minutes", "severity",
                      "locations", "triggers", "helped", "note")


def csv_rows(episodes: Sequence[Episode]) -> list[list[str]]:
    """One row per episode; times local with their offset, lists joined by ';', with the
    person's words beside their code ('other: the bins', 'routine: spasm-relief'). 'other' is
    the last trigger, so a ';' in those words can never shift a code after it."""
    rows = []
    for e in episodes:
        minutes = e.duration_minutes
        triggers = [f"{code}: {e.trigger_other}" if code == diary.OTHER and e.trigger_other
                    else code for code in e.triggers]
        helped = [f"{code}: {e.helped_routine}" if code == diary.ROUTINE and e.helped_routine
                  else code for code in e.helped]
        rows.append([str(e.id), local_iso(e.started_at),
                     "" if e.ended_at is None else local_iso(e.ended_at),
                     "" if minutes is None else str(minutes), str(e.severity),
                     ";".join(e.locations), ";".join(triggers), ";".join(helped), e.note])
    return rows


# --- rows and checks ------------------------------------------------------------------------

def _episode(row: tuple[Any, ...]) -> Episode:
    (id_, started_at, ended_at, severity, locations, triggers, trigger_other, helped,
     helped_routine, note, red_flags, created_at, updated_at) = row
    return Episode(
        id=id_, started_at=from_text(started_at),
        ended_at=None if ended_at is None else from_text(ended_at), severity=severity,
        locations=_split(locations), triggers=_split(triggers), trigger_other=trigger_other,
        helped=_split(helped), helped_routine=helped_routine, note=note,
        red_flags=MappingProxyType({str(k): bool(v) for k, v in json.loads(red_flags).items()}),
        created_at=from_text(created_at), updated_at=from_text(updated_at))


def _columns(e: Episode) -> dict[str, object]:
    """The row of an episode whose fields are each valid, once they are checked together."""
    if e.ended_at is not None and e.ended_at < e.started_at:
        raise ValueError(f"an episode cannot end ({e.ended_at.isoformat()}) before it started "
                         f"({e.started_at.isoformat()})")
    if e.trigger_other and diary.OTHER not in e.triggers:
        raise ValueError("trigger_other describes an 'other' trigger: add 'other' to triggers")
    if e.helped_routine is not None and diary.ROUTINE not in e.helped:
        raise ValueError("helped_routine names the routine that helped: add 'routine' to helped")
    return {"started_at": to_text(e.started_at),
            "ended_at": None if e.ended_at is None else to_text(e.ended_at),
            "severity": e.severity, "locations": ";".join(e.locations),
            "triggers": ";".join(e.triggers), "trigger_other": e.trigger_other,
            "helped": ";".join(e.helped), "helped_routine": e.helped_routine, "note": e.note,
            "red_flags": json.dumps(dict(e.red_flags), sort_keys=True),
            "updated_at": to_text(e.updated_at)}


def _split(text: str) -> tuple[str, ...]:
    return tuple(code for code in text.split(";") if code)


def _aware(moment: object, name: str) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a time with its time zone: {moment!r}")
    return moment


def _start(moment: datetime, now: datetime) -> datetime:
    start = _aware(moment, "started_at")
    if start > now + FUTURE_SLACK:
        raise ValueError(f"an episode cannot start in the future: {start.isoformat()}")
    return start


def _end(moment: datetime | None) -> datetime | None:
    # No limit on the future: "started now, about an hour" is a fair thing to log.
    return None if moment is None else _aware(moment, "ended_at")


def _severity(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in pain.SCALE:
        raise ValueError(f"severity must be a whole number from 0 to 10: {value!r}")
    return value


def _codes(codes: Sequence[str], known: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Known codes only, each once, in the known order."""
    if isinstance(codes, str):
        raise ValueError(f"{name} is a sequence of codes, not one string")
    given = set(codes)
    unknown = given - set(known)
    if unknown:
        raise ValueError(f"unknown {name}: {sorted(map(str, unknown))}; "
                         f"known: {', '.join(known)}")
    return tuple(code for code in known if code in given)


def _helped(codes: Sequence[str]) -> tuple[str, ...]:
    checked = _codes(codes, diary.HELPED, "helped")
    if diary.NOTHING in checked and len(checked) > 1:
        raise ValueError("'nothing' helped cannot go with something that did")
    return checked


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text: {value!r}")
    return value


def _routine(routine_id: str | None) -> str | None:
    return None if routine_id is None else _text(routine_id, "helped_routine").strip() or None


def _red_flags(answers: Mapping[str, bool]) -> Mapping[str, bool]:
    if not isinstance(answers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, bool) for k, v in answers.items()):
        raise ValueError("red_flags maps red-flag ids to true or false")
    unknown = set(answers) - set(pain.RED_FLAG_IDS)
    if unknown:
        raise ValueError(f"unknown red flags: {sorted(unknown)}")
    return MappingProxyType(dict(answers))
