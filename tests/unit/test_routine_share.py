"""Sharing routines (issue #7): export to a .zip, import a file, a folder or a .zip. Real files
and real archives, hostile ones included: nothing may be unpacked outside its folder, nothing
written when anything is wrong, nothing of the person's overwritten without asking."""

from __future__ import annotations

import shutil
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from backcare_gui import resources
from backcare_gui.core import routine_share
from backcare_gui.core.library import Library
from backcare_gui.core.routine import Origin, Routine, load_routine
from backcare_gui.core.routine_share import (
    MAX_UNPACKED_BYTES,
    ShareError,
    apply_import,
    export_routine,
    own_pictures,
    prepare_import,
)
from tests.helpers.routines import minimal, resolver, write


def tiny_png() -> bytes:
    """A real 1x1 grey PNG, made with the standard library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def own_routine(folder: Path, routine_id: str = "mine", title: str = "My knee plan") -> Path:
    """A routine of one's own: one own picture beside it, one of BackCare's."""
    write(folder, "images/my-knee.png", tiny_png())
    return write(folder, f"{routine_id}.yaml", f"""\
# my physio's plan
format: backcare-routine/1
id: {routine_id}
title: {title}
exercises:
  - id: knee
    name: Knee bend
    image: images/my-knee.png
    hold: 5
  - id: rest
    name: Child's pose
    image: images/childs-pose.svg
    steps:
      - name: Settle
        seconds: 3
        image: ./images/../images/my-knee.png
""")


def library(user_dir: Path | None) -> Library:
    return resources.load_app_library(user_dir)


def load(path: Path) -> Routine:
    return load_routine(path, resolver())


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def files_below(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")) if folder.exists() else []


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "routines"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path / "work"


# -- export -----------------------------------------------------------------------------------


def test_export_holds_the_file_unchanged_and_only_its_own_pictures(tmp_path: Path) -> None:
    routine = load(own_routine(tmp_path / "mine"))
    (tmp_path / "out").mkdir()
    written = export_routine(routine, tmp_path / "out" / "plan.zip")
    assert written == tmp_path / "out" / "plan.zip"
    with zipfile.ZipFile(written) as archive:
        assert sorted(archive.namelist()) == ["images/my-knee.png", "mine.yaml"]
        assert archive.read("mine.yaml") == routine.raw  # comments and all, byte for byte
        assert archive.read("images/my-knee.png") == tiny_png()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["plan.zip"]  # no temp file left


def test_export_adds_the_zip_suffix_and_replaces_an_old_export(tmp_path: Path) -> None:
    routine = load(own_routine(tmp_path / "mine"))
    (tmp_path / "plan.zip").write_bytes(b"an old export")
    assert export_routine(routine, tmp_path / "plan") == tmp_path / "plan.zip"
    assert zipfile.is_zipfile(tmp_path / "plan.zip")


def test_a_picture_of_its_own_that_shadows_a_bundled_one_is_exported(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    own_routine(folder)
    write(folder, "images/childs-pose.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    names = [str(name) for _path, name in own_pictures(load(folder / "mine.yaml"))]
    assert names == ["images/my-knee.png", "images/childs-pose.svg"]


def test_a_bundled_routine_exports_without_pictures(tmp_path: Path) -> None:
    bundled = library(None).get("desk-break")
    assert bundled is not None and bundled.origin is Origin.BUNDLED
    with zipfile.ZipFile(export_routine(bundled, tmp_path / "desk.zip")) as archive:
        assert archive.namelist() == ["desk-break.yaml"]


def test_export_refuses_a_routine_without_a_file(tmp_path: Path) -> None:
    routine = load(own_routine(tmp_path / "mine"))
    unsaved = Routine(routine.id, routine.title, routine.exercises)
    with pytest.raises(ShareError, match="not saved in a file yet"):
        export_routine(unsaved, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def test_export_to_a_folder_that_cannot_be_written_is_a_calm_error(tmp_path: Path) -> None:
    routine = load(own_routine(tmp_path / "mine"))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ShareError, match="cannot write"):
        export_routine(routine, blocker / "x.zip")
    assert export_routine(routine, tmp_path / "new" / "x.zip").is_file()  # a new folder: made


# -- round trip and import --------------------------------------------------------------------


def test_round_trip_into_a_fresh_data_folder(tmp_path: Path, work: Path) -> None:
    """A bundled routine customised with a picture of one's own, shared with someone else."""
    sender = tmp_path / "sender" / "routines"
    original = (resources.routines_dir() / "desk-break.yaml").read_text(encoding="utf-8")
    text = original.replace("id: desk-break", "id: my-desk", 1) \
        .replace("image: images/seated-twist.svg", "image: images/my-twist.png", 1)
    assert text.count("images/my-twist.png") == 1
    write(sender / "my-desk", "my-desk.yaml", text)
    write(sender / "my-desk", "images/my-twist.png", tiny_png())
    routine = library(sender).get("my-desk")
    assert routine is not None
    archive = export_routine(routine, tmp_path / "my-desk.zip")

    receiver = tmp_path / "receiver" / "routines"
    plans = prepare_import(archive, receiver, library(receiver), work)
    assert not receiver.exists()  # planning writes nothing
    assert [(p.routine.id, p.replaces, p.renamed_from) for p in plans] == [("my-desk", None, None)]
    written = apply_import(plans[0])
    assert written == receiver / "my-desk" / "my-desk.yaml"
    assert written.read_bytes() == routine.raw
    received = library(receiver)
    assert received.problems == ()
    got = received.get("my-desk")
    assert got is not None and got.origin is Origin.USER
    assert got.exercises[0].image is not None
    assert got.exercises[0].image.path == (receiver / "my-desk/images/my-twist.png").resolve()
    assert got.exercises[0].image.path.read_bytes() == tiny_png()


