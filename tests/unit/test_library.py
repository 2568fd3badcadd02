"""Loading the library: bundled and user routines, clashes, and bad files that stop nothing."""

from __future__ import annotations

from pathlib import Path

from backcare_gui import resources
from backcare_gui.core.library import load_library
from backcare_gui.core.routine import Origin
from backcare_gui.core.timeline import total_ms
from tests.helpers.routines import minimal, write

BUNDLED_IDS = {"morning-mobility", "core-basics", "spasm-relief", "desk-break",
               "evening-stretch"}


def test_every_bundled_routine_is_valid() -> None:
    library = load_library(resources.routines_dir(), None, resources.assets_dir())
    assert library.problems == ()
    assert len(library.routines) >= 6
    assert {r.id for r in library.routines} >= BUNDLED_IDS
    assert all(r.origin is Origin.BUNDLED for r in library.routines)


def test_every_bundled_routine_is_sourced_cautioned_and_illustrated() -> None:
    library = load_library(resources.routines_dir(), None, resources.assets_dir())
    for routine in library.routines:
        assert routine.source and routine.cautions and routine.level, routine.id
        for exercise in routine.exercises:
            assert exercise.image is not None, (routine.id, exercise.id)
            assert exercise.image.path.suffix == ".svg"
            for step in exercise.steps:
                assert step.image is not None, (routine.id, exercise.id, step.name)


def test_bundled_totals_match_their_documented_comments() -> None:
    """Each bundled file states its total in a first-line comment, worked out by hand."""
    library = load_library(resources.routines_dir(), None, resources.assets_dir())
    for routine in library.routines:
        assert routine.path is not None
        first = routine.path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# total: "), routine.id
        stated = int(first.removeprefix("# total: ").split()[0])
        assert total_ms(routine) == stated * 1000, routine.id


def test_desk_break_is_about_two_minutes() -> None:
    library = load_library(resources.routines_dir(), None, resources.assets_dir())
    desk = library.get("desk-break")
    assert desk is not None and 90_000 <= total_ms(desk) <= 150_000


def test_user_routines_in_subfolders_and_both_suffixes(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", minimal("mine-a"))
    write(tmp_path, "deep/folder/b.yml", minimal("mine-b"))
    write(tmp_path, "notes.txt", "not a routine")
    library = load_library(resources.routines_dir(), tmp_path, resources.assets_dir())
    user = {r.id: r for r in library.routines if r.origin is Origin.USER}
    assert set(user) == {"mine-a", "mine-b"}
    assert library.problems == ()
    assert [r.id for r in library.routines] == sorted(r.id for r in library.routines)


def test_one_bad_file_never_stops_the_others(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", minimal("good"))
    write(tmp_path, "bad.yaml", "format: backcare-routine/1\nid: [\n")
    write(tmp_path, "worse.yaml", b"\xff\xfe\x00")
    library = load_library(resources.routines_dir(), tmp_path, resources.assets_dir())
    assert library.get("good") is not None
    assert {p.name for p in library.bad_files} == {"bad.yaml", "worse.yaml"}
    assert library.get("morning-mobility") is not None


def test_bundled_routines_win_clashes_then_sorted_user_paths(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", minimal("morning-mobility"))
    write(tmp_path, "b.yaml", minimal("twin"))
    write(tmp_path, "c/a.yaml", minimal("twin"))
    library = load_library(resources.routines_dir(), tmp_path, resources.assets_dir())
    morning = library.get("morning-mobility")
    assert morning is not None and morning.origin is Origin.BUNDLED
    twin = library.get("twin")
    assert twin is not None and twin.path == (tmp_path / "b.yaml").resolve()
    messages = {p.path.name if p.path.parent == tmp_path else "c/a.yaml": p.message
                for p in library.problems}
    assert "already used by one of BackCare's own routines" in messages["a.yaml"]
    assert f"already used by {(tmp_path / 'b.yaml').resolve()}" in messages["c/a.yaml"]


def test_missing_user_folder_is_fine(tmp_path: Path) -> None:
    library = load_library(resources.routines_dir(), tmp_path / "none", resources.assets_dir())
    assert library.problems == ()
