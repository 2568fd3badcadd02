"""Sharing routines: export one as a .zip with its own pictures; import a file, a folder or a .zip.

A routine someone sends you is untrusted. So an archive is checked entry by entry before anything
is unpacked (no `..`, no absolute paths, no links, nothing huge), every routine is validated by
the one loader before anything is written, nothing is written outside your routines folder, and
nothing of yours is overwritten without asking. Import is two steps for that reason:
prepare_import() checks and plans (and writes nothing there), apply_import() writes one plan.
"""

from __future__ import annotations

import dataclasses
import filecmp
import posixpath
import shutil
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from backcare_gui import resources
from backcare_gui.core.atomic import copy_atomic, write_atomic, write_bytes_atomic
from backcare_gui.core.library import ROUTINE_SUFFIXES, Library, load_files, routine_files
from backcare_gui.core.routine import (
    IMAGE_SUFFIXES,
    ImageResolver,
    Origin,
    Problem,
    Routine,
    RoutineFileError,
    iter_images,
    parse_routine,
)
from backcare_gui.core.routine_draft import custom_id, draft_from_routine, to_yaml

MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 1000  # a routine has a file and a few pictures; thousands of entries is an attack
_CHUNK = 64 * 1024


class ShareError(Exception):
    """Why an export or import cannot go ahead: a sentence for a person, and any file problems."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__("\n".join([message, *map(str, problems)]))
        self.message = message
        self.problems = list(problems)


# -- pictures a routine brings along --------------------------------------------------------


def _relative(text: str) -> PurePosixPath | None:
    """A picture's path as written, tidied ("./a/../b.png" -> "b.png"); None if it cannot be
    written into an archive or another folder as a plain relative path."""
    if "\\" in text or ":" in text or text.startswith("/"):
        return None
    tidy = posixpath.normpath(text)
    if tidy == ".." or tidy.startswith("../") or tidy == ".":
        return None
    return PurePosixPath(tidy)


def own_pictures(routine: Routine) -> tuple[tuple[Path, PurePosixPath], ...]:
    """The pictures a routine brings along: (the file, its path relative to the routine's
    folder), each once, in the routine's order.

    BackCare's bundled pictures are left out: every BackCare finds them under the same name. A
    picture of the routine's own folder that shadows a bundled one is its own, so it is kept.
    """
    if routine.path is None:
        return ()
    assets = resources.assets_dir().resolve()
    found: dict[PurePosixPath, Path] = {}
    for image in iter_images(routine):
        if (assets / image.text).resolve() == image.path:
            continue
        relative = _relative(image.text)
        if relative is None:
            raise ShareError(f"The picture {image.text!r} of {routine.id!r} cannot be shared as "
                             "it is written. Write it as a path inside the routine's folder with "
                             "forward slashes (for example images/my-stretch.png), then try "
                             "again.")
        found.setdefault(relative, image.path)
    return tuple((path, relative) for relative, path in found.items())


# -- export -----------------------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def export_routine(routine: Routine, target: Path) -> Path:
    """Write a .zip with the routine file (its bytes unchanged, as `<id>.yaml`) and its own
    pictures at their paths as written. Returns the file written (".zip" is added if missing)."""
    if routine.path is None or not routine.raw:
        raise ShareError(f"The routine {routine.id!r} is not saved in a file yet; save it first, "
                         "then export it.")
    if target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    pictures = own_pictures(routine)
    try:
        total = len(routine.raw) + sum(path.stat().st_size for path, _name in pictures)
    except OSError as exc:
        raise ShareError(f"BackCare cannot read the picture {exc.filename}: {exc.strerror}. "
                         "Check that it is still there, then export again.") from None
    if total > MAX_UNPACKED_BYTES:  # the other side would refuse it
        raise ShareError(f"The routine {routine.id!r} and its pictures come to "
                         f"{total / 2**20:.1f} MiB, more than the {MAX_UNPACKED_BYTES // 2**20} "
                         "MiB a shared routine may have. Use smaller pictures, then export "
                         "again.")

    def write(fh: BinaryIO) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as archive:
            entry = zipfile.ZipInfo(f"{routine.id}.yaml", time.localtime()[:6])
            entry.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(entry, routine.raw, zipfile.ZIP_DEFLATED)
            for path, name in pictures:
                archive.write(path, str(name))

    try:
        write_atomic(target, write)
    except OSError as exc:
        raise ShareError(f"BackCare cannot write {exc.filename or target}: "
                         f"{exc.strerror or exc}. Choose another place to save it.") from None
    return target


# -- import: reading and checking -------------------------------------------------------------


@dataclass(frozen=True)
class ImportPlan:
    """One routine ready to import: validated, with where it and its pictures will go."""

    routine: Routine  # validated; its `raw` is what will be written
    source_file: Path
    target_file: Path  # <user_dir>/<final id>/<final id>.yaml
    pictures: tuple[tuple[Path, Path], ...]  # (source, target)
    replaces: Routine | None = None  # your routine with this id: ask before replacing it
    renamed_from: str | None = None  # the id in the file, when it was a bundled routine's

    def note(self) -> str | None:
        """A sentence to show with the import, when it is imported under another id."""
        if self.renamed_from is None:
            return None
        return (f"BackCare has its own routine {self.renamed_from!r}, which cannot be changed, "
                f"so this one was imported as {self.routine.id!r}.")


def _entry_problem(name: str) -> str | None:
    """Why an archive entry's name is not a plain path inside the archive, if it is not."""
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/"):
        return "is an absolute path"
    if ":" in name:  # C:/x, and NTFS streams (x:y)
        return "names a drive or contains a colon"
    if ".." in name.split("/"):
        return "climbs out of the archive with '..'"
    return None


