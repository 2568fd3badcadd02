"""Routines: the data (frozen dataclasses) and the one validator for routine files, format v1.

The format is a public contract, documented in docs/routine-format.md. Every problem in a file is
collected (not just the first), each with its line and column, so a person fixing a file sees them
all at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from backcare_gui.core import yamltree
from backcare_gui.core.yamltree import Map, Node, Pos, Scalar, Seq, YamlProblem, kind_name

FORMAT_V1 = "backcare-routine/1"
MAX_SECONDS = 3600
MAX_COUNT = 100
IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")
ID_PATTERN = re.compile(r"[a-z0-9-]+")

Seconds = int | float


class Level(StrEnum):
    GENTLE = "gentle"
    MODERATE = "moderate"
    CHALLENGING = "challenging"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class Origin(StrEnum):
    BUNDLED = "bundled"
    USER = "user"


@dataclass(frozen=True, slots=True)
class Image:
    """A picture as written in the file, and the file it resolved to."""

    text: str
    path: Path


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    seconds: Seconds
    image: Image | None = None
    cue: str | None = None


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    name: str
    image: Image | None = None
    cues: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    reps: int = 1
    hold: Seconds | None = None
    steps: tuple[Step, ...] = ()
    rest_between_reps: Seconds = 0
    sides: tuple[Side, ...] = ()
    switch_seconds: Seconds = 5
    sets: int = 1
    rest_between_sets: Seconds = 15


@dataclass(frozen=True, slots=True)
class Routine:
    id: str
    title: str
    exercises: tuple[Exercise, ...]
    summary: str | None = None
    description: str | None = None
    level: Level | None = None
    tags: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    source: str | None = None
    prepare_seconds: Seconds = 10
    rest_between_exercises: Seconds = 15
    # where it came from: not part of the file's data
    path: Path | None = field(default=None, compare=False)
    origin: Origin = field(default=Origin.USER, compare=False)
    raw: bytes = field(default=b"", compare=False, repr=False)  # the file as read

    def sha256(self) -> str:
        """The file's hash, for session records (hashlib loads OpenSSL, ~4 MB: not at start)."""
        import hashlib

        return hashlib.sha256(self.raw).hexdigest()


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one file, printed compiler-style so editors can jump to it."""

    path: Path
    message: str
    pos: Pos | None = None

    def __str__(self) -> str:
        if self.pos is None:
            return f"{self.path}: error: {self.message}"
        return f"{self.path}:{self.pos.line}:{self.pos.col}: error: {self.message}"


class RoutineFileError(Exception):
    """A routine file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class ImageResolver:
    """Finds a picture relative to the routine's folder, else in the bundled assets.

    A picture may never resolve outside those two folders (a shared routine file must not be able
    to make the app read arbitrary files). Results are cached: a library scan asks for the same
    bundled pictures many times.
    """

    def __init__(self, assets_dir: Path) -> None:
        self._assets = assets_dir.resolve()
        self._cache: dict[tuple[Path, str], Path | str] = {}

    def resolve(self, text: str, routine_dir: Path) -> Path | str:
        """The picture's path, or a message saying what is wrong."""
        key = (routine_dir, text)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._find(text, routine_dir)
        return found

    def _find(self, text: str, routine_dir: Path) -> Path | str:
        relative = Path(text)
        if relative.is_absolute() or text.startswith(("\\", "~")) or ":" in text:
            return f"image {text!r} must be a path relative to the routine's folder"
        if relative.suffix.lower() not in IMAGE_SUFFIXES:
            return f"image {text!r} must be an SVG, PNG or JPEG file"
        escaped = False
        for base in (routine_dir.resolve(), self._assets):
            candidate = (base / relative).resolve()
            if not candidate.is_relative_to(base):
                escaped = True
                continue
            if candidate.is_file():
                return candidate
        if escaped:
            return (f"image {text!r} leads outside the routine's folder; pictures must be inside "
                    "it (or be one of BackCare's own)")
        return f"image {text!r} not found (looked in {routine_dir} and BackCare's own pictures)"


_T = TypeVar("_T")

TOP_KEYS = ("format", "id", "title", "summary", "description", "level", "tags", "equipment",
            "cautions", "source", "prepare_seconds", "rest_between_exercises", "exercises")
EXERCISE_KEYS = ("id", "name", "image", "cues", "cautions", "reps", "hold", "steps",
                 "rest_between_reps", "sides", "switch_seconds", "sets", "rest_between_sets")
