"""A routine being edited: immutable drafts, their YAML text, and their check.

The editor never validates on its own: a draft is written out as the YAML it would save and read
back by the one validator (core/routine.py), so the editor, `routines validate` and the library
can never disagree. The writer remembers which field each line holds, which turns the
validator's line numbers back into "this field is wrong".

Drafts are frozen: an edit makes a new draft, so undo is keeping the old one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from backcare_gui.core.routine import (
    FORMAT_V1,
    Exercise,
    ImageResolver,
    Problem,
    Routine,
    RoutineFileError,
    Seconds,
    Step,
    parse_routine,
)
from backcare_gui.core.timeline import total_ms

# Where a value stands in a draft: ("title",), ("exercises", 2, "hold"),
# ("exercises", 2, "steps", 0, "seconds"). () is the routine as a whole.
FieldPath = tuple[str | int, ...]

_D = TypeVar("_D")
DEFAULT_HOLD = 30  # seconds: a new exercise, or one switched from steps to a hold
CUSTOM_SUFFIX = re.compile(r"-custom(-\d+)?$")
EDITOR_HEADER = "# Written by BackCare's routine editor. Format: docs/routine-format.md"


@dataclass(frozen=True, slots=True)
class StepDraft:
    name: str = ""
    seconds: Seconds = 5
    image: str = ""  # as written in the file; "" for the exercise's picture
    cue: str = ""


@dataclass(frozen=True, slots=True)
class ExerciseDraft:
    id: str = ""
    name: str = ""
    image: str = ""
    cues: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    reps: int = 1
    uses_steps: bool = False  # a hold, or a sequence of steps
    hold: Seconds = DEFAULT_HOLD
    steps: tuple[StepDraft, ...] = ()
    rest_between_reps: Seconds = 0
    sides: tuple[str, ...] = ()
    switch_seconds: Seconds = 5
    sets: int = 1
    rest_between_sets: Seconds = 15


@dataclass(frozen=True, slots=True)
class RoutineDraft:
    id: str = ""
    title: str = ""
    summary: str = ""
    description: str = ""
    level: str = ""  # "" for none
    tags: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    source: str = ""
    prepare_seconds: Seconds = 10
    rest_between_exercises: Seconds = 15
    exercises: tuple[ExerciseDraft, ...] = ()

    def with_exercise(self, index: int, exercise: ExerciseDraft) -> RoutineDraft:
        exercises = list(self.exercises)
        exercises[index] = exercise
        return replace(self, exercises=tuple(exercises))


def value_at(draft: object, path: FieldPath) -> object:
    """The value a field path points at."""
    for part in path:
        draft = draft[part] if isinstance(part, int) else getattr(draft, part)  # type: ignore[index]
    return draft


def with_value(draft: _D, path: FieldPath, value: object) -> _D:
    """A copy of a draft with one field changed (the drafts are frozen)."""
    if not path:
        return value  # type: ignore[return-value]
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(draft)  # type: ignore[call-overload]
        items[head] = with_value(items[head], rest, value)
        return tuple(items)  # type: ignore[return-value]
    return replace(draft, **{head: with_value(getattr(draft, head), rest, value)})  # type: ignore[type-var]


# -- from a loaded routine ------------------------------------------------------------------


def _step_draft(step: Step) -> StepDraft:
    return StepDraft(step.name, step.seconds, step.image.text if step.image else "",
                     step.cue or "")


def _exercise_draft(ex: Exercise) -> ExerciseDraft:
    return ExerciseDraft(
        id=ex.id, name=ex.name, image=ex.image.text if ex.image else "", cues=ex.cues,
        cautions=ex.cautions, reps=ex.reps, uses_steps=ex.hold is None,
        hold=ex.hold if ex.hold is not None else DEFAULT_HOLD,
        steps=tuple(_step_draft(s) for s in ex.steps), rest_between_reps=ex.rest_between_reps,
        sides=tuple(str(s) for s in ex.sides), switch_seconds=ex.switch_seconds, sets=ex.sets,
        rest_between_sets=ex.rest_between_sets)


def draft_from_routine(routine: Routine) -> RoutineDraft:
    return RoutineDraft(
        id=routine.id, title=routine.title, summary=routine.summary or "",
        description=routine.description or "", level=str(routine.level or ""),
        tags=routine.tags, equipment=routine.equipment, cautions=routine.cautions,
        source=routine.source or "", prepare_seconds=routine.prepare_seconds,
        rest_between_exercises=routine.rest_between_exercises,
        exercises=tuple(_exercise_draft(e) for e in routine.exercises))


def new_exercise(taken_ids: Iterable[str]) -> ExerciseDraft:
    """A ready-to-edit exercise: a 30-second hold, with an id no other exercise has."""
    taken = set(taken_ids)
    number = 1
    while f"exercise-{number}" in taken:
        number += 1
    return ExerciseDraft(id=f"exercise-{number}", name=f"Exercise {number}")


def new_routine(taken_ids: Iterable[str]) -> RoutineDraft:
    taken = set(taken_ids)
    number = 1
    while (routine_id := f"my-routine-{number}" if number > 1 else "my-routine") in taken:
        number += 1
    return RoutineDraft(id=routine_id, title="My routine", exercises=(new_exercise(()),))


def custom_id(routine_id: str, taken_ids: Iterable[str]) -> str:
    """The id of a customised copy: `<id>-custom`, then `<id>-custom-2`, ... never a taken one.

    Customising a copy again counts on from the same base, not `-custom-custom`.
    """
    taken = set(taken_ids)
    base = CUSTOM_SUFFIX.sub("", routine_id) + "-custom"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def exercise_id_for(name: str, taken_ids: Iterable[str]) -> str:
    """An exercise id made from its name ("Child's pose" -> "childs-pose"), unique."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-") or "exercise"
    taken = set(taken_ids)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