def test_import_a_routine_file_takes_the_pictures_beside_it(tmp_path: Path, user_dir: Path,
                                                              work: Path) -> None:
    source = own_routine(tmp_path / "from-physio")
    (plan,) = prepare_import(source, user_dir, library(user_dir), work)
    assert plan.source_file == source.resolve()
    assert plan.pictures == ((source.parent.resolve() / "images/my-knee.png",
                              user_dir / "mine/images/my-knee.png"),)
    apply_import(plan)
    assert (user_dir / "mine/mine.yaml").read_bytes() == source.read_bytes()
    assert sorted(p.relative_to(user_dir).as_posix() for p in files_below(user_dir)) == [
        "mine", "mine/images", "mine/images/my-knee.png", "mine/mine.yaml"]
    assert library(user_dir).problems == ()
    assert not work.exists()  # only an archive needs the work folder


def test_import_a_folder_imports_every_routine_in_it(tmp_path: Path, user_dir: Path,
                                                     work: Path) -> None:
    folder = tmp_path / "plans"
    own_routine(folder / "week-1", "week-1")
    own_routine(folder / "week-2", "week-2")
    write(folder, "extra.yml", minimal("extra"))
    plans = prepare_import(folder, user_dir, library(user_dir), work)
    assert [p.routine.id for p in plans] == ["extra", "week-1", "week-2"]
    for plan in plans:
        apply_import(plan)
    loaded = library(user_dir)
    assert loaded.problems == ()
    assert {r.id for r in loaded.routines if r.origin is Origin.USER} == {
        "extra", "week-1", "week-2"}


def test_a_bundled_id_is_imported_as_a_custom_copy(tmp_path: Path, user_dir: Path,
                                                   work: Path) -> None:
    write(user_dir, "desk-break-custom.yaml", minimal("desk-break-custom"))  # already taken
    source = own_routine(tmp_path / "sent", "desk-break", title="Desk break, my way")
    (plan,) = prepare_import(source, user_dir, library(user_dir), work)
    assert plan.renamed_from == "desk-break"
    assert plan.routine.id == "desk-break-custom-2"
    assert plan.replaces is None
    assert plan.target_file == user_dir / "desk-break-custom-2/desk-break-custom-2.yaml"
    note = plan.note()
    assert note is not None and "'desk-break-custom-2'" in note
    apply_import(plan)
    again = load(plan.target_file)  # the rewritten file validates where it was written
    assert again.id == "desk-break-custom-2" and again.title == "Desk break, my way"
    assert again.exercises[0].image is not None
    assert again.exercises[0].image.path.is_relative_to(user_dir.resolve())
    loaded = library(user_dir)
    assert loaded.problems == ()
    bundled = loaded.get("desk-break")
    assert bundled is not None and bundled.origin is Origin.BUNDLED  # untouched


