"""Routine files for tests: the format document's example, and a writer."""

from __future__ import annotations

from pathlib import Path

from backcare_gui import resources
from backcare_gui.core.routine import ImageResolver, Routine, parse_routine

# The example of docs/routine-format.md (issue #2): 289 s = 10 + 100 + 15 + 64 + 15 + 85.
EXAMPLE = """\
format: backcare-routine/1
id: morning-mobility
title: Morning mobility
summary: One line
prepare_seconds: 10
rest_between_exercises: 15
exercises:
  - id: childs-pose
    name: Child's pose
    image: images/childs-pose.svg
    cues: [Sit back toward your heels, Let your arms rest forward]
    cautions: [Only as far as is comfortable for your knees]
    reps: 3
    hold: 30
    rest_between_reps: 5
  - id: cat-cow
    name: Cat-cow
    reps: 8
    steps:
      - name: Cow
        seconds: 4
        image: images/cat-cow-cow.svg
        cue: "Breathe in, let the belly sink"
      - name: Cat
        seconds: 4
        image: images/cat-cow-cat.svg
        cue: "Breathe out, round the back"
  - id: knee-to-chest
    name: Knee to chest
    hold: 5
    reps: 3
    sides: [left, right]
    switch_seconds: 5
    sets: 2
    rest_between_sets: 15
"""


def resolver() -> ImageResolver:
    return ImageResolver(resources.assets_dir())


def parse(text: str, path: Path | None = None) -> Routine:
    return parse_routine(text, path or Path("/tmp/routine.yaml"), resolver())


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def minimal(routine_id: str = "mini", hold: str = "5", extra: str = "") -> str:
    return (f"format: backcare-routine/1\nid: {routine_id}\ntitle: Mini\n{extra}"
            f"exercises:\n  - id: one\n    name: One\n    hold: {hold}\n")