STEP_KEYS = ("name", "seconds", "image", "cue")


class _Missing:
    """A value that was wrong (already reported) or required and not given."""


class _Absent:
    """An optional key that was not given."""


_MISSING = _Missing()
_ABSENT = _Absent()


def _given(values: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in values.items() if value is not _ABSENT}


class _Checker:
    """Walks a parsed file and builds the dataclasses, collecting every problem on the way."""

    def __init__(self, path: Path, resolver: ImageResolver) -> None:
        self.path = path
        self.dir = path.parent
        self.resolver = resolver
        self.problems: list[Problem] = []

    def fail(self, message: str, pos: Pos | None) -> None:
        self.problems.append(Problem(self.path, message, pos))

    # -- generic field readers: each returns the value, or _MISSING after reporting why --

    def mapping(self, node: Node, what: str) -> Map | None:
        if not isinstance(node, Map):
            self.fail(f"{what} must be a mapping of keys to values, not {kind_name(node)}",
                      node.pos)
            return None
        for problem in node.problems:
            self.fail(problem.message, problem.pos)
        return node

    def check_keys(self, node: Map, allowed: tuple[str, ...], what: str) -> None:
        for name, (key, _value) in node.entries.items():
            if name in allowed or name.startswith("x-"):
                continue
            import difflib  # only a file with a mistake needs it

            hint = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            extra = f"; did you mean {hint[0]!r}?" if hint else \
                f" (allowed: {', '.join(allowed)}; extensions start with 'x-')"
            self.fail(f"unknown key {name!r} in {what}{extra}", key.pos)

    def req(self, node: Map, key: str, read: Callable[[Node, str], _T | _Missing],
            where: str = "") -> _T | _Missing:
        entry = node.entries.get(key)
        if entry is None:
            self.fail(f"missing required key {key!r}{where}", node.pos)
            return _MISSING
        return read(entry[1], key)

    def opt(self, node: Map, key: str, read: Callable[[Node, str], _T | _Missing],
            ) -> _T | _Missing | _Absent:
        """An optional key: _ABSENT when not given, so the dataclass default applies."""
        entry = node.entries.get(key)
        return _ABSENT if entry is None else read(entry[1], key)

    def text(self, node: Node, key: str) -> str | _Missing:
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value.strip():
            return node.value.strip()
        if isinstance(node, Scalar) and isinstance(node.value, str):
            self.fail(f"{key!r} must not be empty", node.pos)
        else:
            self.fail(f"{key!r} must be text, not {kind_name(node)}"
                      + (" (put it in quotes)" if isinstance(node, Scalar) else ""), node.pos)
        return _MISSING

    def text_list(self, node: Node, key: str) -> tuple[str, ...] | _Missing:
        if not isinstance(node, Seq):
            self.fail(f"{key!r} must be a list of texts (one per line starting with '- '), "
                      f"not {kind_name(node)}", node.pos)
            return _MISSING
        values = [self.text(item, f"each of {key!r}") for item in node.items]
        return tuple(v for v in values if isinstance(v, str))

    def ident(self, node: Node, key: str) -> str | _Missing:
        value = self.text(node, key)
        if isinstance(value, str) and not ID_PATTERN.fullmatch(value):
            self.fail(f"{key!r} must use only lowercase letters, digits and '-' "
                      f"(got {value!r})", node.pos)
            return _MISSING
        return value

    def number(self, node: Node, key: str, *, zero_ok: bool) -> Seconds | _Missing:
        value = node.value if isinstance(node, Scalar) else None
        if not isinstance(node, Scalar) or isinstance(value, bool) \
                or not isinstance(value, int | float):
            self.fail(f"{key!r} must be a number of seconds, not {kind_name(node)}", node.pos)
            return _MISSING
        if not math.isfinite(value):
            self.fail(f"{key!r} must be a finite number of seconds, not {node.text}", node.pos)
            return _MISSING
        low_ok = value >= 0 if zero_ok else value > 0
        if not low_ok or value > MAX_SECONDS:
            low = "0" if zero_ok else "more than 0"
            self.fail(f"{key!r} must be {low} and at most {MAX_SECONDS} seconds "
                      f"(got {node.text})", node.pos)
            return _MISSING
        return value

    def duration(self, node: Node, key: str) -> Seconds | _Missing:
        return self.number(node, key, zero_ok=False)

    def pause(self, node: Node, key: str) -> Seconds | _Missing:
        return self.number(node, key, zero_ok=True)

    def count(self, node: Node, key: str) -> int | _Missing:
        value = node.value if isinstance(node, Scalar) else None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{key!r} must be a whole number, not {kind_name(node)}", node.pos)
            return _MISSING
        if not 1 <= value <= MAX_COUNT:
            self.fail(f"{key!r} must be from 1 to {MAX_COUNT} (got {value})", node.pos)
            return _MISSING
        return value

    def level(self, node: Node, key: str) -> Level | _Missing:
        value = self.text(node, key)
        if isinstance(value, str):
            try:
                return Level(value)
            except ValueError:
                self.fail(f"'level' must be one of {', '.join(Level)} (got {value!r})", node.pos)
        return _MISSING

    def image(self, node: Node, key: str) -> Image | _Missing:
        text = self.text(node, key)
        if isinstance(text, _Missing):
            return text
        found = self.resolver.resolve(text, self.dir)
        if isinstance(found, str):
            self.fail(found, node.pos)
            return _MISSING
        return Image(text, found)

    def sides(self, node: Node, key: str) -> tuple[Side, ...] | _Missing:
        if not isinstance(node, Seq) or not node.items:
            self.fail("'sides' must be a list: [left, right], [left] or [right]", node.pos)
            return _MISSING
        sides: list[Side] = []
        for item in node.items:
            value = item.value if isinstance(item, Scalar) else None
            if value not in ("left", "right"):
                self.fail(f"each side must be 'left' or 'right', not {kind_name(item)}",
                          item.pos)
                return _MISSING
            side = Side(value)
            if side in sides:
                self.fail(f"side {value!r} is listed twice", item.pos)
                return _MISSING
            sides.append(side)
        return tuple(sides)

    # -- the three levels of the format --

    def routine(self, root: Node) -> Routine | None:
        top = self.mapping(root, "a routine file")
        if top is None:
            return None
        fmt = top.entries.get("format")
        if fmt is None:
            self.fail(f"missing required key 'format' (write: format: {FORMAT_V1})", top.pos)
            return None
        fmt_node = fmt[1]
        if not (isinstance(fmt_node, Scalar) and fmt_node.value == FORMAT_V1):
            shown = repr(fmt_node.text) if isinstance(fmt_node, Scalar) else kind_name(fmt_node)
            self.fail(f"unsupported format version {shown} (this BackCare reads {FORMAT_V1})",
                      fmt_node.pos)
            return None
        self.check_keys(top, TOP_KEYS, "the routine")
        values = {
            "id": self.req(top, "id", self.ident),
            "title": self.req(top, "title", self.text),
            "summary": self.opt(top, "summary", self.text),
            "description": self.opt(top, "description", self.text),
            "level": self.opt(top, "level", self.level),
            "tags": self.opt(top, "tags", self.text_list),
            "equipment": self.opt(top, "equipment", self.text_list),
            "cautions": self.opt(top, "cautions", self.text_list),
            "source": self.opt(top, "source", self.text),
            "prepare_seconds": self.opt(top, "prepare_seconds", self.pause),
            "rest_between_exercises": self.opt(top, "rest_between_exercises", self.pause),
        }
        exercises = self.req(top, "exercises", self.exercises)
        if self.problems or any(isinstance(v, _Missing) for v in values.values()) \
                or isinstance(exercises, _Missing):
            return None
        return Routine(exercises=exercises, **_given(values))  # type: ignore[arg-type]

    def exercises(self, node: Node, key: str) -> tuple[Exercise, ...] | _Missing:
        if not isinstance(node, Seq) or not node.items:
            self.fail("'exercises' must be a list with at least one exercise", node.pos)
            return _MISSING
        result: list[Exercise] = []
        seen: dict[str, Pos] = {}
        for item in node.items:
            exercise = self.exercise(item)
            if exercise is not None:
                result.append(exercise)
            id_entry = item.entries.get("id") if isinstance(item, Map) else None
            if id_entry is None or not isinstance(id_entry[1], Scalar):
                continue
            ex_id, pos = str(id_entry[1].value), id_entry[1].pos
            if ex_id in seen:
                self.fail(f"exercise id {ex_id!r} is used twice (first on line "
                          f"{seen[ex_id].line}); each exercise needs its own id", pos)
            seen.setdefault(ex_id, pos)
        return tuple(result)

    def exercise(self, node: Node) -> Exercise | None:
        ex = self.mapping(node, "each exercise")
        if ex is None:
            return None
        self.check_keys(ex, EXERCISE_KEYS, "an exercise")
        where = " in this exercise"
        values = {
            "id": self.req(ex, "id", self.ident, where),
            "name": self.req(ex, "name", self.text, where),
            "image": self.opt(ex, "image", self.image),
            "cues": self.opt(ex, "cues", self.text_list),
            "cautions": self.opt(ex, "cautions", self.text_list),
            "reps": self.opt(ex, "reps", self.count),
            "hold": self.opt(ex, "hold", self.duration),
            "steps": self.opt(ex, "steps", self.steps),
            "rest_between_reps": self.opt(ex, "rest_between_reps", self.pause),
            "sides": self.opt(ex, "sides", self.sides),
            "switch_seconds": self.opt(ex, "switch_seconds", self.pause),
            "sets": self.opt(ex, "sets", self.count),
            "rest_between_sets": self.opt(ex, "rest_between_sets", self.pause),
        }
        has_hold, has_steps = "hold" in ex.entries, "steps" in ex.entries
        if has_hold and has_steps:
            self.fail("an exercise has either 'hold' or 'steps', not both",
                      ex.entries["steps"][0].pos)
        elif not has_hold and not has_steps:
            self.fail("an exercise needs 'hold' (seconds) or 'steps' (a list)", ex.pos)
            return None
        if any(isinstance(v, _Missing) for v in values.values()):
            return None
        return Exercise(**_given(values))  # type: ignore[arg-type]

    def steps(self, node: Node, key: str) -> tuple[Step, ...] | _Missing:
        if not isinstance(node, Seq) or not node.items:
            self.fail("'steps' must be a list with at least one step", node.pos)
            return _MISSING
        steps = [self.step(item) for item in node.items]
        if any(s is None for s in steps):
            return _MISSING
        return tuple(s for s in steps if s is not None)

    def step(self, node: Node) -> Step | None:
        st = self.mapping(node, "each step")
        if st is None:
            return None
        self.check_keys(st, STEP_KEYS, "a step")
        where = " in this step"
        values = {
            "name": self.req(st, "name", self.text, where),
            "seconds": self.req(st, "seconds", self.duration, where),
            "image": self.opt(st, "image", self.image),
            "cue": self.opt(st, "cue", self.text),
        }
        if any(isinstance(v, _Missing) for v in values.values()):
            return None
        return Step(**_given(values))  # type: ignore[arg-type]


