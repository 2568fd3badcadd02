"""validate_ratio: loading and validating 1,000 routine files, over CSafeLoader parsing them."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import yaml

from backcare_gui import resources
from backcare_gui.core.library import load_files
from backcare_gui.core.routine import ImageResolver, Origin
from bench.common import figure, median_of, note

FILES = 1000


def generate(folder: Path, count: int = FILES) -> list[Path]:
    """Variations of the bundled routines: other ids, titles and doses."""
    sources = sorted(resources.routines_dir().glob("*.yaml"))
    rng = random.Random(7)
    paths = []
    for n in range(count):
        text = sources[n % len(sources)].read_text(encoding="utf-8")
        data_id = text.split("\nid: ", 1)[1].split("\n", 1)[0]
        text = text.replace(f"\nid: {data_id}\n", f"\nid: {data_id}-{n}\n")
        text = text.replace("\ntitle: ", f"\ntitle: Variation {n} of ")
        text = text.replace("hold: 5\n", f"hold: {rng.randint(3, 40)}\n")
        text = text.replace("reps: 3\n", f"reps: {rng.randint(1, 12)}\n")
        # pictures must resolve from the routine's folder: point them at the bundled assets
        path = folder / f"routine-{n:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp))
        resolver_assets = resources.assets_dir()

        def ours() -> float:
            start = time.perf_counter()
            routines, problems = load_files(paths, ImageResolver(resolver_assets), Origin.USER)
            elapsed = time.perf_counter() - start
            assert len(routines) == FILES and not problems, problems[:3]
            return elapsed

        def baseline() -> float:
            start = time.perf_counter()
            for path in paths:
                yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            return time.perf_counter() - start

        ours()  # warm the file cache for both
        base = median_of(5, baseline)
        mine = median_of(5, ours)
    note(f"validate: {FILES} files in {mine * 1000:.0f} ms; CSafeLoader alone "
         f"{base * 1000:.0f} ms")
    figure("validate_ratio", mine / base)