# -- to YAML ----------------------------------------------------------------------------------

# Plain (unquoted) text must stay text for any YAML reader: letters first, no characters that
# mean something to YAML, and not a word YAML would read as a boolean or null.
_PLAIN = re.compile(r"[A-Za-z][\w .,'()/;&+!?%-]*(?<![ :])", re.UNICODE)
_PLAIN_IN_LIST = re.compile(r"[A-Za-z][\w .'()/;&+!?%-]*(?<![ :])", re.UNICODE)
_NOT_PLAIN_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])
# Folding a long text keeps it exact only when its words are separated by single spaces.
_FOLDABLE = re.compile(r"[^\s](?:[^\s]| (?! ))*[^\s]")
WRAP_AT = 96


def _text(value: str, *, in_list: bool = False) -> str:
    pattern = _PLAIN_IN_LIST if in_list else _PLAIN
    if pattern.fullmatch(value) and value.lower() not in _NOT_PLAIN_WORDS \
            and " #" not in value and ": " not in value:
        return value
    # a JSON string is a valid YAML double-quoted scalar
    return json.dumps(value, ensure_ascii=False)


def _number(value: Seconds) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


@dataclass(slots=True)
class _Writer:
    lines: list[str] = field(default_factory=list)
    fields: list[FieldPath] = field(default_factory=list)  # the field each line holds

    def line(self, text: str, path: FieldPath) -> None:
        self.lines.append(text)
        self.fields.append(path)

    def blank(self, path: FieldPath = ()) -> None:
        self.line("", path)

    def key(self, indent: str, name: str, value: str, path: FieldPath) -> None:
        self.line(f"{indent}{name}: {value}", path)

    def text(self, lead: str, value: str, path: FieldPath) -> None:
        """`lead` ("title: ", "  - ") then the text; a long one folded over several lines."""
        width = WRAP_AT - len(lead)
        if len(value) <= width or not _FOLDABLE.fullmatch(value):
            self.line(f"{lead}{_text(value)}", path)
            return
        import textwrap  # only long texts need it

        self.line(f"{lead}>-", path)
        indent = " " * (len(lead) - len(lead.lstrip(" ")) + 2)
        for part in textwrap.wrap(value, WRAP_AT - len(indent), break_long_words=False,
                                  break_on_hyphens=False):
            self.line(indent + part, path)

    def text_list(self, indent: str, name: str, values: tuple[str, ...], path: FieldPath,
                  *, inline: bool) -> None:
        if not values:
            return
        if inline:
            items = ", ".join(_text(v, in_list=True) for v in values)
            self.key(indent, name, f"[{items}]", path)
            return
        self.line(f"{indent}{name}:", path)
        for i, value in enumerate(values):
            self.text(f"{indent}  - ", value, (*path, i))