def parse_routine(text: str, path: Path, resolver: ImageResolver) -> Routine:
    """Validate routine text; raises RoutineFileError listing every problem."""
    try:
        root = yamltree.parse(text)
    except YamlProblem as exc:
        raise RoutineFileError([Problem(path, exc.message, exc.pos)]) from None
    if root is None or (isinstance(root, Scalar) and root.value is None):
        raise RoutineFileError([Problem(path, "the file is empty; a routine starts with "
                                              f"'format: {FORMAT_V1}'")])
    checker = _Checker(path, resolver)
    routine = checker.routine(root)
    if checker.problems or routine is None:
        problems = sorted(checker.problems, key=lambda p: (p.pos.line, p.pos.col) if p.pos
                          else (0, 0))
        raise RoutineFileError(problems or [Problem(path, "not a routine")])
    return routine


def load_routine(path: Path, resolver: ImageResolver, origin: Origin = Origin.USER) -> Routine:
    """Read and validate one routine file."""
    try:
        data = yamltree.read_limited(path)
        text = yamltree.decode(data)
    except YamlProblem as exc:
        raise RoutineFileError([Problem(path, exc.message, exc.pos)]) from None
    except OSError as exc:
        raise RoutineFileError([Problem(path, f"cannot read the file: {exc.strerror}")]) from None
    routine = parse_routine(text, path, resolver)
    return replace(routine, path=path.resolve(), origin=origin,
                   raw=data)


def iter_images(routine: Routine) -> Iterator[Image]:
    """Every picture a routine uses, exercise pictures first, in order."""
    for exercise in routine.exercises:
        if exercise.image:
            yield exercise.image
        for step in exercise.steps:
            if step.image:
                yield step.image