def _check_archive(entries: Sequence[zipfile.ZipInfo], archive: Path) -> None:
    """Refuse a hostile archive before a single byte of it is unpacked."""
    if len(entries) > MAX_ENTRIES:
        raise ShareError(f"The archive {archive.name} has {len(entries)} entries; a shared "
                         f"routine has far fewer (at most {MAX_ENTRIES}). BackCare did not "
                         "unpack it.")
    for info in entries:
        why = _entry_problem(info.filename)
        if why is None and stat.S_ISLNK(info.external_attr >> 16):
            why = "is a link to another file"
        if why is None and info.flag_bits & 0x1:
            why = "is password-protected"
        if why is not None:
            raise ShareError(f"The archive {archive.name} has an entry {info.filename!r} that "
                             f"{why}; BackCare does not unpack archives like that. Ask the "
                             "sender to export the routine again from BackCare.")
    declared = sum(info.file_size for info in entries)
    if declared > MAX_UNPACKED_BYTES:
        raise ShareError(_too_big(archive))


def _too_big(archive: Path) -> str:
    return (f"The archive {archive.name} unpacks to more than {MAX_UNPACKED_BYTES // 2**20} "
            "MiB; a shared routine is far smaller. BackCare did not import it.")


def _wanted(info: zipfile.ZipInfo) -> bool:
    """Routine files and pictures are unpacked; anything else in an archive is ignored."""
    suffix = PurePosixPath(info.filename).suffix.lower()
    return not info.is_dir() and suffix in ROUTINE_SUFFIXES + IMAGE_SUFFIXES


def _extract(archive: zipfile.ZipFile, entries: Iterable[zipfile.ZipInfo], root: Path,
             limit: int) -> None:
    """Unpack checked entries, counting the bytes really written: declared sizes can lie."""
    written = 0
    base = root.resolve()
    for info in entries:
        target = root.joinpath(*PurePosixPath(info.filename).parts)
        if not target.resolve().is_relative_to(base):  # the name checks make this impossible
            raise ShareError(f"The archive entry {info.filename!r} leads outside the archive; "
                             "BackCare did not import it.")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as src, target.open("xb") as dst:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > limit:
                        raise ShareError(_too_big(Path(archive.filename or "archive")))
                    dst.write(chunk)
        except FileExistsError:
            raise ShareError(f"The archive entry {info.filename!r} is in the archive twice; "
                             "BackCare did not import it. Ask the sender to export the "
                             "routine again.") from None