def _write_exercise(w: _Writer, i: int, ex: ExerciseDraft) -> None:
    at: FieldPath = ("exercises", i)
    # the first key carries the list's "- "; the others line up under it
    w.line(f"  - id: {_text(ex.id)}", (*at, "id"))
    pad = "    "
    w.text(f"{pad}name: ", ex.name, (*at, "name"))
    if ex.image:
        w.key(pad, "image", _text(ex.image), (*at, "image"))
    w.text_list(pad, "cues", ex.cues, (*at, "cues"), inline=False)
    w.text_list(pad, "cautions", ex.cautions, (*at, "cautions"), inline=False)
    if ex.reps != 1:
        w.key(pad, "reps", str(ex.reps), (*at, "reps"))
    if not ex.uses_steps:
        w.key(pad, "hold", _number(ex.hold), (*at, "hold"))
    else:
        w.line(f"{pad}steps:", (*at, "steps"))
        for s, step in enumerate(ex.steps):
            sp: FieldPath = (*at, "steps", s)
            w.line(f"{pad}  - name: {_text(step.name)}", (*sp, "name"))
            w.key(pad + "    ", "seconds", _number(step.seconds), (*sp, "seconds"))
            if step.image:
                w.key(pad + "    ", "image", _text(step.image), (*sp, "image"))
            if step.cue:
                w.text(f"{pad}    cue: ", step.cue, (*sp, "cue"))
    if ex.rest_between_reps != 0:
        w.key(pad, "rest_between_reps", _number(ex.rest_between_reps),
              (*at, "rest_between_reps"))
    if ex.sides:
        w.key(pad, "sides", f"[{', '.join(ex.sides)}]", (*at, "sides"))
        if ex.switch_seconds != 5:
            w.key(pad, "switch_seconds", _number(ex.switch_seconds), (*at, "switch_seconds"))
    if ex.sets != 1:
        w.key(pad, "sets", str(ex.sets), (*at, "sets"))
        if ex.rest_between_sets != 15:
            w.key(pad, "rest_between_sets", _number(ex.rest_between_sets),
                  (*at, "rest_between_sets"))


def _write(draft: RoutineDraft) -> _Writer:
    w = _Writer()
    w.line(EDITOR_HEADER, ())
    w.key("", "format", FORMAT_V1, ())
    w.key("", "id", _text(draft.id), ("id",))
    w.text("title: ", draft.title, ("title",))
    for name in ("summary", "description", "level"):
        value = getattr(draft, name)
        if value:
            w.text(f"{name}: ", value, (name,))
    w.text_list("", "tags", draft.tags, ("tags",), inline=True)
    w.text_list("", "equipment", draft.equipment, ("equipment",), inline=True)
    w.text_list("", "cautions", draft.cautions, ("cautions",), inline=False)
    if draft.source:
        w.text("source: ", draft.source, ("source",))
    w.key("", "prepare_seconds", _number(draft.prepare_seconds), ("prepare_seconds",))
    w.key("", "rest_between_exercises", _number(draft.rest_between_exercises),
          ("rest_between_exercises",))
    w.blank()
    w.line("exercises:" if draft.exercises else "exercises: []", ("exercises",))
    for i, exercise in enumerate(draft.exercises):
        if i:
            w.blank(("exercises", i))
        _write_exercise(w, i, exercise)
    return w


