"""The routine library: bundled routines plus the user's own; one bad file stops nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from backcare_gui.core.routine import (
    ImageResolver,
    Origin,
    Problem,
    Routine,
    RoutineFileError,
    load_routine,
)

log = logging.getLogger(__name__)

ROUTINE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Library:
    routines: tuple[Routine, ...]  # sorted by id
    problems: tuple[Problem, ...]  # every problem of every file that could not be used

    def get(self, routine_id: str) -> Routine | None:
        return next((r for r in self.routines if r.id == routine_id), None)

    @property
    def bad_files(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(p.path for p in self.problems))


def routine_files(folder: Path) -> list[Path]:
    """Every *.yaml / *.yml below a folder, in sorted path order (the order that breaks ties)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in ROUTINE_SUFFIXES
                  and p.is_file())


def load_files(paths: Iterable[Path], resolver: ImageResolver, origin: Origin,
               ) -> tuple[list[Routine], list[Problem]]:
    routines: list[Routine] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            routines.append(load_routine(path, resolver, origin))
        except RoutineFileError as exc:
            problems.extend(exc.problems)
        except Exception:  # a bug of ours must not hide the other routines; it is logged
            log.exception("unexpected error loading %s", path)
            problems.append(Problem(path, "BackCare could not read this file (an internal "
                                          "error, written to the log)"))
    return routines, problems


def load_library(bundled_dir: Path, user_dir: Path | None, assets_dir: Path) -> Library:
    """Bundled routines win id clashes, then user files in sorted path order."""
    resolver = ImageResolver(assets_dir)
    bundled, problems = load_files(routine_files(bundled_dir), resolver, Origin.BUNDLED)
    user: list[Routine] = []
    if user_dir is not None:
        user, user_problems = load_files(routine_files(user_dir), resolver, Origin.USER)
        problems += user_problems
    winners: dict[str, Routine] = {}
    for routine in bundled + user:
        holder = winners.get(routine.id)
        if holder is None:
            winners[routine.id] = routine
            continue
        assert routine.path is not None
        where = "one of BackCare's own routines" if holder.origin is Origin.BUNDLED \
            else str(holder.path)
        problems.append(Problem(routine.path, f"the id {routine.id!r} is already used by "
                                              f"{where}; give this routine another id"))
    return Library(tuple(sorted(winners.values(), key=lambda r: r.id)), tuple(problems))