def _unpack(archive: Path, workdir: Path) -> Path:
    """Check the archive, then unpack its routine files and pictures into a new folder."""
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(archive) as zf:
            entries = zf.infolist()
            _check_archive(entries, archive)
            root = Path(tempfile.mkdtemp(prefix="import-", dir=workdir))
            try:
                _extract(zf, [i for i in entries if _wanted(i)], root, MAX_UNPACKED_BYTES)
            except BaseException:
                shutil.rmtree(root, ignore_errors=True)  # no half-unpacked archive left behind
                raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        reason = str(exc)
    except OSError as exc:
        reason = exc.strerror or str(exc)
    else:
        return root
    raise ShareError(f"BackCare cannot read {archive.name} as a .zip archive ({reason}). It may "
                     "be damaged or not a zip file; ask the sender to export the routine again.")


def _files_to_import(source: Path, workdir: Path) -> tuple[list[Path], Callable[[Path], Path]]:
    """The routine files to read, and how to name a file in messages (a path inside the
    archive reads better than the temporary folder it was unpacked to)."""
    if source.is_dir():
        return routine_files(source), lambda p: p
    if not source.exists():
        raise ShareError(f"There is no file or folder {source}. Check the name, then import "
                         "again.")
    suffix = source.suffix.lower()
    if suffix in ROUTINE_SUFFIXES:
        return [source], lambda p: p
    if suffix == ".zip":
        root = _unpack(source, workdir)

        def shown(path: Path) -> Path:
            return source / path.relative_to(root) if path.is_relative_to(root) else path

        return routine_files(root), shown
    raise ShareError(f"BackCare imports a routine file (.yaml or .yml), a folder of them, or a "
                     f".zip exported by BackCare; {source.name} is none of these.")


def _validated(source: Path, files: list[Path], shown: Callable[[Path], Path],
               resolver: ImageResolver) -> list[Routine]:
    if not files:
        raise ShareError(f"There is no routine file (.yaml or .yml) in {source}; nothing was "
                         "imported.")
    routines, problems = load_files(files, resolver, Origin.USER)
    if problems:
        bad = len({p.path for p in problems})
        which = f"{bad} of the {len(files)} routine files in" if len(files) > 1 else \
            "The routine file" if source.suffix.lower() in ROUTINE_SUFFIXES else \
            "The routine file in"
        raise ShareError(f"{which} {source} {'has' if bad == 1 else 'have'} problems, so "
                         "nothing was imported. Fix them (each is listed with its line) and "
                         "import again.",
                         [dataclasses.replace(p, path=shown(p.path)) for p in problems])
    first: dict[str, Routine] = {}
    for routine in routines:
        other = first.setdefault(routine.id, routine)
        if other is not routine:
            assert routine.path is not None and other.path is not None
            raise ShareError(f"Two files in {source} use the id {routine.id!r} "
                             f"({shown(other.path).name} and {shown(routine.path).name}); give "
                             "one of them another id, then import again.")
    return routines


def _renamed(routine: Routine, new_id: str, resolver: ImageResolver) -> Routine:
    """The routine under a new id, rewritten as the editor writes files, and checked again."""
    assert routine.path is not None
    text = to_yaml(dataclasses.replace(draft_from_routine(routine), id=new_id))
    try:  # checked where it was read, so its pictures are found as before
        renamed = parse_routine(text, routine.path, resolver)
    except RoutineFileError as exc:
        raise ShareError(f"BackCare could not give {routine.id!r} a new id (an internal error); "
                         "nothing was imported.", exc.problems) from None
    return dataclasses.replace(renamed, path=routine.path, origin=Origin.USER,
                               raw=text.encode("utf-8"))


def _owned_by(routine: Routine | None) -> set[Path]:
    """The files of the routine being replaced: only these may be overwritten (after asking)."""
    if routine is None or routine.path is None:
        return set()
    return {routine.path, *(image.path for image in iter_images(routine))}


