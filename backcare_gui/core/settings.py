"""Settings: every one declared once in SCHEMA (type, default, range, words for people), stored
as YAML in the config folder, validated on load, written atomically.

A bad or unknown value falls back to its default and is reported (`notices`), never silently
dropped: the file as found is copied aside before BackCare first writes over it, and unknown keys
(say, from a newer BackCare) are kept on save.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from backcare_gui.core.atomic import write_text_atomic

SettingValue = bool | int | str | None


@dataclass(frozen=True, slots=True)
class Setting:
    key: str  # "section.name"
    kind: type[bool] | type[int] | type[str]
    default: SettingValue
    label: str  # what the Settings dialog shows
    description: str
    minimum: int | None = None
    maximum: int | None = None
    optional: bool = False  # None is allowed ("as the routine says")
    choices: tuple[str, ...] = ()
    unit: str = ""
    pattern: str = ""  # text must match this, e.g. a time of day
    hint: str = ""  # how to write it, for messages ("HH:MM")

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    def check(self, value: object) -> SettingValue:
        """The value if it is valid for this setting; raises ValueError saying why not."""
        if value is None:
            if self.optional:
                return None
            raise ValueError("a value is needed")
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            raise ValueError("must be true or false")
        if self.kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("must be a whole number")
            if (self.minimum is not None and value < self.minimum) or \
                    (self.maximum is not None and value > self.maximum):
                raise ValueError(f"must be from {self.minimum} to {self.maximum}")
            return value
        if not isinstance(value, str):
            raise ValueError("must be text")
        if self.choices and value not in self.choices:
            raise ValueError(f"must be one of {', '.join(self.choices)}")
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise ValueError(f"must be written like {self.hint}")
        return value


SECTIONS = {"sound": "Sound", "voice": "Voice", "session": "Sessions",
            "breaks": "Desk breaks", "heat": "Heat", "reminder": "Daily reminder",
            "app": "Starting BackCare"}

TIME_OF_DAY = r"([01]\d|2[0-3]):[0-5]\d"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LIST = r"(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun))*"

SCHEMA: tuple[Setting, ...] = (
    Setting("sound.volume", int, 80, "Volume", "How loud the cue sounds are.",
            minimum=0, maximum=100, unit="%"),
    Setting("sound.muted", bool, False, "Mute sounds",
            "No cue sounds; the screen flashes instead. M mutes and unmutes during a session."),
    Setting("sound.countdown_beeps", bool, True, "Countdown beeps",
            "A soft beep in each of the last 3 seconds of a hold (holds of 6 seconds or more)."),
    Setting("voice.enabled", bool, False, "Spoken guidance",
            "Say the exercise name and its first cue when it starts, and \"switch sides\" and "
            "\"rest\". Needs a speech engine on this computer."),
    Setting("session.prepare_seconds", int, None, "Get-ready time",
            "Seconds to get into position before the first exercise. Empty: as the routine "
            "says. Changes sessions only, not the totals shown for routines.",
            minimum=0, maximum=120, optional=True, unit="s"),
    Setting("breaks.enabled", bool, False, "Remind me to take breaks",
            "Desk-work break reminders: a short stand-up break and a longer movement break. "
            "Off until you turn them on."),
    Setting("breaks.micro_every", int, 30, "Stand up every",
            "Minutes of work between short stand-up breaks (Mayo Clinic: about every 30 "
            "minutes).", minimum=1, maximum=120, unit="min"),
    Setting("breaks.micro_length", int, 60, "Stand-up break length",
            "Seconds to stand up and stretch.", minimum=10, maximum=600, unit="s"),
    Setting("breaks.movement_every", int, 60, "Move every",
            "Minutes of work between movement breaks (UK HSE: 5-10 minutes after 50-60 "
            "minutes of screen work).", minimum=2, maximum=240, unit="min"),
    Setting("breaks.movement_length", int, 5, "Movement break length",
            "Minutes for the movement break: the desk routine, then a walk.",
            minimum=1, maximum=30, unit="min"),
    Setting("breaks.work_start", str, "09:00", "Working day starts at",
            "No reminders before this time.", pattern=TIME_OF_DAY, hint="09:00"),
    Setting("breaks.work_end", str, "17:30", "Working day ends at",
            "No reminders after this time.", pattern=TIME_OF_DAY, hint="17:30"),
    Setting("breaks.work_days", str, "mon,tue,wed,thu,fri", "Working days",
            "Days with reminders, e.g. mon,tue,wed,thu,fri.", pattern=DAY_LIST,
            hint="mon,tue,wed,thu,fri"),
    Setting("heat.reduced_sensation", bool, False, "Reduced feeling, diabetes or neuropathy",
            "Heat is limited to 10 minutes, with more frequent skin checks (NHS advice)."),
    Setting("reminder.enabled", bool, False, "Remind me to do my routine",
            "A gentle notification at the time below, unless you already did a session that "
            "day."),
    Setting("reminder.time", str, "08:00", "Reminder time", "When to remind you.",
            pattern=TIME_OF_DAY, hint="08:00"),
    Setting("reminder.days", str, "mon,tue,wed,thu,fri,sat,sun", "Reminder days",
            "Days to remind you, e.g. mon,wed,fri.", pattern=DAY_LIST, hint="mon,wed,fri"),
    Setting("reminder.routine", str, "morning-mobility", "Routine to suggest",
            "The id of the routine the reminder suggests.", pattern=r"[a-z0-9-]+",
            hint="morning-mobility"),
    Setting("app.autostart", bool, False, "Start BackCare when I log in",
            "Starts quietly in the tray so break reminders work all day."),
)

BY_KEY = {s.key: s for s in SCHEMA}


@dataclass(slots=True)
class Settings:
    path: Path
    values: dict[str, SettingValue] = field(default_factory=dict)
    unknown: dict[str, Any] = field(default_factory=dict)  # kept as found, written back
    notices: list[str] = field(default_factory=list)  # what was wrong with the file, in words
    _listeners: list[Callable[[str, SettingValue], None]] = field(default_factory=list)
    _backup_pending: bool = False

    @classmethod
    def load(cls, path: Path) -> Settings:
        settings = cls(path, {s.key: s.default for s in SCHEMA})
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return settings
        except (OSError, UnicodeDecodeError) as exc:
            settings.notices.append(f"Your settings file could not be read ({exc}); "
                                    "BackCare uses its defaults for now.")
            settings._backup_pending = True
            return settings
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark else ""
            settings.notices.append(f"Your settings file is not valid YAML{where}; BackCare "
                                    "uses its defaults and keeps a copy of the file.")
            settings._backup_pending = True
            return settings
        if data is None:
            return settings
        if not isinstance(data, dict):
            settings.notices.append("Your settings file does not hold settings; BackCare uses "
                                    "its defaults and keeps a copy of the file.")
            settings._backup_pending = True
            return settings
        for key, value in data.items():
            setting = BY_KEY.get(str(key))
            if setting is None:
                settings.unknown[str(key)] = value
                settings.notices.append(f"The setting {key!r} is not one BackCare knows; it "
                                        "is kept in the file but not used.")
                continue
            try:
                settings.values[setting.key] = setting.check(value)
            except ValueError as exc:
                settings.notices.append(f"The setting {key!r} {exc} (it was {value!r}); "
                                        f"using {setting.default!r} instead.")
                settings._backup_pending = True
        return settings

    def get(self, key: str) -> SettingValue:
        return self.values[BY_KEY[key].key]

    def subscribe(self, listener: Callable[[str, SettingValue], None]) -> None:
        self._listeners.append(listener)

    def set(self, key: str, value: SettingValue) -> None:
        """Validate, remember and announce a new value (raises ValueError if it is invalid)."""
        checked = BY_KEY[key].check(value)
        if self.values.get(key) == checked:
            return
        self.values[key] = checked
        for listener in list(self._listeners):
            listener(key, checked)

    def save(self) -> None:
        """Write atomically; a file that had problems is first kept aside as *.bad."""
        if self._backup_pending and self.path.exists():
            stamp = time.strftime("%Y%m%d-%H%M%S")
            self.path.replace(self.path.with_name(f"{self.path.name}.{stamp}.bad"))
        self._backup_pending = False
        data: dict[str, Any] = {s.key: self.values[s.key] for s in SCHEMA
                                if self.values[s.key] != s.default}
        data.update(self.unknown)
        text = "# BackCare settings (see the Settings window). Written by BackCare.\n"
        text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True) if data else ""
        write_text_atomic(self.path, text)
