"""Every rule of the routine format gets a clear message at the right line and column."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from backcare_gui.core.routine import Level, RoutineFileError, Side, load_routine
from tests.helpers.routines import EXAMPLE, minimal, parse, resolver, write


def problems(text: str | bytes, tmp_path: Path, name: str = "r.yaml") -> list[str]:
    path = write(tmp_path, name, text)
    with pytest.raises(RoutineFileError) as caught:
        load_routine(path, resolver())
    return [str(p).removeprefix(str(path)) for p in caught.value.problems]


def test_example_parses_to_the_expected_data() -> None:
    routine = parse(EXAMPLE)
    assert routine.id == "morning-mobility"
    assert [e.id for e in routine.exercises] == ["childs-pose", "cat-cow", "knee-to-chest"]
    knee = routine.exercises[2]
    assert (knee.hold, knee.reps, knee.sides, knee.sets) == (5, 3, (Side.LEFT, Side.RIGHT), 2)
    assert routine.exercises[1].steps[0].cue == "Breathe in, let the belly sink"


def test_defaults() -> None:
    routine = parse(minimal())
    ex = routine.exercises[0]
    assert (routine.prepare_seconds, routine.rest_between_exercises) == (10, 15)
    assert (ex.reps, ex.sets, ex.rest_between_reps, ex.switch_seconds, ex.rest_between_sets) == (
        1, 1, 0, 5, 15)
    assert routine.level is None


def test_optional_keys_and_extensions(tmp_path: Path) -> None:
    text = minimal(extra="level: challenging\ntags: [core]\nequipment: [mat]\n"
                         "cautions: [Go slowly]\nsource: NHS\nx-author: Sam\n")
    routine = parse(text)
    assert routine.level is Level.CHALLENGING
    assert routine.tags == ("core",) and routine.source == "NHS"


def test_load_records_path_and_hash(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", minimal())
    routine = load_routine(path, resolver())
    assert routine.path == path.resolve()
    assert len(routine.sha256()) == 64
    assert routine.sha256() == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("text", "expected"), [
    (minimal().replace("title: Mini\n", "titel: Mini\n"),
     ":3:1: error: unknown key 'titel' in the routine; did you mean 'title'?"),
    (minimal().replace("title: Mini\n", ""), ":1:1: error: missing required key 'title'"),
    (minimal().replace("backcare-routine/1", "backcare-routine/2"),
     ":1:9: error: unsupported format version 'backcare-routine/2' (this BackCare reads "
     "backcare-routine/1)"),
    (minimal("Bad_Id"), ":2:5: error: 'id' must use only lowercase letters, digits and '-' "
                         "(got 'Bad_Id')"),
    (minimal(hold="0"), ":7:11: error: 'hold' must be more than 0 and at most 3600 seconds "
                        "(got 0)"),
    (minimal(hold="3600.5"), ":7:11: error: 'hold' must be more than 0 and at most 3600 "
                             "seconds (got 3600.5)"),
    (minimal(hold="true"), ":7:11: error: 'hold' must be a number of seconds, not the boolean "
                           "'true'"),
    (minimal(hold=".nan"), ":7:11: error: 'hold' must be a finite number of seconds, not .nan"),
    (minimal(hold=".inf"), ":7:11: error: 'hold' must be a finite number of seconds, not .inf"),
    (minimal(hold="'5'"), ":7:11: error: 'hold' must be a number of seconds, not the text '5'"),
    (minimal(extra="prepare_seconds: -1\n"),
     ":4:18: error: 'prepare_seconds' must be 0 and at most 3600 seconds (got -1)"),
    (minimal().replace("hold: 5", "hold: 5\n    reps: 0"),
     ":8:11: error: 'reps' must be from 1 to 100 (got 0)"),
    (minimal().replace("hold: 5", "hold: 5\n    sets: 2.5"),
     ":8:11: error: 'sets' must be a whole number, not the number 2.5"),
    (minimal().replace("hold: 5", "hold: 5\n    reps: 101"),
     ":8:11: error: 'reps' must be from 1 to 100 (got 101)"),
    (minimal().replace("    hold: 5\n", ""),
     ":5:5: error: an exercise needs 'hold' (seconds) or 'steps' (a list)"),
    (minimal().replace("hold: 5", "hold: 5\n    steps: [{name: a, seconds: 1}]"),
     ":8:5: error: an exercise has either 'hold' or 'steps', not both"),
    (minimal().replace("hold: 5", "steps: []"),
     ":7:12: error: 'steps' must be a list with at least one step"),
    (minimal().replace("hold: 5", "steps: [{name: a}]"),
     ":7:13: error: missing required key 'seconds' in this step"),
    (minimal().replace("hold: 5", "hold: 5\n    sides: [left, left]"),
     ":8:19: error: side 'left' is listed twice"),
    (minimal().replace("hold: 5", "hold: 5\n    sides: [up]"),
     ":8:13: error: each side must be 'left' or 'right', not the text 'up'"),
    (minimal().replace("hold: 5", "hold: 5\n    sides: []"),
     ":8:12: error: 'sides' must be a list: [left, right], [left] or [right]"),
    (minimal(extra="level: hard\n"),
     ":4:8: error: 'level' must be one of gentle, moderate, challenging (got 'hard')"),
    (minimal(extra="tags: core\n"),
     ":4:7: error: 'tags' must be a list of texts (one per line starting with '- '), not the "
     "text 'core'"),
    (minimal().replace("exercises:\n", "exercises: []\n").split("  - id")[0],
     ":4:12: error: 'exercises' must be a list with at least one exercise"),
    ("- a\n- b\n", ":1:1: error: a routine file must be a mapping of keys to values, not a list"),
    ("", ": error: the file is empty; a routine starts with 'format: backcare-routine/1'"),
    ("# only a comment\n", ": error: the file is empty; a routine starts with "
                           "'format: backcare-routine/1'"),
    ("id: x\n", ":1:1: error: missing required key 'format' (write: format: "
                "backcare-routine/1)"),
    (minimal() + "  - id: one\n    name: Again\n    hold: 1\n",
     ":8:9: error: exercise id 'one' is used twice (first on line 5); each exercise needs its "
     "own id"),
    (minimal() + "title: Twice\n", ":8:1: error: duplicate key 'title'"),
    (minimal().replace("title: Mini", "title: [a, b]"),
     ":3:8: error: 'title' must be text, not a list"),
    (minimal().replace("title: Mini", "title: ''"), ":3:8: error: 'title' must not be empty"),
])
def test_each_rule_has_a_clear_message(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in problems(text, tmp_path)


def test_every_problem_is_reported_sorted_by_line(tmp_path: Path) -> None:
    text = minimal(hold="0").replace("title: Mini\n", "titel: Mini\nlevl: x\n")
    found = problems(text, tmp_path)
    assert len(found) == 4
    lines = [int(p.split(":")[1]) for p in found]
    assert lines == sorted(lines)


def test_unknown_key_without_near_miss_lists_allowed_keys(tmp_path: Path) -> None:
    (found,) = problems(minimal(extra="zzzzzz: 1\n"), tmp_path)
    assert "unknown key 'zzzzzz'" in found and "extensions start with 'x-'" in found


@pytest.mark.parametrize(("tail", "message"), [
    ("!!python/object/apply:os.system ['touch /tmp/pwned']", "YAML tags such as "
     "'!!python/object/apply:os.system' are not allowed"),
    ("!!str 5", "YAML tags such as '!!str' are not allowed"),
    ("!custom x", "YAML tags such as '!custom' are not allowed"),
])
def test_yaml_tags_are_refused_and_never_executed(tmp_path: Path, tail: str, message: str) -> None:
    found = problems(minimal(extra=f"source: {tail}\n"), tmp_path)
    assert any(message in p for p in found)
    assert not Path("/tmp/pwned").exists()


def test_non_utf8_bytes_name_their_place(tmp_path: Path) -> None:
    data = minimal().encode().replace(b"title: Mini", b"title: Mini \xe9t\xe9")
    assert problems(data, tmp_path) == [
        ":3:13: error: the file is not UTF-8 text (byte 0xe9); save it as UTF-8 in your editor"]


def test_utf8_with_bom_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.yaml", "\ufeff" + minimal().replace("Mini", "Mini ☀"))
    assert load_routine(path, resolver()).title == "Mini ☀"


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    (found,) = problems(minimal() + "  - id: [\n", tmp_path)
    assert found.startswith(":9:1: error: YAML syntax:")


def test_files_over_one_mebibyte_are_refused_without_reading_them_whole(tmp_path: Path) -> None:
    text = minimal() + "# " + "x" * (1024 * 1024) + "\n"
    assert problems(text, tmp_path) == [
        ": error: the file is larger than 1024 KiB; routine files are small text files"]


def test_alias_bomb_is_refused_fast(tmp_path: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    text = minimal(extra="\n".join(f"x-{line}" for line in lines) + "\n")
    text = text.replace("&a", "&b").replace("*a", "*b")
    (found,) = problems(text, tmp_path)
    assert "expands to far too much data" in found


@pytest.mark.parametrize("depth", [40, 100_000])
def test_absurd_nesting_is_refused_without_recursion_error(tmp_path: Path, depth: int) -> None:
    text = minimal(extra="x-deep: " + "[" * depth + "]" * depth + "\n")
    (found,) = problems(text, tmp_path)
    # ours stops at 32 levels; libyaml's own limit (1000) may speak first on absurd input
    assert "nested more than 32 levels deep" in found or "maximum nesting depth" in found


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    (found,) = problems(minimal(extra="x-loop: &l [*l]\n"), tmp_path)
    assert "has no finished anchor" in found


def test_more_than_one_document_is_refused(tmp_path: Path) -> None:
    (found,) = problems(minimal() + "---\n" + minimal(), tmp_path)
    assert "more than one YAML document" in found


def test_images_resolve_in_the_routine_folder_then_bundled_assets(tmp_path: Path) -> None:
    own = write(tmp_path, "pics/mine.png", b"\x89PNG\r\n\x1a\n")
    text = minimal().replace("hold: 5", "hold: 5\n    image: pics/mine.png")
    routine = load_routine(write(tmp_path, "r.yaml", text), resolver())
    assert routine.exercises[0].image is not None
    assert routine.exercises[0].image.path == own.resolve()
    text = minimal().replace("hold: 5", "hold: 5\n    image: images/childs-pose.svg")
    routine = load_routine(write(tmp_path, "r.yaml", text), resolver())
    image = routine.exercises[0].image
    assert image is not None and image.path.parent.name == "images"


@pytest.mark.parametrize(("image", "message"), [
    ("../outside.png", "leads outside the routine's folder"),
    ("images/../../../outside.png", "leads outside the routine's folder"),
    ("/etc/passwd.png", "must be a path relative to the routine's folder"),
    ("pics/nothere.png", "not found"),
    ("notes.txt", "must be an SVG, PNG or JPEG file"),
    ("link.png", "leads outside the routine's folder"),
])
def test_images_that_escape_or_do_not_exist(tmp_path: Path, image: str, message: str) -> None:
    folder = tmp_path / "routine"
    write(tmp_path, "outside.png", b"png")
    write(folder, "notes.txt", "hi")
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    text = minimal().replace("hold: 5", f"hold: 5\n    image: {image}")
    found = problems(text, folder)
    assert any(message in p for p in found), found