def _check_targets(plan: ImportPlan) -> None:
    """Never overwrite a file that is not part of the routine the person agrees to replace."""
    owned = _owned_by(plan.replaces)
    writes = [(plan.routine.raw, plan.target_file),
              *((None, target) for _source, target in plan.pictures)]
    sources = {target: source for source, target in plan.pictures}
    for data, target in writes:
        if not (target.exists() or target.is_symlink()) or target.resolve() in owned:
            continue
        if target.is_file() and not target.is_symlink():
            same = target.read_bytes() == data if data is not None \
                else filecmp.cmp(sources[target], target, shallow=False)
            if same:
                continue
        raise ShareError(f"There is already a file {target} that is not part of the routine "
                         f"{plan.routine.id!r}. Move it somewhere else, then import again.")


def prepare_import(source: Path, user_dir: Path, library: Library, workdir: Path,
                   ) -> list[ImportPlan]:
    """Read and validate every routine in `source` (a routine file, a folder, or a .zip, which
    is unpacked into `workdir`: keep that folder until every plan is applied) and plan where
    each goes. Writes nothing into `user_dir`; raises ShareError if anything is wrong."""
    resolver = ImageResolver(resources.assets_dir())
    files, shown = _files_to_import(source, workdir)
    routines = _validated(source, files, shown, resolver)
    taken = {r.id for r in library.routines} | {r.id for r in routines}
    plans: list[ImportPlan] = []
    for routine in routines:
        source_file = routine.path
        assert source_file is not None
        holder = library.get(routine.id)
        renamed_from: str | None = None
        replaces: Routine | None = None
        if holder is not None and holder.origin is Origin.BUNDLED:
            # bundled routines are read-only: import a copy beside it, as "customise" would
            new_id = custom_id(routine.id, taken)
            taken.add(new_id)
            renamed_from, routine = routine.id, _renamed(routine, new_id, resolver)
        elif holder is not None:
            replaces = holder
        folder = user_dir / routine.id
        plan = ImportPlan(
            routine=routine, source_file=source_file,
            target_file=folder / f"{routine.id}.yaml",
            pictures=tuple((path, folder.joinpath(*name.parts))
                           for path, name in own_pictures(routine)),
            replaces=replaces, renamed_from=renamed_from)
        _check_targets(plan)
        plans.append(plan)
    return plans


# -- import: writing ----------------------------------------------------------------------------


def apply_import(plan: ImportPlan, *, replace: bool = False) -> Path:
    """Write one planned routine and its pictures; returns the routine file written.

    If you already have a routine with its id, `replace` must be True (ask first): the new one
    is written and your old file removed if it was elsewhere (its pictures are left alone).
    """
    if plan.replaces is not None and not replace:
        where = f" in {plan.replaces.path}" if plan.replaces.path else ""
        raise ShareError(f"You already have a routine {plan.replaces.id!r} "
                         f"({plan.replaces.title}){where}. To replace it with the one you are "
                         "importing, import again and answer Replace (on the command line: "
                         "--replace).")
    # prepare_import puts every routine in <user_dir>/<id>/, so this is the user's folder
    user_dir = plan.target_file.parent.parent.resolve()
    targets = [plan.target_file, *(target for _source, target in plan.pictures)]
    outside = [t for t in targets if not t.resolve().is_relative_to(user_dir)]
    if outside:
        raise ShareError(f"Importing {plan.routine.id!r} would write {outside[0]}, outside your "
                         "routines folder (is a folder in it a link?); nothing was imported.")
    try:
        for source, target in plan.pictures:  # the pictures first: the routine then finds them
            if target.is_file() and filecmp.cmp(source, target, shallow=False):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_atomic(source, target, _CHUNK)
        plan.target_file.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(plan.target_file, plan.routine.raw)
        old = plan.replaces.path if plan.replaces is not None else None
        if old is not None and old != plan.target_file.resolve() \
                and old.is_relative_to(user_dir):
            old.unlink(missing_ok=True)
    except OSError as exc:
        raise ShareError(f"BackCare cannot write {exc.filename or plan.target_file}: "
                         f"{exc.strerror or exc}. Check that your routines folder can be "
                         "written to and the disk is not full, then import again.") from None
    return plan.target_file