def to_yaml(draft: RoutineDraft) -> str:
    """The routine file a draft saves as: format v1, one key per line, defaults left out."""
    return "\n".join(_write(draft).lines) + "\n"


# -- the check --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldProblem:
    path: FieldPath
    message: str


@dataclass(frozen=True, slots=True)
class Check:
    """A draft as the validator sees it: the routine it makes, or what is wrong and where."""

    routine: Routine | None
    problems: tuple[FieldProblem, ...]

    @property
    def total_ms(self) -> int | None:
        return total_ms(self.routine) if self.routine is not None else None

    def at(self, path: FieldPath) -> list[str]:
        """Messages for exactly this field."""
        return [p.message for p in self.problems if p.path == path]

    def under(self, prefix: FieldPath) -> list[FieldProblem]:
        return [p for p in self.problems if p.path[:len(prefix)] == prefix]


class DraftResolver(ImageResolver):
    """Pictures the person picked but that are not copied yet (they are, on save) count as
    found, so a draft checks exactly as the saved file will."""

    def __init__(self, assets_dir: Path, pending: dict[str, Path]) -> None:
        super().__init__(assets_dir)
        self._pending = pending

    def resolve(self, text: str, routine_dir: Path) -> Path | str:
        source = self._pending.get(text)
        return source if source is not None else super().resolve(text, routine_dir)


def check(draft: RoutineDraft, path: Path, resolver: ImageResolver,
          taken_ids: Iterable[str] = ()) -> Check:
    """Validate a draft as if saved at `path`; `taken_ids` are other routines' ids."""
    written = _write(draft)
    problems: list[FieldProblem] = []
    routine: Routine | None = None
    try:
        routine = parse_routine("\n".join(written.lines) + "\n", path, resolver)
    except RoutineFileError as exc:
        problems = [FieldProblem(_field_of(p, written), p.message) for p in exc.problems]
    if draft.id in set(taken_ids):
        problems.insert(0, FieldProblem(("id",), f"another routine already has the id "
                                                 f"{draft.id!r}; choose another"))
        routine = None
    return Check(routine, tuple(problems))


def _field_of(problem: Problem, written: _Writer) -> FieldPath:
    if problem.pos is None or not 0 < problem.pos.line <= len(written.fields):
        return ()
    path = written.fields[problem.pos.line - 1]
    # a problem about a whole exercise or step stands on its first line: say so, not "the id"
    if "missing" in problem.message or "needs 'hold'" in problem.message:
        return tuple(path[:-1]) if path and path[-1] in ("id", "name") else path
    return path


# -- hand-written files -----------------------------------------------------------------------


def _scalar_spans(text: str) -> Iterator[tuple[int, int]]:
    import yaml

    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.ScalarToken):
            yield token.start_mark.index, token.end_mark.index


def has_comments(text: str) -> bool:
    """Whether saving over this file would lose comments (a '#' that starts a comment, not one
    inside a value). A file that is not valid YAML is treated as having them."""
    import yaml

    starts = [m.start() for m in re.finditer(r"(?:^|(?<=\s))#", text)]
    if not starts:
        return False
    try:
        spans = list(_scalar_spans(text))
    except yaml.YAMLError:
        return True
    return any(not any(a <= s < b for a, b in spans) for s in starts)


def loses_comments(text: str) -> bool:
    """Whether saving over this file would drop comments someone wrote (the editor's own header
    line does not count: the editor writes it again)."""
    first, _, rest = text.partition("\n")
    return has_comments(rest if first == EDITOR_HEADER else text)
