"""Routine drafts: the YAML they save as, their check by the one validator, ids, comments."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare_gui import resources
from backcare_gui.core.library import load_files, routine_files
from backcare_gui.core.routine import ImageResolver, Origin, load_routine, parse_routine
from backcare_gui.core.routine_draft import (
    DraftResolver,
    ExerciseDraft,
    RoutineDraft,
    StepDraft,
    check,
    custom_id,
    draft_from_routine,
    exercise_id_for,
    has_comments,
    loses_comments,
    new_exercise,
    new_routine,
    to_yaml,
    value_at,
    with_value,
)
from backcare_gui.core.routine_save import (
    existing_target,
    new_target,
    picture_text,
    save_draft,
)

BUNDLED = routine_files(resources.routines_dir())


@pytest.fixture(scope="module")
def resolver() -> ImageResolver:
    return ImageResolver(resources.assets_dir())


def bundled(routine_id: str, resolver: ImageResolver) -> RoutineDraft:
    return draft_from_routine(load_routine(resources.routines_dir() / f"{routine_id}.yaml",
                                           resolver))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_saving_an_unchanged_bundled_routine_gives_a_valid_file_with_equal_data(
        path: Path, tmp_path: Path, resolver: ImageResolver) -> None:
    original = load_routine(path, resolver)
    target = new_target(tmp_path / "routines", original.id)
    save_draft(draft_from_routine(original), target, {})
    _routines, problems = load_files([target.file], resolver, Origin.USER)  # as `validate`
    assert problems == []
    again = load_routine(target.file, resolver)
    assert again == original  # every field of the data, pictures resolved to the same files
    assert again.exercises[0].image == original.exercises[0].image
    text = target.file.read_text()
    assert max(len(line) for line in text.splitlines()) <= 100  # readable, no endless lines
    assert not loses_comments(text)


def test_the_layout_reads_like_a_hand_written_file(resolver: ImageResolver) -> None:
    text = to_yaml(bundled("morning-mobility", resolver))
    assert text.startswith("# Written by BackCare's routine editor.")
    assert "\nformat: backcare-routine/1\nid: morning-mobility\ntitle: Morning mobility\n" in text
    assert "\ntags: [morning, mobility, stretching]\n" in text
    assert "\n  - id: childs-pose\n    name: Child's pose\n" in text
    assert "description: >-\n  A slow, gentle way" in text  # long text folded, not one line
    assert "sets: 1" not in text and "switch_seconds: 5" not in text  # defaults left out


AWKWARD = ["yes", "No", "null", "~", "1.5", "30", "- a list?", "key: value", "a #hash",
           "C# and 100%", "trailing space ", " leading", "two  spaces", "quote \" and ' both",
           "Übung für den Rücken", "emoji 🙂", "tab\there", "new\nline", "[brackets]",
           "{braces}", "a, b", "*star", "&anchor", "!tag", "@at", "`tick`", "|pipe", ">gt",
           "%percent", "'quoted'", "x" * 300, ("word " * 40).strip(), "ends with colon:"]


@pytest.mark.parametrize("text", AWKWARD)
def test_any_text_comes_back_exactly(text: str, resolver: ImageResolver) -> None:
    exercise = ExerciseDraft(id="one", name=text, cues=(text, "plain"), hold=5)
    draft = RoutineDraft(id="awkward", title=text, summary=text, description=text,
                         tags=(text,), cautions=(text,), source=text, exercises=(exercise,))
    routine = parse_routine(to_yaml(draft), Path("/tmp/x.yaml"), resolver)
    stripped = text.strip()  # the validator trims texts; the draft's own fields are trimmed
    assert routine.title == stripped and routine.summary == stripped
    assert routine.tags == (stripped,) and routine.cautions == (stripped,)
    assert routine.exercises[0].cues == (stripped, "plain")


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200)
       .filter(lambda t: t.strip()))
def test_random_text_round_trips(text: str) -> None:
    draft = RoutineDraft(id="r", title=text, exercises=(ExerciseDraft(id="e", name="E"),))
    routine = parse_routine(to_yaml(draft), Path("/tmp/x.yaml"),
                            ImageResolver(resources.assets_dir()))
    assert routine.title == text.strip()


def test_check_puts_each_problem_beside_its_field(resolver: ImageResolver) -> None:
    draft = bundled("morning-mobility", resolver)
    childs = draft.exercises[1]
    cat_cow = draft.exercises[0]
    draft = replace(draft, title="")
    draft = draft.with_exercise(1, replace(childs, hold=0, image="images/none-such.svg"))
    draft = draft.with_exercise(0, replace(cat_cow, steps=(replace(cat_cow.steps[0], seconds=0),
                                                           cat_cow.steps[1])))
    draft = draft.with_exercise(2, replace(draft.exercises[2], id="childs-pose"))
    result = check(draft, Path("/tmp/r/r.yaml"), resolver, taken_ids={"morning-mobility"})
    assert result.routine is None and result.total_ms is None
    assert result.at(("id",)) == ["another routine already has the id 'morning-mobility'; "
                                  "choose another"]
    assert result.at(("title",)) == ["'title' must not be empty"]
    assert result.at(("exercises", 1, "hold")) == [
        "'hold' must be more than 0 and at most 3600 seconds (got 0)"]
    assert "not found" in result.at(("exercises", 1, "image"))[0]
    assert result.at(("exercises", 0, "steps", 0, "seconds"))
    assert "used twice" in result.at(("exercises", 2, "id"))[0]
    assert {p.path[:2] for p in result.under(("exercises",))} == {
        ("exercises", 0), ("exercises", 1), ("exercises", 2)}


def test_a_good_draft_checks_out_with_its_total(resolver: ImageResolver) -> None:
    draft = bundled("morning-mobility", resolver)
    result = check(draft, Path("/tmp/r/r.yaml"), resolver)
    assert result.problems == () and result.routine is not None
    original = load_routine(resources.routines_dir() / "morning-mobility.yaml", resolver)
    from backcare_gui.core.timeline import total_ms

    assert result.total_ms == total_ms(original)
    longer = draft.with_exercise(1, replace(draft.exercises[1], hold=10))  # 8 reps x +5 s
    assert check(longer, Path("/tmp/r/r.yaml"), resolver).total_ms == total_ms(original) + 40_000


def test_an_exercise_needs_at_least_one_step_when_it_uses_steps(
        resolver: ImageResolver) -> None:
    draft = RoutineDraft(id="r", title="R", exercises=(
        ExerciseDraft(id="e", name="E", uses_steps=True, steps=()),))
    result = check(draft, Path("/tmp/r.yaml"), resolver)
    assert result.routine is None
    assert result.at(("exercises", 0, "steps"))


def test_pictures_not_copied_yet_count_as_found(tmp_path: Path) -> None:
    own = tmp_path / "photo.png"
    own.write_bytes(b"\x89PNG\r\n\x1a\n")
    draft = RoutineDraft(id="r", title="R", exercises=(
        ExerciseDraft(id="e", name="E", image="images/photo.png"),))
    plain = check(draft, tmp_path / "r" / "r.yaml", ImageResolver(resources.assets_dir()))
    assert plain.routine is None
    pending = DraftResolver(resources.assets_dir(), {"images/photo.png": own})
    assert check(draft, tmp_path / "r" / "r.yaml", pending).routine is not None


def test_saving_copies_the_pictures_in_use_then_writes_a_loadable_file(tmp_path: Path) -> None:
    own = tmp_path / "My Knee Photo.PNG"
    own.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    unused = tmp_path / "unused.png"
    unused.write_bytes(b"x")
    text = picture_text(own, ["images/my-knee-photo.png"])
    assert text == "images/my-knee-photo-2.png"
    draft = RoutineDraft(id="mine", title="Mine", exercises=(
        ExerciseDraft(id="e", name="E", image=text),))
    target = new_target(tmp_path / "routines", "mine")
    save_draft(draft, target, {text: own, "images/unused.png": unused})
    assert target.file == tmp_path / "routines" / "mine" / "mine.yaml"
    assert (target.folder / text).read_bytes() == own.read_bytes()
    assert not (target.folder / "images" / "unused.png").exists()
    routine = load_routine(target.file, ImageResolver(resources.assets_dir()))
    assert routine.exercises[0].image is not None
    assert routine.exercises[0].image.path == (target.folder / text).resolve()
    assert [p.name for p in target.folder.iterdir() if p.name.startswith(".")] == []
    # a second new routine of the same id never shares the folder
    assert new_target(tmp_path / "routines", "mine").folder.name == "mine-2"


def test_hand_written_comments_are_noticed(tmp_path: Path, resolver: ImageResolver) -> None:
    for path in BUNDLED:  # every bundled file explains itself in comments
        assert has_comments(path.read_text())
    assert not has_comments("title: 'A # inside quotes'\nname: C#\nurl: a#b\n")
    assert has_comments("title: Plain # a comment\n")
    assert has_comments("# only a comment\nid: x\n")
    assert not loses_comments(to_yaml(bundled("desk-break", resolver)))
    assert loses_comments("# mine\n" + to_yaml(bundled("desk-break", resolver)))
    file = tmp_path / "own.yaml"
    file.write_text("# my notes\n" + to_yaml(bundled("desk-break", resolver)))
    assert existing_target(load_routine(file, resolver)).would_lose_comments
    assert not new_target(tmp_path, "x").would_lose_comments


def test_customised_ids_never_clash() -> None:
    assert custom_id("morning-mobility", ["morning-mobility"]) == "morning-mobility-custom"
    taken = ["morning-mobility", "morning-mobility-custom", "morning-mobility-custom-2"]
    assert custom_id("morning-mobility", taken) == "morning-mobility-custom-3"
    # customising a copy counts on, never "-custom-custom"
    assert custom_id("morning-mobility-custom", taken) == "morning-mobility-custom-3"


def test_made_up_ids_are_unique_and_readable() -> None:
    assert exercise_id_for("Child's pose", []) == "childs-pose"
    assert exercise_id_for("Child's pose", ["childs-pose"]) == "childs-pose-2"
    assert exercise_id_for("!!!", []) == "exercise"
    assert new_exercise(["exercise-1", "exercise-2"]).id == "exercise-3"
    assert new_routine(["my-routine"]).id == "my-routine-2"
    assert new_routine([]).exercises[0].hold == 30


def test_fields_are_read_and_replaced_by_path() -> None:
    draft = RoutineDraft(id="r", title="R", exercises=(
        ExerciseDraft(id="e", name="E", uses_steps=True,
                      steps=(StepDraft("a", 2), StepDraft("b", 3))),))
    path = ("exercises", 0, "steps", 1, "seconds")
    assert value_at(draft, path) == 3
    changed = with_value(draft, path, 7)
    assert value_at(changed, path) == 7 and value_at(draft, path) == 3  # drafts are frozen
    assert changed.exercises[0].steps[0] == draft.exercises[0].steps[0]