def test_your_own_routine_is_replaced_only_when_you_say_so(tmp_path: Path, user_dir: Path,
                                                           work: Path) -> None:
    old = write(user_dir, "old-place.yaml", minimal("mine"))
    keep = write(user_dir, "notes.txt", "mine")
    before = old.read_bytes()
    source = own_routine(tmp_path / "sent")
    (plan,) = prepare_import(source, user_dir, library(user_dir), work)
    assert plan.replaces is not None and plan.replaces.path == old.resolve()
    with pytest.raises(ShareError, match="already have a routine 'mine'") as raised:
        apply_import(plan)
    assert "Replace" in raised.value.message and "--replace" in raised.value.message
    assert old.read_bytes() == before
    assert not (user_dir / "mine").exists()

    apply_import(plan, replace=True)
    assert not old.exists()  # the old file sat elsewhere: gone, so the id is not used twice
    assert keep.read_text() == "mine"  # other files are left alone
    loaded = library(user_dir)
    assert loaded.problems == ()
    mine = loaded.get("mine")
    assert mine is not None and mine.title == "My knee plan"


def test_replacing_a_routine_in_its_own_folder_overwrites_its_picture(
        tmp_path: Path, user_dir: Path, work: Path) -> None:
    own_routine(user_dir / "mine")
    write(user_dir / "mine", "images/my-knee.png", b"an older picture")
    sent = own_routine(tmp_path / "sent", title="Newer plan")
    (plan,) = prepare_import(sent, user_dir, library(user_dir), work)
    apply_import(plan, replace=True)
    assert (user_dir / "mine/images/my-knee.png").read_bytes() == tiny_png()
    mine = library(user_dir).get("mine")
    assert mine is not None and mine.title == "Newer plan"


def test_a_file_that_is_not_part_of_the_routine_is_never_overwritten(
        tmp_path: Path, user_dir: Path, work: Path) -> None:
    broken = write(user_dir / "mine", "mine.yaml", "format: backcare-routine/1\n")  # not loaded
    with pytest.raises(ShareError, match="already a file") as raised:
        prepare_import(own_routine(tmp_path / "sent"), user_dir, library(user_dir), work)
    assert str(broken) in raised.value.message
    assert broken.read_text() == "format: backcare-routine/1\n"


def test_a_leftover_picture_with_other_content_is_never_overwritten(
        tmp_path: Path, user_dir: Path, work: Path) -> None:
    leftover = write(user_dir / "mine", "images/my-knee.png", b"someone else's picture")
    with pytest.raises(ShareError, match="already a file"):
        prepare_import(own_routine(tmp_path / "sent"), user_dir, library(user_dir), work)
    assert leftover.read_bytes() == b"someone else's picture"


