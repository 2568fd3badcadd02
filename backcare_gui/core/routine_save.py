"""Where an edited routine is saved, and saving it: the YAML file and the person's own pictures.

A new or customised routine gets a folder of its own in the user's routine folder
(`<routines>/<id>/<id>.yaml`, pictures in `<routines>/<id>/images/`), so two routines' pictures
never clash. An existing user routine is saved where it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from backcare_gui.core.atomic import copy_atomic, write_text_atomic
from backcare_gui.core.routine import Routine
from backcare_gui.core.routine_draft import RoutineDraft, loses_comments, to_yaml
from backcare_gui.core.yamltree import decode

PICTURES_FOLDER = "images"


@dataclass(frozen=True, slots=True)
class SaveTarget:
    file: Path
    # the file's text when the editor opened it; None for a routine not saved yet
    original_text: str | None = None

    @property
    def folder(self) -> Path:
        return self.file.parent

    @property
    def would_lose_comments(self) -> bool:
        """Saving would drop comments someone wrote by hand: the editor asks first."""
        return self.original_text is not None and loses_comments(self.original_text)


def new_target(user_routines: Path, routine_id: str) -> SaveTarget:
    """A fresh folder for a new routine (numbered if a folder of that name is already there)."""
    folder, number = user_routines / routine_id, 1
    while folder.exists():
        number += 1
        folder = user_routines / f"{routine_id}-{number}"
    return SaveTarget(folder / f"{routine_id}.yaml")


def existing_target(routine: Routine) -> SaveTarget:
    """Saving over the person's own routine: its file, and the text it was loaded from (the
    library kept the bytes; no second read)."""
    assert routine.path is not None
    return SaveTarget(routine.path, decode(routine.raw))


def picture_text(source: Path, taken: Iterable[str]) -> str:
    """How a picture of the person's own is written in the routine: `images/<name>`, with a
    name no other picture of this routine has."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", source.stem).strip("-").lower() or "picture"
    suffix = source.suffix.lower()
    used = set(taken)
    candidate, number = f"{PICTURES_FOLDER}/{stem}{suffix}", 1
    while candidate in used:
        number += 1
        candidate = f"{PICTURES_FOLDER}/{stem}-{number}{suffix}"
    return candidate


def draft_pictures(draft: RoutineDraft) -> Iterator[str]:
    for exercise in draft.exercises:
        if exercise.image:
            yield exercise.image
        if exercise.uses_steps:
            yield from (step.image for step in exercise.steps if step.image)


def save_draft(draft: RoutineDraft, target: SaveTarget, pending: Mapping[str, Path]) -> None:
    """Copy the pictures picked since the last save (those still used), then write the YAML.

    Pictures go first: a routine file on disk never names a picture that is not there yet.
    Each file is written whole or not at all.
    """
    used = set(draft_pictures(draft))
    for text, source in pending.items():
        if text in used:
            destination = target.folder / text
            if source.resolve() != destination.resolve():
                copy_atomic(source, destination)
    write_text_atomic(target.file, to_yaml(draft))