def test_nothing_is_written_through_a_link_out_of_the_routines_folder(
        tmp_path: Path, user_dir: Path, work: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    user_dir.mkdir(parents=True)
    (user_dir / "mine").symlink_to(elsewhere, target_is_directory=True)
    (plan,) = prepare_import(own_routine(tmp_path / "sent"), user_dir, library(user_dir), work)
    with pytest.raises(ShareError, match="outside your routines folder"):
        apply_import(plan)
    assert list(elsewhere.iterdir()) == []


def test_an_invalid_routine_in_a_zip_writes_nothing(tmp_path: Path, user_dir: Path,
                                                    work: Path) -> None:
    archive = make_zip(tmp_path / "plan.zip", {
        "good.yaml": minimal("good").encode(),
        "sub/bad.yaml": b"format: backcare-routine/1\nid: Bad\n"})
    with pytest.raises(ShareError) as raised:
        prepare_import(archive, user_dir, library(user_dir), work)
    assert "1 of the 2 routine files" in raised.value.message
    assert "nothing was imported" in raised.value.message
    shown = [str(p) for p in raised.value.problems]
    assert f"{archive}/sub/bad.yaml:2:5: error: 'id' must use only lowercase letters, digits " \
           "and '-' (got 'Bad')" in shown  # named inside the archive, not in a temp folder
    assert not user_dir.exists()


def test_an_invalid_routine_file_lists_every_problem(tmp_path: Path, user_dir: Path,
                                                     work: Path) -> None:
    source = write(tmp_path, "bad.yaml", minimal("bad", hold="0", extra="level: hard\n"))
    with pytest.raises(ShareError, match=r"The routine file .* has problems") as raised:
        prepare_import(source, user_dir, library(user_dir), work)
    assert [p.pos.line for p in raised.value.problems if p.pos] == [4, 8]
    assert not user_dir.exists()


def test_two_routines_with_one_id_in_one_import(tmp_path: Path, user_dir: Path,
                                                work: Path) -> None:
    archive = make_zip(tmp_path / "plan.zip", {"a.yaml": minimal("same").encode(),
                                               "b.yaml": minimal("same").encode()})
    with pytest.raises(ShareError, match=r"Two files .* use the id 'same' \(a.yaml and b.yaml\)"):
        prepare_import(archive, user_dir, library(user_dir), work)
    assert not user_dir.exists()


@pytest.mark.parametrize(("name", "message"), [
    ("nothing-here.txt", "There is no file or folder"),
    ("notes.txt", "none of these"),
])
def test_sources_that_cannot_be_imported(tmp_path: Path, user_dir: Path, work: Path,
                                         name: str, message: str) -> None:
    if name == "notes.txt":
        write(tmp_path, name, "hello")
    with pytest.raises(ShareError, match=message):
        prepare_import(tmp_path / name, user_dir, library(user_dir), work)


def test_an_empty_folder_has_nothing_to_import(tmp_path: Path, user_dir: Path,
                                               work: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ShareError, match="There is no routine file"):
        prepare_import(tmp_path / "empty", user_dir, library(user_dir), work)


# -- hostile and broken archives --------------------------------------------------------------


@pytest.fixture
def no_unpacking(monkeypatch: pytest.MonkeyPatch) -> None:
    """For archives that must be refused by their table of contents alone."""
    def unpack(*args: object, **kwargs: object) -> None:
        raise AssertionError("the archive was being unpacked")

    monkeypatch.setattr(routine_share, "_extract", unpack)


def refused(archive: Path, user_dir: Path, work: Path) -> ShareError:
    with pytest.raises(ShareError) as raised:
        prepare_import(archive, user_dir, library(user_dir), work)
    assert not user_dir.exists()
    assert [p for p in files_below(work) if p.is_file()] == []  # not one byte unpacked
    assert not (archive.parent.parent / "evil.yaml").exists()
    return raised.value


@pytest.mark.parametrize(("name", "why"), [
    ("../evil.yaml", "'..'"),
    ("images/../../evil.png", "'..'"),
    ("/abs.yaml", "absolute path"),
    ("\\abs.yaml", "backslash"),
    ("C:/x.yaml", "drive"),
    ("a\\b.yaml", "backslash"),
])
def test_entries_that_leave_the_archive_are_refused(tmp_path: Path, user_dir: Path, work: Path,
                                                    no_unpacking: None, name: str,
                                                    why: str) -> None:
    archive = tmp_path / "in" / "plan.zip"
    archive.parent.mkdir()
    # a good routine first: the check must come before anything is unpacked
    make_zip(archive, {"good.yaml": minimal("good").encode(), name: minimal("evil").encode()})
    with zipfile.ZipFile(archive) as check:
        assert check.namelist()[1] == name  # zipfile kept the hostile name as written
    error = refused(archive, user_dir, work)
    assert repr(name) in error.message and why in error.message


def test_a_link_entry_is_refused(tmp_path: Path, user_dir: Path, work: Path,
                                 no_unpacking: None) -> None:
    archive = tmp_path / "plan.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("good.yaml", minimal("good"))
        link = zipfile.ZipInfo("images/pic.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    error = refused(archive, user_dir, work)
    assert "'images/pic.png'" in error.message and "link" in error.message


def test_a_password_protected_entry_is_refused(tmp_path: Path, user_dir: Path,
                                               work: Path, no_unpacking: None) -> None:
    archive = make_zip(tmp_path / "plan.zip", {"good.yaml": minimal("good").encode()})
    data = bytearray(archive.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1  # general purpose flag bit 0: encrypted
    archive.write_bytes(bytes(data))
    assert "password" in refused(archive, user_dir, work).message


def test_an_archive_declaring_more_than_20_mib_is_refused(tmp_path: Path, user_dir: Path,
                                                         work: Path, no_unpacking: None) -> None:
    seven = b"\0" * (7 * 1024 * 1024)  # each entry is small; together they are too much
    archive = make_zip(tmp_path / "bomb.zip", {"a.png": seven, "b.png": seven, "c.png": seven,
                                               "good.yaml": minimal("good").encode()})
    assert archive.stat().st_size < 100_000  # a bomb: tiny packed, big unpacked
    assert MAX_UNPACKED_BYTES == 20 * 1024 * 1024
    assert "more than 20 MiB" in refused(archive, user_dir, work).message


def test_real_content_over_a_lowered_limit_is_refused(tmp_path: Path, user_dir: Path,
                                                      work: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routine_share, "MAX_UNPACKED_BYTES", 1000)
    archive = make_zip(tmp_path / "plan.zip", {"good.yaml": minimal("good").encode(),
                                               "a.png": b"x" * 600, "b.png": b"y" * 600})
    refused(archive, user_dir, work)
    under = make_zip(tmp_path / "small.zip", {"good.yaml": minimal("good").encode()})
    assert [p.routine.id for p in prepare_import(under, user_dir, library(user_dir), work)] \
        == ["good"]


def test_declared_sizes_that_lie_are_refused(tmp_path: Path, user_dir: Path, work: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routine_share, "MAX_UNPACKED_BYTES", 1000)
    archive = tmp_path / "liar.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("good.yaml", minimal("good"))
        zf.writestr("big.png", b"z" * 5000)
    data = bytearray(archive.read_bytes())
    central = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 1)  # big.png's record
    data[central + 24:central + 28] = struct.pack("<I", 10)  # "10 bytes", it says
    archive.write_bytes(bytes(data))
    with zipfile.ZipFile(archive) as check:
        assert check.getinfo("big.png").file_size == 10
    refused(archive, user_dir, work)


def test_unpacking_counts_the_bytes_really_written(tmp_path: Path) -> None:
    """The running count stops an entry that yields more than allowed, whatever it declared."""
    archive = make_zip(tmp_path / "plan.zip", {"a.png": b"a" * 3000, "b.png": b"b" * 3000})
    root = tmp_path / "out"
    root.mkdir()
    with zipfile.ZipFile(archive) as zf, pytest.raises(ShareError, match="unpacks to more"):
        routine_share._extract(zf, zf.infolist(), root, limit=4000)
    assert sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) <= 4000


def test_too_many_entries_are_refused(tmp_path: Path, user_dir: Path, work: Path,
                                      no_unpacking: None) -> None:
    entries = {f"pics/{i}.png": b"" for i in range(1001)}
    archive = make_zip(tmp_path / "many.zip", {"good.yaml": minimal("good").encode(), **entries})
    assert "1002 entries" in refused(archive, user_dir, work).message


@pytest.mark.parametrize("content", [b"this is not a zip", b""])
def test_a_file_that_is_not_a_zip(tmp_path: Path, user_dir: Path, work: Path,
                                  content: bytes, no_unpacking: None) -> None:
    archive = tmp_path / "plan.zip"
    archive.write_bytes(content)
    assert "cannot read plan.zip as a .zip archive" in refused(archive, user_dir, work).message


def test_a_damaged_zip_is_refused(tmp_path: Path, user_dir: Path, work: Path) -> None:
    archive = make_zip(tmp_path / "plan.zip", {"good.yaml": minimal("good").encode() * 20})
    data = bytearray(archive.read_bytes())
    data[40:60] = b"\xff" * 20  # inside the packed data: the CRC check fails
    archive.write_bytes(bytes(data))
    assert "damaged" in refused(archive, user_dir, work).message


def test_other_files_in_an_archive_are_not_unpacked(tmp_path: Path, user_dir: Path,
                                                    work: Path) -> None:
    archive = make_zip(tmp_path / "plan.zip", {
        "good.yaml": minimal("good").encode(), "run-me.sh": b"#!/bin/sh\nrm -rf ~\n",
        "README.txt": b"hello", "docs/": b""})
    (plan,) = prepare_import(archive, user_dir, library(user_dir), work)
    unpacked = [p.relative_to(work).parts[1:] for p in files_below(work) if p.is_file()]
    assert unpacked == [("good.yaml",)]
    apply_import(plan)
    assert [p.name for p in files_below(user_dir) if p.is_file()] == ["good.yaml"]


def test_the_same_entry_twice_is_refused(tmp_path: Path, user_dir: Path, work: Path) -> None:
    archive = tmp_path / "plan.zip"
    with zipfile.ZipFile(archive, "w") as zf, pytest.warns(UserWarning, match="Duplicate"):
        zf.writestr("good.yaml", minimal("good"))
        zf.writestr("good.yaml", minimal("other"))
    with pytest.raises(ShareError, match="twice"):
        prepare_import(archive, user_dir, library(user_dir), work)
    assert not user_dir.exists()


def test_an_archive_plan_reads_from_the_work_folder_until_applied(
        tmp_path: Path, user_dir: Path, work: Path) -> None:
    """The plan's sources are the unpacked files; once applied, the work folder can go."""
    archive = export_routine(load(own_routine(tmp_path / "mine")), tmp_path / "mine.zip")
    (plan,) = prepare_import(archive, user_dir, library(user_dir), work)
    assert plan.source_file.is_relative_to(work.resolve())
    assert all(source.is_relative_to(work.resolve()) for source, _target in plan.pictures)
    apply_import(plan)
    shutil.rmtree(work)
    assert library(user_dir).problems == ()
